-- Add to members' scores in one ranking ZSET and drop a member when it reaches 0, so an unliked
-- post leaves the ranking instead of staying at score 0.
-- KEYS[1] the ranking (trending:posts, trending:posts:1h, trending:posts:24h)
-- ARGV[1] "1" = only if the key exists, then pairs: ARGV[2k] increment, ARGV[2k+1] member (post id)
-- Returns how many members were changed, or -1 when skipped because the key is absent (it is
-- rebuilt from the like log on its next read).
if ARGV[1] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then
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
