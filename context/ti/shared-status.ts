/**
 * Feed status across processes. In distributed mode the feeds are loaded and matched by the workers, while the
 * API runs in `canhgac ingest`: each worker publishes its feeds' status to the state store (collection
 * `ti_status`, one document per worker run, every 30 s), and the API merges them: per feed the newest state of a
 * running worker, matches per day summed over every worker run of the last 30 days. A worker that stops writes
 * its last counts and is marked stopped; its document stays (its matches stay counted, so a restart does not
 * make a feed look as if it had stopped matching) until it is 31 days old.
 */
import { randomUUID } from 'node:crypto';
import { logger } from '../../core/log.js';
import { SCOPE_ALL, type StateStore } from '../../store/types.js';
import type { FeedStatus, ThreatIntel } from './manager.js';

const log = logger('threat-intel');
/** A running worker's document older than this is a worker gone (killed): its state no longer counts as live. */
const FRESH_MS = 5 * 60_000;
/** Documents older than this are removed (their matches are past the 30 days shown). */
const KEEP_MS = 31 * 86_400_000;

interface WorkerStatus {
  id: string;
  at: number;
  /** The worker stopped; only its counts still count. */
  stopped?: boolean;
  feeds: FeedStatus[];
}

/** A feed as the distributed view shows it: when a worker last said so, and how many running workers load it. */
export type SharedFeedStatus = FeedStatus & { reportedAt: number; workers: number };

/** Publishes this process's feed status every `everyMs`; returns the stop function (a last write, stopped). */
export function publishStatus(state: StateStore, ti: ThreatIntel, everyMs = 30_000): () => Promise<void> {
  const id = `worker-${randomUUID()}`;
  const coll = state.collection<WorkerStatus>('ti_status');
  const write = (stopped: boolean) =>
    coll
      .put(SCOPE_ALL, { id, at: Date.now(), ...(stopped ? { stopped } : {}), feeds: ti.status() })
      .then(() => undefined)
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'Publishing the feed status failed'));
  void write(false);
  const timer = setInterval(() => void write(false), everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    return write(true);
  };
}

/**
 * Merges the workers' documents: per feed the newest state among running workers (else, with no worker running,
 * the newest state reported), matches per day summed over all documents.
 */
export function mergeStatus(docs: readonly WorkerStatus[], now = Date.now()): SharedFeedStatus[] {
  const byFeed = new Map<string, { live: boolean; at: number; s: FeedStatus }>();
  const days = new Map<string, Record<string, number>>();
  const workers = new Map<string, number>();
  for (const d of docs) {
    if (now - d.at > KEEP_MS) continue;
    const live = !d.stopped && now - d.at <= FRESH_MS;
    for (const f of d.feeds) {
      if (live) workers.set(f.name, (workers.get(f.name) ?? 0) + 1);
      const cur = byFeed.get(f.name);
      if (!cur || (live && !cur.live) || (live === cur.live && d.at > cur.at))
        byFeed.set(f.name, { live, at: d.at, s: f });
      const sum = days.get(f.name) ?? {};
      for (const [day, n] of Object.entries(f.matchesByDay)) sum[day] = (sum[day] ?? 0) + n;
      days.set(f.name, sum);
    }
  }
  return [...byFeed.values()].map(({ at, s }) => ({
    ...s,
    matchesByDay: last30(days.get(s.name) ?? {}),
    reportedAt: at,
    workers: workers.get(s.name) ?? 0,
  }));
}

function last30(byDay: Record<string, number>): Record<string, number> {
  const keys = Object.keys(byDay).sort().slice(-30);
  return Object.fromEntries(keys.map((k) => [k, byDay[k]!]));
}

/** The API's view in a process that runs no feeds itself: the workers' merged status (old documents removed). */
export async function readStatus(state: StateStore, now = Date.now()): Promise<SharedFeedStatus[]> {
  const coll = state.collection<WorkerStatus>('ti_status');
  const docs: WorkerStatus[] = [];
  let after: string | undefined;
  // Bounded: one document per worker run kept 31 days is far below this.
  for (let page = 0; page < 20; page++) {
    const r = await coll.list(SCOPE_ALL, { size: 1000, ...(after ? { after } : {}) });
    docs.push(...r.docs);
    after = r.next;
    if (!after) break;
  }
  for (const d of docs) if (now - d.at > KEEP_MS) void coll.delete(SCOPE_ALL, d.id).catch(() => undefined);
  return mergeStatus(docs, now);
}
