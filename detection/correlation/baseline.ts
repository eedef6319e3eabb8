/**
 * Learned normals for correlations with canhgac's `baseline` extension (docs/baselines.md). Per correlation and
 * baseline key (the values of `baseline.by`, e.g. one host), time is cut into buckets one timespan long; a bucket's
 * peak is the highest aggregate any group of that key reached in it (0 for a bucket without events); the normal
 * is a moving average of the peaks over `learn`. A fire then also needs `factor` x the normal, from the key's
 * `warmup`-th bucket on (before, the fixed condition alone applies).
 *
 * The arithmetic is integer-exact (the normal is kept in thousandths) and mirrored line for line by the Redis
 * script (baseline-redis.ts), so embedded and distributed mode learn the same normals from the same events.
 */
import { counter } from '../../core/metrics.js';
import type { CorrelationBaseline } from '../sigma/model.js';
import type { MaybePromise } from './types.js';

/** A baseline compiled against its correlation's timespan. */
export interface BaselineSpec {
  bucketMs: number;
  /** Buckets in the moving average (learn / timespan, at least 1). */
  learnBuckets: number;
  /** Buckets of history before the normal applies (warmup / timespan, rounded up). */
  warmupBuckets: number;
  factor: number;
  /** value_count: count only values the key has not seen within learnMs (after warmupMs of the key's history). */
  newValues: boolean;
  learnMs: number;
  warmupMs: number;
  /** The level of alerts fired on the fixed condition during warm-up ('same': the rule's own). */
  warmupLevel: 'informational' | 'low' | 'same';
  /** Idle keys are forgotten after this long (3 x learn: the normal has decayed to a few percent by then). */
  ttlMs: number;
}

/** One key's state: current bucket, its peak, the normal in thousandths, buckets learnt (capped at learnBuckets). */
export interface BaselineState {
  b: number;
  p: number;
  m: number;
  n: number;
}

/** Where normals live: memory (embedded, one per process, kept across rule reloads) or Redis (distributed). */
export interface BaselineStore {
  /**
   * Moves the key to the bucket of `ts` (folding the buckets that ended into the average) and returns the normal
   * in thousandths, or -1 while the key is warming up.
   */
  normal(correlationId: string, key: string, spec: BaselineSpec, ts: number): MaybePromise<number>;
  /** Records the aggregate a group of this key reached at `ts` (the bucket keeps the highest). */
  record(correlationId: string, key: string, spec: BaselineSpec, ts: number, value: number): MaybePromise<void>;
  /**
   * `values: new`: whether `value` is new for the key (1), seen within learn (0), or the key is warming up (-1);
   * the value is remembered either way (at most MAX_VALUES per key: beyond, unseen values stay new). With
   * `eventId` a shared store answers the same event asked again (a replayed batch) as it answered first.
   */
  seen(
    correlationId: string,
    key: string,
    spec: BaselineSpec,
    ts: number,
    value: string,
    eventId?: string,
  ): MaybePromise<number>;
  /** Forgets everything (tests). */
  clear(): MaybePromise<void>;
}

/** The key of a correlation's learning start (per bucket length: a changed timespan learns again). */
function startKey(correlationId: string, bucketMs: number): string {
  return `${correlationId}\u001e${bucketMs}`;
}

/** What MemoryBaselineStore.snapshot() returns: plain arrays, JSON as it is. */
export interface BaselineSnapshot {
  version: 1;
  /** [key, bucket, peak, normal in thousandths, buckets learnt, last time]. */
  keys: Array<[string, number, number, number, number, number]>;
  /** [key, first time, last time, [value, last seen][]]. */
  values: Array<[string, number, number, Array<[string, number]>]>;
  /** [correlation and bucket length, first time, last time]. */
  starts?: Array<[string, number, number]>;
}

/** Values remembered per key for `values: new`. */
export const MAX_VALUES = 10_000;

/** Compiles a rule's baseline block. */
export function baselineSpec(b: CorrelationBaseline, timespanMs: number): BaselineSpec {
  return {
    bucketMs: timespanMs,
    learnBuckets: Math.max(1, Math.round(b.learnMs / timespanMs)),
    warmupBuckets: Math.ceil(b.warmupMs / timespanMs),
    factor: b.factor,
    newValues: b.newValues,
    learnMs: b.learnMs,
    warmupMs: b.warmupMs,
    warmupLevel: b.warmupLevel,
    ttlMs: 3 * b.learnMs,
  };
}

/** At most this many empty buckets are folded one by one (a key idle for longer has reached its floor). */
export const MAX_FOLDS = 10_000;

function fold(st: BaselineState, xm: number, L: number): void {
  const n1 = st.n + 1;
  const d = Math.min(n1, L);
  st.m = st.m + Math.floor((xm - st.m) / d + 0.5);
  st.n = Math.min(n1, L);
}

/** Closes the key's current bucket and the empty ones up to `bucket` (mirrored in baseline-redis.ts). */
export function roll(st: BaselineState, bucket: number, L: number): void {
  if (bucket <= st.b) return;
  fold(st, st.p * 1000, L);
  let k = bucket - st.b - 1;
  let i = 0;
  while (k > 0 && i < MAX_FOLDS) {
    const prev = st.m;
    fold(st, 0, L);
    k--;
    i++;
    if (st.m === prev && st.n >= L) break;
  }
  if (k > 0) st.n = Math.min(st.n + k, L);
  st.b = bucket;
  st.p = 0;
}

/** The normal in thousandths, or -1 during warm-up. */
export function normalOf(st: BaselineState, spec: BaselineSpec): number {
  return st.n >= spec.warmupBuckets ? st.m : -1;
}

/** In-process normals, bounded by key count (least recently used first out, counted). */
export class MemoryBaselineStore implements BaselineStore {
  private readonly keys = new Map<string, BaselineState & { t: number }>();
  private readonly values = new Map<string, { first: number; t: number; seen: Map<string, number> }>();
  private readonly starts = new Map<string, { first: number; t: number }>();
  private readonly maxKeys: number;
  private readonly evicted = counter(
    'canhgac_correlation_baselines_evicted_total',
    'Learned correlation baselines forgotten to stay within the key cap (least recently used first)',
  );

  constructor(opts: { maxKeys?: number } = {}) {
    this.maxKeys = opts.maxKeys ?? 200_000;
  }

  /**
   * When the correlation started learning (its first observation; again after 3 x learn without any): warm-up is
   * counted from it, so a key first seen later (an internal server's first failed login) starts with the quiet
   * buckets before it as history, a normal of 0, instead of a warm-up of its own.
   */
  private start(correlationId: string, spec: BaselineSpec, ts: number): number {
    const k = startKey(correlationId, spec.bucketMs);
    let st = this.starts.get(k);
    if (!st || ts - st.t > spec.ttlMs) {
      st = { first: ts, t: ts };
      this.starts.set(k, st);
    }
    if (ts > st.t) st.t = ts;
    if (ts < st.first) st.first = ts; // an older event (a relay's backlog) moves the start back
    return st.first;
  }

  private state(correlationId: string, key: string, spec: BaselineSpec, ts: number): BaselineState & { t: number } {
    const k = `${correlationId}\u001e${spec.bucketMs}\u001e${key}`;
    const bucket = Math.floor(ts / spec.bucketMs);
    const first = this.start(correlationId, spec, ts);
    let st = this.keys.get(k);
    if (st && ts - st.t > spec.ttlMs) st = undefined; // forgotten, as Redis expires it
    if (st) this.keys.delete(k);
    else {
      const quiet = Math.max(0, bucket - Math.floor(first / spec.bucketMs));
      st = { b: bucket, p: 0, m: 0, n: Math.min(quiet, spec.learnBuckets), t: ts };
      while (this.keys.size >= this.maxKeys) {
        this.keys.delete(this.keys.keys().next().value as string);
        this.evicted.inc();
      }
    }
    this.keys.set(k, st); // most recently used last
    if (ts > st.t) st.t = ts;
    return st;
  }

  normal(correlationId: string, key: string, spec: BaselineSpec, ts: number): number {
    const st = this.state(correlationId, key, spec, ts);
    roll(st, Math.floor(ts / spec.bucketMs), spec.learnBuckets);
    return normalOf(st, spec);
  }

  record(correlationId: string, key: string, spec: BaselineSpec, ts: number, value: number): void {
    const st = this.state(correlationId, key, spec, ts);
    const bucket = Math.floor(ts / spec.bucketMs);
    roll(st, bucket, spec.learnBuckets);
    if (bucket === st.b && value > st.p) st.p = value;
  }

  seen(correlationId: string, key: string, spec: BaselineSpec, ts: number, value: string): number {
    const k = `${correlationId}\u001e${key}`;
    const first = this.start(correlationId, spec, ts);
    let st = this.values.get(k);
    if (st && ts - st.t > spec.ttlMs) st = undefined;
    if (st) this.values.delete(k);
    else {
      st = { first: ts, t: ts, seen: new Map() };
      while (this.values.size >= this.maxKeys) {
        this.values.delete(this.values.keys().next().value as string);
        this.evicted.inc();
      }
    }
    this.values.set(k, st);
    if (ts > st.t) st.t = ts;
    const last = st.seen.get(value);
    const known = last !== undefined && ts - last <= spec.learnMs;
    if (last === undefined) {
      if (st.seen.size < MAX_VALUES) st.seen.set(value, ts);
    } else if (ts > last) st.seen.set(value, ts);
    if (ts - first < spec.warmupMs) return -1;
    return known ? 0 : 1;
  }

  /** A key's state (tests, the console's why). */
  peek(correlationId: string, key: string, spec: BaselineSpec): Readonly<BaselineState> | undefined {
    return this.keys.get(`${correlationId}\u001e${spec.bucketMs}\u001e${key}`);
  }

  /**
   * Says the correlation (of buckets `bucketMs` long: its timespan) has been learning since `first`, last observed
   * at `last`: an installation restored or seeded as one that has watched before (tests, benchmarks).
   */
  setStart(correlationId: string, bucketMs: number, first: number, last: number): void {
    this.starts.set(startKey(correlationId, bucketMs), { first, t: last });
  }

  /** Everything learnt, as plain data (the embedded service saves it across restarts: baseline-snapshot.ts). */
  snapshot(): BaselineSnapshot {
    return {
      version: 1,
      keys: [...this.keys].map(([k, s]) => [k, s.b, s.p, s.m, s.n, s.t]),
      values: [...this.values].map(([k, v]) => [k, v.first, v.t, [...v.seen]]),
      starts: [...this.starts].map(([k, v]) => [k, v.first, v.t]),
    };
  }

  /** Takes back what snapshot() gave (replacing what is held); malformed entries are skipped. */
  restore(s: BaselineSnapshot): void {
    this.clear();
    if (s?.version !== 1) return;
    const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
    for (const e of s.keys ?? [])
      if (Array.isArray(e) && typeof e[0] === 'string' && e.slice(1).every(num))
        this.keys.set(e[0], { b: e[1], p: e[2], m: e[3], n: e[4], t: e[5] });
    for (const e of s.values ?? []) {
      if (!Array.isArray(e) || typeof e[0] !== 'string' || !num(e[1]) || !num(e[2]) || !Array.isArray(e[3])) continue;
      const seen = new Map<string, number>();
      for (const [v, t] of e[3].slice(0, MAX_VALUES)) if (typeof v === 'string' && num(t)) seen.set(v, t);
      this.values.set(e[0], { first: e[1], t: e[2], seen });
    }
    for (const e of s.starts ?? [])
      if (Array.isArray(e) && typeof e[0] === 'string' && num(e[1]) && num(e[2]))
        this.starts.set(e[0], { first: e[1], t: e[2] });
  }

  get size(): number {
    return this.keys.size;
  }

  clear(): void {
    this.keys.clear();
    this.values.clear();
    this.starts.clear();
  }
}
