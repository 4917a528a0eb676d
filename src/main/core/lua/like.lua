-- Like a post once per user (L1), atomically on the post's slot.
-- KEYS[1] {post:<id>}:likes:count   KEYS[2] {post:<id>}:likes:users
-- ARGV[1] username
-- Returns {changed, count}: changed is 1 when the like is new, 0 when the user had already liked.
-- Returns {-1, 0} when the counter is missing: the caller rebuilds it from the store and retries,
-- so a lost counter is never silently restarted at 0 (R2).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1, 0}
end
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then
  return {0, tonumber(redis.call('GET', KEYS[1]))}
end
return {1, redis.call('INCR', KEYS[1])}
