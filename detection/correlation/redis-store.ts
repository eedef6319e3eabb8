/**
 * A CorrelationStore on Redis for the distributed mode: several workers share the windows because every
 * observation is one Lua script (redis-script.ts). All keys of one correlation carry the hash tag
 * `{correlationId}`, so the script only touches one slot and runs on Redis Cluster too.
 *
 * Bounds: entries per group as WindowSpec.maxEntries; groups per correlation (maxGroups, least recently touched
 * evicted first); every group key expires after timespan + grace without a touch (PEXPIRE), so there is no
 * sweep to run. Evictions and expiries are counted in Redis (per-correlation stats hash) and in this process.
 *
 * Exactly once: the script records each observation's answer under the event's id (`o:<rule>:<event.id>`) in the
 * same atomic step as the change, so an event observed again (its batch redone after its worker died, at any
 * point of the first run) changes nothing and gets the first run's answer: the same alert, with the same id.
 */
import type { Redis } from 'ioredis';
import { logger } from '../../core/log.js';
import { counter } from '../../core/metrics.js';
import { OBSERVE_LUA, REPLAY_KEEP_MS } from './redis-script.js';
import type { CorrelationStore, CorrelationStoreStats, ObserveResult, WindowEntry, WindowSpec } from './types.js';

/** Options of the Redis store. */
export interface RedisStoreOptions {
  /** Key prefix (default `canhgac:corr:`); tests use a random one. */
  prefix?: string;
  /** Groups per correlation before the least recently touched is evicted (default 100 000). */
  maxGroups?: number;
  /** Extra idle time, beyond the timespan, before a group expires (default 60 000 ms). */
  expiryGraceMs?: number;
}

type ObserveReply = [
  number,
  number,
  string,
  number,
  string,
  string,
  string[],
  number[],
  number,
  number,
  number,
  number,
  number,
];
type ObserveCommand = (...args: Array<string | number>) => Promise<ObserveReply>;

const log = logger('correlation-store');
const COMMAND = 'canhgacCorrelationObserve2';

function bound(v: number | undefined): string {
  return v === undefined ? '' : String(v);
}

/** Correlation windows in Redis (ioredis client, owned by the caller). */
export class RedisCorrelationStore implements CorrelationStore {
  private readonly prefix: string;
  private readonly maxGroups: number;
  private readonly graceMs: number;
  private readonly observeCmd: ObserveCommand;
  private readonly local = { groups: 0, entries: 0, evictedGroups: 0, evictedEntries: 0, expiredGroups: 0 };
  private readonly evictedGroupsCounter = counter(
    'canhgac_correlation_groups_evicted_total',
    'Correlation groups evicted to stay within the store bounds, by reason (group_cap, entry_budget)',
    ['reason'],
  );
  private readonly evictedEntriesCounter = counter(
    'canhgac_correlation_entries_evicted_total',
    'Correlation window entries evicted because a group reached its per-group entry cap',
  );
  private readonly expiredCounter = counter(
    'canhgac_correlation_groups_expired_total',
    'Correlation groups removed after being idle for timespan + grace',
  );
  private readonly replayedCounter = counter(
    'canhgac_correlation_observations_replayed_total',
    "Observations of an event already observed (distributed: its batch redone after a worker died), answered from the first run's record",
  );

  constructor(
    private readonly redis: Redis,
    opts: RedisStoreOptions = {},
  ) {
    this.prefix = opts.prefix ?? 'canhgac:corr:';
    this.maxGroups = opts.maxGroups ?? 100_000;
    this.graceMs = opts.expiryGraceMs ?? 60_000;
    const r = redis as unknown as Record<string, ObserveCommand | undefined>;
    if (!r[COMMAND]) redis.defineCommand(COMMAND, { numberOfKeys: 5, lua: OBSERVE_LUA });
    this.observeCmd = (r[COMMAND] as ObserveCommand).bind(redis);
  }

  private base(correlationId: string): string {
    return `${this.prefix}{${correlationId}}:`;
  }

  /** See CorrelationStore.observe: one atomic script per observation. */
  async observe(
    correlationId: string,
    groupKey: string,
    spec: WindowSpec,
    entry: WindowEntry,
    nowMs: number,
  ): Promise<ObserveResult> {
    const base = this.base(correlationId);
    const groups = `${base}g:`;
    const c = spec.condition;
    const reply = await this.observeCmd(
      `${groups}${groupKey}:e`,
      `${groups}${groupKey}:s`,
      `${base}idx`,
      `${base}stats`,
      `${base}o:${entry.rule}:${entry.id}`,
      spec.type,
      spec.spanMs,
      spec.ruleCount,
      bound(c?.gt),
      bound(c?.gte),
      bound(c?.lt),
      bound(c?.lte),
      bound(c?.eq),
      bound(c?.neq),
      spec.percentile,
      spec.maxEntries,
      Number.isFinite(spec.allowedLatenessMs) ? spec.allowedLatenessMs : -1,
      spec.maxEventIds,
      entry.ts,
      entry.rule,
      Number.isNaN(entry.num) ? '' : entry.num,
      entry.key,
      entry.id,
      nowMs,
      this.graceMs,
      this.maxGroups,
      groupKey,
      groups,
      spec.suppressMs,
      entry.floor ?? 0,
      entry.id === '' ? 0 : Math.max(REPLAY_KEEP_MS, spec.spanMs + this.graceMs),
    );
    const [status, fired, value, count, firstTs, lastTs, ids, rules, evEntries, evGroups, expired, suppressed, again] =
      reply;
    if (again === 1) this.replayedCounter.inc();
    if (evEntries > 0) {
      this.local.evictedEntries += evEntries;
      this.evictedEntriesCounter.inc(evEntries);
    }
    if (evGroups > 0) {
      this.local.evictedGroups += evGroups;
      this.evictedGroupsCounter.labels('group_cap').inc(evGroups);
      log.warn({ correlation: correlationId, evicted: evGroups }, 'Correlation groups evicted at the group cap');
    }
    if (expired > 0) {
      this.local.expiredGroups += expired;
      this.expiredCounter.inc(expired);
    }
    return {
      status: status === 1 ? 'late' : 'accepted',
      fired: fired === 1,
      suppressed: suppressed === 1,
      value: Number(value),
      count,
      firstTs: Number(firstTs),
      lastTs: Number(lastTs),
      eventIds: ids,
      rules,
    };
  }

  /** Nothing to do: Redis expires idle groups itself (PEXPIRE on every touch). */
  async sweep(_nowMs: number): Promise<number> {
    return 0;
  }

  /** Deletes every key under the prefix (SCAN + UNLINK; meant for tests and rule reloads). */
  async clear(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await this.redis.unlink(...keys);
    } while (cursor !== '0');
  }

  /** This process's view: evictions and expiries it observed (fetchStats() reads the shared totals). */
  stats(): CorrelationStoreStats {
    return { ...this.local };
  }

  /** The totals in Redis across all workers: groups in the indexes and the counters of every correlation. */
  async fetchStats(): Promise<CorrelationStoreStats> {
    const out: CorrelationStoreStats = { groups: 0, entries: 0, evictedGroups: 0, evictedEntries: 0, expiredGroups: 0 };
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const k of keys) {
        if (k.endsWith(':idx')) out.groups += await this.redis.zcard(k);
        else if (k.endsWith(':e')) out.entries += await this.redis.zcard(k);
        else if (k.endsWith('}:stats')) {
          const h = await this.redis.hgetall(k);
          out.evictedGroups += Number(h.evictedGroups ?? 0);
          out.evictedEntries += Number(h.evictedEntries ?? 0);
          out.expiredGroups += Number(h.expiredGroups ?? 0);
        }
      }
    } while (cursor !== '0');
    return out;
  }
}
