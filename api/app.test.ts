import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AGENCY_A, type Fixture, startFixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

describe('API basics', () => {
  it('lists incidents for an analyst', async () => {
    const r = await f.call('GET', '/api/v1/incidents?limit=10', { key: f.keys.analyst });
    expect(r.status).toBe(200);
    expect((r.body as { items: unknown[] }).items.length).toBe(2);
  });
  it('scopes an agency admin to its agency', async () => {
    const r = await f.call('GET', '/api/v1/incidents', { key: f.keys.agency_admin_a });
    expect(r.status).toBe(200);
    const items = (r.body as { items: { agencyId: string }[] }).items;
    expect(items.map((i) => i.agencyId)).toEqual([AGENCY_A]);
  });
});
