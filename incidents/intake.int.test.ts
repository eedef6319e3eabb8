/**
 * Identical incidents embedded and distributed (issue 15): the same alerts give the same partition into incidents
 * when one intake applies them in order on SQLite (embedded) and when two intakes, as two distributed workers,
 * apply them concurrently on one shared OpenSearch state store (each worker its own batches, one in reverse; alerts
 * that share an entity race on its links; an alert bridging two attacks merges their incidents), also when each
 * worker applies its alerts as one bulk batch (./batch-state.ts, as the pipeline's incident stage does: a batch
 * that lost a write to the other is read again and redone); and a storm batch costs a constant number of requests
 * to the OpenSearch node, not several per alert. Skipped without CANHGAC_TEST_OPENSEARCH_URL.
 */
import { expect, it } from '@jest/globals';
import { rest } from '../store/opensearch/client.js';
import { openOpenSearchStores } from '../store/opensearch/index.js';
import { openSqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL, type StateStore } from '../store/types.js';
import { describeOpenSearch, testPrefix } from '../tests/kit/opensearch.js';
import { BatchConflict, BatchState } from './batch-state.js';
import { AlertIntake } from './intake.js';
import { IncidentService } from './service.js';
import type { Alert } from './types.js';

const A = '000.00.31.H40';
const T0 = Date.UTC(2026, 11, 3, 2);

/** Three attacks, several rules each, interleaved; plus lone alerts. */
function alerts(): Alert[] {
  const out: Alert[] = [];
  const attackers = ['203.0.113.5', '198.51.100.7', '192.0.2.99'];
  const hosts = ['web01', 'web02', 'db01'];
  for (let n = 0; n < 30; n++) {
    const k = n % 3;
    out.push({
      id: `a${n}`,
      kind: 'rule',
      ruleId: `r${Math.floor(n / 3) % 4}`,
      ruleTitle: `rule ${Math.floor(n / 3) % 4}`,
      level: n % 5 === 0 ? 'low' : 'high',
      tags: [],
      agencyId: A,
      host: hosts[k]!,
      eventIds: [`e${n}`],
      ts: T0 + n * 10_000,
      entities: [`ip:${attackers[k]}`, `host:${hosts[k]}`],
    });
  }
  // The first attacker logs in on web02: its attack and web02's are one (their incidents merge).
  out.push({
    ...out[0]!,
    id: 'bridge',
    ruleId: 'r-bridge',
    host: 'web02',
    eventIds: ['e-bridge'],
    ts: T0 + 295_000,
    entities: [`ip:${attackers[0]}`, 'host:web02'],
  });
  return out;
}

async function partition(
  state: StateStore,
  workers: Alert[][],
  settle: () => Promise<unknown> = async () => undefined,
): Promise<string[][]> {
  const svc = new IncidentService(state, { settings: false });
  await Promise.all(
    workers.map(async (batch) => {
      const intake = new AlertIntake(new IncidentService(state, { settings: false }), state);
      for (const a of batch) await intake.ingest(a);
    }),
  );
  // The pipeline writes alerts without a forced refresh: make them visible to the listing.
  await settle();
  const by = new Map<string, string[]>();
  for (const a of (await svc.alerts.list(SCOPE_ALL, { size: 1000 })).docs) {
    if (!a.incidentId) continue;
    // An incident merged into another stands for the survivor.
    const { id } = await svc.resolve(a.incidentId);
    by.set(id, [...(by.get(id) ?? []), a.id].sort());
  }
  return [...by.values()].sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
}

/** Each worker's alerts as one bulk batch, redone after a lost write (pipeline/stages/incident.ts does the same). */
async function applyBatched(state: StateStore, batch: readonly Alert[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const b = new BatchState(state);
    const intake = new AlertIntake(new IncidentService(state, { settings: false }).forState(b), b);
    try {
      await b.prefetch(intake.reads(batch));
      for (const a of batch) await intake.ingest(a);
      await b.flush();
      return;
    } catch (err) {
      if (!(err instanceof BatchConflict) || attempt > 20) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 30));
    }
  }
}

describeOpenSearch('entity grouping embedded and distributed', (url) => {
  it('gives the same incidents when two workers apply their alerts in bulk batches; a batch costs a few requests', async () => {
    const sqlite = openSqliteStores({ path: ':memory:' });
    const embedded = await partition(sqlite.state, [alerts()]);
    await sqlite.close();
    const prefix = testPrefix();
    const os = await openOpenSearchStores({ node: url, prefix });
    const transport = os.client.transport as unknown as { request: (...a: unknown[]) => Promise<unknown> };
    const request = transport.request.bind(transport);
    let requests = 0;
    transport.request = (...a: unknown[]) => {
      requests++;
      return request(...a);
    };
    try {
      const all = alerts();
      const halves = [all.filter((_, i) => i % 2 === 0), all.filter((_, i) => i % 2).reverse()];
      await Promise.all(halves.map((h) => applyBatched(os.state, h)));
      await rest(os.client, 'POST', `/${prefix}-*/_refresh`);
      const by = new Map<string, string[]>();
      const svc = new IncidentService(os.state, { settings: false });
      for (const a of (await svc.alerts.list(SCOPE_ALL, { size: 1000 })).docs) {
        if (!a.incidentId) continue;
        const { id } = await svc.resolve(a.incidentId);
        by.set(id, [...(by.get(id) ?? []), a.id].sort());
      }
      expect([...by.values()].sort((x, y) => (x[0]! < y[0]! ? -1 : 1))).toEqual(embedded);

      // A storm batch: 600 alerts of one attacker against one host, then 600 more, on the node.
      const storm = (from: number): Alert[] =>
        Array.from({ length: 600 }, (_, i) => ({
          ...all[0]!,
          id: `storm-${from + i}`,
          ruleId: 'r-storm',
          host: 'web09',
          level: 'high' as const,
          eventIds: [`es-${from + i}`],
          ts: T0 + 3_600_000 * 3 + (from + i) * 100,
          entities: ['ip:203.0.113.250', 'host:web09'],
        }));
      const perBatch: number[] = [];
      for (const from of [0, 600]) {
        requests = 0;
        await applyBatched(os.state, storm(from));
        perBatch.push(requests);
      }
      // Reads: the alerts, links and risk in one _mget, the linked incidents in another, the suppressions listed
      // once; writes: three _bulk calls (and an _mget for documents first written without a read). The per-alert
      // path made several requests per alert (thousands here).
      for (const n of perBatch) expect(n).toBeLessThanOrEqual(12);
      await rest(os.client, 'POST', `/${prefix}-*/_refresh`);
      const inc = (await svc.incidents.list(SCOPE_ALL, { filter: { host: 'web09' } })).docs;
      expect(inc.map((i) => i.alertCount)).toEqual([1200]);
    } finally {
      await rest(os.client, 'DELETE', `/${prefix}-*`, undefined, { ok: [404] });
      await rest(os.client, 'DELETE', `/_index_template/${prefix}-*`, undefined, { ok: [404] });
      await os.close();
    }
  }, 120_000);

  it('gives the same incidents', async () => {
    const sqlite = openSqliteStores({ path: ':memory:' });
    const embedded = await partition(sqlite.state, [alerts()]);
    await sqlite.close();
    const prefix = testPrefix();
    const os = await openOpenSearchStores({ node: url, prefix });
    try {
      // Two workers, each with every other alert (interleaved batches, the second worker's in reverse, as a redone
      // batch would come), racing on the shared store.
      const all = alerts();
      const distributed = await partition(
        os.state,
        [all.filter((_, i) => i % 2 === 0), all.filter((_, i) => i % 2).reverse()],
        () => rest(os.client, 'POST', `/${prefix}-*/_refresh`),
      );
      // The first two attacks are one through the bridge; the third apart.
      expect(embedded).toHaveLength(2);
      expect(distributed).toEqual(embedded);
    } finally {
      await rest(os.client, 'DELETE', `/${prefix}-*`, undefined, { ok: [404] });
      await rest(os.client, 'DELETE', `/_index_template/${prefix}-*`, undefined, { ok: [404] });
      await os.close();
    }
  }, 120_000);
});
