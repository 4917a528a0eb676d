-- Record a sent message in the cache in one atomic step (U5): append to the cached conversation
-- (if cached) and raise the recipient's unread counter, both on the conversation's slot. Once per
-- operation (R8): unread has no TTL, so a resent +1 would stay wrong. The op is remembered first,
-- so a replay of a call that found no unread HASH stays a no-op once the HASH was rebuilt.
-- KEYS[1] {conv:<a>::<b>}:messages   KEYS[2] {conv:<a>::<b>}:unread (HASH username -> count)
-- KEYS[3] {conv:<a>::<b>}:ops
-- ARGV[1] message JSON, ARGV[2] recipient, ARGV[3] max list length, ARGV[4] ttl seconds,
-- ARGV[5] op id, ARGV[6] how long an op is remembered (s)
-- Returns the recipient's unread count; -1 when the unread HASH is missing (a wipe: the next read
-- rebuilds it from the store, which has this message already) or for a replay.
-- remember(ops, member, ttl) comes from ops_log.lua, put in front of this file when it is loaded.
if redis.call('ZSCORE', KEYS[3], ARGV[5]) then
  return -1
end
remember(KEYS[3], ARGV[5], ARGV[6])
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RPUSH', KEYS[1], ARGV[1])
  redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
  redis.call('EXPIRE', KEYS[1], ARGV[4])
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  return -1
end
return redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
