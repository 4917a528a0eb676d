-- Set one field of a HASH only when the HASH is there: a missing one is rebuilt whole later, and a
-- lone field would make it look complete.
-- KEYS[1] the HASH   ARGV[1] field, ARGV[2] value
-- Returns 1 when it wrote, 0 when the HASH was missing.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
