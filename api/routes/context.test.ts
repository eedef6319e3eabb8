/** Assets through the API: agency admins write their own agency only; validation names the field. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AGENCY_A, AGENCY_B, type Fixture, startFixture } from '../../tests/kit/api.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

describe('asset inventory API', () => {
  it('an agency admin writes and reads its own agency; another agency is refused; the SOC sees both', async () => {
    const k = f.keys;
    const put = (key: string, body: unknown) => f.call('PUT', '/api/v1/assets', { key, body });
    expect((await put(k.agency_admin_a!, { host: 'cong-dvc', criticality: 5, securityLevel: 4 })).status).toBe(200);
    const other = await put(k.agency_admin_a!, { agencyId: AGENCY_B, host: 'x', criticality: 1 });
    expect([403, 404]).toContain(other.status);
    expect((await put(k.admin!, { agencyId: AGENCY_B, host: 'portal-b', criticality: 3 })).status).toBe(200);
    const mine = (await f.call('GET', '/api/v1/assets', { key: k.viewer_a! })).body as {
      items: { host: string; agencyId: string }[];
    };
    // The fixture seeds one asset per agency (f.a.asset, f.b.asset) besides the ones written here.
    expect(mine.items.map((a) => [a.agencyId, a.host]).sort()).toEqual(
      [
        [AGENCY_A, f.a.asset],
        [AGENCY_A, 'cong-dvc'],
      ].sort(),
    );
    const all = (await f.call('GET', '/api/v1/assets', { key: k.analyst! })).body as { items: { host: string }[] };
    expect(all.items.map((a) => a.host).sort()).toEqual([f.a.asset, f.b.asset, 'cong-dvc', 'portal-b'].sort());
  });

  it('a bad asset answers 400 naming the fields', async () => {
    const r = await f.call('PUT', '/api/v1/assets', {
      key: f.keys.agency_admin_a!,
      body: { host: 'db01', criticality: 9, addresses: ['nope'] },
    });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('criticality: must be an integer 1-5');
    expect(JSON.stringify(r.body)).toContain('addresses: not an IP address: nope');
  });

  it('CSV import reports problems per line; a viewer may not import', async () => {
    const csv = 'Tên máy,Mức quan trọng,Cấp độ\nmail01,4,2\nweb02,0,1\n';
    const r = await f.call('POST', '/api/v1/assets/import', { key: f.keys.agency_admin_a!, body: { csv } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      written: 1,
      problems: [{ line: 3, field: 'criticality', reason: 'must be an integer 1-5, got 0' }],
    });
    const v = await f.call('POST', '/api/v1/assets/import', { key: f.keys.viewer_a!, body: { csv } });
    expect(v.status).toBe(403);
  });
});
