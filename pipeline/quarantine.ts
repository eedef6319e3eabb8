/**
 * Quarantine: raw records that no worker could process (they failed every try: as part of their batch, then
 * alone) are kept in the state store with the reason and the number of times they failed, so they are never
 * replayed forever and never lost. They are visible in /metrics (canhgac_pipeline_quarantined_records) and through
 * `canhgac quarantine list`; `canhgac quarantine replay` (after an upgrade that fixes the cause) marks them, and
 * the running service runs the marked ones through the pipeline again: the ones that pass leave the quarantine.
 */
import { logger } from '../core/log.js';
import { counter, gauge } from '../core/metrics.js';
import type { RawRecord } from '../ingest/spool/types.js';
import { listAll } from '../store/list-all.js';
import { type Collection, SCOPE_ALL, type StateStore, type Versioned } from '../store/types.js';

const log = logger('quarantine');
const quarantinedTotal = counter(
  'canhgac_pipeline_quarantined_total',
  'Records put in quarantine (or back in it after a replay failed), kept raw with the reason',
);
const quarantinedNow = gauge('canhgac_pipeline_quarantined_records', 'Records held in quarantine now');
const replayedTotal = counter(
  'canhgac_pipeline_quarantine_replayed_total',
  'Quarantined records replayed, by outcome',
  ['outcome'],
);

/** One quarantined record. */
export interface QuarantineDoc {
  /** The record (event.id, receive time, transport, sender, agency, format hint, raw data). */
  record: RawRecord;
  /** Why processing it failed the last time. */
  reason: string;
  /** Times it failed every try (1 on entry; +1 per failed replay). */
  failures: number;
  quarantinedAt: number;
  /** Marked for replay (`canhgac quarantine replay`); the service replays it and clears the mark. */
  replay: boolean;
  /** Sender's agency, for scoped reads (agency admins see their own). */
  agencyId: string;
}

const NAME = 'quarantine';

/** The quarantine collection. */
export function quarantine(state: StateStore): Collection<QuarantineDoc> {
  return state.collection<QuarantineDoc>(NAME);
}

/** Every quarantined record (optionally only those marked for replay). */
export async function listQuarantine(state: StateStore, markedOnly = false): Promise<Versioned<QuarantineDoc>[]> {
  return listAll(quarantine(state), SCOPE_ALL, markedOnly ? { replay: true } : undefined);
}

/** Sets the gauge from the store (at start, after changes). */
export async function refreshQuarantineGauge(state: StateStore): Promise<number> {
  const n = (await listQuarantine(state)).length;
  quarantinedNow.set(n);
  return n;
}

/** Puts records that failed every try in quarantine (a record already there counts one more failure). */
export async function quarantineRecords(
  state: StateStore,
  bad: readonly { record: RawRecord; reason: string }[],
): Promise<void> {
  if (bad.length === 0) return;
  const c = quarantine(state);
  for (const { record, reason } of bad) {
    const old = await c.get(SCOPE_ALL, record.id);
    await c.put(SCOPE_ALL, {
      id: record.id,
      agencyId: record.agency ?? 'unassigned',
      record,
      reason: reason.slice(0, 1000),
      failures: (old?.failures ?? 0) + 1,
      quarantinedAt: Date.now(),
      replay: false,
    });
    log.error(
      { id: record.id, source: record.source, reason, failures: (old?.failures ?? 0) + 1 },
      'Record quarantined',
    );
  }
  quarantinedTotal.inc(bad.length);
  await refreshQuarantineGauge(state).catch(() => undefined);
}

/** Marks quarantined records for replay (all when `ids` is empty); returns how many were marked. */
export async function markForReplay(state: StateStore, ids: readonly string[]): Promise<number> {
  const c = quarantine(state);
  const docs = ids.length
    ? (await Promise.all(ids.map((id) => c.get(SCOPE_ALL, id)))).filter((d) => d !== undefined)
    : await listQuarantine(state);
  for (const d of docs) {
    const { version: _v, ...doc } = d;
    await c.put(SCOPE_ALL, { ...doc, replay: true });
  }
  return docs.length;
}

/**
 * Runs the records marked for replay through `handle` (the pipeline: a record that fails again comes back to
 * quarantine with one more failure and no mark); the ones still marked afterwards passed and leave quarantine.
 */
export async function replayMarked(
  state: StateStore,
  handle: (records: RawRecord[]) => Promise<void>,
): Promise<number> {
  const marked = await listQuarantine(state, true);
  if (marked.length === 0) return 0;
  const c = quarantine(state);
  for (let i = 0; i < marked.length; i += 500) {
    const part = marked.slice(i, i + 500);
    await handle(part.map((d) => d.record));
    for (const d of part) {
      const now = await c.get(SCOPE_ALL, d.id);
      if (now?.replay) {
        await c.delete(SCOPE_ALL, d.id);
        replayedTotal.labels('passed').inc();
      } else replayedTotal.labels('failed').inc();
    }
  }
  log.info({ records: marked.length }, 'Quarantined records replayed');
  await refreshQuarantineGauge(state);
  return marked.length;
}
