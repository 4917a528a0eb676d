-- Rebuild a post's like counter and like set from the store, unless someone already did; and make
-- sure the post's ops ZSET (R8) is there too, so a like during a slot migration finds all its keys.
-- KEYS[1] {post:<id>}:likes:count   KEYS[2] {post:<id>}:likes:users   KEYS[3] {post:<id>}:ops
-- ARGV[1] count, ARGV[2..n] usernames who liked
-- Returns 1 when it wrote, 0 when the counter already existed (never overwrites live state).
redis.call('ZADD', KEYS[3], 'NX', '+inf', '~')
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('DEL', KEYS[2])
local batch = {}
for i = 2, #ARGV do
  batch[#batch + 1] = ARGV[i]
  if #batch == 1000 then
    redis.call('SADD', KEYS[2], unpack(batch))
    batch = {}
  end
end
if #batch > 0 then
  redis.call('SADD', KEYS[2], unpack(batch))
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
