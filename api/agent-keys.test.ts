/**
 * Agent (intake) keys of an agency: its admin can revoke them, only its own agency's (another agency's key, a
 * non-intake key or a key of no agency answers 404 as if absent), a revoked key authenticates no more, and
 * `lastUsedAt` is written when a key is used, at most once a minute per key (not one write per request).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCOPE_ALL } from '../store/types.js';
import { AGENCY_A, AGENCY_B, type Fixture, startFixture } from '../tests/kit/api.js';
import { KEY_USE_RESOLUTION_MS } from './auth/key-use.js';
import { AuthService } from './auth/service.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

const make = async (agency: string, key: string, name: string) => {
  const r = await f.call('POST', `/api/v1/agencies/${agency}/keys`, { key, body: { name } });
  expect(r.status).toBe(201);
  return r.body as { key: string; apiKey: { id: string } };
};

describe('agent keys', () => {
  it('an agency admin revokes its own agency’s intake keys, and only those', async () => {
    const own = await make(AGENCY_A, f.keys.agency_admin_a!, 'winlogbeat dc01');
    const other = await make(AGENCY_B, f.keys.admin!, 'nxlog mail01');
    expect(await f.svc.auth.authenticateKey(own.key)).toMatchObject({ role: 'intake', agencyId: AGENCY_A });

    // Another agency's key, through either path: as if it did not exist.
    for (const path of [
      `/api/v1/agencies/${AGENCY_B}/keys/${other.apiKey.id}`,
      `/api/v1/agencies/${AGENCY_A}/keys/${other.apiKey.id}`,
    ])
      expect((await f.call('DELETE', path, { key: f.keys.agency_admin_a })).status).toBe(404);
    // Its own admin key is not an agent key.
    const adminKeyId = (await f.call('GET', '/api/v1/auth/me', { key: f.keys.agency_admin_a })).body as { id: string };
    expect(
      (await f.call('DELETE', `/api/v1/agencies/${AGENCY_A}/keys/${adminKeyId.id}`, { key: f.keys.agency_admin_a }))
        .status,
    ).toBe(404);
    // A viewer of the agency may not.
    expect(
      (await f.call('DELETE', `/api/v1/agencies/${AGENCY_A}/keys/${own.apiKey.id}`, { key: f.keys.viewer_a })).status,
    ).toBe(403);

    const revoked = await f.call('DELETE', `/api/v1/agencies/${AGENCY_A}/keys/${own.apiKey.id}`, {
      key: f.keys.agency_admin_a,
    });
    expect(revoked.status).toBe(204);
    expect(await f.svc.auth.authenticateKey(own.key)).toBeUndefined();
    expect(await f.svc.auth.authenticateKey(other.key)).toMatchObject({ agencyId: AGENCY_B });
    const listed = (await f.call('GET', `/api/v1/agencies/${AGENCY_A}/keys`, { key: f.keys.agency_admin_a })).body as {
      items: { id: string }[];
    };
    expect(listed.items.map((k) => k.id)).not.toContain(own.apiKey.id);
    const audit = (await f.call('GET', `/api/v1/audit?targetId=${own.apiKey.id}`, { key: f.keys.admin })).body as {
      items: { action: string }[];
    };
    expect(audit.items.map((a) => a.action)).toContain('api_key.revoke');
  });

  it('writes lastUsedAt when a key is used, at most once a minute per key', async () => {
    let now = Date.parse('2026-12-07T03:00:00Z');
    const auth = new AuthService(f.stores.state, { now: () => now, settings: false });
    const made = await make(AGENCY_A, f.keys.agency_admin_a!, 'filebeat web02');
    const keys = f.stores.state.collection<{ id: string; lastUsedAt?: number }>('api_keys');
    const versionOf = async () => (await keys.get(SCOPE_ALL, made.apiKey.id))!;
    const before = (await versionOf()).version;
    for (let i = 0; i < 200; i++) await auth.authenticateKey(made.key);
    const waitFor = async (want: number) => {
      for (let i = 0; i < 100 && (await versionOf()).lastUsedAt !== want; i++)
        await new Promise((r) => setTimeout(r, 10));
      return versionOf();
    };
    const first = await waitFor(now);
    expect(first.lastUsedAt).toBe(now);
    expect(first.version).toBe(before + 1); // 200 uses, one write
    now += KEY_USE_RESOLUTION_MS + 1;
    await auth.authenticateKey(made.key);
    const second = await waitFor(now);
    expect(second.lastUsedAt).toBe(now);
    expect(second.version).toBe(before + 2);
    // Shown to the agency admin.
    const listed = (await f.call('GET', `/api/v1/agencies/${AGENCY_A}/keys`, { key: f.keys.agency_admin_a })).body as {
      items: { id: string; lastUsedAt?: number }[];
    };
    expect(listed.items.find((k) => k.id === made.apiKey.id)?.lastUsedAt).toBe(now);
  });
});
