-- The top of a ranking in one round trip, or nothing when it must be rebuilt first (U3).
-- KEYS[1] the ranking   KEYS[2] {<ranking>}:built (same slot: it hashes the ranking's name)
-- ARGV[1] how many, ARGV[2] 'window': a ranking that is there is good as it is (its built marker
-- expires 60 s after a recompute), or 'all': only a built ranking is complete (a wipe drops it)
-- Returns the flat [member, score, ...] list, or false (nil) when the caller must rebuild.
if redis.call('EXISTS', KEYS[2]) == 0 and (ARGV[2] == 'all' or redis.call('EXISTS', KEYS[1]) == 0) then
  return false
end
return redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
