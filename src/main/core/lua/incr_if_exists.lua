-- Raise a counter only when it is there; a missing counter is loaded from the store by the
-- caller, whose count already includes this change (U7).
-- KEYS[1] the counter   ARGV[1] increment
-- Returns the new value, or false (nil) when the counter is missing.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
