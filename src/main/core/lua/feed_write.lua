-- F1: write a feed's first page built from the store, unless the feed was invalidated meanwhile.
-- The build set KEYS[2] to its token before it read the store; every invalidation deletes KEYS[2]
-- with the feed. So a page whose store read may predate a post or a follow is not cached.
-- KEYS[1] {user:<name>}:feed:<kind>   KEYS[2] {user:<name>}:feed:<kind>:build
-- ARGV[1] token, ARGV[2] TTL in seconds, ARGV[3..n] the list's items (header first)
-- Returns 1 when it wrote, 0 when the token was gone or replaced (another build owns it).
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
