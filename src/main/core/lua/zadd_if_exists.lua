-- Add one member to a cached ZSET only when the ZSET is there: a missing one is rebuilt whole from
-- the store later, and a lone member with no TTL would pass for the whole list for good. Checked
-- and written in one step: between an EXISTS and a ZADD sent apart the list may expire.
-- KEYS[1] the ZSET   ARGV[1] score, ARGV[2] member
-- Returns 1 when it wrote, 0 when the ZSET was missing.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return 1
