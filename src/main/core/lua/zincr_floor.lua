-- Add to members' scores in one ranking ZSET and drop a member when it reaches 0, so an unliked
-- post leaves the ranking instead of staying at score 0. Once per operation (R8): a batch resent
-- by ioredis finds its marker and is not added twice.
-- KEYS[1] the ranking (trending:posts, trending:posts:1h, trending:posts:24h)
-- KEYS[2] {<ranking>}:op:<opId>   KEYS[3] {<ranking>}:built (same slot: both hash the ranking's name)
-- ARGV[1] op marker ttl seconds, then pairs: ARGV[2k] increment, ARGV[2k+1] member (post id)
-- Applies only when the ranking exists or is marked built (complete, possibly empty); otherwise
-- returns -1: a ranking that is not there is rebuilt whole on its next read, and one like must not
-- start it over. Returns how many members were changed, -2 for a replay. The marker is set first,
-- so a replay of a skipped batch stays skipped (the rebuild may already count its likes).
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
  return -2
end
if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('EXISTS', KEYS[3]) == 0 then
  return -1
end
local changed = 0
for i = 2, #ARGV, 2 do
  local score = tonumber(redis.call('ZINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]))
  if score <= 0 then
    redis.call('ZREM', KEYS[1], ARGV[i + 1])
  end
  changed = changed + 1
end
return changed
