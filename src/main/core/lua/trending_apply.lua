-- U3: a batch of like changes applied to one partial of the trending keys (keys.trending), in one
-- step on its slot: the like log, the 1 h and 24 h windows and the all-time ranking. Once per
-- operation (R8): a batch resent by ioredis finds its op id and changes nothing.
-- KEYS[1] all-time ranking   KEYS[2] 1 h window   KEYS[3] 24 h window   KEYS[4] like log
-- KEYS[5] ops log (all five share the partial's tag)
-- ARGV[1] op id, ARGV[2] how long an op is remembered (s), ARGV[3] now (ms), ARGV[4] how many
-- members the all-time ranking keeps, then quads: post id, username, 1 = liked / 0 = unliked, the
-- post's like count after the change.
-- The all-time ranking takes each post's count as it is (a set, not an add), so it can be capped
-- at its top and a post that fell out of it comes back with its true count. The windows count the
-- likes in the log that are younger than their span: a like enters them when it enters the log,
-- an unlike leaves those that still hold its like. A ranking or window that is not there (never
-- built, expired, wiped) is left alone: it is rebuilt whole on its next read. A built one holds a
-- '~' member at -inf, so it exists even with no post in it.
-- Returns how many changes were applied, or -2 for a replay.
-- remember(ops, member, ttl) comes from ops_log.lua, put in front of this file when it is loaded.
if redis.call('ZSCORE', KEYS[5], ARGV[1]) then
  return -2
end
remember(KEYS[5], ARGV[1], ARGV[2])
local now, cap = tonumber(ARGV[3]), tonumber(ARGV[4])
local all = redis.call('EXISTS', KEYS[1]) == 1
local windows = {}
for i, span in ipairs({3600000, 86400000}) do
  if redis.call('EXISTS', KEYS[1 + i]) == 1 then
    windows[#windows + 1] = {key = KEYS[1 + i], since = now - span}
  end
end
local function bump(window, post, by)
  local score = tonumber(redis.call('ZINCRBY', window.key, by, post))
  if score <= 0 then
    redis.call('ZREM', window.key, post)
  end
end
local applied = 0
for i = 5, #ARGV, 4 do
  local post, member, liked, count = ARGV[i], ARGV[i] .. '|' .. ARGV[i + 1], ARGV[i + 2] == '1', tonumber(ARGV[i + 3])
  if liked then
    if redis.call('ZADD', KEYS[4], 'NX', now, member) == 1 then
      for _, w in ipairs(windows) do bump(w, post, 1) end
    end
  else
    local at = redis.call('ZSCORE', KEYS[4], member)
    if at then
      redis.call('ZREM', KEYS[4], member)
      for _, w in ipairs(windows) do
        if tonumber(at) >= w.since then bump(w, post, -1) end
      end
    end
  end
  if all then
    if count > 0 then
      redis.call('ZADD', KEYS[1], count, post)
    else
      redis.call('ZREM', KEYS[1], post)
    end
  end
  applied = applied + 1
end
if all then
  local size = redis.call('ZCARD', KEYS[1])
  if size > cap + 1 then
    redis.call('ZREMRANGEBYRANK', KEYS[1], 1, size - cap - 1)
  end
end
return applied
