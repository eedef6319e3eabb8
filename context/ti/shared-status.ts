/**
 * Feed status across processes. In distributed mode the feeds are loaded and matched by the workers, while the
 * API runs in `canhgac ingest`: each worker publishes its feeds' status to the state store (collection
 * `ti_status`, one document per worker, every 30 s), and the API merges the fresh ones: per feed the newest
 * state, matches per day summed over the workers (each counts the events it matched).
 */
import { randomUUID } from 'node:crypto';
import { logger } from '../../core/log.js';
import { SCOPE_ALL, type StateStore } from '../../store/types.js';
import type { FeedStatus, ThreatIntel } from './manager.js';

const log = logger('threat-intel');
/** A worker's document older than this is a worker gone: left out. */
const FRESH_MS = 5 * 60_000;

interface WorkerStatus {
  id: string;
  at: number;
  feeds: FeedStatus[];
}

/** Publishes this process's feed status every `everyMs`; returns the stop function. */
export function publishStatus(state: StateStore, ti: ThreatIntel, everyMs = 30_000): () => void {
  const id = `worker-${randomUUID()}`;
  const coll = state.collection<WorkerStatus>('ti_status');
  const write = () =>
    void coll
      .put(SCOPE_ALL, { id, at: Date.now(), feeds: ti.status() })
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'Publishing the feed status failed'));
  write();
  const timer = setInterval(write, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    void coll.delete(SCOPE_ALL, id).catch(() => undefined);
  };
}

/** Merges the workers' published status (fresh documents only). */
export function mergeStatus(docs: readonly WorkerStatus[], now = Date.now()): FeedStatus[] {
  const byFeed = new Map<string, { at: number; s: FeedStatus }>();
  const days = new Map<string, Record<string, number>>();
  for (const d of docs) {
    if (now - d.at > FRESH_MS) continue;
    for (const f of d.feeds) {
      const cur = byFeed.get(f.name);
      if (!cur || d.at > cur.at) byFeed.set(f.name, { at: d.at, s: f });
      const sum = days.get(f.name) ?? {};
      for (const [day, n] of Object.entries(f.matchesByDay)) sum[day] = (sum[day] ?? 0) + n;
      days.set(f.name, sum);
    }
  }
  return [...byFeed.values()].map(({ s }) => ({ ...s, matchesByDay: days.get(s.name) ?? {} }));
}

/** The API's view in a process that runs no feeds itself: the workers' merged status. */
export async function readStatus(state: StateStore): Promise<FeedStatus[]> {
  const page = await state.collection<WorkerStatus>('ti_status').list(SCOPE_ALL, { size: 1000 });
  return mergeStatus(page.docs);
}
