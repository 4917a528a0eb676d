#!lua flags=allow-cross-slot-keys,no-writes
-- GET of keys of several hash tags that one master serves, in one round trip (the write-back
-- reads each dirty post's counter and dirty number: one MGET per post was one command each).
-- Like post_counts_many.lua, it reaches keys of several slots of the node it runs on: one whose
-- slot has moved since, or is open in a move, fails the script, and the caller reads post by post.
-- KEYS[1] the first key: it routes the call to the master. ARGV the keys to read (KEYS[1] too).
-- Returns their values in order, nil for a missing key.
local out = {}
for i = 1, #ARGV do
  out[i] = redis.call('GET', ARGV[i])
end
return out
