-- Add to members' scores in one ranking ZSET and drop a member when it reaches 0, so an unliked
-- post leaves the ranking instead of staying at score 0. Once per operation (R8): a batch resent
-- by ioredis finds its op id and is not added twice.
-- KEYS[1] the ranking (trending:posts, trending:posts:1h, trending:posts:24h)
-- KEYS[2] {<ranking>}:ops (same slot: it hashes the ranking's name)
-- ARGV[1] op id, ARGV[2] how long an op is remembered (s), then pairs: ARGV[2k+1] increment,
-- ARGV[2k+2] member (post id)
-- Applies only when the ranking exists (a built ranking always holds its '~' member at -inf, so
-- it exists even with no post in it); otherwise returns -1: a ranking that is not there is rebuilt
-- whole on its next read, and one like must not start it over. Returns how many members were changed, -2 for a replay. The op is remembered
-- first, so a replay of a skipped batch stays skipped (the rebuild may already count its likes).
-- R8: remember op `member` in the tag's ops ZSET (score = ms), dropping entries older than ttl s;
-- the '~' member at +inf keeps the ZSET in existence, so the key is there whenever a script needs
-- it (a script whose keys are only partly there during a slot migration gets TRYAGAIN).
local function remember(ops, member, ttl)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', ops, '-inf', '(' .. (now - tonumber(ttl) * 1000))
  redis.call('ZADD', ops, now, member, '+inf', '~')
end
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  return -2
end
remember(KEYS[2], ARGV[1], ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local changed = 0
for i = 3, #ARGV, 2 do
  local score = tonumber(redis.call('ZINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]))
  if score <= 0 then
    redis.call('ZREM', KEYS[1], ARGV[i + 1])
  end
  changed = changed + 1
end
return changed
