/**
 * Export to a monitoring centre: incidents changed since the last run become one STIX 2.1 bundle (stix.ts, under
 * the sharing policy) put in an outbox (state collection `export_outbox`); delivery (transport.ts) takes pending
 * bundles in order, retries a failure with exponential backoff up to `maxAttempts`, and writes every attempt to
 * the delivery log (`export_deliveries`). `dryRun` builds exactly what the next run would send and sends nothing.
 */

import { AssetService } from '../../context/assets/assets.js';
import { logger } from '../../core/log.js';
import { counter } from '../../core/metrics.js';
import type { Alert, Incident } from '../../incidents/types.js';
import { SCOPE_ALL, type Stores } from '../../store/types.js';
import { bundle, incidentObjects, type SharingPolicy, type StixObject } from './stix.js';
import { type DeliveryResult, deliver, type ExportTarget } from './transport.js';

const log = logger('export');
const bundles = counter('canhgac_export_bundles_total', 'STIX bundles delivered to a monitoring centre, by outcome', [
  'target',
  'outcome',
]);

/** A bundle waiting, sent or given up. */
export interface OutboxEntry {
  id: string;
  target: string;
  bundleId: string;
  bundle: StixObject;
  objects: number;
  state: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAt: number;
  createdAt: number;
  lastError?: string;
}

/** One delivery attempt, as the console's delivery log shows it. */
export interface DeliveryLogEntry {
  id: string;
  at: number;
  target: string;
  outboxId: string;
  bundleId: string;
  objects: number;
  attempt: number;
  ok: boolean;
  status: number;
  error?: string;
}

/** Options of an exporter. */
export interface ExporterOptions {
  target: ExportTarget;
  policy: SharingPolicy;
  /** Attempts before a bundle is marked failed (default 8). */
  maxAttempts?: number;
  /** First retry delay, doubled each time up to an hour (default 30 s). */
  backoffMs?: number;
  now?: () => number;
}

const PAGE = 500;

/** The exporter of one target. */
export class MonitoringExport {
  private readonly now: () => number;
  constructor(
    private readonly stores: Stores,
    private readonly o: ExporterOptions,
  ) {
    this.now = o.now ?? Date.now;
  }

  private col<T extends object>(name: string) {
    return this.stores.state.collection<T>(name);
  }

  /** Incidents changed after `since` (updatedAt), oldest first, with the alerts they name. */
  private async changed(since: number): Promise<{ objects: StixObject[]; last: number; incidents: number }> {
    const names = new Map<string, string>();
    for (let after: string | undefined; ; ) {
      const p = await this.col<{ id: string; name?: string }>('agencies').list(SCOPE_ALL, {
        size: 1000,
        ...(after ? { after } : {}),
      });
      for (const a of p.docs) if (a.name) names.set(a.id, a.name);
      after = p.next;
      if (!after) break;
    }
    // Security levels of the inventory (context/assets): an incident on a level 5 system shares monitoring only.
    const levels = new Map<string, number>();
    for (const a of await new AssetService(this.stores.state).list(SCOPE_ALL))
      if (a.securityLevel !== undefined) levels.set(`${a.agencyId}\u0000${a.host}`, a.securityLevel);
    const objects: StixObject[] = [];
    let last = since;
    let count = 0;
    for (let after: string | undefined, done = false; !done; ) {
      const p = await this.col<Incident>('incidents').list(SCOPE_ALL, {
        sort: { field: 'updatedAt', order: 'desc' },
        size: PAGE,
        ...(after ? { after } : {}),
      });
      for (const inc of p.docs) {
        if (inc.updatedAt <= since) {
          done = true;
          break;
        }
        const alerts: Alert[] = [];
        for (const id of inc.alertIds.slice(-50)) {
          const a = await this.col<Alert>('alerts').get(SCOPE_ALL, id);
          if (a) alerts.push(a);
        }
        const objs = incidentObjects(inc, alerts, this.policyFor(inc, levels), names.get(inc.agencyId));
        if (objs.length) count++;
        objects.push(...objs);
        last = Math.max(last, inc.updatedAt);
      }
      after = p.next;
      if (!after) done = true;
    }
    return { objects, last, incidents: count };
  }

  /** The policy for one incident: the configured one, with level 5 when its host is a level 5 system. */
  private policyFor(inc: Incident, levels: Map<string, number>): SharingPolicy {
    if (!inc.host || levels.get(`${inc.agencyId}\u0000${inc.host.toLowerCase()}`) !== 5) return this.o.policy;
    const p = this.o.policy;
    return { ...p, agencies: { ...p.agencies, [inc.agencyId]: { ...p.agencies?.[inc.agencyId], securityLevel: 5 } } };
  }

  private cursorId(): string {
    return `export-cursor-${this.o.target.name}`;
  }

  /** What the next run would send, sent nowhere. */
  async dryRun(): Promise<{ bundle: StixObject | undefined; incidents: number }> {
    const cur = await this.col<{ id: string; since: number }>('export_state').get(SCOPE_ALL, this.cursorId());
    const { objects, incidents } = await this.changed(cur?.since ?? 0);
    return { bundle: objects.length ? bundle(objects, this.o.policy, this.now()) : undefined, incidents };
  }

  /** Puts the incidents changed since the last run into the outbox as one bundle; moves the cursor. */
  async collect(): Promise<OutboxEntry | undefined> {
    const state = this.col<{ id: string; since: number }>('export_state');
    const cur = await state.get(SCOPE_ALL, this.cursorId());
    const { objects, last } = await this.changed(cur?.since ?? 0);
    let entry: OutboxEntry | undefined;
    if (objects.length) {
      const b = bundle(objects, this.o.policy, this.now());
      const t = this.now();
      entry = {
        id: `${this.o.target.name}-${t}-${b.id.slice(-12)}`,
        target: this.o.target.name,
        bundleId: b.id,
        bundle: b,
        objects: (b.objects as unknown[]).length,
        state: 'pending',
        attempts: 0,
        nextAt: t,
        createdAt: t,
      };
      await this.col<OutboxEntry>('export_outbox').put(SCOPE_ALL, entry);
    }
    await state.put(SCOPE_ALL, { id: this.cursorId(), since: last }, cur ? { expectedVersion: cur.version } : {});
    return entry;
  }

  /** Delivers the due pending bundles in order; returns what happened to each. */
  async deliver(): Promise<{ sent: number; retrying: number; failed: number }> {
    const out = { sent: 0, retrying: 0, failed: 0 };
    const box = this.col<OutboxEntry>('export_outbox');
    const page = await box.list(SCOPE_ALL, {
      filter: { target: this.o.target.name, state: 'pending' },
      sort: { field: 'createdAt', order: 'asc' },
      size: 100,
    });
    for (const e of page.docs) {
      const t = this.now();
      if (e.nextAt > t) continue;
      let r: DeliveryResult;
      try {
        r = await deliver(this.o.target, e.bundle);
      } catch (err) {
        r = { ok: false, status: 0, detail: String((err as Error).message).slice(0, 300) };
      }
      const attempt = e.attempts + 1;
      const logEntry: DeliveryLogEntry = {
        id: `${e.id}-${attempt}`,
        at: t,
        target: e.target,
        outboxId: e.id,
        bundleId: e.bundleId,
        objects: e.objects,
        attempt,
        ok: r.ok,
        status: r.status,
        ...(r.detail && !r.ok ? { error: r.detail } : {}),
      };
      await this.col<DeliveryLogEntry>('export_deliveries').put(SCOPE_ALL, logEntry);
      const { version, ...body } = e;
      const max = this.o.maxAttempts ?? 8;
      const next: OutboxEntry = {
        ...body,
        attempts: attempt,
        state: r.ok ? 'sent' : attempt >= max ? 'failed' : 'pending',
        nextAt: r.ok ? t : t + Math.min(3_600_000, (this.o.backoffMs ?? 30_000) * 2 ** (attempt - 1)),
        // The status leads (the console words the failure by it); the receiver's body follows as detail.
        ...(r.ok
          ? {}
          : { lastError: r.status ? `HTTP ${r.status}${r.detail ? `: ${r.detail}` : ''}` : (r.detail ?? '') }),
      };
      await box.put(SCOPE_ALL, next, { expectedVersion: version });
      const outcome = r.ok ? 'sent' : next.state === 'failed' ? 'failed' : 'retry';
      bundles.labels(e.target, outcome).inc();
      if (r.ok) out.sent++;
      else if (next.state === 'failed') {
        out.failed++;
        log.error({ target: e.target, bundle: e.bundleId, attempts: attempt }, 'Export bundle given up');
      } else {
        out.retrying++;
        log.warn({ target: e.target, status: r.status, error: r.detail }, 'Export delivery failed; will retry');
      }
    }
    return out;
  }

  /** The delivery log, newest first. */
  async deliveries(limit = 100): Promise<DeliveryLogEntry[]> {
    const p = await this.col<DeliveryLogEntry>('export_deliveries').list(SCOPE_ALL, {
      filter: { target: this.o.target.name },
      sort: { field: 'at', order: 'desc' },
      size: limit,
    });
    return p.docs;
  }
}
