#!lua flags=allow-cross-slot-keys,no-writes
-- What a full sync pass needs of a page of like counters that one master serves (SCAN found
-- them there), in one round trip instead of four or five commands per post. Like
-- post_counts_many.lua, it reads keys of several slots of the node it runs on: one whose slot
-- has moved since, or is open in a move, fails the script, and the caller reads key by key.
-- KEYS[1] the counter of the page's first post: it routes the call to the master.
-- ARGV[1] the largest like set returned whole (a larger one is left for SSCAN); ARGV[2..4] what
-- follows a post's hash tag in its likes:count, likes:dirty and likes:users keys (from keys.ts);
-- then the hash tag of each post, braces included.
-- Returns {settled, i, dirty, count, members, i, dirty, count, members, ...}: settled counts the
-- posts written back already (a counter with a TTL and no dirty number: the store has it); then,
-- for each post that is not, its place among the tags (1-based), its dirty number (nil for
-- none), its counter, and its like set (nil when larger than ARGV[1]). A post whose counter is
-- gone since the SCAN is in neither.
local limit = tonumber(ARGV[1])
local settled = 0
local out = {0}
for i = 5, #ARGV do
  local countKey = ARGV[i] .. ARGV[2]
  local count = redis.call('GET', countKey)
  if count then
    local dirty = redis.call('GET', ARGV[i] .. ARGV[3])
    if not dirty and redis.call('PTTL', countKey) >= 0 then
      settled = settled + 1
    else
      local usersKey = ARGV[i] .. ARGV[4]
      local members = false
      if redis.call('SCARD', usersKey) <= limit then
        members = redis.call('SMEMBERS', usersKey)
      end
      out[#out + 1] = i - 4
      out[#out + 1] = dirty or false
      out[#out + 1] = count
      out[#out + 1] = members
    end
  end
end
out[1] = settled
return out
