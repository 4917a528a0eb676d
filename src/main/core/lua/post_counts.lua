-- What a post shows next to its text, in one round trip on the post's slot (U2, U4).
-- KEYS[1] {post:<id>}:likes:count   KEYS[2] {post:<id>}:comments:count   KEYS[3] {post:<id>}:likes:users
-- ARGV[1] viewer username, or '' for none; ARGV[2] the like keys' TTL once written back (s), or ''
-- Returns {likes, comments, likedByViewer}: -1 for a counter that is not cached (the caller reads
-- the store), and likedByViewer -1 when there is no viewer or the like set must be rebuilt first
-- (it was evicted apart from its counter).
-- R2, renewed on use: written-back like keys whose TTL has run below half get it whole again.
local likes = redis.call('GET', KEYS[1])
local comments = redis.call('GET', KEYS[2])
local liked = -1
if likes and ARGV[1] ~= '' then
  if tonumber(likes) > 0 and redis.call('EXISTS', KEYS[3]) == 0 then
    liked = -1
  else
    liked = redis.call('SISMEMBER', KEYS[3], ARGV[1])
  end
end
if likes and ARGV[2] and ARGV[2] ~= '' then
  local ttl = redis.call('TTL', KEYS[1])
  if ttl >= 0 and ttl * 2 < tonumber(ARGV[2]) then
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    redis.call('EXPIRE', KEYS[3], ARGV[2])
  end
end
return {likes and tonumber(likes) or -1, comments and tonumber(comments) or -1, liked}
