#!lua flags=allow-cross-slot-keys,allow-oom
-- likes_settle.lua for several written-back posts that one master serves, in one round trip.
-- Like post_counts_many.lua, it reaches keys of several slots of the node it runs on: one whose
-- slot has moved since, or is open in a move, fails the script, and the caller settles post by
-- post. allow-oom: settling is what frees memory (the keys get a TTL, volatile-lru evicts them).
-- KEYS[1] the counter of the first post: it routes the call to the master.
-- ARGV[1] TTL in seconds; ARGV[2..5] what follows a post's hash tag in its likes:count,
-- likes:users, ops and likes:dirty keys (from keys.ts); then per post its hash tag, braces
-- included, and the dirty number the write-back saw ('' for none).
-- Returns per post what likes_settle.lua returns: 1 settled, 0 changed since, -1 counter gone.
local out = {}
for i = 6, #ARGV, 2 do
  local tag = ARGV[i]
  local countKey, dirtyKey = tag .. ARGV[2], tag .. ARGV[5]
  if redis.call('EXISTS', countKey) == 0 then
    out[#out + 1] = -1
  elseif (redis.call('GET', dirtyKey) or '') ~= ARGV[i + 1] then
    out[#out + 1] = 0
  else
    redis.call('DEL', dirtyKey)
    redis.call('EXPIRE', countKey, ARGV[1])
    redis.call('EXPIRE', tag .. ARGV[3], ARGV[1])
    redis.call('EXPIRE', tag .. ARGV[4], ARGV[1])
    out[#out + 1] = 1
  end
end
return out
