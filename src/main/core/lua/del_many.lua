#!lua flags=allow-cross-slot-keys,allow-oom
-- DEL of keys of several hash tags that one master serves, in one round trip (a post's fan-out
-- drops its followers' feeds: one DEL per follower was one command each). Like
-- post_counts_many.lua, it reaches keys of several slots of the node it runs on: one whose slot
-- has moved since, or is open in a move, fails the script, and the caller deletes key by key.
-- allow-oom: deleting frees memory.
-- KEYS[1] the first key: it routes the call to the master. ARGV[1] how many keys go in each DEL
-- (one user's keys, on one slot: one command instead of one per key), then the keys to delete
-- (KEYS[1] too), a multiple of ARGV[1].
-- Returns how many keys existed.
local per = tonumber(ARGV[1])
local n = 0
for i = 2, #ARGV, per do
  n = n + redis.call('DEL', unpack(ARGV, i, i + per - 1))
end
return n
