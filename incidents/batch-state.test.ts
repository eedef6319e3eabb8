/**
 * A batch of alerts applied through its own state view (./batch-state.ts, issue 18 point 4) ends exactly where the
 * per-alert path ends (fast-check over alerts sharing attackers, hosts and accounts, risk on and off: the same
 * incidents, alert records, entity links and risk, the same audit trail in the same order), a replayed batch
 * counts nothing twice, and a storm batch costs a constant number of store calls (the per-alert path: several per
 * alert), counted on the store under the view.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { openSqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL, type StateStore } from '../store/types.js';
import { BatchConflict, BatchState } from './batch-state.js';
import { AlertIntake } from './intake.js';
import { IncidentService } from './service.js';
import type { Alert, Severity } from './types.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;
/** Any time after this is the clock's, not the alerts' or the service's. */
const LATER = T0 + 365 * 24 * 60 * MIN;
const AGENCIES = ['000.00.31.H40', '000.00.32.H40'];
const LEVELS: Severity[] = ['low', 'medium', 'high', 'critical'];
const TACTICS = ['attack.reconnaissance', 'attack.credential_access', 'attack.execution', 'attack.persistence'];

const arbAlert = fc.record({
  agency: fc.integer({ min: 0, max: 1 }),
  rule: fc.integer({ min: 0, max: 3 }),
  level: fc.integer({ min: 0, max: 3 }),
  ip: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  host: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  user: fc.option(fc.constantFrom('root', 'admin'), { nil: undefined }),
  slot: fc.integer({ min: 0, max: 12 }),
});
type Drawn = typeof arbAlert extends fc.Arbitrary<infer T> ? T : never;

function alertsOf(drawn: readonly Drawn[]): Alert[] {
  return drawn.map((d, i) => {
    const host = d.host === undefined ? undefined : `web0${d.host}`;
    return {
      id: `al-${String(i).padStart(3, '0')}`,
      kind: 'rule',
      ruleId: `r-${d.rule}`,
      ruleTitle: `r-${d.rule}`,
      level: LEVELS[d.level]!,
      tags: [TACTICS[(d.rule + i) % 4]!],
      agencyId: AGENCIES[d.agency]!,
      ...(host ? { host } : {}),
      eventIds: [`ev-${i}`],
      ts: T0 + d.slot * 10 * MIN,
      entities: [
        ...(d.ip === undefined ? [] : [`ip:203.0.113.${d.ip}`]),
        ...(host ? [`host:${host}`] : []),
        ...(d.user && host ? [`user:${d.user}@${host}`] : []),
      ],
    };
  });
}

/** A state store that counts the calls made to it (each is one round trip on OpenSearch). */
function counted(inner: StateStore) {
  const calls = { n: 0 };
  const store: StateStore = {
    collection(name) {
      const c = inner.collection<object>(name);
      const count =
        <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
        (...a: A) => {
          calls.n++;
          return f(...a);
        };
      return {
        get: count(c.get.bind(c)),
        put: count(c.put.bind(c)),
        list: count(c.list.bind(c)),
        delete: count(c.delete.bind(c)),
      } as never;
    },
    getMany: (refs) => {
      calls.n++;
      return inner.getMany!(refs);
    },
    writeMany: (writes, refresh) => {
      calls.n++;
      return inner.writeMany!(writes, refresh);
    },
    close: () => inner.close(),
  };
  return { store, calls };
}

/** Applies the alerts one at a time against the store, or in batches of `batch` through BatchState. */
async function apply(alerts: readonly Alert[], risk: boolean, batch?: number, state?: StateStore) {
  const stores = openSqliteStores({ path: ':memory:' });
  const st = state ?? stores.state;
  const opts = { now: () => T0, settings: false as const };
  const svc = new IncidentService(st, opts);
  const adopted = new Set<string>();
  const options = { risk: { enabled: risk }, adopted };
  if (batch === undefined) {
    const intake = new AlertIntake(svc, st, options);
    for (const a of alerts) await intake.ingest(a);
  } else {
    for (let i = 0; i < alerts.length; i += batch) {
      const b = new BatchState(st);
      const intake = new AlertIntake(svc.forState(b), b, options);
      const chunk = alerts.slice(i, i + batch);
      await b.prefetch(intake.reads(chunk));
      for (const a of chunk) await intake.ingest(a);
      await b.flush();
    }
  }
  return { stores, svc, state: st };
}

/** Everything the path left in the store, versions aside (a batch writes a document once: fewer increments). */
async function contents(state: StateStore) {
  const out: Record<string, unknown[]> = {};
  for (const name of ['incidents', 'alerts', 'entity_links', 'entity_risk']) {
    const docs = (await state.collection<{ version?: number }>(name).list(SCOPE_ALL, { size: 1000 })).docs;
    out[name] = docs.map(({ version: _v, ...d }) => d);
  }
  const audit = (
    await state
      .collection<{ at: number; action: string; targetId: string; before?: unknown; after?: unknown }>('audit')
      .list(SCOPE_ALL, { size: 1000 })
  ).docs;
  out.audit = audit.map((a) => [a.action, a.targetId, a.before ?? null, a.after ?? null]);
  // The merger stamps closures with the clock (not the service's `now`): times of this run read as 'now'.
  return JSON.parse(JSON.stringify(out), (_k, v) => (typeof v === 'number' && v > LATER ? 'now' : v));
}

describe('a batch of alerts through its own state view', () => {
  it('ends where the per-alert path ends (incidents, alerts, links, risk, audit order), risk on and off', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbAlert, { minLength: 1, maxLength: 16 }),
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        async (drawn, size, risk) => {
          const alerts = alertsOf(drawn);
          const one = await apply(alerts, risk);
          const batched = await apply(alerts, risk, size);
          try {
            expect(await contents(batched.state)).toEqual(await contents(one.state));
          } finally {
            await one.stores.close();
            await batched.stores.close();
          }
        },
      ),
      { numRuns: 100 },
    );
  }, 180_000);

  it('counts nothing twice when a batch is replayed', async () => {
    const alerts = alertsOf(
      Array.from({ length: 12 }, (_, i) => ({
        agency: 0,
        rule: i % 2,
        level: 2,
        ip: 1,
        host: 1,
        user: undefined,
        slot: i % 4,
      })),
    );
    const { stores, state } = await apply(alerts, true, 12);
    const before = await contents(state);
    const b = new BatchState(state);
    const svc = new IncidentService(state, { now: () => T0, settings: false });
    const intake = new AlertIntake(svc.forState(b), b, { risk: { enabled: true } });
    for (const a of alerts) await intake.ingest(a);
    await b.flush();
    expect(await contents(state)).toEqual(before);
    const incs = (await svc.incidents.list(SCOPE_ALL)).docs;
    expect(incs.map((i) => i.alertCount)).toEqual([12]);
    await stores.close();
  });

  it('costs a constant number of store calls per storm batch, not several per alert', async () => {
    // A brute force: 600 alerts from one address against one host, and 60 of a second attack.
    const storm = (n: number, from: number): Alert[] =>
      Array.from({ length: n }, (_, i) => ({
        id: `st-${from + i}`,
        kind: 'rule' as const,
        ruleId: i % 10 === 0 ? 'r-scan' : 'r-brute',
        ruleTitle: 'storm',
        level: 'medium' as const,
        tags: ['attack.credential_access'],
        agencyId: AGENCIES[0]!,
        host: i % 10 === 0 ? 'fw01' : 'web01',
        eventIds: [`ev-${from + i}`],
        ts: T0 + (from + i) * 50,
        entities: i % 10 === 0 ? ['ip:198.51.100.23', 'host:fw01'] : ['ip:203.0.113.66', 'host:web01'],
      }));
    const sqlite = openSqliteStores({ path: ':memory:' });
    const { store, calls } = counted(sqlite.state);
    const perBatch: number[] = [];
    for (const [n, from] of [
      [600, 0],
      [600, 600],
      [5, 1200],
    ] as const) {
      calls.n = 0;
      const b = new BatchState(store);
      const intake = new AlertIntake(new IncidentService(store, { settings: false }).forState(b), b, {});
      const alerts = storm(n, from);
      await b.prefetch(intake.reads(alerts));
      await Promise.all(
        [alerts.filter((a) => a.host === 'web01'), alerts.filter((a) => a.host === 'fw01')].map(async (lane) => {
          for (const a of lane) await intake.ingest(a);
        }),
      );
      await b.flush();
      perBatch.push(calls.n);
    }
    const incs = (await sqlite.state.collection<{ alertCount: number }>('incidents').list(SCOPE_ALL)).docs;
    expect(incs.map((i) => i.alertCount).sort((a, b) => a - b)).toEqual([121, 1084]);
    // Reads in a few calls, writes in three (links and risk, incidents, alerts and audit), suppressions listed once.
    for (const n of perBatch) expect(n).toBeLessThanOrEqual(12);
    expect(perBatch[1]).toBe(perBatch[2]);

    // The per-alert path on the same store: several calls per alert (this test fails on it).
    const direct = counted(openSqliteStores({ path: ':memory:' }).state);
    const intake = new AlertIntake(new IncidentService(direct.store, { settings: false }), direct.store, {});
    for (const a of storm(600, 0)) await intake.ingest(a);
    expect(direct.calls.n).toBeGreaterThan(600 * 4);
    await sqlite.close();
  });

  it('throws BatchConflict when another writer changed a document the batch read', async () => {
    const alerts = alertsOf([{ agency: 0, rule: 0, level: 2, ip: 1, host: 1, user: undefined, slot: 0 }]);
    const { stores, state, svc } = await apply(alerts, false);
    const [inc] = (await svc.incidents.list(SCOPE_ALL)).docs;
    const b = new BatchState(state);
    const intake = new AlertIntake(svc.forState(b), b, {});
    await intake.ingest({ ...alerts[0]!, id: 'al-next', eventIds: ['ev-next'] });
    // An analyst acknowledges the incident meanwhile.
    await svc.transition(SCOPE_ALL, inc!.id, 'acknowledged', 'analyst');
    await expect(b.flush()).rejects.toBeInstanceOf(BatchConflict);
    // What the batch wrote before its incident step is taken up by the per-alert path: counted once.
    const direct = new AlertIntake(svc, state, {});
    await direct.ingest({ ...alerts[0]!, id: 'al-next', eventIds: ['ev-next'] });
    const after = await svc.incidents.get(SCOPE_ALL, inc!.id);
    expect(after).toMatchObject({ alertCount: 2, state: 'acknowledged' });
    await stores.close();
  });
});
