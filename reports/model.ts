/**
 * The report model: every figure of a weekly or six-monthly report, read from the store layer in a Scope (an
 * agency's report runs in that agency's scope; the store refuses anything else). Rendering is reports/render.ts.
 *
 * Definitions (also printed in the report's notes):
 * - events: stored events with `@timestamp` in the period; incidents: incidents created in the period;
 * - MTTA: mean of acknowledgedAt - createdAt over the period's incidents that were acknowledged;
 *   MTTR: mean of resolvedAt - createdAt over the period's incidents resolved or closed as false positive;
 * - SLA breaches: clocks (acknowledge, resolve) that ran out during the period, whenever the incident began;
 * - top rules / hosts: alerts of the period (suppressed and silent-host alerts left out);
 * - silent hosts: expected hosts that sent nothing in the period, or that the watcher marks silent; a host is judged
 *   only for the part of the period after it was first seen (one first seen after the period is not expected in it);
 * - the current period (now before its end) is reported up to now ("tính đến ngày"): its days after now are marked
 *   future (not drawn as zero) and it is compared with the same elapsed part of the previous period.
 */
import { AssetService } from '../context/assets/assets.js';
import { type QueryNode, q } from '../core/event/query.js';
import { type NoiseReport, NoiseTally } from '../incidents/noise.js';
import { type HostRecord, SILENT_HOST_RULE } from '../incidents/silent-hosts.js';
import { type Alert, type Incident, type IncidentState, SEVERITIES, type Severity } from '../incidents/types.js';
import { agencyScope, type DocFilter, type Scope, type Stores, type Versioned } from '../store/types.js';
import { buckets, type Period, previous } from './period.js';

/** A figure of this period and of the previous one. */
export interface Change {
  current: number;
  previous: number;
}

/** One line of the notable incidents. */
export interface NotableIncident {
  id: string;
  severity: Severity;
  state: IncidentState;
  title: string;
  ruleId: string;
  agencyId: string;
  host?: string;
  alertCount: number;
  firstSeen: number;
  lastSeen: number;
  /** The host's entry in its agency's asset inventory (context/assets). */
  asset?: AssetContext;
}

/** What a report says of an asset: its role, criticality (1-5) and security level (Decree 85/2016/NĐ-CP). */
export interface AssetContext {
  role?: string;
  criticality: number;
  securityLevel?: number;
}

/** Coverage of one agency. */
export interface AgencyCoverage {
  id: string;
  name?: string;
  events: number;
  /** Hosts that sent events in the period. */
  hostsSending: number;
  /** Hosts canhgac expects to hear from. */
  hostsExpected: number;
}

/** Everything a report shows. */
export interface ReportModel {
  kind: 'weekly' | 'semiannual';
  period: Period;
  previousPeriod: Period;
  /** Absent: the province-wide report. */
  agency?: { id: string; name?: string };
  generatedAt: number;
  headline: { events: Change; incidents: Change; criticalHigh: Change; slaBreaches: Change };
  bySeverity: Record<Severity, number>;
  byState: Record<IncidentState, number>;
  /** Mean time to acknowledge / resolve in ms (absent: nothing to average), with how many incidents it averages. */
  mtta?: number;
  mttaCount: number;
  mttr?: number;
  mttrCount: number;
  slaBreaches: { acknowledge: number; resolve: number };
  trend: { label: string; from: number; events: number; incidents: number; future?: boolean }[];
  topRules: { ruleId: string; title: string; alerts: number; tags: string[]; agencies: number }[];
  topHosts: { host: string; agencyId: string; alerts: number; asset?: AssetContext }[];
  silentHosts: { host: string; agencyId: string; lastSeen: number; silentSince?: number; firstSeen: number }[];
  /** Where the figures stop: the period's end, or now for the current period. */
  asOf: number;
  /** The current period, reported up to now. */
  partial: boolean;
  /** What the previous figures cover: the previous period, or its same elapsed part for the current period. */
  comparedTo: { from: number; to: number };
  /** Alerts of the period (suppressed and silent-host alerts left out). */
  alerts: number;
  /** Incidents resolved / closed as false positive during the period, whenever they began. */
  closedInPeriod: { resolved: number; falsePositive: number };
  /** Incidents still open (new, acknowledged, in progress) now, of those created in the period, by severity. */
  openBySeverity: Record<Severity, number>;
  /** Agencies with such an open critical or high incident. */
  openCriticalHighAgencies: string[];
  /** Names of the agencies the report mentions (id -> name). */
  agencyNames: Record<string, string>;
  notable: NotableIncident[];
  coverage: {
    agencies: AgencyCoverage[];
    /** Agencies with no event in the period. */
    agenciesSilent: string[];
    hostsSending: number;
    hostsExpected: number;
    /** Expected hosts that sent nothing in the period. */
    hostsMissing: { host: string; agencyId: string; lastSeen: number }[];
  };
  /** Rule tuning: the noisiest rules of the period by analysts' verdicts (incidents/noise.ts), topN rows. */
  noise?: NoiseReport;
}

/** What to report on. */
export interface ReportRequest {
  kind: 'weekly' | 'semiannual';
  period: Period;
  /** The store scope of the caller (the agency's scope for an agency report). */
  scope: Scope;
  /** The agency reported on; absent: everything the scope sees (province-wide for the full scope). */
  agencyId?: string;
  /** How many top rules / hosts / notable incidents (default 10). */
  topN?: number;
  now?: number;
}

const STATES: readonly IncidentState[] = ['new', 'acknowledged', 'in_progress', 'resolved', 'false_positive'];
const PAGE = 1000;

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function inRange(t: number | undefined, p: { from: number; to: number }): boolean {
  return t !== undefined && t >= p.from && t < p.to;
}

function top<T>(m: Map<string, T & { n: number }>, n: number, key: (v: T) => string): (T & { n: number })[] {
  return [...m.values()].sort((a, b) => b.n - a.n || key(a).localeCompare(key(b))).slice(0, n);
}

function mean(xs: number[]): number | undefined {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined;
}

/** Builds the report model from the stores. */
export async function buildReport(stores: Stores, req: ReportRequest): Promise<ReportModel> {
  const { period } = req;
  const prev = previous(period);
  const topN = req.topN ?? 10;
  const now = req.now ?? Date.now();
  const asOf = Math.min(period.to, Math.max(period.from, now));
  const partial = now < period.to;
  // What the figures cover: the period up to now (anything stamped later is not counted yet).
  const cur = { from: period.from, to: asOf };
  // The current period is compared with the same elapsed part of the previous one.
  const cmp = partial ? { from: prev.from, to: Math.min(prev.to, prev.from + (asOf - period.from)) } : prev;
  const filter: DocFilter = req.agencyId !== undefined ? { agencyId: req.agencyId } : {};
  // An agency's report runs in that agency's scope (narrowing the full scope is always allowed, and the stores
  // answer an agency scope from their agency index). An agency scope asked about another agency keeps its own
  // scope plus the filter: the store then finds nothing.
  let scope: Scope = req.scope;
  let base: QueryNode = q.all();
  if (req.agencyId !== undefined) {
    if (scope.kind === 'all') scope = agencyScope(req.agencyId);
    else if (scope.agencyId !== req.agencyId) base = q.eq('agency.id', req.agencyId, true);
  }
  const countEvents = async (from: number, to: number, query: QueryNode = base) =>
    (await stores.events.aggregate(scope, { query, from, to, agg: { kind: 'count' } })).count ?? 0;

  // Incidents touched since the previous period began (every change moves updatedAt).
  const incidents: Versioned<Incident>[] = [];
  const incCol = stores.state.collection<Incident>('incidents');
  for (let after: string | undefined, done = false; !done; ) {
    const page = await incCol.list(scope, {
      filter,
      sort: { field: 'updatedAt', order: 'desc' },
      size: PAGE,
      ...(after ? { after } : {}),
    });
    for (const i of page.docs) {
      if (i.updatedAt < prev.from) {
        done = true;
        break;
      }
      incidents.push(i);
    }
    after = page.next;
    if (!after) done = true;
  }
  const created = incidents.filter((i) => inRange(i.createdAt, cur));
  const createdPrev = incidents.filter((i) => inRange(i.createdAt, cmp));
  const critHigh = (xs: Incident[]) => xs.filter((i) => i.severity === 'critical' || i.severity === 'high').length;
  const breaches = (p: { from: number; to: number }) => {
    let acknowledge = 0;
    let resolve = 0;
    for (const i of incidents) {
      if (inRange(i.sla?.ackBreachedAt, p)) acknowledge++;
      if (inRange(i.sla?.resolveBreachedAt, p)) resolve++;
    }
    return { acknowledge, resolve };
  };
  const sla = breaches(cur);
  const slaPrev = breaches(cmp);

  const bySeverity = zeroes(SEVERITIES);
  const byState = zeroes(STATES);
  for (const i of created) {
    bySeverity[i.severity]++;
    byState[i.state]++;
  }
  const acked = created.filter((i) => i.acknowledgedAt !== undefined).map((i) => i.acknowledgedAt! - i.createdAt);
  const resolved = created
    .filter((i) => (i.state === 'resolved' || i.state === 'false_positive') && i.resolvedAt !== undefined)
    .map((i) => i.resolvedAt! - i.createdAt);

  const trend: ReportModel['trend'] = [];
  for (const b of buckets(period)) {
    if (b.from >= asOf) {
      trend.push({ label: b.label, from: b.from, events: 0, incidents: 0, future: true });
      continue;
    }
    trend.push({
      label: b.label,
      from: b.from,
      events: await countEvents(b.from, Math.min(b.to, asOf)),
      incidents: created.filter((i) => inRange(i.createdAt, b)).length,
    });
  }
  const closedInPeriod = { resolved: 0, falsePositive: 0 };
  for (const i of incidents)
    if (inRange(i.resolvedAt, cur)) {
      if (i.state === 'resolved') closedInPeriod.resolved++;
      else if (i.state === 'false_positive') closedInPeriod.falsePositive++;
    }
  const openBySeverity = zeroes(SEVERITIES);
  const openAgencies = new Set<string>();
  for (const i of created)
    if (!['resolved', 'false_positive'].includes(i.state)) {
      openBySeverity[i.severity]++;
      if (i.severity === 'critical' || i.severity === 'high') openAgencies.add(i.agencyId);
    }

  // Alerts of the period, newest first, until one is older than the period.
  const rules = new Map<string, { ruleId: string; title: string; n: number; tags: Set<string>; ag: Set<string> }>();
  let alertCount = 0;
  const hostsHit = new Map<string, { host: string; agencyId: string; n: number }>();
  const alertCol = stores.state.collection<Alert>('alerts');
  for (let after: string | undefined, done = false; !done; ) {
    const page = await alertCol.list(scope, {
      filter,
      sort: { field: 'ts', order: 'desc' },
      size: PAGE,
      ...(after ? { after } : {}),
    });
    for (const a of page.docs) {
      if (a.ts < period.from) {
        done = true;
        break;
      }
      if (a.ts >= asOf || a.suppressedBy !== undefined || a.kind === 'silent_host') continue;
      alertCount++;
      const r = rules.get(a.ruleId) ?? { ruleId: a.ruleId, title: a.ruleTitle, n: 0, tags: new Set(), ag: new Set() };
      r.n++;
      for (const t of a.tags ?? []) r.tags.add(t);
      r.ag.add(a.agencyId);
      rules.set(a.ruleId, r);
      if (a.host) {
        const k = `${a.agencyId}\u0000${a.host.toLowerCase()}`;
        const h = hostsHit.get(k) ?? { host: a.host, agencyId: a.agencyId, n: 0 };
        h.n++;
        hostsHit.set(k, h);
      }
    }
    after = page.next;
    if (!after) done = true;
  }

  // Coverage: the agencies known to the store plus any that sent events; per agency, events and sending hosts.
  const agencyNames = new Map<string, string | undefined>();
  const agencyDocs = stores.state.collection<{ id: string; name?: string }>('agencies');
  for (let after: string | undefined; ; ) {
    const page = await agencyDocs.list(scope, {
      ...(req.agencyId !== undefined ? { filter: { id: req.agencyId } } : {}),
      size: PAGE,
      ...(after ? { after } : {}),
    });
    for (const a of page.docs) agencyNames.set(a.id, a.name);
    after = page.next;
    if (!after) break;
  }
  const agencyTerms = await stores.events.aggregate(scope, {
    query: base,
    from: period.from,
    to: asOf,
    agg: { kind: 'terms', field: 'agency.id', size: 10_000 },
  });
  for (const b of agencyTerms.buckets ?? [])
    if (!agencyNames.has(String(b.key))) agencyNames.set(String(b.key), undefined);
  const expected: Versioned<HostRecord>[] = [];
  const hostCol = stores.state.collection<HostRecord>('hosts');
  for (let after: string | undefined; ; ) {
    const page = await hostCol.list(scope, {
      filter: { ...filter, expected: true },
      size: PAGE,
      ...(after ? { after } : {}),
    });
    // A host first seen after the period (or after now) was not there to be heard from.
    expected.push(...page.docs.filter((h) => (h.firstSeen ?? 0) < asOf));
    after = page.next;
    if (!after) break;
  }
  const coverage: ReportModel['coverage'] = {
    agencies: [],
    agenciesSilent: [],
    hostsSending: 0,
    hostsExpected: expected.length,
    hostsMissing: [],
  };
  const sending = new Set<string>();
  for (const id of [...agencyNames.keys()].sort()) {
    const hostTerms = await stores.events.aggregate(scope.kind === 'all' ? agencyScope(id) : scope, {
      query: scope.kind === 'all' ? q.all() : q.and(base, q.eq('agency.id', id, true)),
      from: period.from,
      to: asOf,
      agg: { kind: 'terms', field: 'host.name', size: 10_000 },
    });
    const names = (hostTerms.buckets ?? []).map((b) => String(b.key).toLowerCase());
    for (const n of names) sending.add(`${id}\u0000${n}`);
    const events = (agencyTerms.buckets ?? []).find((b) => String(b.key) === id)?.count ?? 0;
    const name = agencyNames.get(id);
    coverage.agencies.push({
      id,
      ...(name !== undefined ? { name } : {}),
      events,
      hostsSending: names.length,
      hostsExpected: expected.filter((h) => h.agencyId === id).length,
    });
    if (events === 0) coverage.agenciesSilent.push(id);
  }
  coverage.hostsSending = sending.size;
  const silentHosts: ReportModel['silentHosts'] = [];
  for (const h of expected.sort((a, b) => a.agencyId.localeCompare(b.agencyId) || a.host.localeCompare(b.host))) {
    const sent = sending.has(`${h.agencyId}\u0000${h.host.toLowerCase()}`);
    if (!sent) coverage.hostsMissing.push({ host: h.host, agencyId: h.agencyId, lastSeen: h.lastSeen });
    const marked = h.silentSince !== undefined && h.silentSince < asOf;
    if (!sent || marked)
      silentHosts.push({
        host: h.host,
        agencyId: h.agencyId,
        lastSeen: h.lastSeen,
        firstSeen: h.firstSeen,
        ...(marked ? { silentSince: h.silentSince! } : {}),
      });
  }

  // The asset context of hosts named below (the inventory the caller's scope sees).
  const assets = AssetService.index(await new AssetService(stores.state).list(scope));
  const assetOf = (agencyId: string, host: string | undefined): { asset?: AssetContext } => {
    const a = host ? assets.get(`${agencyId}\u0000${host.toLowerCase()}`) : undefined;
    if (!a) return {};
    return {
      asset: {
        ...(a.role ? { role: a.role } : {}),
        criticality: a.criticality,
        ...(a.securityLevel !== undefined ? { securityLevel: a.securityLevel } : {}),
      },
    };
  };
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  const notable = [...created]
    .filter((i) => i.ruleId !== SILENT_HOST_RULE || rank(i.severity) >= rank('high'))
    .sort((a, b) => rank(b.severity) - rank(a.severity) || b.alertCount - a.alertCount || a.firstSeen - b.firstSeen)
    .slice(0, topN)
    .map(
      (i): NotableIncident => ({
        id: i.id,
        severity: i.severity,
        state: i.state,
        title: i.title,
        ruleId: i.ruleId,
        agencyId: i.agencyId,
        ...(i.host !== undefined ? { host: i.host } : {}),
        alertCount: i.alertCount,
        firstSeen: i.firstSeen,
        lastSeen: i.lastSeen,
        ...assetOf(i.agencyId, i.host),
      }),
    );

  const agency =
    req.agencyId !== undefined
      ? {
          id: req.agencyId,
          ...(agencyNames.get(req.agencyId) !== undefined ? { name: agencyNames.get(req.agencyId)! } : {}),
        }
      : undefined;
  const mtta = mean(acked);
  const mttr = mean(resolved);
  return {
    kind: req.kind,
    period,
    previousPeriod: prev,
    ...(agency ? { agency } : {}),
    generatedAt: now,
    asOf,
    partial,
    comparedTo: { from: cmp.from, to: cmp.to },
    alerts: alertCount,
    closedInPeriod,
    openBySeverity,
    openCriticalHighAgencies: [...openAgencies].sort(),
    agencyNames: Object.fromEntries([...agencyNames].filter((e): e is [string, string] => e[1] !== undefined)),
    headline: {
      events: { current: await countEvents(cur.from, cur.to), previous: await countEvents(cmp.from, cmp.to) },
      incidents: { current: created.length, previous: createdPrev.length },
      criticalHigh: { current: critHigh(created), previous: critHigh(createdPrev) },
      slaBreaches: {
        current: sla.acknowledge + sla.resolve,
        previous: slaPrev.acknowledge + slaPrev.resolve,
      },
    },
    bySeverity,
    byState,
    ...(mtta !== undefined ? { mtta } : {}),
    mttaCount: acked.length,
    ...(mttr !== undefined ? { mttr } : {}),
    mttrCount: resolved.length,
    slaBreaches: sla,
    trend,
    topRules: top(rules, topN, (r) => r.ruleId).map((r) => ({
      ruleId: r.ruleId,
      title: r.title,
      alerts: r.n,
      tags: [...r.tags].sort(),
      agencies: r.ag.size,
    })),
    topHosts: top(hostsHit, topN, (h) => `${h.agencyId} ${h.host}`).map((h) => ({
      host: h.host,
      agencyId: h.agencyId,
      alerts: h.n,
      ...assetOf(h.agencyId, h.host),
    })),
    silentHosts,
    notable,
    coverage,
    noise: noiseOf(incidents, cur, topN),
  };
}

/** The tuning section: incidents last seen in the period, by rule and agency, noisiest first. */
function noiseOf(incidents: readonly Incident[], cur: { from: number; to: number }, topN: number): NoiseReport {
  const tally = new NoiseTally(cur);
  for (const i of incidents) if (i.ruleId !== SILENT_HOST_RULE) tally.add(i);
  return tally.result(incidents.length, false, topN);
}
