/**
 * The expected figures of a report of the seeded fortnight, computed from the seed arrays alone (never by the
 * report code), and the check of a model against them; shared by the SQLite and OpenSearch runs.
 */
import { expect } from '@jest/globals';
import type { Incident } from '../../incidents/types.js';
import type { ReportModel } from '../../reports/model.js';
import { A, alerts, B, C, events, hosts, incidentDoc, incidentSpecs, W46, W47 } from './seed.js';

type P = { from: number; to: number };
const inP = (t: number | undefined, p: P) => t !== undefined && t >= p.from && t < p.to;
const tsOf = (e: Record<string, unknown>) => Date.parse(String(e['@timestamp']));

/** Every figure of the report, from the seed arrays alone. */
export function expected(agency: string | undefined) {
  const mine = <T extends { agencyId?: string }>(xs: T[]) => xs.filter((x) => !agency || x.agencyId === agency);
  const evs = events.filter((e) => !agency || e['agency.id'] === agency);
  const incs: Incident[] = mine(incidentSpecs).map(incidentDoc);
  const created = (p: P) => incs.filter((i) => inP(i.createdAt, p));
  const ch = (xs: Incident[]) => xs.filter((i) => i.severity === 'critical' || i.severity === 'high').length;
  const breaches = (p: P) =>
    incs.filter((i) => inP(i.sla.ackBreachedAt, p)).length + incs.filter((i) => inP(i.sla.resolveBreachedAt, p)).length;
  const cur = created(W47);
  const count = <K extends string>(xs: Incident[], f: (i: Incident) => K) => {
    const m: Record<string, number> = {};
    for (const i of xs) m[f(i)] = (m[f(i)] ?? 0) + 1;
    return m;
  };
  const acked = cur.filter((i) => i.acknowledgedAt !== undefined).map((i) => i.acknowledgedAt! - i.createdAt);
  const resolved = cur
    .filter((i) => ['resolved', 'false_positive'].includes(i.state) && i.resolvedAt !== undefined)
    .map((i) => i.resolvedAt! - i.createdAt);
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
  const weekAlerts = mine(alerts).filter((a) => inP(a.ts, W47) && !a.suppressedBy && a.kind !== 'silent_host');
  const tally = (keys: string[]) => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
  };
  const sendingSet = new Set(evs.filter((e) => inP(tsOf(e), W47)).map((e) => `${e['agency.id']}|${e['host.name']}`));
  const expectedHosts = mine(hosts).filter((h) => h.expected);
  const agencies = agency ? [agency] : [A, B, C];
  return {
    events: {
      current: evs.filter((e) => inP(tsOf(e), W47)).length,
      previous: evs.filter((e) => inP(tsOf(e), W46)).length,
    },
    incidents: { current: cur.length, previous: created(W46).length },
    criticalHigh: { current: ch(cur), previous: ch(created(W46)) },
    slaBreaches: { current: breaches(W47), previous: breaches(W46) },
    slaAck: incs.filter((i) => inP(i.sla.ackBreachedAt, W47)).length,
    slaResolve: incs.filter((i) => inP(i.sla.resolveBreachedAt, W47)).length,
    bySeverity: count(cur, (i) => i.severity),
    byState: count(cur, (i) => i.state),
    mtta: avg(acked),
    mttr: avg(resolved),
    trendEvents: [0, 1, 2, 3, 4, 5, 6].map(
      (d) =>
        evs.filter((e) => inP(tsOf(e), { from: W47.from + d * 86_400_000, to: W47.from + (d + 1) * 86_400_000 }))
          .length,
    ),
    topRules: tally(weekAlerts.map((a) => a.ruleId)),
    topHosts: tally(weekAlerts.map((a) => `${a.agencyId}|${a.host}`)),
    coverage: agencies.map((id) => ({
      id,
      events: events.filter((e) => e['agency.id'] === id && inP(tsOf(e), W47)).length,
      hostsSending: [...sendingSet].filter((k) => k.startsWith(`${id}|`)).length,
      hostsExpected: expectedHosts.filter((h) => h.agencyId === id).length,
    })),
    hostsMissing: expectedHosts
      .filter((h) => !sendingSet.has(`${h.agencyId}|${h.host}`))
      .map((h) => h.host)
      .sort(),
    notable: [...cur]
      .sort(
        (x, y) =>
          ['informational', 'low', 'medium', 'high', 'critical'].indexOf(y.severity) -
            ['informational', 'low', 'medium', 'high', 'critical'].indexOf(x.severity) ||
          y.alertCount - x.alertCount ||
          x.firstSeen - y.firstSeen,
      )
      .map((i) => i.id),
  };
}

export function check(m: ReportModel, agency: string | undefined) {
  const x = expected(agency);
  expect(m.headline).toEqual({
    events: x.events,
    incidents: x.incidents,
    criticalHigh: x.criticalHigh,
    slaBreaches: x.slaBreaches,
  });
  expect(m.slaBreaches).toEqual({ acknowledge: x.slaAck, resolve: x.slaResolve });
  for (const [k, v] of Object.entries(m.bySeverity)) expect([k, v]).toEqual([k, x.bySeverity[k] ?? 0]);
  for (const [k, v] of Object.entries(m.byState)) expect([k, v]).toEqual([k, x.byState[k] ?? 0]);
  expect(m.mtta).toBe(x.mtta);
  expect(m.mttr).toBe(x.mttr);
  expect(m.trend.map((t) => t.events)).toEqual(x.trendEvents);
  expect(m.trend.map((t) => t.label)).toEqual(['16/11', '17/11', '18/11', '19/11', '20/11', '21/11', '22/11']);
  expect(m.topRules.map((r) => [r.ruleId, r.alerts])).toEqual(x.topRules);
  expect(m.topHosts.map((h) => [`${h.agencyId}|${h.host}`, h.alerts])).toEqual(x.topHosts);
  expect(
    m.coverage.agencies.map((a) => ({
      id: a.id,
      events: a.events,
      hostsSending: a.hostsSending,
      hostsExpected: a.hostsExpected,
    })),
  ).toEqual(x.coverage);
  expect(m.coverage.hostsMissing.map((h) => h.host).sort()).toEqual(x.hostsMissing);
  expect(m.notable.map((i) => i.id)).toEqual(x.notable);
}
