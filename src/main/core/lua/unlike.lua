-- Take back a like (L1): the exact reverse of like.lua, atomically on the post's slot, once per
-- operation (R8).
-- KEYS[1] {post:<id>}:likes:count   KEYS[2] {post:<id>}:likes:users   KEYS[3] {post:<id>}:op:<opId>
-- ARGV[1] username, ARGV[2] op marker ttl seconds
-- Returns {changed, count} (a replay returns its first run's); {-1, 0} when the counter is
-- missing (rebuild from the store, retry).
-- Called with two keys (the failover drill's writers), it runs without an op marker.
local marker = KEYS[3]
local seen = marker and redis.call('GET', marker)
if seen then
  local changed, count = string.match(seen, '^(%-?%d+):(%-?%d+)$')
  return {tonumber(changed), tonumber(count)}
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1, 0}
end
local result
if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then
  result = {0, tonumber(redis.call('GET', KEYS[1]))}
else
  result = {1, redis.call('DECR', KEYS[1])}
end
if marker then
  redis.call('SET', marker, result[1] .. ':' .. result[2], 'EX', ARGV[2])
end
return result
