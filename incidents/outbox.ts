/**
 * The incident outbox: every incident event (opened, alert count past a threshold, reopened, escalated, SLA
 * breached, host silent, host resumed, resolved) is written into the incident document in the same write as the
 * state change that caused it (`outbox`, `outboxPending`), so a crash between the change and its notice loses
 * nothing: the event stays pending until a sink (notify/incident-relay.ts) has taken it, and the periodic sweep
 * finds what a crash left behind. Event ids are stable per change, so a sink that sees one twice dedupes it.
 */
import { logger } from '../core/log.js';
import { counter } from '../core/metrics.js';
import { isStoreConflict } from '../store/errors.js';
import { type Collection, SCOPE_ALL, type Versioned } from '../store/types.js';
import type { Incident, IncidentEvent } from './types.js';

const log = logger('incident_outbox');
const relayed = counter(
  'canhgac_incident_events_total',
  'Incident events by kind and outcome (queued, relayed, dropped)',
  ['kind', 'outcome'],
);

/** Events kept pending on one incident at most (the oldest are dropped, counted, if no sink takes them). */
export const OUTBOX_MAX = 50;

/** Alert counts at which a grouped incident tells again that it keeps growing. */
export const RECURRING_AT: readonly number[] = [10, 100, 1000, 10_000, 100_000];

/** Quick retries of one incident's drain after a failed hand-over, before the sweep takes over. */
const RETRIES = 5;

/** Takes one event of an incident (throws to leave it pending for the next drain). */
export type OutboxSink = (incident: Incident, event: IncidentEvent) => Promise<void>;

/** Adds an event to the incident's outbox (the caller writes the incident, with the event, in one put). */
export function pushEvent(inc: Incident, event: IncidentEvent): void {
  const list = [...(inc.outbox ?? [])];
  if (list.some((e) => e.id === event.id)) return;
  list.push(event);
  while (list.length > OUTBOX_MAX) {
    const dropped = list.shift()!;
    relayed.labels(dropped.kind, 'dropped').inc();
    log.error({ incident: inc.id, event: dropped.id }, 'Incident outbox full; the oldest event was dropped');
  }
  inc.outbox = list;
  inc.outboxPending = true;
  relayed.labels(event.kind, 'queued').inc();
}

/** Drains incident outboxes into a sink: right after a change, and by a periodic sweep after a crash. */
export class IncidentOutbox {
  private sink: OutboxSink | undefined;

  constructor(private readonly incidents: Collection<Incident>) {}

  /** Sets where events go (notify/incident-relay.ts); without one, events wait in the store. */
  attach(sink: OutboxSink | undefined): void {
    this.sink = sink;
  }

  /** Whether a sink is attached. */
  get attached(): boolean {
    return this.sink !== undefined;
  }

  /**
   * Hands the pending events of one incident to the sink, then removes them; returns how many went. A sink that
   * fails (the store or Redis briefly unavailable) is tried again for this incident after 1, 2, 4, 8 and 16 s,
   * then left to the sweep.
   */
  async drain(id: string, known?: Versioned<Incident>, retry = 0): Promise<number> {
    const sink = this.sink;
    if (!sink) return 0;
    let inc = known ?? (await this.incidents.get(SCOPE_ALL, id));
    if (!inc?.outbox?.length) return 0;
    const done = new Set<string>();
    for (const ev of inc.outbox) {
      try {
        await sink(inc, ev);
        done.add(ev.id);
        relayed.labels(ev.kind, 'relayed').inc();
      } catch (err) {
        log.warn(
          { incident: id, event: ev.id, err: (err as Error).message },
          'Incident event not relayed; retried later',
        );
        if (retry < RETRIES) this.retryLater(id, retry + 1);
        break; // keep the order: later events wait for this one
      }
    }
    if (done.size === 0) return 0;
    for (let attempt = 0; attempt < 20 && inc; attempt++) {
      const { version, ...base } = inc;
      const rest = (base.outbox ?? []).filter((e) => !done.has(e.id));
      const next: Incident = { ...base, outbox: rest, outboxPending: rest.length > 0 };
      try {
        await this.incidents.put(SCOPE_ALL, next, { expectedVersion: version, refresh: false });
        return done.size;
      } catch (err) {
        if (!isStoreConflict(err)) throw err;
        inc = await this.incidents.get(SCOPE_ALL, id);
      }
    }
    // Still pending: the sweep tries again, and the sink dedupes by event id.
    return done.size;
  }

  private retryLater(id: string, retry: number): void {
    const t = setTimeout(
      () => {
        this.drain(id, undefined, retry).catch((err: unknown) =>
          log.warn({ incident: id, err: (err as Error).message }, 'Incident outbox retry failed; the sweep takes over'),
        );
      },
      500 * 2 ** retry,
    );
    t.unref();
  }

  /** Drains every incident with pending events (the crash path); returns how many events went. */
  async sweep(): Promise<number> {
    if (!this.sink) return 0;
    let n = 0;
    let after: string | undefined;
    do {
      const page = await this.incidents.list(SCOPE_ALL, {
        filter: { outboxPending: true },
        size: 500,
        ...(after ? { after } : {}),
      });
      // Read each again: a listing may lag behind the last write (OpenSearch refresh), a get does not.
      for (const inc of page.docs) n += await this.drain(inc.id);
      after = page.next;
    } while (after);
    return n;
  }
}
