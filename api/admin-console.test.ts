/**
 * The administration the console does (issue 13 points 5 and 7): agency admins manage only their own agency's
 * users, keys, channels, routes and suppressions; "send a test" answers with the real outcome from a real SMTP
 * server and a loopback webhook; secrets never come back; every change is audited; errors carry their params.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { channelSenders } from '../notify/index.js';
import { Notifier } from '../notify/notifier.js';
import { SCOPE_ALL } from '../store/types.js';
import { AGENCY_A, AGENCY_B, B_MARK, type Fixture, startFixture } from '../tests/kit/api.js';
import { startSmtp, type TestSmtp } from '../tests/smtp.js';

let f: Fixture;
let smtp: TestSmtp;
let hook: Server;
let hookUrl = '';
let hookStatus = 200;
const hookBodies: string[] = [];
const TOKEN = '123456:bot-token-secret-abcdef';

beforeAll(async () => {
  smtp = await startSmtp();
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      hookBodies.push(body);
      res.statusCode = hookStatus;
      res.end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/secret-path-xyz`;
  f = await startFixture();
  // On the fixture's own store: a notifier with a real SMTP server, loopback destinations allowed.
  f.svc.notifier = new Notifier(
    f.stores.state,
    channelSenders({ host: '127.0.0.1', port: smtp.port, from: 'soc@canhgac.test' }, { allowPrivate: ['127.0.0.0/8'] }),
  );
}, 30_000);

afterAll(async () => {
  await f?.close();
  await smtp?.close();
  await new Promise<void>((r) => hook.close(() => r()));
});

const admin = () => f.keys.admin!;
const aa = () => f.keys.agency_admin_a!;

describe('users and keys, scoped for agency admins', () => {
  it('an agency admin lists only its own agency and creates only agency roles in it', async () => {
    const list = await f.call('GET', '/api/v1/users?limit=1000', { key: aa() });
    expect(list.status).toBe(200);
    const users = (list.body as { items: { id: string; agencyId?: string }[] }).items;
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((u) => u.agencyId === AGENCY_A)).toBe(true);
    expect(list.text).not.toContain(B_MARK);
    expect(list.text).not.toContain('passwordHash');

    const made = await f.call('POST', '/api/v1/users', {
      key: aa(),
      body: { username: 'nv.a', password: 'mat-khau-dai-du-12', role: 'viewer' },
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ id: 'nv.a', role: 'viewer', agencyId: AGENCY_A });

    for (const body of [
      { username: 'x1', password: 'mat-khau-dai-du-12', role: 'admin' },
      { username: 'x2', password: 'mat-khau-dai-du-12', role: 'viewer', agencyId: AGENCY_B },
    ]) {
      const r = await f.call('POST', '/api/v1/users', { key: aa(), body });
      expect(r.status).toBe(403);
    }
    const promote = await f.call('PATCH', '/api/v1/users/nv.a', { key: aa(), body: { role: 'analyst' } });
    expect(promote.status).toBe(403);
  });

  it("another agency's user looks absent to an agency admin (get, lock, reset, unlock, delete)", async () => {
    const other = f.b.user;
    expect((await f.call('GET', `/api/v1/users/${other}`, { key: aa() })).status).toBe(404);
    expect((await f.call('PATCH', `/api/v1/users/${other}`, { key: aa(), body: { disabled: true } })).status).toBe(404);
    expect(
      (await f.call('POST', `/api/v1/users/${other}/password`, { key: aa(), body: { password: 'mot-mat-khau-moi-1' } }))
        .status,
    ).toBe(403);
    expect((await f.call('POST', `/api/v1/users/${other}/unlock`, { key: aa() })).status).toBe(404);
    expect((await f.call('DELETE', `/api/v1/users/${other}`, { key: aa() })).status).toBe(404);
    const still = await f.svc.auth.users.get(SCOPE_ALL, other);
    expect(still?.disabled).toBe(false);
  });

  it('an agency admin locks, unlocks and resets its own users; each is audited with who and when', async () => {
    const lock = await f.call('PATCH', '/api/v1/users/nv.a', { key: aa(), body: { disabled: true } });
    expect(lock.status).toBe(200);
    expect((await f.call('PATCH', '/api/v1/users/nv.a', { key: aa(), body: { disabled: false } })).status).toBe(200);
    const reset = await f.call('POST', '/api/v1/users/nv.a/password', {
      key: aa(),
      body: { password: 'mat-khau-moi-rat-dai-3' },
    });
    expect(reset.status).toBe(204);
    await f.svc.auth.checkPassword('nv.a', 'mat-khau-moi-rat-dai-3');
    const audit = await f.call('GET', '/api/v1/audit?targetId=nv.a&limit=50', { key: aa() });
    const actions = (audit.body as { items: { action: string; actor: string; at: number }[] }).items;
    expect(actions.map((a) => a.action).sort()).toEqual(
      ['user.create', 'user.password', 'user.update', 'user.update'].sort(),
    );
    expect(actions.every((a) => a.actor.startsWith('key:') && a.at > 0)).toBe(true);
    expect(audit.text).not.toContain('mat-khau-moi');
  });

  it('API keys: shown once, stored hashed, scoped', async () => {
    const r = await f.call('POST', '/api/v1/api-keys', { key: aa(), body: { name: 'script', role: 'viewer' } });
    expect(r.status).toBe(201);
    const { key, apiKey } = r.body as { key: string; apiKey: { id: string; agencyId: string } };
    expect(apiKey.agencyId).toBe(AGENCY_A);
    const stored = await f.svc.auth.keys.get(SCOPE_ALL, apiKey.id);
    expect(JSON.stringify(stored)).not.toContain(key);
    const list = await f.call('GET', '/api/v1/api-keys?limit=1000', { key: aa() });
    expect(list.text).not.toContain(key);
    expect(list.text).not.toContain('"hash"');
    expect((list.body as { items: { agencyId?: string }[] }).items.every((k) => k.agencyId === AGENCY_A)).toBe(true);
  });

  it('nobody locks or deletes their own account', async () => {
    await f.svc.auth.createUser('seed', { username: 'boss', password: 'mat-khau-boss-123', role: 'admin' });
    const login = await fetch(`${f.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'boss', password: 'mat-khau-boss-123' }),
    });
    const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0]!);
    const csrf = cookies.find((c) => c.startsWith('canhgac_csrf='))!.split('=')[1]!;
    const r = await f.call('PATCH', '/api/v1/users/boss', {
      body: { disabled: true },
      headers: { cookie: cookies.join('; '), 'x-csrf-token': csrf },
    });
    expect(r.status).toBe(403);
  });
});

describe('channels: send a test, failures, secrets', () => {
  let mail = '';
  let webhook = '';
  let telegram = '';

  it('creates channels whose secrets never come back', async () => {
    const m = await f.call('POST', '/api/v1/channels', {
      key: aa(),
      body: { type: 'email', name: 'Thư SOC', settings: { to: ['soc-a@example.org'] } },
    });
    mail = (m.body as { id: string }).id;
    const w = await f.call('POST', '/api/v1/channels', {
      key: aa(),
      body: { type: 'webhook', name: 'Hook', settings: { url: hookUrl, secret: 'hmac-secret-1' } },
    });
    webhook = (w.body as { id: string }).id;
    const t = await f.call('POST', '/api/v1/channels', {
      key: admin(),
      body: {
        type: 'telegram',
        name: 'Bot',
        agencyId: AGENCY_A,
        settings: { token: TOKEN, chatId: '-100', apiBase: 'http://127.0.0.1:9' },
      },
    });
    telegram = (t.body as { id: string }).id;
    for (const r of [w, t, await f.call('GET', '/api/v1/channels?limit=100', { key: aa() })]) {
      expect(r.text).not.toContain('secret-path-xyz');
      expect(r.text).not.toContain('hmac-secret-1');
      expect(r.text).not.toContain(TOKEN);
    }
    const audit = await f.call('GET', '/api/v1/audit?collection=channels&limit=100', { key: admin() });
    expect(audit.text).not.toContain(TOKEN);
    expect(audit.text).not.toContain('hmac-secret-1');
  });

  it('a test through a real SMTP server and a loopback webhook says sent', async () => {
    const r1 = await f.call('POST', `/api/v1/channels/${mail}/test?language=vi`, { key: aa() });
    expect(r1.body).toMatchObject({ ok: true });
    expect(smtp.mails.join('\n')).toContain('soc-a@example.org');
    const r2 = await f.call('POST', `/api/v1/channels/${webhook}/test`, { key: aa() });
    expect(r2.body).toMatchObject({ ok: true });
    expect(hookBodies.length).toBe(1);
  });

  it('a failing channel answers the real error (no secret in it) and shows as failing', async () => {
    hookStatus = 500;
    const r = await f.call('POST', `/api/v1/channels/${webhook}/test`, { key: aa() });
    expect(r.body).toMatchObject({ ok: false, code: 'CANHGAC_ERR_NOTIFY_DELIVERY' });
    expect((r.body as { error: string }).error).toContain('HTTP 500');
    const t = await f.call('POST', `/api/v1/channels/${telegram}/test`, { key: aa() });
    expect((t.body as { ok: boolean }).ok).toBe(false);
    expect(t.text).not.toContain(TOKEN);
    const status = await f.call('GET', '/api/v1/notify/status', { key: f.keys.viewer_a });
    const s = status.body as { configured: boolean; failing: { channelId: string; error?: string }[] };
    expect(s.configured).toBe(true);
    expect(s.failing.map((x) => x.channelId).sort()).toEqual([webhook, telegram].sort());
    expect(status.text).not.toContain(TOKEN);
    const list = await f.call('GET', '/api/v1/channels?limit=100', { key: aa() });
    const hookRow = (list.body as { items: { id: string; status?: { lastOk: boolean } }[] }).items.find(
      (c) => c.id === webhook,
    );
    expect(hookRow?.status?.lastOk).toBe(false);
    hookStatus = 200;
    await f.call('POST', `/api/v1/channels/${webhook}/test`, { key: aa() });
    const after = await f.call('GET', '/api/v1/notify/status', { key: aa() });
    expect((after.body as { failing: { channelId: string }[] }).failing.map((x) => x.channelId)).toEqual([telegram]);
    const audit = await f.call('GET', `/api/v1/audit?targetId=${webhook}&limit=50`, { key: aa() });
    expect(audit.text).toContain('channel.test');
  });

  it('an agency admin cannot test or see another agency\'s channel; a fresh store is "not configured"', async () => {
    expect((await f.call('POST', `/api/v1/channels/${f.b.channel}/test`, { key: aa() })).status).toBe(404);
    const bare = await startFixture();
    try {
      await bare.stores.state.collection('routes').delete(SCOPE_ALL, bare.a.route);
      await bare.stores.state.collection('routes').delete(SCOPE_ALL, bare.b.route);
      const s = await bare.call('GET', '/api/v1/notify/status', { key: bare.keys.viewer_all });
      expect(s.body).toMatchObject({ configured: false, routes: 0 });
    } finally {
      await bare.close();
    }
  });
});

describe('suppressions', () => {
  const soon = () => new Date(Date.now() + 86_400_000).toISOString();

  it('an agency admin creates its own with reason and expiry, never another agency', async () => {
    const r = await f.call('POST', '/api/v1/suppressions', {
      key: aa(),
      body: { host: 'scanner01', reason: 'Máy quét lỗ hổng', expiresAt: soon() },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ agencyId: AGENCY_A, host: 'scanner01', reason: 'Máy quét lỗ hổng' });
    const bad = await f.call('POST', '/api/v1/suppressions', {
      key: aa(),
      body: { agencyId: AGENCY_B, reason: 'không được', expiresAt: soon() },
    });
    expect(bad.status).toBe(403);
    const past = await f.call('POST', '/api/v1/suppressions', {
      key: aa(),
      body: { reason: 'hết hạn rồi', expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
    expect((past.body as { error: { params: { reason: string } } }).error.params.reason).toBe(
      'body/expiresAt is in the past',
    );
  });

  it("lists and removes within the scope; another agency's is absent; both audited", async () => {
    const b = await f.call('POST', '/api/v1/suppressions', {
      key: admin(),
      body: { agencyId: AGENCY_B, reason: `bảo trì ${B_MARK}`, expiresAt: soon() },
    });
    const bId = (b.body as { id: string }).id;
    const mine = await f.call('GET', '/api/v1/suppressions', { key: aa() });
    expect(mine.text).not.toContain(B_MARK);
    const id = (mine.body as { items: { id: string }[] }).items[0]!.id;
    expect((await f.call('DELETE', `/api/v1/suppressions/${bId}`, { key: aa() })).status).toBe(404);
    expect((await f.call('DELETE', `/api/v1/suppressions/${id}`, { key: aa() })).status).toBe(204);
    const audit = await f.call('GET', `/api/v1/audit?targetId=${id}`, { key: aa() });
    expect((audit.body as { items: { action: string }[] }).items.map((a) => a.action).sort()).toEqual([
      'suppression.create',
      'suppression.delete',
    ]);
  });
});
