-- Rebuild a post's like counter and like set from the store, unless they are there (R2); and make
-- sure the post's ops ZSET (R8) is there too, so a like during a slot migration finds all its keys.
-- KEYS[1] {post:<id>}:likes:count   KEYS[2] {post:<id>}:likes:users   KEYS[3] {post:<id>}:ops
-- KEYS[4] {post:<id>}:likes:dirty
-- ARGV[1] TTL in seconds for what it writes (it equals the store, so it may be evicted), ARGV[2]
-- count, ARGV[3..n] usernames who liked
-- Returns 1 when it wrote, 0 when it left things as they were. A counter with its like set (or a
-- count of 0, which has none) is complete. A missing counter is rebuilt (the store is the best
-- witness left); a like set missing beside its counter too, unless the post has changes not yet
-- written back (its dirty number is there): then the counter is live state, never overwritten.
-- What it writes equals the store, so it gets the TTL, unless the post is dirty: its pending
-- changes are still to be written back and settled (likes_settle.lua).
local count = redis.call('GET', KEYS[1])
local dirty = redis.call('EXISTS', KEYS[4]) == 1
if count and (tonumber(count) == 0 or redis.call('EXISTS', KEYS[2]) == 1 or dirty) then
  redis.call('ZADD', KEYS[3], 'NX', '+inf', '~')
  return 0
end
local ttl = ARGV[1]
redis.call('DEL', KEYS[2])
local batch = {}
for i = 3, #ARGV do
  batch[#batch + 1] = ARGV[i]
  if #batch == 1000 then
    redis.call('SADD', KEYS[2], unpack(batch))
    batch = {}
  end
end
if #batch > 0 then
  redis.call('SADD', KEYS[2], unpack(batch))
end
redis.call('SET', KEYS[1], ARGV[2])
local created = redis.call('ZADD', KEYS[3], 'NX', '+inf', '~') == 1
if not dirty then
  redis.call('EXPIRE', KEYS[1], ttl)
  if #ARGV > 2 then
    redis.call('EXPIRE', KEYS[2], ttl)
  end
  if created then
    redis.call('EXPIRE', KEYS[3], ttl)
  end
end
return 1
