-- What a post shows next to its text, in one round trip on the post's slot (U2, U4).
-- KEYS[1] {post:<id>}:likes:count   KEYS[2] {post:<id>}:comments:count   KEYS[3] {post:<id>}:likes:users
-- ARGV[1] viewer username, or '' for none
-- Returns {likes, comments, likedByViewer}: -1 for a counter that is not cached (the caller reads
-- the store), and likedByViewer -1 when there is no viewer or the like set must be rebuilt first.
local likes = redis.call('GET', KEYS[1])
local comments = redis.call('GET', KEYS[2])
local liked = -1
if likes and ARGV[1] ~= '' then
  liked = redis.call('SISMEMBER', KEYS[3], ARGV[1])
end
return {likes and tonumber(likes) or -1, comments and tonumber(comments) or -1, liked}
