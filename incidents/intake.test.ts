import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { assetId } from '../context/assets/assets.js';
import { AssetDirectory } from '../context/assets/weigh.js';
import { openSqliteStores, type SqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL } from '../store/types.js';
import { entitiesOf, entityKey, groupEntities } from './entities.js';
import { AlertIntake, type IntakeOptions } from './intake.js';
import { IncidentService } from './service.js';
import type { Alert, Incident } from './types.js';

const A = '000.00.31.H40';
const T0 = 1_700_000_000_000;
const MIN = 60_000;
let stores: SqliteStores;
let svc: IncidentService;

beforeEach(() => {
  stores = openSqliteStores({ path: ':memory:' });
  svc = new IncidentService(stores.state, { now: () => T0, settings: false });
});
afterEach(async () => {
  await stores.close();
});

let n = 0;
function alert(over: Partial<Alert> & { ip?: string; user?: string } = {}): Alert {
  n++;
  const { ip, user, ...rest } = over;
  const host = rest.host ?? 'web01';
  return {
    id: `al-${n}`,
    kind: 'rule',
    ruleId: 'r-ssh-brute',
    ruleTitle: 'SSH brute force',
    level: 'high',
    tags: ['attack.credential_access', 'attack.t1110'],
    agencyId: A,
    host,
    eventIds: [`ev-${n}`],
    ts: T0,
    entities: [...(ip ? [`ip:${ip}`] : []), `host:${host}`, ...(user ? [`user:${user}@${host}`] : [])],
    ...rest,
  };
}

const intake = (o: IntakeOptions = {}) => new AlertIntake(svc, stores.state, o);

async function incidents(): Promise<Incident[]> {
  return (await svc.incidents.list(SCOPE_ALL, { size: 100 })).docs;
}

describe('entities of an event', () => {
  it('reads the attacker from each source the same way, never the relay', () => {
    const ssh = entitiesOf({
      'host.name': 'Web01',
      'client.ip': '203.0.113.5',
      'source.ip': '10.0.0.2',
      'user.name': 'Root',
    });
    expect(ssh.map(entityKey)).toEqual(['ip:203.0.113.5', 'host:web01', 'user:root@web01']);
    const web = entitiesOf({ 'host.name': 'web01', 'c-ip': '203.0.113.5', 'cs-uri-stem': '/login.php' });
    expect(web.map(entityKey)).toEqual(['ip:203.0.113.5', 'host:web01', 'url:/login.php@web01']);
    expect(entitiesOf({ 'host.name': 'fw', SRC: '203.0.113.5' })[0]).toEqual({ kind: 'ip', value: '203.0.113.5' });
    expect(entitiesOf({ 'host.name': 'dc', IpAddress: '203.0.113.5' })[0]).toEqual({
      kind: 'ip',
      value: '203.0.113.5',
    });
    // Normalised with the relay in log.source.address: source.ip is the attacker.
    const ecs = entitiesOf({ 'host.name': 'h', 'source.ip': '203.0.113.9', 'log.source.address': '10.0.0.2' });
    expect(ecs[0]).toEqual({ kind: 'ip', value: '203.0.113.9' });
    // Stored before that: source.ip is the relay, not an attacker.
    expect(entitiesOf({ 'host.name': 'h', 'source.ip': '10.0.0.2' }).map(entityKey)).toEqual(['host:h']);
    // A Windows "-" address or account is no entity.
    expect(entitiesOf({ 'host.name': 'dc', IpAddress: '-', TargetUserName: '-' }).map(entityKey)).toEqual(['host:dc']);
  });
});

describe('entities of a correlation alert', () => {
  it('are its group-by values, not the attacker or account of the event that crossed its count', () => {
    const crossing = {
      'host.name': 'web01',
      'source.ip': '203.0.113.9',
      'log.source.address': '10.0.0.2',
      'user.name': 'root',
    };
    expect(groupEntities({ 'host.name': 'web01' }, crossing).map(entityKey)).toEqual(['host:web01']);
    // Grouped by the attacker: the address is the entity, also from an event without a relay field.
    expect(groupEntities({ 'source.ip': '203.0.113.9' }, { 'host.name': 'web01' }).map(entityKey)).toEqual([
      'ip:203.0.113.9',
    ]);
    expect(groupEntities(undefined, crossing)).toEqual([]);
  });
});

describe('entity grouping', () => {
  it('joins alerts of different rules that share an entity into one incident with the kill chain', async () => {
    const i = intake();
    const brute = await i.ingest(alert({ ip: '203.0.113.5' }));
    const success = await i.ingest(
      alert({
        ruleId: 'r-success',
        ruleTitle: 'Brute force then success',
        level: 'critical',
        tags: ['attack.initial_access'],
        ip: '203.0.113.5',
        user: 'root',
        ts: T0 + 5 * MIN,
      }),
    );
    const sudo = await i.ingest(
      alert({
        ruleId: 'r-sudo',
        ruleTitle: 'sudo',
        level: 'medium',
        tags: ['attack.privilege_escalation'],
        user: 'root',
        ts: T0 + 7 * MIN,
      }),
    );
    expect(brute.created).toBe(true);
    expect(success.incident!.id).toBe(brute.incident!.id);
    expect(sudo.incident!.id).toBe(brute.incident!.id);
    const [inc, ...rest] = await incidents();
    expect(rest).toEqual([]);
    expect(inc!.alertCount).toBe(3);
    // Named after its most severe rule; the chain in order with tactics and the entity each step joined through.
    expect(inc!.title).toBe('Brute force then success');
    expect(inc!.severity).toBe('critical');
    expect(inc!.chain!.map((s) => [s.ruleId, s.tactics, s.via ?? null])).toEqual([
      ['r-ssh-brute', ['credential_access'], null],
      ['r-success', ['initial_access'], 'ip:203.0.113.5'],
      ['r-sudo', ['privilege_escalation'], 'host:web01'],
    ]);
    expect(inc!.entities).toEqual(['ip:203.0.113.5', 'host:web01', 'user:root@web01']);
    expect(inc!.attack).toEqual([
      'attack.credential_access',
      'attack.t1110',
      'attack.initial_access',
      'attack.privilege_escalation',
    ]);
  });

  it('keeps alerts apart after the window and other agencies apart always', async () => {
    const i = intake({ grouping: { windowMs: 30 * MIN } });
    const a = await i.ingest(alert({ ip: '203.0.113.5' }));
    const late = await i.ingest(alert({ ip: '203.0.113.5', ts: T0 + 31 * MIN }));
    const other = await i.ingest(alert({ ip: '203.0.113.5', agencyId: '000.00.12.H40', ts: T0 + 31 * MIN }));
    expect(late.incident!.id).not.toBe(a.incident!.id);
    expect(other.incident!.id).not.toBe(late.incident!.id);
    expect(other.incident!.agencyId).toBe('000.00.12.H40');
  });

  it('stops joining at the maximum span and caps the entities of an incident', async () => {
    const i = intake({ grouping: { windowMs: 60 * MIN, maxSpanMs: 90 * MIN, maxEntities: 3, joinOn: ['ip'] } });
    const first = await i.ingest(alert({ ip: '198.51.100.1' }));
    for (let k = 2; k <= 6; k++)
      await i.ingest(
        alert({ ip: '198.51.100.1', entities: ['ip:198.51.100.1', `ip:198.51.100.${k}`], ts: T0 + k * MIN }),
      );
    const inc = (await svc.incidents.get(SCOPE_ALL, first.incident!.id))!;
    expect(inc.entities).toEqual(['ip:198.51.100.1', 'ip:198.51.100.2', 'ip:198.51.100.3']);
    expect(inc.entitiesDropped).toBe(3);
    expect(inc.alertCount).toBe(6);
    // An address beyond the cap links nothing: its next alert opens its own incident.
    const beyond = await i.ingest(alert({ ip: '198.51.100.6', ts: T0 + 7 * MIN }));
    expect(beyond.incident!.id).not.toBe(first.incident!.id);
    // Seen within the window, but past the maximum span of the first incident: a new one.
    const later = await i.ingest(alert({ ip: '198.51.100.1', ts: T0 + 95 * MIN }));
    expect(later.incident!.id).not.toBe(first.incident!.id);
  });

  it('never joins on stop-values: loopback, the agency relays, listed scanners and values', async () => {
    const i = intake({
      grouping: {
        joinOn: ['ip', 'user'],
        stopValues: [
          { network: '192.0.2.0/28', reason: 'scanner' },
          { kind: 'user', value: 'backup' },
        ],
      },
      agencyNetworks: new Map([[A, ['10.8.0.0/16']]]),
    });
    for (const ip of ['127.0.0.1', '10.8.3.4', '192.0.2.7']) {
      const x = await i.ingest(alert({ ip, ts: T0 }));
      const y = await i.ingest(alert({ ip, ts: T0 + MIN, ruleId: 'other' }));
      expect({ ip, same: x.incident!.id === y.incident!.id }).toEqual({ ip, same: false });
    }
    const b1 = await i.ingest(alert({ user: 'backup', ruleId: 'x1' }));
    const b2 = await i.ingest(alert({ user: 'backup', ruleId: 'x2' }));
    expect(b1.incident!.id).not.toBe(b2.incident!.id);
    // The stopped entity is still no link, but the incident is still there to see.
    expect(b1.incident!.entities).toEqual([]);
  });

  it('groups by rule, agency and host in rule mode (as before)', async () => {
    const i = intake({ grouping: { mode: 'rule' } });
    const a = await i.ingest(alert({ ip: '203.0.113.5' }));
    const b = await i.ingest(alert({ ip: '203.0.113.5', ruleId: 'other', ts: T0 + MIN }));
    expect(b.incident!.id).not.toBe(a.incident!.id);
  });

  it('places the same alerts in the same incidents whatever the order of arrival within a lane', async () => {
    const make = () => [
      alert({ id: 'x1', ip: '203.0.113.5', ts: T0 }),
      alert({ id: 'x2', ip: '203.0.113.5', ruleId: 'r2', ts: T0 + MIN }),
      alert({ id: 'x3', ip: '198.51.100.7', host: 'db01', ruleId: 'r3', ts: T0 + 2 * MIN }),
    ];
    const partition = async (alerts: Alert[]) => {
      const i = intake();
      for (const a of alerts) await i.ingest(a);
      const byInc = new Map<string, string[]>();
      for (const a of (await svc.alerts.list(SCOPE_ALL, { size: 100 })).docs)
        byInc.set(a.incidentId!, [...(byInc.get(a.incidentId!) ?? []), a.id].sort());
      return [...byInc.values()].sort();
    };
    const first = await partition(make());
    await stores.close();
    stores = openSqliteStores({ path: ':memory:' });
    svc = new IncidentService(stores.state, { now: () => T0, settings: false });
    const second = await partition(make().reverse());
    expect(second).toEqual(first);
    expect(first).toEqual([['x1', 'x2'], ['x3']]);
  });
});

describe('risk-based alerting', () => {
  const low = (over: Partial<Alert> & { ip?: string } = {}) =>
    alert({ level: 'low', ruleId: 'r-low', ruleTitle: 'Failed password', ...over });

  it('low alerts only add risk until their entity crosses the threshold, then open and say why', async () => {
    const i = intake();
    const one = await i.ingest(low({ ip: '203.0.113.5' }));
    expect(one.incident).toBeUndefined();
    expect(one.alert.risk).toEqual({ entity: 'ip:203.0.113.5', score: 25 });
    // Repetition of one rule adds less each time, and one rule alone never opens (minRules 2).
    for (let k = 1; k <= 6; k++)
      expect((await i.ingest(low({ ip: '203.0.113.5', ts: T0 + k * 1000 }))).incident).toBeUndefined();
    // Two more low rules on it: still below 100 (49.6 + 25 + 25, a little decayed); a third crosses it.
    const more = ['r-scan', 'r-404', 'r-sudo'];
    const outs = [];
    for (const [k, id] of more.entries())
      outs.push(
        await i.ingest(
          low({
            ruleId: id,
            ruleTitle: id,
            tags: ['attack.reconnaissance'],
            ip: '203.0.113.5',
            ts: T0 + (10 + k) * 1000,
          }),
        ),
      );
    expect(outs.map((o) => o.created)).toEqual([false, false, true]);
    const web = outs[2]!;
    expect(web.created).toBe(true);
    const r = web.incident!.risk!;
    expect(r.reason).toBe('score');
    expect(r.entity).toBe('ip:203.0.113.5');
    expect(r.score).toBeGreaterThanOrEqual(100);
    expect(r.rules).toBe(4);
    expect(r.contributions.map((c) => c.ruleId)).toEqual(
      expect.arrayContaining(['r-low', 'r-scan', 'r-404', 'r-sudo']),
    );
    // The alerts that fed its risk are taken into the incident: all 10, the first one first.
    const stored = await svc.alerts.get(SCOPE_ALL, one.alert.id);
    expect(stored!.incidentId).toBe(web.incident!.id);
    expect((await svc.incidents.get(SCOPE_ALL, web.incident!.id))!.alertCount).toBe(10);
  });

  it('decays: the same alerts spread over hours never open', async () => {
    const i = intake();
    for (let k = 0; k < 8; k++) {
      const out = await i.ingest(low({ ruleId: `r${k % 2}`, ip: '203.0.113.5', ts: T0 + k * 3 * 60 * MIN }));
      expect(out.incident).toBeUndefined();
    }
  });

  it('opens on three distinct tactics', async () => {
    const i = intake({ risk: { threshold: 10_000 } });
    const tactics = ['attack.discovery', 'attack.execution', 'attack.persistence'];
    const outs = [];
    for (const [k, t] of tactics.entries())
      outs.push(await i.ingest(low({ ruleId: `t${k}`, tags: [t], ts: T0 + k * MIN })));
    expect(outs.map((o) => o.created)).toEqual([false, false, true]);
    expect(outs[2]!.incident!.risk!.reason).toBe('tactics');
    expect(outs[2]!.incident!.risk!.tactics).toEqual(['discovery', 'execution', 'persistence']);
  });

  it('joins a low alert to the live incident of its entity', async () => {
    const i = intake();
    const high = await i.ingest(alert({ ip: '203.0.113.5' }));
    const after = await i.ingest(low({ ip: '203.0.113.5', ts: T0 + MIN }));
    expect(after.incident!.id).toBe(high.incident!.id);
  });

  it('counts asset criticality once: in the alert level the asset weighed, not again in risk', async () => {
    await stores.state
      .collection<Record<string, unknown>>('assets')
      .put(SCOPE_ALL, { id: assetId(A, 'db01'), agencyId: A, host: 'db01', addresses: [], criticality: 5 });
    // The pipeline's alert stage weighs each alert by its asset before the incident stage (issue 14).
    const assets = new AssetDirectory(stores.state);
    await assets.refresh();
    const vital = low({ host: 'db01', ts: T0 });
    const plain = low({ host: 'web07', ts: T0 });
    assets.weigh([vital, plain]);
    expect([vital.level, vital.fields?.['severity.original']]).toEqual(['medium', 'low']);
    expect(plain.level).toBe('low');
    const i = intake({ risk: { openLevel: 'high' } });
    const v = await i.ingest(vital);
    const p = await i.ingest(plain);
    // Medium's points (50) on the vital host, not 50 x a criticality factor (70 before); low's 25 elsewhere.
    expect(v.alert.risk!.score).toBe(50);
    expect(p.alert.risk!.score).toBe(25);
  });

  it('scores repetition in event time: the same alerts give the same score in any order', async () => {
    const alerts = [0, 1, 2, 3].map((k) => low({ id: `rep-${k}`, ip: '203.0.113.5', ts: T0 + k * MIN }));
    const scores: number[] = [];
    for (const order of [alerts, [...alerts].reverse()]) {
      await stores.close();
      stores = openSqliteStores({ path: ':memory:' });
      svc = new IncidentService(stores.state, { now: () => T0, settings: false });
      const i = intake();
      for (const a of order) await i.ingest(a);
      // Scored at the last alert's time: 25 + 12.5 + 6.25 + 3.1, decayed a little.
      scores.push(
        (await i.ingest(low({ id: 'probe', ruleId: 'r-probe', ip: '203.0.113.5', ts: T0 + 3 * MIN }))).alert.risk!
          .score,
      );
    }
    expect(scores[1]).toBe(scores[0]);
    expect(scores[0]).toBeGreaterThan(70);
    expect(scores[0]).toBeLessThan(72.5);
  });

  it('counts a replayed alert once', async () => {
    const i = intake();
    const a = low({ ip: '203.0.113.5' });
    await i.ingest(a);
    const again = await i.ingest(a);
    expect(again.alert.risk!.score).toBe(25);
  });
});

describe('risk and grouping together', () => {
  it('a low alert that arrived before the incident opened on its entity joins it, later in time or earlier', async () => {
    const outcome = async (order: 'in' | 'reverse') => {
      await stores.close();
      stores = openSqliteStores({ path: ':memory:' });
      svc = new IncidentService(stores.state, { now: () => T0, settings: false });
      const i = intake();
      const high = alert({ id: 'h1', ip: '203.0.113.5', ts: T0 });
      const after = alert({ id: 'l1', ruleId: 'r-low', level: 'low', ip: '203.0.113.5', ts: T0 + 5 * MIN });
      for (const a of order === 'in' ? [high, after] : [after, high]) await i.ingest(a);
      return (await svc.alerts.get(SCOPE_ALL, 'l1'))!.incidentId;
    };
    const inOrder = await outcome('in');
    expect(inOrder).toBeDefined();
    expect(await outcome('reverse')).toBe(inOrder);
  });

  it('a new incident takes in the earlier alerts that only fed risk on its entities', async () => {
    const i = intake();
    const scan = await i.ingest(
      alert({
        ruleId: 'r-scan',
        ruleTitle: 'Web scan',
        level: 'low',
        tags: ['attack.reconnaissance'],
        ip: '203.0.113.5',
      }),
    );
    const other = await i.ingest(alert({ ruleId: 'r-scan', level: 'low', ip: '198.51.100.9', host: 'web09' }));
    expect(scan.incident).toBeUndefined();
    const sqli = await i.ingest(
      alert({
        ruleId: 'r-sqli',
        ruleTitle: 'SQL injection',
        tags: ['attack.initial_access'],
        ip: '203.0.113.5',
        ts: T0 + MIN,
      }),
    );
    expect(sqli.created).toBe(true);
    const inc = (await svc.incidents.get(SCOPE_ALL, sqli.incident!.id))!;
    expect(inc.alertCount).toBe(2);
    expect(inc.firstSeen).toBe(T0);
    expect(inc.chain!.map((s) => [s.ruleId, s.via ?? null])).toEqual([
      ['r-scan', 'ip:203.0.113.5'],
      ['r-sqli', null],
    ]);
    expect((await svc.alerts.get(SCOPE_ALL, scan.alert.id))!.incidentId).toBe(inc.id);
    // Another address on another host stays risk only.
    expect((await svc.alerts.get(SCOPE_ALL, other.alert.id))!.incidentId).toBeUndefined();
  });
});
