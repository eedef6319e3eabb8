/**
 * The Lua script of RedisCorrelationStore.observe (kept in TypeScript so the build ships it to dist/).
 */

/**
 * How long an observation's answer is kept for a replay of its event (at least; longer for a window that lives
 * longer). A batch whose worker died is taken again after distributed.lockSeconds and the next stalled-job check
 * (BullMQ puts it first in line: about a minute); one that failed later on (the store down) is retried for up to
 * distributed.attempts (50) tries with a backoff of at most 60 s, about 45 minutes. One redone later than this
 * observes its events again (counted twice, never lost).
 */
export const REPLAY_KEEP_MS = 3_600_000;

/** Redis Lua: one correlation observation, atomically; mirrors GroupWindow.observe in window.ts. */
export const OBSERVE_LUA = `-- canhgac correlation window: one observation, atomically (insert, prune, cap, aggregate, test, reset on fire).
-- Same semantics as window.ts (GroupWindow); the store conformance suite runs against both.
-- KEYS: 1 entries zset (score ts, member "<seq 15 digits>|<json [rule, num as text|false, key, id]>"),
--       2 state hash (newest, seq, sum, present, distinct, r:<rule>, v:<value>),
--       3 per-correlation index zset (group key -> last touch), 4 stats hash,
--       5 the observation's record (its answer, kept ARGV 26 ms: a replay of the same event gets it back).
-- ARGV: 1 type, 2 spanMs, 3 ruleCount, 4-9 gt gte lt lte eq neq ('' = absent), 10 percentile, 11 maxEntries,
--       12 allowedLatenessMs (-1 = none), 13 maxEventIds, 14 ts, 15 rule, 16 num ('' = none), 17 key, 18 id,
--       19 nowMs, 20 graceMs, 21 maxGroups, 22 group key, 23 key prefix of the correlation's groups,
--       24 suppressMs, 25 floor (the baseline's least value, 0 = none), 26 how long to keep the record (0 = none).
-- The reply's 13th item is 1 when the answer is the record of an earlier run (nothing changed).
local zk, hk, idx, stk = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local typ = ARGV[1]
local span = tonumber(ARGV[2])
local ruleCount = tonumber(ARGV[3])
local function opt(s) if s == '' then return nil end return tonumber(s) end
local gt, gte, lt, lte, eq, neq = opt(ARGV[4]), opt(ARGV[5]), opt(ARGV[6]), opt(ARGV[7]), opt(ARGV[8]), opt(ARGV[9])
local pct = tonumber(ARGV[10])
local maxEntries = tonumber(ARGV[11])
local lateness = tonumber(ARGV[12])
local maxIds = tonumber(ARGV[13])
local ts = tonumber(ARGV[14])
local rule = tonumber(ARGV[15])
local num = opt(ARGV[16])
local key = ARGV[17]
local id = ARGV[18]
local now = tonumber(ARGV[19])
local grace = tonumber(ARGV[20])
local maxGroups = tonumber(ARGV[21])
local groupKey = ARGV[22]
local prefix = ARGV[23]
local suppressMs = tonumber(ARGV[24])
local floorV = tonumber(ARGV[25]) or 0
local ttl = math.floor(span + grace)
local temporal = (typ == 'temporal' or typ == 'temporal_ordered')
local doneKey, doneMs = KEYS[5], tonumber(ARGV[26]) or 0

-- The same event observed again (its batch redone after a worker died): the first run's answer, nothing changed.
if doneMs > 0 then
  local prior = redis.call('GET', doneKey)
  if prior then
    local r = cjson.decode(prior)
    r[13] = 1
    return r
  end
end

local evictedGroups, expiredGroups = 0, 0
-- Expired groups (their keys are already gone through PEXPIRE) leave the index; then the group cap.
expiredGroups = redis.call('ZREMRANGEBYSCORE', idx, '-inf', string.format('%.17g', now - span - grace))
local isNew = redis.call('ZSCORE', idx, groupKey) == false
if isNew then
  while redis.call('ZCARD', idx) >= maxGroups do
    local victim = redis.call('ZPOPMIN', idx)
    if #victim == 0 then break end
    redis.call('DEL', prefix .. victim[1] .. ':e', prefix .. victim[1] .. ':s')
    evictedGroups = evictedGroups + 1
  end
end
redis.call('ZADD', idx, ARGV[19], groupKey)
redis.call('PEXPIRE', idx, ttl)

local function decode(member)
  local bar = string.find(member, '|', 1, true)
  return cjson.decode(string.sub(member, bar + 1))
end
local function add(e, d)
  if temporal then
    local n = redis.call('HINCRBY', hk, 'r:' .. e[1], d)
    if (d == 1 and n == 1) or (d == -1 and n == 0) then redis.call('HINCRBY', hk, 'present', d) end
  elseif typ == 'value_count' then
    local n = redis.call('HINCRBY', hk, 'v:' .. e[3], d)
    if (d == 1 and n == 1) or (d == -1 and n == 0) then redis.call('HINCRBY', hk, 'distinct', d) end
    if n == 0 then redis.call('HDEL', hk, 'v:' .. e[3]) end
  elseif e[2] ~= false then
    redis.call('HINCRBYFLOAT', hk, 'sum', string.format('%.17g', d * tonumber(e[2])))
  end
end
local function removeRange(members)
  for _, m in ipairs(members) do add(decode(m), -1) end
end
local function fmt(v) return string.format('%.17g', v) end

local newest = tonumber(redis.call('HGET', hk, 'newest'))
local function result(status, fired, value, count, firstTs, lastTs, ids, rules, evictedEntries, suppressed)
  redis.call('PEXPIRE', zk, ttl)
  redis.call('PEXPIRE', hk, ttl)
  if evictedEntries > 0 then redis.call('HINCRBY', stk, 'evictedEntries', evictedEntries) end
  if evictedGroups > 0 then redis.call('HINCRBY', stk, 'evictedGroups', evictedGroups) end
  if expiredGroups > 0 then redis.call('HINCRBY', stk, 'expiredGroups', expiredGroups) end
  local reply = { status, fired, fmt(value), count, fmt(firstTs), fmt(lastTs), ids, rules, 0, 0, 0, suppressed or 0, 0 }
  -- Recorded in the same step as the change it answers for: a replay gets this answer (its bounds counted once).
  if doneMs > 0 then redis.call('SET', doneKey, cjson.encode(reply), 'PX', doneMs) end
  reply[9], reply[10], reply[11] = evictedEntries, evictedGroups, expiredGroups
  return reply
end

local function aggregate(n)
  if typ == 'event_count' then return n end
  if typ == 'value_count' then return tonumber(redis.call('HGET', hk, 'distinct') or '0') end
  if typ == 'temporal' then return tonumber(redis.call('HGET', hk, 'present') or '0') end
  if typ == 'value_sum' then
    if n == 0 then return 0 end
    return tonumber(redis.call('HGET', hk, 'sum') or '0')
  end
  if typ == 'value_avg' then
    if n == 0 then return 0 end
    return tonumber(redis.call('HGET', hk, 'sum') or '0') / n
  end
  local all = redis.call('ZRANGE', zk, 0, -1)
  if typ == 'temporal_ordered' then
    local k = 0
    for _, m in ipairs(all) do
      if k >= ruleCount then break end
      if decode(m)[1] == k then k = k + 1 end
    end
    return k
  end
  -- value_percentile, nearest rank
  if n == 0 then return 0 end
  local vals = {}
  for i, m in ipairs(all) do vals[i] = tonumber(decode(m)[2]) end
  table.sort(vals)
  local rank = math.max(1, math.ceil((pct / 100) * n))
  return vals[rank]
end

local function holds(v)
  local any = false
  if gt ~= nil then if not (v > gt) then return false end any = true end
  if gte ~= nil then if not (v >= gte) then return false end any = true end
  if lt ~= nil then if not (v < lt) then return false end any = true end
  if lte ~= nil then if not (v <= lte) then return false end any = true end
  if eq ~= nil then if v ~= eq then return false end any = true end
  if neq ~= nil then if v == neq then return false end any = true end
  if any then return true end
  return temporal and v == ruleCount
end

if newest ~= nil and (ts <= newest - span or (lateness >= 0 and newest - ts > lateness)) then
  local n = redis.call('ZCARD', zk)
  return result(1, 0, aggregate(n), n, 0, 0, {}, {}, 0)
end

local seq = redis.call('HINCRBY', hk, 'seq', 1)
-- The number travels as text: cjson writes numbers with 14 digits only.
local e = { rule, num and string.format('%.17g', num) or false, key, id }
redis.call('ZADD', zk, ARGV[14], string.format('%015d', seq) .. '|' .. cjson.encode(e))
if newest == nil or ts > newest then newest = ts end
redis.call('HSET', hk, 'newest', fmt(newest))
add(e, 1)
local cutoff = string.format('%.17g', newest - span)
removeRange(redis.call('ZRANGEBYSCORE', zk, '-inf', cutoff))
redis.call('ZREMRANGEBYSCORE', zk, '-inf', cutoff)
local n = redis.call('ZCARD', zk)
local evictedEntries = 0
if n > maxEntries then
  evictedEntries = n - maxEntries
  removeRange(redis.call('ZRANGE', zk, 0, evictedEntries - 1))
  redis.call('ZREMRANGEBYRANK', zk, 0, evictedEntries - 1)
  n = maxEntries
end
if n == 0 then redis.call('HSET', hk, 'sum', '0') end
local v = aggregate(n)
if not holds(v) or v < floorV then return result(0, 0, v, n, 0, 0, {}, {}, evictedEntries) end

local suppressUntil = tonumber(redis.call('HGET', hk, 'suppressUntil'))
local keepSeq = redis.call('HGET', hk, 'seq')
if suppressUntil ~= nil and newest < suppressUntil then
  -- Inside the suppression period: reset the window without an alert.
  redis.call('DEL', zk, hk)
  redis.call('HSET', hk, 'newest', fmt(newest), 'seq', keepSeq, 'suppressUntil', fmt(suppressUntil))
  return result(0, 0, v, n, 0, 0, {}, {}, evictedEntries, 1)
end

local all = redis.call('ZRANGE', zk, 0, -1, 'WITHSCORES')
local firstTs = tonumber(all[2])
local ids, seen, rules = {}, {}, {}
for i = #all - 1, 1, -2 do
  local d = decode(all[i])
  seen[d[1]] = true
  if #ids < maxIds and d[4] ~= '' then table.insert(ids, 1, d[4]) end
end
for r = 0, ruleCount - 1 do if seen[r] then table.insert(rules, r) end end
redis.call('DEL', zk, hk)
redis.call('HSET', hk, 'newest', fmt(newest), 'seq', keepSeq)
if suppressMs > 0 then
  redis.call('HSET', hk, 'suppressUntil', fmt(newest + suppressMs))
elseif suppressUntil ~= nil then
  redis.call('HSET', hk, 'suppressUntil', fmt(suppressUntil))
end
return result(0, 1, v, n, firstTs, newest, ids, rules, evictedEntries)
`;
