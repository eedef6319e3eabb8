/**
 * Learned normals in Redis for distributed mode: one string key per (correlation, baseline key) holding
 * "bucket peak normal learnt lastTs", changed by one Lua script per call that mirrors baseline.ts line for line
 * (integer arithmetic on doubles, so both stores learn the same normals from the same events).
 */
import type { Redis } from 'ioredis';
import { type BaselineSpec, type BaselineStore, MAX_FOLDS, MAX_VALUES } from './baseline.js';
import { REPLAY_KEEP_MS } from './redis-script.js';

const COMMAND = 'canhgacCorrelationBaseline2';

/** The correlation's learning start (KEYS[2], a hash f/t), mirrored from MemoryBaselineStore.start. */
const START = `local function start(ts, ttl)
  local sf = tonumber(redis.call('HGET', KEYS[2], 'f'))
  local st = tonumber(redis.call('HGET', KEYS[2], 't'))
  if sf == nil or ts - st > ttl then sf, st = ts, ts end
  if ts > st then st = ts end
  if ts < sf then sf = ts end
  redis.call('HSET', KEYS[2], 'f', string.format('%d', sf), 't', string.format('%d', st))
  redis.call('PEXPIRE', KEYS[2], math.floor(ttl))
  return sf
end
`;
const SEEN = 'canhgacCorrelationSeen3';

/** KEYS: 1 the key's hash (#first, #t, v:<value> -> last seen), 2 the start, 3 the answer's record.
 * ARGV: 1 ts, 2 learnMs, 3 warmupMs, 4 ttlMs, 5 value, 6 how long to keep the record (0 = none).
 * Mirrors MemoryBaselineStore.seen: 1 new, 0 seen within learn, -1 warming up. The same event asked again (its
 * batch redone after a worker died) gets the first answer: its value, remembered then, is not "seen before". */
export const SEEN_LUA = `
local ts, learn, warm, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local doneMs = tonumber(ARGV[6]) or 0
if doneMs > 0 then
  local prior = redis.call('GET', KEYS[3])
  if prior then return tonumber(prior) end
end
${START}
local start0 = start(ts, ttl)
local k = KEYS[1]
local first = tonumber(redis.call('HGET', k, '#first'))
local t = tonumber(redis.call('HGET', k, '#t'))
if first == nil or ts - t > ttl then
  redis.call('DEL', k)
  first, t = ts, ts
  redis.call('HSET', k, '#first', string.format('%d', first))
end
if ts > t then t = ts end
redis.call('HSET', k, '#t', string.format('%d', t))
local f = 'v:' .. ARGV[5]
local last = tonumber(redis.call('HGET', k, f))
local known = last ~= nil and ts - last <= learn
if last == nil then
  if redis.call('HLEN', k) - 2 < ${MAX_VALUES} then redis.call('HSET', k, f, string.format('%d', ts)) end
elseif ts > last then
  redis.call('HSET', k, f, string.format('%d', ts))
end
redis.call('PEXPIRE', k, math.floor(ttl))
local answer = 1
if ts - start0 < warm then answer = -1 elseif known then answer = 0 end
if doneMs > 0 then redis.call('SET', KEYS[3], tostring(answer), 'PX', doneMs) end
return answer
`;

/** KEYS: 1 the state key. ARGV: 1 op ('n' normal | 'r' record), 2 ts, 3 bucketMs, 4 learnBuckets,
 * 5 warmupBuckets, 6 ttlMs, 7 value (record). Returns the normal in thousandths or -1 (op n), 0 (op r). */
export const BASELINE_LUA = `
local op, ts, bucketMs = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local L, W, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
${START}
local bucket = math.floor(ts / bucketMs)
local first = start(ts, ttl)
local raw = redis.call('GET', KEYS[1])
local b, p, m, n, t = bucket, 0, 0, math.min(math.max(0, bucket - math.floor(first / bucketMs)), L), ts
if raw then
  local f = {}
  for x in string.gmatch(raw, '%S+') do f[#f + 1] = tonumber(x) end
  if not (ts - f[5] > ttl) then b, p, m, n, t = f[1], f[2], f[3], f[4], f[5] end
end
local function fold(xm)
  local n1 = n + 1
  local d = n1
  if d > L then d = L end
  m = m + math.floor((xm - m) / d + 0.5)
  if n1 < L then n = n1 else n = L end
end
if bucket > b then
  fold(p * 1000)
  local k = bucket - b - 1
  local i = 0
  while k > 0 and i < ${MAX_FOLDS} do
    local prev = m
    fold(0)
    k = k - 1
    i = i + 1
    if m == prev and n >= L then break end
  end
  if k > 0 then n = math.min(n + k, L) end
  b = bucket
  p = 0
end
if ts > t then t = ts end
local out = 0
if op == 'r' then
  local v = tonumber(ARGV[7])
  if bucket == b and v > p then p = v end
elseif n >= W then
  out = m
else
  out = -1
end
redis.call('SET', KEYS[1], string.format('%d %.17g %d %d %d', b, p, m, n, t), 'PX', math.floor(ttl))
return out
`;

type Cmd = (...args: Array<string | number>) => Promise<number>;

/** Normals shared by every worker (ioredis client, owned by the caller). */
export class RedisBaselineStore implements BaselineStore {
  private readonly prefix: string;
  private readonly cmd: Cmd;
  private readonly seenCmd: Cmd;

  constructor(
    private readonly redis: Redis,
    opts: { prefix?: string } = {},
  ) {
    this.prefix = opts.prefix ?? 'canhgac:corr:';
    const r = redis as unknown as Record<string, Cmd | undefined>;
    if (!r[COMMAND]) redis.defineCommand(COMMAND, { numberOfKeys: 2, lua: BASELINE_LUA });
    if (!r[SEEN]) redis.defineCommand(SEEN, { numberOfKeys: 3, lua: SEEN_LUA });
    this.cmd = (r[COMMAND] as Cmd).bind(redis);
    this.seenCmd = (r[SEEN] as Cmd).bind(redis);
  }

  private startKey(correlationId: string, spec: Pick<BaselineSpec, 'bucketMs'>): string {
    return `${this.prefix}{${correlationId}}:s:${spec.bucketMs}`;
  }

  /** As MemoryBaselineStore.setStart: learning since `first`, last observed at `last` (kept `ttlMs`). */
  async setStart(correlationId: string, bucketMs: number, first: number, last: number, ttlMs: number): Promise<void> {
    const key = this.startKey(correlationId, { bucketMs });
    await this.redis.multi().hset(key, 'f', String(first), 't', String(last)).pexpire(key, ttlMs).exec();
  }

  /** The bucket length is part of the key: a rule whose timespan changes learns again (bucket numbers differ). */
  private key(correlationId: string, key: string, spec: BaselineSpec): string {
    return `${this.prefix}{${correlationId}}:b:${spec.bucketMs}:${key}`;
  }

  /** One call of the baseline script: `op` n (read the normal) or r (record a peak, `value`). */
  private call(op: 'n' | 'r', correlationId: string, key: string, spec: BaselineSpec, ts: number, value?: number) {
    const args: Array<string | number> = [
      this.key(correlationId, key, spec),
      this.startKey(correlationId, spec),
      op,
      ts,
      spec.bucketMs,
      spec.learnBuckets,
      spec.warmupBuckets,
      spec.ttlMs,
    ];
    if (value !== undefined) args.push(value);
    return this.cmd(...args);
  }

  async normal(correlationId: string, key: string, spec: BaselineSpec, ts: number): Promise<number> {
    return Number(await this.call('n', correlationId, key, spec, ts));
  }

  async record(correlationId: string, key: string, spec: BaselineSpec, ts: number, value: number): Promise<void> {
    await this.call('r', correlationId, key, spec, ts, value);
  }

  async seen(
    correlationId: string,
    key: string,
    spec: BaselineSpec,
    ts: number,
    value: string,
    eventId = '',
  ): Promise<number> {
    const base = `${this.prefix}{${correlationId}}:`;
    return Number(
      await this.seenCmd(
        `${base}v:${key}`,
        this.startKey(correlationId, spec),
        `${base}d:${eventId}:${key}\u001f${value}`,
        ts,
        spec.learnMs,
        spec.warmupMs,
        spec.ttlMs,
        value,
        eventId === '' ? 0 : REPLAY_KEEP_MS,
      ),
    );
  }

  /** Deletes this store's baseline keys (SCAN + UNLINK; tests). */
  async clear(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*:[bvsd]:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await this.redis.unlink(...keys);
    } while (cursor !== '0');
  }
}
