/**
 * Identical incidents embedded and distributed (issue 15): the same alerts give the same partition into incidents
 * when one intake applies them in order on SQLite (embedded) and when two intakes, as two distributed workers,
 * apply them concurrently on one shared OpenSearch state store (each worker its own batches, one in reverse; alerts
 * that share an entity race on its links; an alert bridging two attacks merges their incidents). Skipped without
 * CANHGAC_TEST_OPENSEARCH_URL.
 */
import { expect, it } from '@jest/globals';
import { rest } from '../store/opensearch/client.js';
import { openOpenSearchStores } from '../store/opensearch/index.js';
import { openSqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL, type StateStore } from '../store/types.js';
import { describeOpenSearch, testPrefix } from '../tests/kit/opensearch.js';
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

describeOpenSearch('entity grouping embedded and distributed', (url) => {
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
