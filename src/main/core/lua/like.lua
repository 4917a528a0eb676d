-- Like a post once per user (L1), atomically on the post's slot, and once per operation (R8).
-- KEYS[1] {post:<id>}:likes:count   KEYS[2] {post:<id>}:likes:users   KEYS[3] {post:<id>}:ops
-- ARGV[1] username, ARGV[2] op id, ARGV[3] how long an op is remembered (s)
-- Returns {changed, count}: changed is 1 when the like took effect, 0 when there was nothing to do
-- (already liked). The same operation run again (ioredis resent it) returns its first run's
-- changed with the current count, so a like whose reply was lost still reports changed=1 and its
-- side effects are not skipped.
-- Returns {-1, 0} when the counter is missing: the caller rebuilds it from the store and retries,
-- so a lost counter is never silently restarted at 0 (R2).
-- Called with two keys and one argument (the failover drill's writers), it runs without op ids.
-- R8: remember op `member` in the tag's ops ZSET (score = ms), dropping entries older than ttl s;
-- the '~' member at +inf keeps the ZSET in existence, so the key is there whenever a script needs
-- it (a script whose keys are only partly there during a slot migration gets TRYAGAIN).
local function remember(ops, member, ttl)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', ops, '-inf', '(' .. (now - tonumber(ttl) * 1000))
  redis.call('ZADD', ops, now, member, '+inf', '~')
end
local ops, id = KEYS[3], ARGV[2]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1, 0}
end
if ops then
  for _, changed in ipairs({1, 0}) do
    if redis.call('ZSCORE', ops, id .. '.' .. changed) then
      return {changed, tonumber(redis.call('GET', KEYS[1]))}
    end
  end
end
local result
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then
  result = {0, tonumber(redis.call('GET', KEYS[1]))}
else
  result = {1, redis.call('INCR', KEYS[1])}
end
if ops then
  remember(ops, id .. '.' .. result[1], ARGV[3])
end
return result
