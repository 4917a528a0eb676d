-- Fill a ranking (or the like log) rebuilt from the store, once: the built marker says it was
-- done, and increments (zincr_floor.lua) apply only once the ranking exists or is built.
-- KEYS[1] the ZSET   KEYS[2] {<zset>}:built (same slot: it hashes the ZSET's name)
-- ARGV[1] 'replace' (drop what is there first) or 'merge' (keep members already there: the like
-- log's live entries are newer than the store's), then pairs: ARGV[2k] score, ARGV[2k+1] member
-- Returns 1 when it wrote, 0 when the ZSET was already built.
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 0
end
if ARGV[1] == 'replace' then
  redis.call('DEL', KEYS[1])
end
local batch = {}
for i = 2, #ARGV, 2 do
  batch[#batch + 1] = ARGV[i]
  batch[#batch + 1] = ARGV[i + 1]
  if #batch == 1000 then
    redis.call('ZADD', KEYS[1], 'NX', unpack(batch))
    batch = {}
  end
end
if #batch > 0 then
  redis.call('ZADD', KEYS[1], 'NX', unpack(batch))
end
redis.call('SET', KEYS[2], '1')
return 1
