package redis

import goredis "github.com/redis/go-redis/v9"

// The reservation scripts. Every one touches keys of one slot only (they
// share the slot's hash tag), or of one user only (the kind cap), so each
// runs whole on one Redis Cluster node. None reads Redis' clock: now comes
// from the caller, so a script go-redis retries after a timeout, with the
// same arguments, finds what its first run did and answers the same hold.
//
// A hold's details hash (d) has the fields u (user), t (tier), f
// (fingerprint), e (expiry, unix ms), s (held, released or booked), p
// (promoted, 0 or 1) and k (the slot's resource kind). A hold is live
// while s is held, e is after now and it is a member of h: it leaves h
// when seated, released or dropped as expired, and never comes back, so
// a hold whose seat was later cancelled cannot be confirmed again.

// luaPrelude is shared by the scripts that answer a hold.
const luaPrelude = `
local function int(n) return string.format('%d', n) end
local function details(key) return redis.call('HMGET', key, 'u', 't', 'f', 'e', 's', 'p', 'k') end
local function seated(c, ci, id)
  return redis.call('SISMEMBER', c, id) == 1 or redis.call('SISMEMBER', ci, id) == 1
end
local function state(d, isSeated, h, id, now)
  if isSeated or d[5] == 'booked' then return 'booked' end
  if d[5] == 'released' then return 'released' end
  if tonumber(d[4]) <= now or not redis.call('ZSCORE', h, id) then return 'expired' end
  return 'held'
end
-- reply: {outcome, user, tier, expiry ms, state, promoted, kind}
local function reply(outcome, d, st)
  return {outcome, d[1] or '', d[2] or '', d[4] or '0', st, d[6] or '0', d[7] or ''}
end
-- touch keeps a zset of holds as long as its latest hold needs it.
local function touch(key)
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIREAT', key, int(tonumber(last[2]) + 3600000)) end
end
`

// holdScript takes a unit or finds the hold taken under the same id.
// KEYS: m h hi c ci u d. ARGV: id, user, tier, fingerprint, now,
// promoted (0|1), kind.
var holdScript = goredis.NewScript(luaPrelude + `
local m, h, hi, c, ci, u, dkey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local id, now = ARGV[1], tonumber(ARGV[5])
if redis.call('EXISTS', m) == 0 then return {'missing'} end
local d = details(dkey)
if d[1] then
  if d[1] ~= ARGV[2] or d[3] ~= ARGV[4] then return {'mismatch'} end
  return reply('replayed', d, state(d, seated(c, ci, id), h, id, now))
end
-- Seated, and its details lost with the rest of Redis: the hold is a
-- booking already, not a unit to take again.
if seated(c, ci, id) then
  return {'replayed', ARGV[2], ARGV[3], '0', 'booked', ARGV[6], ARGV[7]}
end
local meta = redis.call('HMGET', m, 'cap', 'icap', 'ucap', 'ttl', 'closes', 'waitm', 'waiti', 'forget', 'kind')
local kind = ARGV[7] ~= '' and ARGV[7] or (meta[9] or '')
local closes = tonumber(meta[5]) or 0
if closes > 0 and now >= closes then return {'closed'} end
redis.call('ZREMRANGEBYSCORE', h, '-inf', ARGV[5])
redis.call('ZREMRANGEBYSCORE', hi, '-inf', ARGV[5])
redis.call('ZREMRANGEBYSCORE', u, '-inf', ARGV[5])
-- The user's zset forgets holds that left h (seated, released) here,
-- where h is at hand: nobody else cleans it.
for _, other in ipairs(redis.call('ZRANGE', u, 0, -1)) do
  if not redis.call('ZSCORE', h, other) then redis.call('ZREM', u, other) end
end
local inclusive = ARGV[3] == 'inclusive'
if ARGV[6] ~= '1' then
  local waiting = tonumber(inclusive and meta[7] or meta[6]) or 0
  if waiting > 0 then return {'waitlist'} end
  local ucap = tonumber(meta[3]) or 0
  if ucap > 0 and redis.call('ZCARD', u) >= ucap then return {'limit'} end
end
local cap, icap = tonumber(meta[1]) or 0, tonumber(meta[2]) or 0
local live, livei = redis.call('ZCARD', h), redis.call('ZCARD', hi)
local pool, used
if inclusive then
  pool, used = icap, redis.call('SCARD', ci) + livei
else
  pool, used = cap - icap, redis.call('SCARD', c) + live - livei
end
if used >= pool then return {'full'} end
local exp = int(now + tonumber(meta[4]))
local keep = int(tonumber(exp) + 3600000)
redis.call('ZADD', h, exp, id)
if inclusive then redis.call('ZADD', hi, exp, id) end
-- h and hi may have been empty, so gone, when Sync set the slot's keys
-- to be forgotten; a key made just now must go with them.
if meta[8] and meta[8] ~= '0' then
  if live == 0 then redis.call('PEXPIREAT', h, meta[8]) end
  if inclusive and livei == 0 then redis.call('PEXPIREAT', hi, meta[8]) end
end
-- Every hold lives the slot's TTL, so the one just taken is the user's
-- last to lapse and sets how long their zset is kept.
redis.call('ZADD', u, exp, id)
redis.call('PEXPIREAT', u, keep)
redis.call('HSET', dkey, 'u', ARGV[2], 't', ARGV[3], 'f', ARGV[4], 'e', exp, 's', 'held', 'p', ARGV[6], 'k', kind)
redis.call('PEXPIREAT', dkey, keep)
return {'granted', ARGV[2], ARGV[3], exp, 'held', ARGV[6], kind}
`)

// kindScript counts a live hold against its user's cap on slots of one
// kind. KEYS: the user's kind zset. ARGV: id, expiry, now, limit. 1 when
// counted (or counted already: a replayed hold passes), 0 over the cap.
var kindScript = goredis.NewScript(luaPrelude + `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
touch(KEYS[1])
return 1
`)

// undoHoldScript takes back a grant the kind cap refused, as if it never
// happened, so a retry under the same id is judged afresh. KEYS: h hi u
// c ci d. ARGV: id, fingerprint.
var undoHoldScript = goredis.NewScript(luaPrelude + `
local d = details(KEYS[6])
if d[3] ~= ARGV[2] or d[5] ~= 'held' or seated(KEYS[4], KEYS[5], ARGV[1]) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[6])
return 1
`)

// claimScript keeps a live hold live for grace more. KEYS: h hi c ci u d.
// ARGV: id, user, now, grace ms.
var claimScript = goredis.NewScript(luaPrelude + `
local h, hi, c, ci, u, dkey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local id, now = ARGV[1], tonumber(ARGV[3])
local d = details(dkey)
if not d[1] or d[1] ~= ARGV[2] then return {'notfound'} end
local st = state(d, seated(c, ci, id), h, id, now)
if st == 'held' then
  local exp = int(math.max(tonumber(d[4]), now + tonumber(ARGV[4])))
  redis.call('ZADD', h, 'XX', exp, id)
  if d[2] == 'inclusive' then redis.call('ZADD', hi, 'XX', exp, id) end
  redis.call('ZADD', u, 'XX', exp, id)
  touch(u)
  redis.call('HSET', dkey, 'e', exp)
  redis.call('PEXPIREAT', dkey, int(tonumber(exp) + 3600000))
  d[4] = exp
end
return reply(st, d, st)
`)

// releaseScript gives a hold's unit back. KEYS: h hi c ci u d. ARGV: id,
// user, now.
var releaseScript = goredis.NewScript(luaPrelude + `
local h, hi, c, ci, u, dkey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local id, now = ARGV[1], tonumber(ARGV[3])
local d = details(dkey)
if not d[1] or d[1] ~= ARGV[2] then return {'notfound'} end
local st = state(d, seated(c, ci, id), h, id, now)
if st == 'booked' or st == 'released' then return reply(st, d, st) end
redis.call('ZREM', h, id)
redis.call('ZREM', hi, id)
redis.call('ZREM', u, id)
redis.call('HSET', dkey, 's', 'released')
return reply('released', d, 'released')
`)

// lookupScript reads a hold. KEYS: h c ci d. ARGV: id, now.
var lookupScript = goredis.NewScript(luaPrelude + `
local d = details(KEYS[4])
if not d[1] then return {'notfound'} end
return reply('found', d, state(d, seated(KEYS[2], KEYS[3], ARGV[1]), KEYS[1], ARGV[1], tonumber(ARGV[2])))
`)

// remainingScript answers {known, market, inclusive, waiting market,
// waiting inclusive}. KEYS: m h hi c ci. ARGV: now. Read only.
var remainingScript = goredis.NewScript(`
local meta = redis.call('HMGET', KEYS[1], 'cap', 'icap', 'waitm', 'waiti')
if not meta[1] then return {0, 0, 0, 0, 0} end
local after = '(' .. ARGV[1]
local live = redis.call('ZCOUNT', KEYS[2], after, '+inf')
local livei = redis.call('ZCOUNT', KEYS[3], after, '+inf')
local cap, icap = tonumber(meta[1]), tonumber(meta[2])
local market = cap - icap - redis.call('SCARD', KEYS[4]) - (live - livei)
local inclusive = icap - redis.call('SCARD', KEYS[5]) - livei
return {1, math.max(market, 0), math.max(inclusive, 0), tonumber(meta[3]) or 0, tonumber(meta[4]) or 0}
`)

// syncScript writes MongoDB's truth about a slot unless Redis has a
// version as new. KEYS: m h hi c ci, then the details key of each seated
// id, then the details and user keys of each promotion, then the details
// key of each unseated id. ARGV: version, cap, icap, ucap, ttl, closes,
// waitm, waiti, forget at (0: keep), seated market count, seated
// inclusive count, promotion count, the slot's resource kind, the
// seated ids (market first), then id, user, tier, expiry of each
// promotion, then the unseated ids (the rest). Answers {applied, then
// user, kind, id of each hold seen seated for the first time}, so the
// caller can take them off the users' kind caps, which live under other
// hash tags.
var syncScript = goredis.NewScript(luaPrelude + `
local m, h, hi, c, ci = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local nm, ni, np = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
-- Holds whose seats MongoDB gave back are done with, whatever version
-- Redis has: one whose seat's sync a failover lost is still in h here,
-- and must not count as live once its booking is cancelled.
local ua, uk = 13 + nm + ni + 4 * np, 5 + nm + ni + 2 * np
for j = 1, #ARGV - ua do
  local id, dkey = ARGV[ua + j], KEYS[uk + j]
  redis.call('ZREM', h, id)
  redis.call('ZREM', hi, id)
  if redis.call('HEXISTS', dkey, 's') == 1 then redis.call('HSET', dkey, 's', 'booked') end
end
local cur = redis.call('HGET', m, 'ver')
if cur and tonumber(cur) >= tonumber(ARGV[1]) then return {0} end
redis.call('HSET', m, 'ver', ARGV[1], 'cap', ARGV[2], 'icap', ARGV[3], 'ucap', ARGV[4], 'ttl', ARGV[5],
  'closes', ARGV[6], 'waitm', ARGV[7], 'waiti', ARGV[8], 'forget', ARGV[9], 'kind', ARGV[13])
redis.call('DEL', c, ci)
local out = {1}
for i = 1, nm + ni do
  local id = ARGV[13 + i]
  redis.call('SADD', i <= nm and c or ci, id)
  redis.call('ZREM', h, id)
  redis.call('ZREM', hi, id)
  local dkey = KEYS[5 + i]
  local d = details(dkey)
  if d[1] and d[5] ~= 'booked' then
    redis.call('HSET', dkey, 's', 'booked')
    out[#out + 1] = d[1]
    out[#out + 1] = d[7] or ''
    out[#out + 1] = id
  end
end
-- Promotions Redis lost come back; one it still knows (live, released
-- by its user, lapsed) stays as it is.
for j = 0, np - 1 do
  local a, k = 13 + nm + ni + 4 * j, 5 + nm + ni + 2 * j
  local id, user, tier, exp = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  local dkey, u = KEYS[k + 1], KEYS[k + 2]
  if redis.call('EXISTS', dkey) == 0 and not seated(c, ci, id) then
    redis.call('ZADD', h, exp, id)
    if tier == 'inclusive' then redis.call('ZADD', hi, exp, id) end
    redis.call('ZADD', u, exp, id)
    touch(u)
    redis.call('HSET', dkey, 'u', user, 't', tier, 'f', tier, 'e', exp, 's', 'held', 'p', '1', 'k', ARGV[13])
    redis.call('PEXPIREAT', dkey, int(tonumber(exp) + 3600000))
  end
end
if ARGV[9] ~= '0' then
  for _, key in ipairs({m, h, hi, c, ci}) do redis.call('PEXPIREAT', key, ARGV[9]) end
else
  for _, key in ipairs({m, h, hi, c, ci}) do redis.call('PERSIST', key) end
end
return out
`)
