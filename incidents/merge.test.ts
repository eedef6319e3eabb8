/** An alert that bridges two incidents merges them (incidents/merge.ts): what the survivor and the other show. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { openSqliteStores, type SqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL } from '../store/types.js';
import { AlertIntake } from './intake.js';
import { IncidentService } from './service.js';
import type { Alert } from './types.js';

const A = '000.00.31.H40';
const T0 = 1_700_000_000_000;
const MIN = 60_000;
let stores: SqliteStores;
let svc: IncidentService;
let clock = T0;

beforeEach(() => {
  stores = openSqliteStores({ path: ':memory:' });
  clock = T0;
  svc = new IncidentService(stores.state, { now: () => clock++, settings: false });
});
afterEach(async () => {
  await stores.close();
});

function alert(id: string, ruleId: string, entities: string[], over: Partial<Alert> = {}): Alert {
  const host = entities.find((e) => e.startsWith('host:'))?.slice(5);
  return {
    id,
    kind: 'rule',
    ruleId,
    ruleTitle: ruleId,
    level: 'high',
    tags: [],
    agencyId: A,
    ...(host ? { host } : {}),
    eventIds: [`ev-${id}`],
    ts: T0,
    entities,
    ...over,
  };
}

describe('merging incidents an alert bridges', () => {
  it('keeps the incident opened first, closes the other as merged into it, audits both', async () => {
    const intake = new AlertIntake(svc, stores.state, { risk: { enabled: false } });
    // Opened first: a web scan on web01 (host only). Then an attacker on web02. Neither shares an entity yet.
    const scan = await intake.ingest(alert('a1', 'r-scan', ['host:web01'], { level: 'medium', ts: T0 + 2 * MIN }));
    const ssh = await intake.ingest(alert('a2', 'r-brute', ['ip:203.0.113.5', 'host:web02'], { ts: T0 + MIN }));
    await svc.transition(SCOPE_ALL, ssh.incident!.id, 'acknowledged', 'analyst1');
    // The attacker logs in on web01: one attack.
    const bridge = await intake.ingest(
      alert('a3', 'r-success', ['ip:203.0.113.5', 'host:web01'], { level: 'critical', ts: T0 + 3 * MIN }),
    );
    expect(bridge.incident!.id).toBe(scan.incident!.id);
    const live = (await svc.incidents.list(SCOPE_ALL, { size: 10 })).docs.filter((i) => !i.mergedInto);
    expect(live).toHaveLength(1);
    const inc = live[0]!;
    expect(inc.id).toBe(scan.incident!.id);
    expect(inc.alertCount).toBe(3);
    expect(inc.mergedFrom).toEqual([ssh.incident!.id]);
    // Named after its most severe rule, its host that of its earliest alert, its span the whole attack.
    expect([inc.ruleId, inc.severity, inc.host, inc.firstSeen]).toEqual(['r-success', 'critical', 'web02', T0 + MIN]);
    expect(inc.entities).toEqual(expect.arrayContaining(['host:web01', 'ip:203.0.113.5', 'host:web02']));
    // The merged incident's step joined through the attacker that bridged the two.
    expect(inc.chain!.map((s) => [s.ruleId, s.via ?? null])).toEqual([
      ['r-brute', 'ip:203.0.113.5'],
      ['r-scan', null],
      ['r-success', 'host:web01'],
    ]);
    const gone = (await svc.incidents.get(SCOPE_ALL, ssh.incident!.id))!;
    expect(gone.mergedInto).toBe(inc.id);
    expect(gone.state).toBe('resolved');
    expect(gone.closure).toMatchObject({ category: 'duplicate', by: 'system' });
    expect(gone.closure!.reason).toContain(inc.id);
    // Every alert points to the survivor.
    const alerts = (await svc.alerts.list(SCOPE_ALL, { size: 10 })).docs;
    expect(alerts.map((a) => a.incidentId)).toEqual([inc.id, inc.id, inc.id]);
    const audit = (await svc.audit.list(SCOPE_ALL, { size: 100 })).docs;
    expect(audit.find((e) => e.action === 'incident.merge')).toMatchObject({
      targetId: inc.id,
      actor: 'system',
      after: { mergedFrom: ssh.incident!.id, alertCount: 3 },
    });
    expect(audit.find((e) => e.action === 'incident.merged')).toMatchObject({
      targetId: ssh.incident!.id,
      before: { state: 'acknowledged' },
      after: { mergedInto: inc.id },
    });
  });

  it('sends a later alert naming the merged incident to the survivor, and counts a replay once', async () => {
    const intake = new AlertIntake(svc, stores.state, { risk: { enabled: false } });
    const one = await intake.ingest(alert('b1', 'r1', ['host:web01']));
    const two = await intake.ingest(alert('b2', 'r2', ['ip:198.51.100.7']));
    await intake.ingest(alert('b3', 'r3', ['ip:198.51.100.7', 'host:web01'], { ts: T0 + MIN }));
    const survivor = one.incident!.id;
    expect((await svc.resolve(two.incident!.id)).id).toBe(survivor);
    // The merged incident's key still reaches the survivor (a worker that placed an alert before the merge).
    const late = await svc.ingestAlert(alert('b4', 'r2', ['ip:198.51.100.7'], { ts: T0 + 2 * MIN }), {
      key: two.incident!.key,
    });
    expect(late.incident!.id).toBe(survivor);
    // The bridging alert redelivered: nothing changes.
    await intake.ingest(alert('b3', 'r3', ['ip:198.51.100.7', 'host:web01'], { ts: T0 + MIN }));
    expect((await svc.incidents.get(SCOPE_ALL, survivor))!.alertCount).toBe(4);
    expect(
      (await svc.audit.list(SCOPE_ALL, { size: 100 })).docs.filter((e) => e.action === 'incident.merge'),
    ).toHaveLength(1);
  });
});
