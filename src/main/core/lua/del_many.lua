#!lua flags=allow-cross-slot-keys,allow-oom
-- DEL of keys of several hash tags that one master serves, in one round trip (a post's fan-out
-- drops its followers' feeds: one DEL per follower was one command each). Like
-- post_counts_many.lua, it reaches keys of several slots of the node it runs on: one whose slot
-- has moved since, or is open in a move, fails the script, and the caller deletes key by key.
-- allow-oom: deleting frees memory.
-- KEYS[1] the first key: it routes the call to the master. ARGV[1] how many keys each tag has
-- (n), ARGV[2..n+1] what follows the tag in each of them, then the tags (braces included). Each
-- tag's keys are one DEL (one slot).
-- Returns how many keys existed.
local per = tonumber(ARGV[1])
local suffixes = {}
for k = 1, per do suffixes[k] = ARGV[1 + k] end
local doomed = {}
local n = 0
for i = per + 2, #ARGV do
  for k = 1, per do doomed[k] = ARGV[i] .. suffixes[k] end
  n = n + redis.call('DEL', unpack(doomed))
end
return n
