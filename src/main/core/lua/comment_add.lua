-- Record a new comment in the cache in one atomic step (U4): push onto the cached list and raise
-- the cached count, touching only what is cached (a missing key is rebuilt from the store on read).
-- Once per operation (R8): a resent command finds its marker and changes nothing.
-- KEYS[1] {post:<id>}:comments   KEYS[2] {post:<id>}:comments:count   KEYS[3] {post:<id>}:op:<opId>
-- ARGV[1] comment JSON, ARGV[2] max list length, ARGV[3] ttl seconds, ARGV[4] op marker ttl seconds
-- Returns the new count, or -1 when the count was not cached (a replay returns its first run's).
local seen = redis.call('GET', KEYS[3])
if seen then
  return tonumber(seen)
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('LPUSH', KEYS[1], ARGV[1])
  redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
local n = -1
if redis.call('EXISTS', KEYS[2]) == 1 then
  n = redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
redis.call('SET', KEYS[3], n, 'EX', ARGV[4])
return n
