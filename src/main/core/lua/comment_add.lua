-- Record a new comment in the cache in one atomic step (U4): push onto the cached list and raise
-- the cached count, touching only what is cached (a missing key is rebuilt from the store on read).
-- Once per operation (R8): a resent command finds its op id and changes nothing.
-- KEYS[1] {post:<id>}:comments   KEYS[2] {post:<id>}:comments:count   KEYS[3] {post:<id>}:ops
-- ARGV[1] comment JSON, ARGV[2] max list length, ARGV[3] ttl seconds, ARGV[4] op id,
-- ARGV[5] how long an op is remembered (s)
-- Returns the new count, or -1 when the count was not cached or this is a replay.
-- remember(ops, member, ttl) comes from ops_log.lua, put in front of this file when it is loaded.
if redis.call('ZSCORE', KEYS[3], ARGV[4]) then
  return -1
end
remember(KEYS[3], ARGV[4], ARGV[5])
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('LPUSH', KEYS[1], ARGV[1])
  redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  local n = redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  return n
end
return -1
