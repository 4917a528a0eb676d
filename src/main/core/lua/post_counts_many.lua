#!lua flags=allow-cross-slot-keys,allow-oom
-- post_counts.lua for the posts of a feed page that one master serves, in one round trip (the
-- only script that touches several hash tags: each post's keys stay on its own slot, and Redis
-- 7 lets a script flagged allow-cross-slot-keys reach keys of several slots of the node it runs
-- on; one whose slot is elsewhere, or open in a move, fails the script, and the caller asks post
-- by post). KEYS[1] a key of the first post: it routes the call to the master.
-- ARGV[1] viewer username, or ''; ARGV[2] the like keys' TTL once written back (s), or '';
-- ARGV[3..5] what follows a post's hash tag in its likes:count, comments:count and likes:users
-- keys (from keys.ts); then the hash tag of each post, braces included.
-- Returns per post the three numbers of post_counts.lua, flat. allow-oom: a read that may renew
-- TTLs, which post_counts.lua (a script with no flags) may do when Redis is out of memory too.
local out = {}
local ttlWhole = ARGV[2] ~= '' and tonumber(ARGV[2]) or nil
for i = 6, #ARGV do
  local countKey, commentsKey, usersKey = ARGV[i] .. ARGV[3], ARGV[i] .. ARGV[4], ARGV[i] .. ARGV[5]
  local likes = redis.call('GET', countKey)
  local comments = redis.call('GET', commentsKey)
  local liked = -1
  if likes and ARGV[1] ~= '' then
    if tonumber(likes) > 0 and redis.call('EXISTS', usersKey) == 0 then
      liked = -1
    else
      liked = redis.call('SISMEMBER', usersKey, ARGV[1])
    end
  end
  if likes and ttlWhole then
    local ttl = redis.call('TTL', countKey)
    if ttl >= 0 and ttl * 2 < ttlWhole then
      redis.call('EXPIRE', countKey, ttlWhole)
      redis.call('EXPIRE', usersKey, ttlWhole)
    end
  end
  out[#out + 1] = likes and tonumber(likes) or -1
  out[#out + 1] = comments and tonumber(comments) or -1
  out[#out + 1] = liked
end
return out
