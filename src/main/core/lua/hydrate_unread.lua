-- Rebuild a conversation's unread HASH from the store's counts, unless someone already did (the
-- HASH existing means it is complete: it holds both participants once rebuilt).
-- KEYS[1] {conv:<a>::<b>}:unread   ARGV[1] a, ARGV[2] a's count, ARGV[3] b, ARGV[4] b's count
-- Returns 1 when it wrote, 0 when the HASH was there.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
return 1
