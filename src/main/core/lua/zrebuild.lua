-- Fill a ranking rebuilt from the store, once: a built ranking holds a '~' member at -inf (never
-- a post id, never in a top unless the ranking has fewer posts), so it exists even when no post is
-- in it, and increments (zincr_floor.lua) apply only to a ranking that exists.
-- KEYS[1] the ranking   ARGV[1..] pairs: ARGV[2k-1] score, ARGV[2k] member (post id)
-- Returns 1 when it wrote, 0 when the ranking was there already.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('ZADD', KEYS[1], '-inf', '~')
local batch = {}
for i = 1, #ARGV, 2 do
  batch[#batch + 1] = ARGV[i]
  batch[#batch + 1] = ARGV[i + 1]
  if #batch == 1000 then
    redis.call('ZADD', KEYS[1], unpack(batch))
    batch = {}
  end
end
if #batch > 0 then
  redis.call('ZADD', KEYS[1], unpack(batch))
end
return 1
