/**
 * Route kinds: the API and the notifier share one list. A route created through the API with a kind filter hears
 * exactly those notices (the older API names, such as sla_breach, mean the notice kinds they name), its kinds can
 * be changed or cleared afterwards, and an unknown kind is refused naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Notice, Notifier } from '../../notify/index.js';
import { ROUTE_KIND_NAMES } from '../../notify/kinds.js';
import { NOTICE_KINDS } from '../../notify/types.js';
import { AGENCY_A, type Fixture, startFixture } from '../../tests/kit/api.js';
import { loadSpec } from '../openapi.js';

let f: Fixture;
let n = 0;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

const notice = (kind: Notice['kind']): Notice => ({
  id: `n-kinds-${++n}`,
  kind,
  agencyId: AGENCY_A,
  severity: 'high',
  incidentId: `inc-kinds-${n}`,
  title: 'SSH brute force',
  at: Date.now(),
});

describe('route kinds', () => {
  it('the API schema lists exactly the notifier kinds (plus the older names)', () => {
    const doc = loadSpec().document as unknown as {
      components: { schemas: { RouteKinds: { items: { enum: string[] } } } };
    };
    expect([...doc.components.schemas.RouteKinds.items.enum].sort()).toEqual([...ROUTE_KIND_NAMES].sort());
    for (const k of NOTICE_KINDS) expect(ROUTE_KIND_NAMES).toContain(k);
  });

  it('a route made with kinds hears those notices, and its kinds can be changed and cleared', async () => {
    const ch = await f.call('POST', '/api/v1/channels', {
      key: f.keys.agency_admin_a,
      body: { type: 'email', name: 'soc', settings: { to: ['soc@so-tttt.gov.vn'] } },
    });
    expect(ch.status).toBe(201);
    const channelId = (ch.body as { id: string }).id;
    const made = await f.call('POST', '/api/v1/routes', {
      key: f.keys.agency_admin_a,
      body: { minSeverity: 'low', channelIds: [channelId], kinds: ['sla_breach', 'host.silent'] },
    });
    expect(made.status).toBe(201);
    const route = made.body as { id: string; kinds: string[]; version: number };
    expect(route.kinds.sort()).toEqual(['host.silent', 'sla.breach']);

    const notifier = new Notifier(f.svc.stores.state, {});
    const heard = async (kind: Notice['kind']) => {
      const before = (await notifier.deliveries.list({ kind: 'all' }, { filter: { channelId }, size: 1000 })).docs;
      await notifier.notify(notice(kind));
      const after = (await notifier.deliveries.list({ kind: 'all' }, { filter: { channelId }, size: 1000 })).docs;
      return after.length - before.length;
    };
    expect(await heard('sla.breach')).toBe(1);
    expect(await heard('host.silent')).toBe(1);
    expect(await heard('incident.created')).toBe(0);

    const changed = await f.call('PATCH', `/api/v1/routes/${route.id}`, {
      key: f.keys.agency_admin_a,
      body: { kinds: ['incident'] },
    });
    expect(changed.status).toBe(200);
    expect(await heard('incident.created')).toBe(1);
    expect(await heard('incident.resolved')).toBe(1);
    expect(await heard('sla.breach')).toBe(0);

    const cleared = await f.call('PATCH', `/api/v1/routes/${route.id}`, {
      key: f.keys.agency_admin_a,
      body: { kinds: null },
    });
    expect(cleared.status).toBe(200);
    expect((cleared.body as { kinds?: string[] }).kinds).toBeUndefined();
    expect(await heard('sla.breach')).toBe(1);
    expect(await heard('incident.resolved')).toBe(0); // the default: every kind but an analyst's closing

    const bad = await f.call('POST', '/api/v1/routes', {
      key: f.keys.agency_admin_a,
      body: { minSeverity: 'low', channelIds: [channelId], kinds: ['incident.create'] },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('kinds');
  });
});
