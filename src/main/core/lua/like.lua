-- Like a post once per user (L1), atomically on the post's slot, and once per operation (R8).
-- KEYS[1] {post:<id>}:likes:count   KEYS[2] {post:<id>}:likes:users   KEYS[3] {post:<id>}:ops
-- KEYS[4] {post:<id>}:likes:dirty
-- ARGV[1] username, ARGV[2] op id, ARGV[3] how long an op is remembered (s), ARGV[4] '1' when
-- the caller has just rebuilt the post from the store: a count with no like set is then what the
-- store has (counts imported without like records), not a set evicted apart from its counter
-- Returns {changed, count}: changed is 1 when the like took effect, 0 when there was nothing to do
-- (already liked). The same operation run again (ioredis resent it) returns its first run's
-- changed with the current count, so a like whose reply was lost still reports changed=1 and its
-- side effects are not skipped.
-- Returns {-1, 0} when the counter is missing, or its like set is (evicted apart from it): the
-- caller rebuilds both from the store and retries, so a lost counter is never silently restarted
-- at 0 (R2) and a second like by the same user is never let through.
-- R2: a change raises the dirty number and takes the TTL off the post's keys: they never expire
-- until the sync engine has written them back (likes_settle.lua gives the TTL back).
-- Called with two keys and one argument (the bench's raw baseline), it runs without op ids.
-- remember(ops, member, ttl) comes from ops_log.lua, put in front of this file when it is loaded.
local ops, id, dirty = KEYS[3], ARGV[2], KEYS[4]
local current = redis.call('GET', KEYS[1])
if not current or (tonumber(current) > 0 and ARGV[4] ~= '1' and redis.call('EXISTS', KEYS[2]) == 0) then
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
  result = {0, tonumber(current)}
else
  result = {1, redis.call('INCR', KEYS[1])}
end
if ops then
  remember(ops, id .. '.' .. result[1], ARGV[3])
end
-- A post that was dirty already has no TTL on its keys (settling gives them one and deletes the
-- number in one step), so only the first change since the last write-back takes it off.
if dirty and result[1] == 1 and redis.call('INCR', dirty) == 1 then
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[2])
  redis.call('PERSIST', ops)
end
return result
