/**
 * The sender gate: what intake does with senders no agency claims (configuration `unclaimedSenders`). The syslog
 * ports listen on every address by default and syslog has no authentication, so anyone who can reach them can
 * write events; `refuse` keeps them out of the spool, `quarantine` stores them marked and keeps them out of
 * detection (the normaliser sets `canhgac.quarantine`), `accept` stores them as `agency.id: unassigned`.
 * A sender is claimed by an agency network holding its address, a verified client certificate or an agent key
 * naming an agency. Every decision about an unclaimed sender is counted in /metrics; refusals and quarantines are
 * also logged once per address (accepted ones by the normaliser).
 */

import { Counter } from 'prom-client';
import { logger } from '../../core/log.js';
import { counter, registry } from '../../core/metrics.js';
import { type AgencyConfig, type AgencyTable, agencyTable, UNASSIGNED } from '../normalise/agency.js';
import type { Transport } from '../spool/types.js';

/** What to do with a sender no agency claims. */
export type UnclaimedAction = 'accept' | 'quarantine' | 'refuse';

/** The reason label of refusals and quarantines decided here. */
export const UNCLAIMED_SENDER = 'unclaimed_sender';

const log = logger('intake_gate');
/**
 * Counts not yet added to the counter, by `transport action`: a prom-client increment hashes its labels each time
 * (about 3 µs, too much per UDP datagram at 100k/s), so records are summed here and added when /metrics is read.
 */
const pendingCounts = new Map<string, { transport: string; action: string; n: number }>();
const RECORDS = 'canhgac_intake_unclaimed_records_total';
// Registered once; its collect hook adds the pending counts whenever the registry is read.
if (registry.getSingleMetric(RECORDS) === undefined)
  new Counter({
    name: RECORDS,
    help: 'Records from senders no agency claims (no agency network, certificate or agent key), by transport and what intake did: accepted (stored as unassigned), quarantined (stored, not matched), refused (not stored)',
    labelNames: ['transport', 'action', 'reason'],
    registers: [registry],
    collect() {
      for (const p of pendingCounts.values()) {
        if (p.n === 0) continue;
        this.labels(p.transport, p.action, UNCLAIMED_SENDER).inc(p.n);
        p.n = 0;
      }
    },
  });
const connections = counter(
  'canhgac_intake_refused_connections_total',
  'Stream connections (TCP, TLS, RELP) closed at accept because no agency claims the sender, by transport and reason',
  ['transport', 'reason'],
);

/** Decides, per sender, whether intake takes its records; shared by every source of one intake. */
export class SenderGate {
  private table: AgencyTable;
  private seen: readonly AgencyConfig[];
  private readonly reported = new Set<string>();
  /** This gate's pending counts by transport (see pendingCounts). */
  private readonly children = new Map<string, { n: number }>();

  /** `agencies` is read on every decision (a live list: a changed array rebuilds the table). */
  constructor(
    readonly action: UnclaimedAction,
    private readonly agencies: () => readonly AgencyConfig[],
  ) {
    this.seen = agencies();
    this.table = agencyTable(this.seen);
  }

  /** Whether an agency network holds `address`. */
  claims(address: string): boolean {
    const list = this.agencies();
    if (list !== this.seen) {
      this.seen = list;
      this.table = agencyTable(list);
    }
    return this.table.lookup(address) !== UNASSIGNED;
  }

  /**
   * Whether records of `address` (with the agency a certificate or key gave them, if any) may enter the spool.
   * Counts `n` records as accepted, quarantined or refused when no agency claims the sender.
   */
  admitRecords(transport: Transport, address: string, agency: string | undefined, n = 1): boolean {
    if (agency !== undefined && agency !== '') return true;
    if (this.claims(address)) return true;
    this.count(transport, n);
    this.report(transport, address);
    return this.action !== 'refuse';
  }

  /** Whether a stream connection may stay open (refuse only: quarantined connections are kept and counted). */
  admitConnection(transport: Transport, address: string, agency: string | undefined): boolean {
    if (this.action !== 'refuse' || (agency !== undefined && agency !== '') || this.claims(address)) return true;
    connections.labels(transport, UNCLAIMED_SENDER).inc();
    this.report(transport, address);
    return false;
  }

  /** Whether the records of a connection admitted by admitConnection come from an unclaimed sender. */
  unclaimed(address: string, agency: string | undefined): boolean {
    return (agency === undefined || agency === '') && !this.claims(address);
  }

  /** Counts `n` records of an admitted unclaimed connection (accepted or quarantined). */
  countAdmitted(transport: Transport, n: number): void {
    this.count(transport, n);
  }

  private count(transport: Transport, n: number): void {
    let c = this.children.get(transport);
    if (c === undefined) {
      const action = actionLabel(this.action);
      const key = `${transport} ${action}`;
      let shared = pendingCounts.get(key);
      if (shared === undefined) {
        shared = { transport, action, n: 0 };
        pendingCounts.set(key, shared);
      }
      c = shared;
      this.children.set(transport, c);
    }
    c.n += n;
  }

  private report(transport: Transport, address: string): void {
    // Accepted senders are reported by the normaliser (agency unassigned); here only refusals and quarantines.
    if (this.action === 'accept' || this.reported.has(address) || this.reported.size >= 10_000) return;
    this.reported.add(address);
    const msg =
      this.action === 'refuse'
        ? 'Refused a sender no agency claims'
        : 'Quarantining events of a sender no agency claims (stored, never matched)';
    log.warn({ source: address, transport }, msg);
  }
}

function actionLabel(a: UnclaimedAction): string {
  return a === 'refuse' ? 'refused' : a === 'quarantine' ? 'quarantined' : 'accepted';
}
