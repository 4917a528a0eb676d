-- R2: after the sync engine wrote a post's counter (and who liked it) to the store, give the post's
-- like keys their TTL, so volatile-lru may evict them and the next read rebuilds them from the store.
-- Only when nothing changed since the write-back read them: their dirty number is still the one it
-- saw (or still absent). Otherwise a newer change is not in the store yet, and they stay as they are.
-- KEYS[1] {post:<id>}:likes:count   KEYS[2] {post:<id>}:likes:users   KEYS[3] {post:<id>}:ops
-- KEYS[4] {post:<id>}:likes:dirty
-- ARGV[1] the dirty number the write-back saw ('' for none), ARGV[2] TTL in seconds
-- Returns 1 when it settled the keys, 0 when they changed meanwhile, -1 when the counter is gone.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local seen = redis.call('GET', KEYS[4]) or ''
if seen ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[4])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[2])
return 1
