/**
 * The analysts' local indicator list through the API: who added what and why, validation by field, audited,
 * matched at once by the context stage, searchable, removable; feed status lists it as the feed `local`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type OpenedContext, openContext } from '../../context/index.js';
import type { StoredEvent } from '../../store/types.js';
import { type Fixture, startFixture } from '../../tests/kit/api.js';

let f: Fixture;
let ctx: OpenedContext | undefined;
beforeAll(async () => {
  f = await startFixture({
    threatIntel: {
      status: () => ctx?.ti?.status() ?? [],
      search: (v) => ctx!.ti!.search(v),
      localChanged: () => ctx!.syncLocal(),
    },
  });
  ctx = await openContext(
    { geoip: { enabled: false } },
    { events: f.svc.stores.events, state: f.svc.stores.state, raise: async () => {}, localPollMs: 3_600_000 },
  );
});
afterAll(async () => {
  ctx?.close();
  await f.close();
});

const event = (ip: string): StoredEvent =>
  ({ 'event.id': `e-${ip}`, '@timestamp': new Date().toISOString(), 'agency.id': 'a', 'source.ip': ip }) as StoredEvent;

describe('local indicator list API', () => {
  it('an analyst adds a value with a reason; it matches at once, is audited and listed with who and why', async () => {
    const r = await f.call('POST', '/api/v1/threat-intel/local', {
      key: f.keys.analyst!,
      body: { value: '45.134.26.10', reason: 'Quét SSH vào cổng dịch vụ công', expireDays: 30 },
    });
    expect(r.status).toBe(201);
    const entry = r.body as { id: string; type: string; addedBy: string; expiresAt: number; reason: string };
    expect(entry).toMatchObject({ type: 'ipv4', reason: 'Quét SSH vào cổng dịch vụ công', confidence: 90 });
    expect(entry.addedBy).toMatch(/^key:/);
    expect(entry.expiresAt).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    const alerts = ctx!.stage.process([event('45.134.26.10'), event('8.8.8.8')]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.fields).toMatchObject({
      'threat.indicator.feed': 'local',
      'threat.indicator.value': '45.134.26.10',
      'threat.indicator.matched.field': 'source.ip',
    });
    expect(String(alerts[0]!.fields['threat.indicator.description'])).toContain('Quét SSH');

    const list = (await f.call('GET', '/api/v1/threat-intel/local', { key: f.keys.analyst! })).body as {
      items: { value: string }[];
    };
    expect(list.items.map((i) => i.value)).toEqual(['45.134.26.10']);
    const audit = (await f.call('GET', '/api/v1/audit', { key: f.keys.admin! })).body as {
      items: { action: string; targetId: string }[];
    };
    expect(audit.items.find((a) => a.action === 'indicator.create')?.targetId).toBe(entry.id);

    const feeds = (await f.call('GET', '/api/v1/threat-intel/feeds', { key: f.keys.analyst! })).body as {
      items: { name: string; type: string; indicators: number; matchesByDay: Record<string, number> }[];
    };
    const local = feeds.items.find((x) => x.name === 'local')!;
    expect(local).toMatchObject({ type: 'local', indicators: 1 });
    expect(Object.values(local.matchesByDay)).toEqual([1]);
  });

  it('search finds the value and addresses inside a network; a bad value names the field', async () => {
    await f.call('POST', '/api/v1/threat-intel/local', {
      key: f.keys.analyst!,
      body: { value: '185.220.101.0/24', reason: 'Tor exit nodes' },
    });
    const s = await f.call('GET', '/api/v1/threat-intel/search?value=185.220.101.7', { key: f.keys.analyst! });
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ type: 'ipv4', hits: [{ value: '185.220.101.0/24', feed: 'local' }] });
    const bad = await f.call('GET', '/api/v1/threat-intel/search?value=not%20a%20thing', { key: f.keys.analyst! });
    expect(bad.status).toBe(400);
  });

  it('refuses a value without a reason, a past expiry, and callers without rules.write', async () => {
    const r = await f.call('POST', '/api/v1/threat-intel/local', {
      key: f.keys.analyst!,
      body: { value: 'evil.example', expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('reason: required');
    expect(JSON.stringify(r.body)).toContain('expiresAt: already past');
    const v = await f.call('POST', '/api/v1/threat-intel/local', {
      key: f.keys.agency_admin_a!,
      body: { value: 'evil.example', reason: 'x' },
    });
    expect(v.status).toBe(403);
  });

  it('removing an entry stops its matching and is audited', async () => {
    const list = (await f.call('GET', '/api/v1/threat-intel/local', { key: f.keys.analyst! })).body as {
      items: { id: string; value: string }[];
    };
    const id = list.items.find((i) => i.value === '45.134.26.10')!.id;
    expect((await f.call('DELETE', `/api/v1/threat-intel/local/${id}`, { key: f.keys.analyst! })).status).toBe(204);
    expect(ctx!.stage.process([event('45.134.26.10')])).toHaveLength(0);
    const audit = (await f.call('GET', '/api/v1/audit', { key: f.keys.admin! })).body as {
      items: { action: string }[];
    };
    expect(audit.items.some((a) => a.action === 'indicator.delete')).toBe(true);
  });
});
