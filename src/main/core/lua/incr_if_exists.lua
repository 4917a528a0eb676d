-- Raise a counter only when it is there; a missing counter is loaded from the store by the
-- caller, whose count already includes this change (U7). Once per operation (R8): the op is
-- remembered first, so a replay changes nothing even when the counter was loaded in between (the
-- store count it was loaded from already has this item).
-- KEYS[1] the counter   KEYS[2] {<counter>}:ops (same slot: it hashes the counter's name)
-- ARGV[1] increment, ARGV[2] op id, ARGV[3] how long an op is remembered (s)
-- Returns the new value, or false (nil) when the counter is missing or this is a replay.
-- remember(ops, member, ttl) comes from ops_log.lua, put in front of this file when it is loaded.
if redis.call('ZSCORE', KEYS[2], ARGV[2]) then
  return false
end
remember(KEYS[2], ARGV[2], ARGV[3])
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
return redis.call('INCRBY', KEYS[1], ARGV[1])
