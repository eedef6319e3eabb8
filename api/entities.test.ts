/**
 * Entity pages through the API: an address, a host, an account and an agency with their events, incidents and
 * context, and tenancy in the store: agency A's admin sees only agency A's side of an address both agencies saw,
 * and agency B's host, account and agency show nothing of B.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCOPE_ALL } from '../store/types.js';
import { AGENCY_A, AGENCY_B, B_MARK, type Fixture, startFixture } from '../tests/kit/api.js';

let f: Fixture;
const IP = '198.51.100.7';
const NOW = Date.now();
const at = (minAgo: number) => new Date(NOW - minAgo * 60_000).toISOString();

beforeAll(async () => {
  f = await startFixture();
  const events = [];
  for (const [agency, mark, host] of [
    [AGENCY_A, 'amark', 'web-a'],
    [AGENCY_B, B_MARK, `srv-${B_MARK}`],
  ] as const)
    for (let n = 0; n < 3; n++)
      events.push({
        'event.id': `ent-${agency}-${n}`,
        '@timestamp': at(60 - n),
        'agency.id': agency,
        'host.name': host,
        'source.ip': IP,
        'source.geo.country_iso_code': 'NL',
        'source.geo.country_name': 'Netherlands',
        'source.as.number': 64500,
        'user.name': `root-${mark}`,
        'threat.indicator.value': IP,
        'threat.indicator.type': 'ipv4-addr',
        'threat.indicator.feed': `feodo-${mark}`,
        'threat.indicator.confidence': 80,
        message: `Failed password for root-${mark} from ${IP} port 22 ssh2 ${mark}`,
      });
  // An account seen three days ago only: inside the default period (7 days), outside a day.
  events.push({
    'event.id': 'ent-old-1',
    '@timestamp': at(3 * 24 * 60),
    'agency.id': AGENCY_A,
    'host.name': 'web-a',
    'user.name': 'Ke.Toan',
    message: 'Accepted password for Ke.Toan',
  });
  await f.stores.events.write(SCOPE_ALL, events);
  for (const [agency, mark, host] of [
    [AGENCY_A, 'amark', 'web-a'],
    [AGENCY_B, B_MARK, `srv-${B_MARK}`],
  ] as const)
    await f.svc.incidents.ingestAlert({
      id: `ent-alert-${agency}`,
      kind: 'rule',
      ruleId: `ent-rule-${mark}`,
      ruleTitle: `SSH brute force ${mark}`,
      level: 'high',
      tags: ['attack.t1110'],
      agencyId: agency,
      host,
      eventIds: [`ent-${agency}-1`],
      ts: Date.now() - 59 * 60_000,
    });
  await f.stores.state.collection<Record<string, unknown>>('assets').put(SCOPE_ALL, {
    id: 'asset-a',
    agencyId: AGENCY_A,
    host: 'web-a',
    addresses: ['10.0.0.5'],
    role: 'Cổng dịch vụ công',
    criticality: 5,
  });
});
afterAll(async () => {
  await f.close();
});

type Entity = {
  query: string;
  events: { total: number; firstSeen?: number; lastSeen?: number; recent: Record<string, unknown>[] };
  incidents: { total: number; open: number; items: { id: string; agencyId: string }[] };
  related: Record<string, { key: string; count: number }[]>;
  context: {
    geo?: Record<string, unknown>;
    threatIntel: { value: string; feed: string; count: number }[];
    assets: { host: string }[];
    agency?: { name: string };
  };
};
const get = async (who: string, path: string) => {
  const r = await f.call('GET', path, { key: f.keys[who]! });
  return { status: r.status, body: r.body as Entity, text: r.text };
};

describe('entity pages (API)', () => {
  it('an address: events of every agency, its incidents through its events, GeoIP and threat-intel context', async () => {
    const { status, body } = await get('analyst', `/api/v1/entities/ip/${IP}`);
    expect(status).toBe(200);
    expect(body.events.total).toBe(6);
    expect(body.events.lastSeen! - body.events.firstSeen!).toBe(2 * 60_000);
    expect(body.incidents.total).toBe(2);
    expect(body.context.geo).toMatchObject({ countryIso: 'NL', asn: 64500 });
    expect(body.context.threatIntel.map((t) => t.feed).sort()).toEqual(['feodo-amark', `feodo-${B_MARK}`]);
    expect(body.related['host.name']!.map((b) => b.key).sort()).toEqual([`srv-${B_MARK}`, 'web-a']);
    expect(body.query).toBe('source.ip:"198.51.100.7" OR destination.ip:"198.51.100.7" OR host.ip:"198.51.100.7"');
  });

  it("agency A's admin sees only agency A's side of the same address", async () => {
    const { status, body, text } = await get('agency_admin_a', `/api/v1/entities/ip/${IP}`);
    expect(status).toBe(200);
    expect(body.events.total).toBe(3);
    expect(body.incidents.total).toBe(1);
    expect(body.incidents.items[0]!.agencyId).toBe(AGENCY_A);
    expect(body.context.threatIntel.map((t) => t.feed)).toEqual(['feodo-amark']);
    expect(text).not.toContain(B_MARK);
    expect(text).not.toContain(AGENCY_B);
  });

  it("agency B's host, account and agency show agency A's admin nothing of B", async () => {
    const host = await get('agency_admin_a', `/api/v1/entities/host/srv-${B_MARK}`);
    expect(host.status).toBe(200);
    expect(host.body.events.total).toBe(0);
    expect(host.body.incidents.total).toBe(0);
    expect(host.text).not.toContain(AGENCY_B);
    const user = await get('agency_admin_a', `/api/v1/entities/user/root-${B_MARK}`);
    expect(user.body.events.total).toBe(0);
    expect(user.body.incidents.total).toBe(0);
    const agency = await get('agency_admin_a', `/api/v1/entities/agency/${AGENCY_B}`);
    expect(agency.status).toBe(404);
    expect(agency.text).not.toContain(B_MARK);
    // The analyst sees agency B's host with its incident.
    const all = await get('analyst', `/api/v1/entities/host/srv-${B_MARK}`);
    expect(all.body.events.total).toBe(3);
    expect(all.body.incidents.total).toBeGreaterThanOrEqual(1);
  });

  it('a host shows its asset record, an agency its name and incidents', async () => {
    const host = await get('agency_admin_a', '/api/v1/entities/host/web-a');
    expect(host.body.context.assets.map((a) => a.host)).toEqual(['web-a']);
    expect(host.body.incidents.total).toBe(1);
    expect(host.body.related['source.ip']![0]).toEqual({ key: IP, count: 3 });
    const agency = await get('agency_admin_a', `/api/v1/entities/agency/${AGENCY_A}`);
    expect(agency.status).toBe(200);
    expect(agency.body.context.agency?.name).toBe('Agency amark-91c2');
    // Its three events of the hour and the account's event of three days ago.
    expect(agency.body.events.total).toBe(4);
    // Incidents last seen in the period (7 days by default); the fixture's own is from November.
    expect(agency.body.incidents.total).toBe(1);
    const year = await get('agency_admin_a', `/api/v1/entities/agency/${AGENCY_A}?days=365`);
    expect(year.body.incidents.total).toBe(2);
    expect(agency.text).not.toContain(B_MARK);
    expect(year.text).not.toContain(B_MARK);
  });

  it('looks back 7 days by default: an account seen three days ago is found (any case)', async () => {
    const week = await get('analyst', '/api/v1/entities/user/ke.toan');
    expect((week.body as unknown as { window: { days: number } }).window.days).toBe(7);
    expect(week.body.events.total).toBe(1);
    expect(week.body.events.recent[0]!['event.id']).toBe('ent-old-1');
    const day = await get('analyst', '/api/v1/entities/user/ke.toan?days=1');
    expect(day.body.events.total).toBe(0);
  });

  it('an unknown kind is refused with the field named', async () => {
    const r = await f.call('GET', '/api/v1/entities/planet/x', { key: f.keys.analyst! });
    expect(r.status).toBe(400);
    expect(r.text).toContain('kind');
  });
});
