/**
 * The audit listing names its targets (issue 13, "recent changes" of the administration pages): a channel, a
 * route, a user with its role, an API key (also as the actor), a suppression, each by its name instead of its
 * document id, resolved in the caller's scope; a deleted one keeps the name the entries recorded and is marked
 * gone; an agency admin's listing names only its own agency's targets.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AGENCY_A, AGENCY_B, B_MARK, type Fixture, startFixture } from '../tests/kit/api.js';

let f: Fixture;
type Entry = {
  action: string;
  collection: string;
  targetId: string;
  actor: string;
  actorName?: string;
  target?: { name?: string; gone?: boolean; role?: string; minSeverity?: string; channels?: string[] };
};

beforeAll(async () => {
  f = await startFixture();
}, 30_000);
afterAll(async () => {
  await f?.close();
});

const audit = async (key: string, collection: string): Promise<Entry[]> => {
  const r = await f.call('GET', `/api/v1/audit?collection=${collection}&limit=100`, { key });
  expect(r.status).toBe(200);
  return (r.body as { items: Entry[] }).items;
};
const post = async (key: string, path: string, body: unknown) => {
  const r = await f.call('POST', path, { key, body });
  expect([path, r.status]).toEqual([path, 201]);
  return r.body as { id: string; key?: string; apiKey?: { id: string } };
};

describe('audit entries name their targets', () => {
  it('channels and routes by name, a deleted channel by its recorded name, marked gone', async () => {
    const admin = f.keys.admin!;
    const ch = await post(admin, '/api/v1/channels', {
      type: 'email',
      name: 'Thư trực ban Sở Y tế',
      settings: { to: ['truc@soyte.gov.vn'] },
    });
    const old = await post(admin, '/api/v1/channels', {
      type: 'email',
      name: 'Kênh cũ sẽ xóa',
      settings: { to: ['cu@soyte.gov.vn'] },
    });
    const route = await post(admin, '/api/v1/routes', { minSeverity: 'high', channelIds: [ch.id] });
    expect((await f.call('DELETE', `/api/v1/channels/${old.id}`, { key: admin })).status).toBe(204);

    const channels = await audit(admin, 'channels');
    const made = channels.find((e) => e.targetId === ch.id && e.action === 'channel.create')!;
    expect(made.target).toEqual({ name: 'Thư trực ban Sở Y tế' });
    for (const e of channels.filter((x) => x.targetId === old.id))
      expect(e.target).toEqual({ name: 'Kênh cũ sẽ xóa', gone: true });
    const routes = await audit(admin, 'routes');
    expect(routes.find((e) => e.targetId === route.id)!.target).toEqual({
      minSeverity: 'high',
      channels: ['Thư trực ban Sở Y tế'],
    });
  });

  it('users with their role, API keys by name (as target and as actor), revoked keys gone', async () => {
    const admin = f.keys.admin!;
    await post(admin, '/api/v1/users', {
      username: 'ngoc.anh',
      password: 'mat-khau-rat-dai-99',
      role: 'analyst',
    });
    const created = await post(admin, '/api/v1/api-keys', { name: 'Máy chủ báo cáo', role: 'analyst' });
    const made = { id: created.apiKey!.id, key: created.key };
    // The new key acts: its entries name it (after its revocation too).
    await post(made.key!, '/api/v1/suppressions', {
      agencyId: AGENCY_A,
      host: 'web-a',
      reason: 'Bảo trì định kỳ máy chủ web',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const users = await audit(admin, 'users');
    expect(users.find((e) => e.targetId === 'ngoc.anh')!.target).toEqual({ name: 'ngoc.anh', role: 'analyst' });
    expect((await f.call('DELETE', `/api/v1/api-keys/${made.id}`, { key: admin })).status).toBe(204);
    const keys = await audit(admin, 'api_keys');
    const revoked = keys.filter((e) => e.targetId === made.id);
    expect(revoked.map((e) => e.action).sort()).toEqual(['api_key.create', 'api_key.revoke']);
    for (const e of revoked) expect(e.target).toEqual({ name: 'Máy chủ báo cáo', role: 'analyst', gone: true });
    const sup = (await audit(admin, 'suppressions')).find((e) => e.actor === `key:${made.id}`)!;
    expect(sup.actorName).toBe('Máy chủ báo cáo');
    expect(sup.target).toEqual({ name: 'web-a — Bảo trì định kỳ máy chủ web' });
  });

  it("an agency admin's listing names its own agency's targets only", async () => {
    const admin = f.keys.admin!;
    await post(admin, '/api/v1/channels', {
      type: 'email',
      name: `Kênh của B ${B_MARK}`,
      agencyId: AGENCY_B,
      settings: { to: ['b@b.gov.vn'] },
    });
    const own = await post(f.keys.agency_admin_a!, '/api/v1/channels', {
      type: 'email',
      name: 'Kênh của đơn vị A',
      settings: { to: ['a@a.gov.vn'] },
    });
    const r = await f.call('GET', '/api/v1/audit?collection=channels&limit=100', { key: f.keys.agency_admin_a! });
    expect(r.text).not.toContain(B_MARK);
    expect(r.text).not.toContain(AGENCY_B);
    const items = (r.body as { items: Entry[] }).items;
    expect(items.find((e) => e.targetId === own.id)!.target).toEqual({ name: 'Kênh của đơn vị A' });
    expect(items.every((e) => e.target?.name !== undefined)).toBe(true);
  });
});
