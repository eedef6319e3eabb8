/**
 * Entity grouping does not depend on the order alerts arrive in (issue 15 point 1: a batch redone after a worker
 * was killed, two workers racing). fast-check draws a set of alerts over a few attackers, hosts and accounts of
 * two agencies, spread over two hours (the join window is one), and feeds them in two orders, one after another
 * and as two concurrent lanes on one store (two workers): the incidents hold the same alerts, and they are the
 * connected groups of alerts sharing an entity within the window (a model computed apart). With risk on, low
 * alerts (risk only until a score or three tactics open an incident) end in the same incidents in any order.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { openSqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL } from '../store/types.js';
import { AlertIntake } from './intake.js';
import { IncidentService } from './service.js';
import type { Alert, Severity } from './types.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;
const WINDOW = 60 * MIN;
const AGENCIES = ['000.00.31.H40', '000.00.32.H40'];
const RULES: [string, Severity][] = [
  ['r-brute', 'high'],
  ['r-success', 'critical'],
  ['r-sqli', 'high'],
  ['r-sudo', 'medium'],
];

const arbAlert = fc.record({
  agency: fc.integer({ min: 0, max: 1 }),
  rule: fc.integer({ min: 0, max: RULES.length - 1 }),
  ip: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  host: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  user: fc.option(fc.constantFrom('root', 'admin'), { nil: undefined }),
  slot: fc.integer({ min: 0, max: 12 }),
});

type Drawn = typeof arbAlert extends fc.Arbitrary<infer T> ? T : never;

function alertsOf(drawn: readonly Drawn[]): Alert[] {
  return drawn.map((d, i) => {
    const [ruleId, level] = RULES[d.rule]!;
    const host = d.host === undefined ? undefined : `web0${d.host}`;
    const entities = [
      ...(d.ip === undefined ? [] : [`ip:203.0.113.${d.ip}`]),
      ...(host ? [`host:${host}`] : []),
      ...(d.user && host ? [`user:${d.user}@${host}`] : []),
    ];
    return {
      id: `al-${String(i).padStart(3, '0')}`,
      kind: 'rule',
      ruleId,
      ruleTitle: ruleId,
      level,
      tags: [],
      agencyId: AGENCIES[d.agency]!,
      ...(host ? { host } : {}),
      eventIds: [`ev-${i}`],
      // Ten-minute slots over two hours: chains within the hour's window and gaps beyond it.
      ts: T0 + d.slot * 10 * MIN,
      entities,
    };
  });
}

/** The model: alerts of one agency that share an entity at most the window apart are one incident (transitively). */
function components(alerts: readonly Alert[]): string[][] {
  const parent = new Map(alerts.map((a) => [a.id, a.id]));
  const find = (x: string): string => {
    const p = parent.get(x)!;
    return p === x ? x : find(p);
  };
  for (const a of alerts)
    for (const b of alerts)
      if (
        a.id < b.id &&
        a.agencyId === b.agencyId &&
        Math.abs(a.ts - b.ts) <= WINDOW &&
        (a.entities ?? []).some((e) => (b.entities ?? []).includes(e))
      )
        parent.set(find(a.id), find(b.id));
  return normalise(alerts.map((a) => [find(a.id), a.id]));
}

function normalise(pairs: readonly (readonly [string, string])[]): string[][] {
  const by = new Map<string, string[]>();
  for (const [g, id] of pairs) by.set(g, [...(by.get(g) ?? []), id]);
  return [...by.values()].map((l) => l.sort()).sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
}

/** The alerts with risk on: levels drawn low (risk only until a score or three tactics open), medium or high. */
function riskAlertsOf(drawn: readonly Drawn[], levels: readonly number[]): Alert[] {
  const TACTICS = ['attack.reconnaissance', 'attack.credential_access', 'attack.execution', 'attack.persistence'];
  return alertsOf(drawn).map((a, i) => ({
    ...a,
    level: (['low', 'low', 'medium', 'high'] as const)[levels[i]! % 4]!,
    tags: [TACTICS[Number(a.ruleId === 'r-sqli') + Number(a.ruleId === 'r-sudo') * 2 + (i % 2)]!],
  }));
}

/** Feeds the alerts in `lanes` (each in its order, the lanes concurrently); returns the incidents' members. */
async function run(lanes: readonly (readonly Alert[])[], risk = false) {
  const stores = openSqliteStores({ path: ':memory:' });
  try {
    const svc = new IncidentService(stores.state, { now: () => T0, settings: false });
    // One intake per lane: two workers share only the store.
    await Promise.all(
      lanes.map(async (lane) => {
        const intake = new AlertIntake(svc, stores.state, { risk: { enabled: risk } });
        for (const a of lane) await intake.ingest(a);
      }),
    );
    const alerts = (await svc.alerts.list(SCOPE_ALL, { size: 1000 })).docs;
    const pairs: [string, string][] = [];
    // An alert that only fed risk is in no incident: a group of its own.
    for (const a of alerts) pairs.push([a.incidentId ? (await svc.resolve(a.incidentId)).id : `risk:${a.id}`, a.id]);
    const live = (await svc.incidents.list(SCOPE_ALL, { size: 1000 })).docs.filter((i) => !i.mergedInto);
    const summary = live
      .map(
        // Not the name: on a tie of severity an incident keeps the name it opened with (its notices carried it).
        (i) => `${i.agencyId} ${i.host ?? '-'} ${i.severity} ${i.alertCount} ${i.firstSeen} ${i.lastSeen}`,
      )
      .sort();
    return { members: normalise(pairs), summary, counted: live.reduce((n, i) => n + i.alertCount, 0), alerts };
  } finally {
    await stores.close();
  }
}

describe('entity grouping whatever the order of arrival', () => {
  it("gives the same incidents (the model's connected groups) in any order, one after another", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbAlert, { minLength: 1, maxLength: 14 }),
        fc.array(fc.nat(), { minLength: 14, maxLength: 14 }),
        async (drawn, keys) => {
          const alerts = alertsOf(drawn);
          const shuffled = alerts
            .map((a, i) => [keys[i]!, a] as const)
            .sort((x, y) => x[0] - y[0])
            .map(([, a]) => a);
          const inOrder = await run([[...alerts].sort((a, b) => a.ts - b.ts)]);
          const other = await run([shuffled]);
          expect(other.members).toEqual(inOrder.members);
          expect(inOrder.members).toEqual(components(alerts));
          // What an analyst sees of each incident (host, severity, count, span) is the same too.
          expect(other.summary).toEqual(inOrder.summary);
          expect(inOrder.counted).toBe(alerts.length);
        },
      ),
      { numRuns: 120 },
    );
  }, 120_000);

  it('gives the same incidents when two workers take the alerts concurrently', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbAlert, { minLength: 2, maxLength: 14 }),
        fc.array(fc.boolean(), { minLength: 14, maxLength: 14 }),
        async (drawn, side) => {
          const alerts = alertsOf(drawn);
          const lanes = [alerts.filter((_, i) => side[i]), alerts.filter((_, i) => !side[i]).reverse()];
          const got = await run(lanes);
          expect(got.members).toEqual(components(alerts));
          expect(got.counted).toBe(alerts.length);
        },
      ),
      { numRuns: 80 },
    );
  }, 120_000);

  it('with risk on, low alerts join or open the same incidents in any order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbAlert, { minLength: 1, maxLength: 14 }),
        fc.array(fc.nat(), { minLength: 14, maxLength: 14 }),
        fc.array(fc.nat(), { minLength: 14, maxLength: 14 }),
        async (drawn, levels, keys) => {
          const alerts = riskAlertsOf(drawn, levels);
          const shuffled = alerts
            .map((a, i) => [keys[i]!, a] as const)
            .sort((x, y) => x[0] - y[0])
            .map(([, a]) => a);
          const inOrder = await run([[...alerts].sort((a, b) => a.ts - b.ts)], true);
          const other = await run([shuffled], true);
          expect(other.members).toEqual(inOrder.members);
          expect(other.summary).toEqual(inOrder.summary);
          // Every alert stored once, in an incident or with risk only.
          expect(inOrder.alerts).toHaveLength(alerts.length);
        },
      ),
      { numRuns: 150 },
    );
  }, 180_000);
});
