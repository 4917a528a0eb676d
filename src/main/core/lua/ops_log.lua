-- Shared by the scripts that call remember(): scripts.ts puts this file in front of each of them
-- when it loads them (Redis scripts cannot include one another).
-- R8: remember op `member` in the tag's ops ZSET (score = ms), dropping entries older than ttl s;
-- the '~' member at +inf keeps the ZSET in existence, so the key is there whenever a script needs
-- it (a script whose keys are only partly there during a slot migration gets TRYAGAIN).
local function remember(ops, member, ttl)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', ops, '-inf', '(' .. (now - tonumber(ttl) * 1000))
  redis.call('ZADD', ops, now, member, '+inf', '~')
end
