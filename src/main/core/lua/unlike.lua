-- Take back a like (L1): the exact reverse of like.lua, atomically on the post's slot.
-- KEYS[1] {post:<id>}:likes:count   KEYS[2] {post:<id>}:likes:users
-- ARGV[1] username
-- Returns {changed, count}; {-1, 0} when the counter is missing (rebuild from the store, retry).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1, 0}
end
if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then
  return {0, tonumber(redis.call('GET', KEYS[1]))}
end
return {1, redis.call('DECR', KEYS[1])}
