import { createHash } from 'node:crypto';
import { logger } from '../core/log.js';
import { counter } from '../core/metrics.js';
import { type SettingsCache, settingsFor } from '../core/settings.js';
import { isStoreConflict } from '../store/errors.js';
import { type Collection, SCOPE_ALL, type StateStore } from '../store/types.js';
import { groupingKey } from './policy.js';
import { IncidentService } from './service.js';
import { type Alert, type Severity, SILENT_HOST_RULE } from './types.js';

const log = logger('silent_hosts');
const silentTotal = counter('canhgac_silent_hosts_total', 'Hosts found silent (raised) and resumed (resolved)', [
  'change',
]);
const checkErrors = counter(
  'canhgac_silent_host_check_errors_total',
  'Failed writes while marking a host silent (other than a concurrent change); the check stops and retries later',
);

export { SILENT_HOST_RULE } from './types.js';

/** A host canhgac expects to hear from. */
export interface HostRecord {
  id: string;
  agencyId: string;
  host: string;
  /** When canhgac first and last received something from it (receipt time, never the time its lines carry). */
  firstSeen: number;
  lastSeen: number;
  /** Events seen since the record was created (approximate under concurrent writers). */
  events: number;
  /** false: known but not watched (an operator turned it off). */
  expected: boolean;
  /** Minutes of silence before an incident; absent: the agency's or the global default. */
  thresholdMinutes?: number;
  silentSince?: number;
}

/** Options of the silent-host watcher. */
export interface SilentHostOptions {
  /** Minutes of silence by default (60); the `silentHostMinutes` setting, when set, wins. */
  defaultThresholdMinutes?: number;
  /** Per-agency thresholds. */
  agencyThresholdMinutes?: Record<string, number>;
  severity?: Severity;
  /** Where run-time settings come from (default: the state store's shared cache; false: ignore settings). */
  settings?: SettingsCache | false;
  now?: () => number;
}

/**
 * When canhgac received an event (`event.ingested`), the clock silent hosts go by: the time a line carries says
 * nothing about whether its host is alive (a line dated 2099, a host on UTC read as local time). Now when absent.
 */
export function receiptTime(e: { 'event.ingested'?: unknown }, now = Date.now()): number {
  const t = typeof e['event.ingested'] === 'string' ? Date.parse(e['event.ingested']) : Number.NaN;
  return Number.isFinite(t) ? t : now;
}

/** The stable id of a host record. */
export function hostId(agencyId: string, host: string): string {
  return `host-${createHash('sha256').update(`${agencyId}\u0000${host.toLowerCase()}`).digest('hex').slice(0, 24)}`;
}

/**
 * Learns the hosts that send logs (from traffic, editable), raises an incident for its agency when one falls
 * silent past its threshold, and resolves that incident when the host sends again.
 */
export class SilentHostWatcher {
  readonly hosts: Collection<HostRecord>;
  private readonly pending = new Map<string, { agencyId: string; host: string; lastSeen: number; count: number }>();
  private readonly now: () => number;
  private readonly settings: SettingsCache | undefined;

  constructor(
    state: StateStore,
    private readonly incidents: IncidentService,
    private readonly opts: SilentHostOptions = {},
  ) {
    this.hosts = state.collection<HostRecord>('hosts');
    this.now = opts.now ?? Date.now;
    this.settings = opts.settings === false ? undefined : (opts.settings ?? settingsFor(state));
  }

  /**
   * Notes that canhgac received an event from a host at `receivedAt` (receipt time: see receiptTime); cheap,
   * aggregated in memory until flush. A time ahead of this clock (another node's skew) counts as now.
   */
  observe(agencyId: string, host: string, receivedAt: number): void {
    const ts = Math.min(receivedAt, this.now());
    const key = `${agencyId}\u0000${host.toLowerCase()}`;
    const p = this.pending.get(key);
    if (p) {
      p.count++;
      if (ts > p.lastSeen) p.lastSeen = ts;
    } else this.pending.set(key, { agencyId, host, lastSeen: ts, count: 1 });
  }

  /** Notes a stored event: its agency and `host.name`, at its receipt time (nothing without a host or quarantined). */
  observeEvent(e: {
    'agency.id'?: unknown;
    'host.name'?: unknown;
    'event.ingested'?: unknown;
    'canhgac.quarantine'?: unknown;
  }): void {
    // A quarantined sender (no agency claims it) is nobody's host: it must not become one to watch.
    if (e['canhgac.quarantine'] !== undefined) return;
    const host = e['host.name'];
    if (typeof host !== 'string' || host === '') return;
    this.observe(String(e['agency.id'] ?? 'unassigned'), host, receiptTime(e, this.now()));
  }

  /** Writes what was observed; hosts that were silent are marked resumed and their incident resolved. */
  async flush(): Promise<number> {
    const batch = [...this.pending.values()];
    this.pending.clear();
    for (const p of batch) {
      const id = hostId(p.agencyId, p.host);
      for (let attempt = 0; attempt < 10; attempt++) {
        const cur = await this.hosts.get(SCOPE_ALL, id);
        // A stored lastSeen in the future (written from a line's own timestamp by older versions) is not kept.
        const was = cur ? Math.min(cur.lastSeen, this.now()) : 0;
        const next: HostRecord = cur
          ? { ...stripVersion(cur), lastSeen: Math.max(was, p.lastSeen), events: cur.events + p.count }
          : {
              id,
              agencyId: p.agencyId,
              host: p.host,
              firstSeen: p.lastSeen,
              lastSeen: p.lastSeen,
              events: p.count,
              expected: true,
            };
        const resumed = cur?.silentSince !== undefined;
        if (resumed) delete next.silentSince;
        // The incident first, the host record after: a crash between them leaves the host silent, so the next
        // flush resolves again (a no-op) instead of leaving the incident open for ever.
        if (resumed) await this.resolve(next);
        try {
          await this.hosts.put(SCOPE_ALL, next, { expectedVersion: cur ? cur.version : 0 });
        } catch (err) {
          if (isStoreConflict(err)) continue;
          throw err;
        }
        break;
      }
    }
    return batch.length;
  }

  /** Raises incidents for hosts silent past their threshold; returns the hosts newly found silent. */
  async check(): Promise<HostRecord[]> {
    const now = this.now();
    const found: HostRecord[] = [];
    const fallback =
      (this.settings ? (await this.settings.get()).silentHostMinutes : undefined) ??
      this.opts.defaultThresholdMinutes ??
      60;
    let after: string | undefined;
    do {
      const page = await this.hosts.list(SCOPE_ALL, {
        filter: { expected: true },
        size: 1000,
        ...(after ? { after } : {}),
      });
      for (const h of page.docs) {
        if (h.silentSince !== undefined) {
          // Marked silent: its incident was raised, or the process stopped right before; raise it again (the
          // alert id is the same, so an incident that has it counts nothing twice).
          await this.incidents.ingestAlert(this.silentAlert(h, h.silentSince, undefined));
          continue;
        }
        if (h.lastSeen > now) {
          // Written from a line's own future timestamp by an older version: the silence is counted from now on.
          const { version, ...rest } = h;
          await this.hosts.put(SCOPE_ALL, { ...rest, lastSeen: now }, { expectedVersion: version }).catch((err) => {
            if (!isStoreConflict(err)) throw err;
          });
          continue;
        }
        const minutes = h.thresholdMinutes ?? this.opts.agencyThresholdMinutes?.[h.agencyId] ?? fallback;
        if (now - h.lastSeen < minutes * 60_000) continue;
        try {
          const { version, ...rest } = h;
          await this.hosts.put(SCOPE_ALL, { ...rest, silentSince: now }, { expectedVersion: version });
        } catch (err) {
          if (isStoreConflict(err)) continue; // it changed (probably sent again): the next check decides
          checkErrors.inc();
          log.error({ err, host: h.host, agency: h.agencyId }, 'Could not mark a host silent');
          throw err;
        }
        await this.incidents.ingestAlert(this.silentAlert(h, now, minutes));
        silentTotal.labels('raised').inc();
        log.warn({ host: h.host, agency: h.agencyId, lastSeen: h.lastSeen }, 'Host stopped sending logs');
        found.push({ ...h, silentSince: now });
      }
      after = page.next;
    } while (after);
    return found;
  }

  /** The alert of a host found silent at `at` (its id depends on nothing else, so raising it twice is a no-op). */
  private silentAlert(h: HostRecord, at: number, minutes: number | undefined): Alert {
    return {
      id: `silent-${h.id}-${at}`,
      kind: 'silent_host',
      ruleId: SILENT_HOST_RULE,
      ruleTitle: `Host ${h.host} stopped sending logs`,
      level: this.opts.severity ?? 'medium',
      tags: [],
      agencyId: h.agencyId,
      host: h.host,
      eventIds: [],
      ts: at,
      fields: { lastSeen: h.lastSeen, ...(minutes !== undefined ? { thresholdMinutes: minutes } : {}) },
    };
  }

  private async resolve(h: HostRecord): Promise<void> {
    const key = groupingKey({ ruleId: SILENT_HOST_RULE, agencyId: h.agencyId, host: h.host } as Alert, [
      'ruleId',
      'agencyId',
      'host',
    ]);
    const id = IncidentService.incidentId(key);
    const inc = await this.incidents.incidents.get(SCOPE_ALL, id);
    if (inc && inc.state !== 'resolved' && inc.state !== 'false_positive') {
      await this.incidents.transition(SCOPE_ALL, id, 'resolved', 'system');
      silentTotal.labels('resolved').inc();
      log.info({ host: h.host, agency: h.agencyId }, 'Host sends logs again; silent-host incident resolved');
    }
  }
}

function stripVersion<T extends { version: number }>(doc: T): Omit<T, 'version'> {
  const { version: _v, ...rest } = doc;
  return rest;
}
