-- Raise a counter only when it is there; a missing counter is loaded from the store by the
-- caller, whose count already includes this change (U7). Once per operation (R8): the marker is
-- set first, so a replay changes nothing even when the counter was loaded in between (the store
-- count it was loaded from already has this item).
-- KEYS[1] the counter   KEYS[2] {<counter>}:op:<opId> (same slot: it hashes the counter's name)
-- ARGV[1] increment, ARGV[2] op marker ttl seconds
-- Returns the new value, or false (nil) when the counter is missing or this is a replay.
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then
  return false
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
return redis.call('INCRBY', KEYS[1], ARGV[1])
