import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { openSqliteStores, type SqliteStores } from '../store/sqlite/index.js';
import { agencyScope, SCOPE_ALL } from '../store/types.js';
import { IncidentService } from './service.js';
import type { Alert } from './types.js';

const A = '000.00.31.H40';
const B = '000.00.32.H40';
let stores: SqliteStores;
let clock = 1_700_000_000_000;
let svc: IncidentService;

beforeEach(() => {
  stores = openSqliteStores({ path: ':memory:' });
  clock = 1_700_000_000_000;
  svc = new IncidentService(stores.state, { now: () => clock });
});
afterEach(async () => {
  await stores.close();
});

let n = 0;
function alert(over: Partial<Alert> = {}): Alert {
  n++;
  return {
    id: `al-${n}`,
    kind: 'rule',
    ruleId: 'r-ssh-brute',
    ruleTitle: 'SSH brute force',
    level: 'high',
    tags: ['attack.credential_access', 'attack.t1110', 'cve.2024-1'],
    agencyId: A,
    host: 'web01',
    eventIds: [`ev-${n}`],
    ts: clock,
    ...over,
  };
}

describe('grouping and recurrence', () => {
  it('groups alerts by rule + agency + host, counting and keeping first/last seen', async () => {
    const first = await svc.ingestAlert(alert({ ts: clock - 5000 }));
    expect(first.created).toBe(true);
    const second = await svc.ingestAlert(alert({ ts: clock }));
    expect(second.created).toBe(false);
    expect(second.incident!.id).toBe(first.incident!.id);
    expect(second.incident!.alertCount).toBe(2);
    expect(second.incident!.firstSeen).toBe(clock - 5000);
    expect(second.incident!.lastSeen).toBe(clock);
    expect(second.incident!.attack).toEqual(['attack.credential_access', 'attack.t1110']);
    const other = await svc.ingestAlert(alert({ host: 'web02' }));
    expect(other.incident!.id).not.toBe(first.incident!.id);
  });

  it('raises severity to the highest alert level', async () => {
    await svc.ingestAlert(alert({ level: 'medium' }));
    const r = await svc.ingestAlert(alert({ level: 'critical' }));
    expect(r.incident!.severity).toBe('critical');
  });

  it('reopens a resolved incident on recurrence and restarts its SLA, but leaves a false positive closed', async () => {
    const { incident } = await svc.ingestAlert(alert());
    await svc.transition(SCOPE_ALL, incident!.id, 'resolved', 'analyst1');
    clock += 3_600_000;
    const again = await svc.ingestAlert(alert());
    expect(again.reopened).toBe(true);
    expect(again.incident!.state).toBe('new');
    expect(again.incident!.reopenCount).toBe(1);
    expect(again.incident!.sla.ackDueAt).toBe(clock + 60 * 60_000);
    await svc.transition(SCOPE_ALL, incident!.id, 'false_positive', 'analyst1');
    const third = await svc.ingestAlert(alert());
    expect(third.reopened).toBe(false);
    expect(third.incident!.state).toBe('false_positive');
  });

  it('counts an alert raised again (a batch replayed after a crash) once', async () => {
    const a = alert();
    const first = await svc.ingestAlert(a);
    const again = await svc.ingestAlert({ ...a });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.incident?.id).toBe(first.incident?.id);
    expect(again.incident?.alertCount).toBe(1);
    const b = await svc.ingestAlert(alert());
    expect(b.incident?.alertCount).toBe(2);
  });

  it('counts an alert once when the process stopped between the incident write and the alert record', async () => {
    const a = alert();
    await svc.ingestAlert(a);
    // As after a kill between the two writes: the incident counts the alert, its record is missing.
    expect(await stores.state.collection('alerts').delete(SCOPE_ALL, a.id)).toBe(true);
    const again = await svc.ingestAlert({ ...a });
    expect(again.created).toBe(false);
    expect(again.incident?.alertCount).toBe(1);
    expect(await stores.state.collection('alerts').get(SCOPE_ALL, a.id)).toMatchObject({ id: a.id });
  });

  it('loses no count when many alerts of one incident arrive at once', async () => {
    await Promise.all(Array.from({ length: 40 }, () => svc.ingestAlert(alert())));
    const page = await svc.incidents.list(SCOPE_ALL);
    expect(page.docs).toHaveLength(1);
    expect(page.docs[0]!.alertCount).toBe(40);
  });

  it('loses no count when two services (two processes) update one incident at once', async () => {
    const other = new IncidentService(stores.state, { now: () => clock });
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? svc : other).ingestAlert(alert())));
    const page = await svc.incidents.list(SCOPE_ALL);
    expect(page.docs[0]!.alertCount).toBe(30);
  });
});

describe('analyst actions', () => {
  it('walks the life cycle and refuses impossible transitions', async () => {
    const { incident } = await svc.ingestAlert(alert());
    const id = incident!.id;
    clock += 1000;
    const ack = await svc.transition(SCOPE_ALL, id, 'acknowledged', 'lan');
    expect(ack.acknowledgedAt).toBe(clock);
    await svc.transition(SCOPE_ALL, id, 'in_progress', 'lan');
    const done = await svc.transition(SCOPE_ALL, id, 'resolved', 'lan');
    expect(done.resolvedAt).toBe(clock);
    await expect(svc.transition(SCOPE_ALL, id, 'acknowledged', 'lan')).rejects.toThrow(
      /cannot go from resolved to acknowledged/,
    );
  });

  it('refuses an update based on a stale version (two analysts at once)', async () => {
    const { incident } = await svc.ingestAlert(alert());
    const v = incident!.version;
    await svc.assign(SCOPE_ALL, incident!.id, 'lan', 'lan', v);
    await expect(svc.assign(SCOPE_ALL, incident!.id, 'minh', 'minh', v)).rejects.toMatchObject({
      code: 'CANHGAC_ERR_STORE_CONFLICT',
    });
    expect((await svc.incidents.get(SCOPE_ALL, incident!.id))!.assignee).toBe('lan');
  });

  it('writes an audit entry for every change, with who, when, before and after', async () => {
    const { incident } = await svc.ingestAlert(alert());
    clock += 10;
    await svc.assign(SCOPE_ALL, incident!.id, 'lan', 'admin');
    await svc.transition(SCOPE_ALL, incident!.id, 'acknowledged', 'lan');
    await svc.comment(SCOPE_ALL, incident!.id, 'lan', 'Đang kiểm tra máy chủ');
    const audit = (await svc.audit.list(SCOPE_ALL, { sort: { field: 'at', order: 'asc' }, size: 100 })).docs;
    expect(audit.map((a) => a.action)).toEqual([
      'incident.create',
      'incident.assign',
      'incident.acknowledged',
      'comment.create',
    ]);
    const assign = audit[1]!;
    expect(assign.actor).toBe('admin');
    expect(assign.at).toBe(clock);
    expect(assign.before).toMatchObject({ assignee: null });
    expect(assign.after).toMatchObject({ assignee: 'lan' });
  });

  it('keeps an agency-scoped user to its own agency', async () => {
    const a = await svc.ingestAlert(alert());
    const b = await svc.ingestAlert(alert({ agencyId: B }));
    await expect(svc.transition(agencyScope(A), b.incident!.id, 'acknowledged', 'x')).rejects.toMatchObject({
      code: 'CANHGAC_ERR_INCIDENT_NOT_FOUND',
    });
    await expect(svc.comment(agencyScope(A), b.incident!.id, 'x', 'hi')).rejects.toMatchObject({
      code: 'CANHGAC_ERR_INCIDENT_NOT_FOUND',
    });
    expect((await svc.transition(agencyScope(A), a.incident!.id, 'acknowledged', 'x')).state).toBe('acknowledged');
    const listed = await svc.incidents.list(agencyScope(A));
    expect(listed.docs.map((d) => d.agencyId)).toEqual([A]);
  });
});

describe('SLA and suppressions', () => {
  it('flags each breached clock once', async () => {
    const { incident } = await svc.ingestAlert(alert({ level: 'critical' }));
    expect(await svc.checkSla()).toEqual([]);
    clock += 16 * 60_000;
    const b1 = await svc.checkSla();
    expect(b1).toEqual([
      {
        incidentId: incident!.id,
        agencyId: A,
        clock: 'acknowledge',
        dueAt: incident!.sla.ackDueAt,
        severity: 'critical',
      },
    ]);
    expect(await svc.checkSla()).toEqual([]);
    await svc.transition(SCOPE_ALL, incident!.id, 'acknowledged', 'lan');
    clock += 4 * 3_600_000;
    expect((await svc.checkSla()).map((b) => b.clock)).toEqual(['resolve']);
  });

  it('swallows alerts matching an active suppression until it expires', async () => {
    await svc.suppress(agencyScope(A), {
      agencyId: A,
      ruleId: 'r-ssh-brute',
      reason: 'Pentest approved',
      expiresAt: clock + 60_000,
      createdBy: 'admin',
    });
    const r = await svc.ingestAlert(alert());
    expect(r.suppressed).toBe(true);
    expect(r.incident).toBeUndefined();
    expect((await svc.ingestAlert(alert({ agencyId: B }))).suppressed).toBe(false);
    clock += 61_000;
    expect((await svc.ingestAlert(alert())).created).toBe(true);
  });
});
