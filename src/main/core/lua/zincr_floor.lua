-- Add to one member's score in one ranking ZSET and drop the member when it reaches 0, so an
-- unliked post leaves the ranking instead of staying at score 0.
-- KEYS[1] the ranking (trending:posts, trending:posts:1h, trending:posts:24h)
-- ARGV[1] increment (1 or -1), ARGV[2] member (post id), ARGV[3] "1" = only if the key exists
-- Returns the new score, or -1 when skipped because the key is absent (rebuilt on next read).
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local score = tonumber(redis.call('ZINCRBY', KEYS[1], ARGV[1], ARGV[2]))
if score <= 0 then
  redis.call('ZREM', KEYS[1], ARGV[2])
  return 0
end
return score
