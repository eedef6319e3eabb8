import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL } from '../store/types.js';
import { AGENCY_A, type Fixture, startFixture, TEST_SCRYPT } from '../tests/kit/api.js';
import { AuthService } from './auth/service.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

const codeOf = (r: { body: unknown }) => (r.body as { error?: { code: string } }).error?.code;

describe('browser session', () => {
  it('logs in with httpOnly SameSite=Strict cookies and requires the CSRF header on changes', async () => {
    const login = await f.call('POST', '/api/v1/auth/login', {
      body: { username: 'admin-ta', password: 'password-of-ta' },
    });
    expect(login.status).toBe(200);
    const cookies = login.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('canhgac_session='))!;
    const csrf = cookies.find((c) => c.startsWith('canhgac_csrf='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(csrf).not.toMatch(/HttpOnly/);
    const token = csrf.split(';')[0]!.split('=')[1]!;
    expect((login.body as { csrfToken: string }).csrfToken).toBe(token);
    const cookie = cookies.map((c) => c.split(';')[0]).join('; ');

    const me = await f.call('GET', '/api/v1/auth/me', { headers: { cookie } });
    expect(me.body).toMatchObject({ id: 'admin-ta', role: 'agency_admin', agencyId: AGENCY_A, kind: 'user' });

    const path = `/api/v1/incidents/${f.a.incident}`;
    const noHeader = await f.call('PATCH', path, { headers: { cookie }, body: { assignee: 'minh' } });
    expect(noHeader.status).toBe(403);
    expect(codeOf(noHeader)).toBe('CANHGAC_ERR_API_CSRF');
    const wrong = await f.call('PATCH', path, {
      headers: { cookie, 'x-csrf-token': `${token.slice(1)}x` },
      body: { assignee: 'minh' },
    });
    expect(codeOf(wrong)).toBe('CANHGAC_ERR_API_CSRF');
    const ok = await f.call('PATCH', path, { headers: { cookie, 'x-csrf-token': token }, body: { assignee: 'minh' } });
    expect(ok.status).toBe(200);
    expect((ok.body as { assignee: string }).assignee).toBe('minh');

    const out = await f.call('POST', '/api/v1/auth/logout', { headers: { cookie, 'x-csrf-token': token } });
    expect(out.status).toBe(204);
    expect((await f.call('GET', '/api/v1/auth/me', { headers: { cookie } })).status).toBe(401);
  });
});

describe('API keys and roles', () => {
  it('refuses unknown, malformed and intake keys', async () => {
    expect(
      (await f.call('GET', '/api/v1/incidents', { key: 'cgk_0000000000000000_notakeyatallnotakeyatall' })).status,
    ).toBe(401);
    expect((await f.call('GET', '/api/v1/incidents', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    const intake = await f.call('GET', '/api/v1/incidents', { key: f.keys.intake_a });
    expect(intake.status).toBe(403);
    expect(codeOf(intake)).toBe('CANHGAC_ERR_API_FORBIDDEN');
  });

  it('shows a new key once and never a hash or a password hash', async () => {
    const made = await f.call('POST', '/api/v1/api-keys', { key: f.keys.admin, body: { name: 'ci', role: 'analyst' } });
    expect(made.status).toBe(201);
    const key = (made.body as { key: string }).key;
    expect((await f.call('GET', '/api/v1/auth/me', { key })).status).toBe(200);
    const list = await f.call('GET', '/api/v1/api-keys?limit=1000', { key: f.keys.admin });
    expect(list.text).not.toContain(key);
    expect(list.text).not.toContain('"hash"');
    const users = await f.call('GET', '/api/v1/users', { key: f.keys.admin });
    expect(users.text).not.toContain('passwordHash');
  });

  it('lets users change their own password only with the current one', async () => {
    await f.svc.auth.createUser('test', { username: 'hoa.le', password: 'first passphrase', role: 'viewer' });
    const login = await f.call('POST', '/api/v1/auth/login', {
      body: { username: 'hoa.le', password: 'first passphrase' },
    });
    const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0]);
    const token = (login.body as { csrfToken: string }).csrfToken;
    const headers = { cookie: cookies.join('; '), 'x-csrf-token': token };
    const noCurrent = await f.call('POST', '/api/v1/users/hoa.le/password', {
      headers,
      body: { password: 'second passphrase' },
    });
    expect(noCurrent.status).toBe(400);
    const other = await f.call('POST', '/api/v1/users/admin-ta/password', {
      headers,
      body: { password: 'second passphrase', currentPassword: 'x' },
    });
    expect(other.status).toBe(403);
    const ok = await f.call('POST', '/api/v1/users/hoa.le/password', {
      headers,
      body: { password: 'second passphrase', currentPassword: 'first passphrase' },
    });
    expect(ok.status).toBe(204);
    // Changing the password ends the sessions made with the old one.
    expect((await f.call('GET', '/api/v1/auth/me', { headers })).status).toBe(401);
  });
});

describe('request validation', () => {
  const path = () => `/api/v1/incidents/${f.a.incident}`;
  it.each([
    ['an unknown property', '{"state":"acknowledged","owner":"x"}'],
    ['__proto__', '{"__proto__":{"admin":true},"state":"acknowledged"}'],
    ['a nested constructor', '{"state":"acknowledged","x":{"constructor":{"prototype":1}}}'],
    ['a wrong enum value', '{"state":"closed"}'],
    ['an empty object', '{}'],
  ])('refuses %s with 400 in the one error shape', async (_what, body) => {
    const r = await f.call('PATCH', path(), { key: f.keys.analyst, body });
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('CANHGAC_ERR_API_VALIDATION');
    expect(Object.keys(r.body as object)).toEqual(['error']);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('refuses bad JSON, wrong media types, large bodies, unknown and repeated query parameters', async () => {
    expect(codeOf(await f.call('PATCH', path(), { key: f.keys.analyst, body: '{"state":' }))).toBe(
      'CANHGAC_ERR_API_BAD_JSON',
    );
    const text = await f.call('PATCH', path(), {
      key: f.keys.analyst,
      body: 'state=new',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    const big = await f.call('POST', `/api/v1/incidents/${f.a.incident}/comments`, {
      key: f.keys.analyst,
      body: { text: 'x'.repeat(3 * 1024 * 1024) },
    });
    expect(big.status).toBe(413);
    expect(codeOf(big)).toBe('CANHGAC_ERR_API_TOO_LARGE');
    expect((await f.call('GET', '/api/v1/incidents?owner=x', { key: f.keys.analyst })).status).toBe(400);
    expect((await f.call('GET', '/api/v1/incidents?__proto__=x', { key: f.keys.analyst })).status).toBe(400);
    expect((await f.call('GET', '/api/v1/incidents?state=new&state=resolved', { key: f.keys.analyst })).status).toBe(
      400,
    );
    expect((await f.call('GET', '/api/v1/incidents?limit=5000', { key: f.keys.analyst })).status).toBe(400);
    const q = await f.call('GET', '/api/v1/events?q=host.name:(', { key: f.keys.analyst });
    expect(q.status).toBe(400);
    expect(codeOf(q)).toMatch(/^CANHGAC_ERR_QUERY_/);
  });

  it('does not read bodies of callers it has not authenticated', async () => {
    const r = await f.call('PATCH', `/api/v1/incidents/${f.a.incident}`, { body: '{"state":' });
    expect(r.status).toBe(401);
    const v = await f.call('POST', '/api/v1/users', { key: f.keys.viewer_a, body: '{"username":' });
    expect(v.status).toBe(403);
  });

  it('reports rule problems at file:line:col', async () => {
    const r = await f.call('POST', '/api/v1/rules', {
      key: f.keys.analyst,
      body: {
        text: 'title: broken\nlogsource: {product: linux}\ndetection:\n  sel: {a: b}\n  condition: sel and nothere\n',
      },
    });
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('CANHGAC_ERR_API_RULE_INVALID');
    const problems = (r.body as { error: { details: { problems: { at: string }[] } } }).error.details.problems;
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.at).toMatch(/^upload\.yml:\d+:\d+$/);
  });
});

describe('hardening', () => {
  it('sends helmet headers and a strict CSP without inline script', async () => {
    const r = await f.call('GET', '/healthz');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-powered-by')).toBeNull();
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('rate-limits a client with 429 and Retry-After', async () => {
    const g = await startFixture({ rateLimit: { capacity: 3, perSecond: 0.01 } });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<Fixture['call']>> | undefined;
      for (let i = 0; i < 5; i++) {
        last = await g.call('GET', '/api/v1/openapi.json');
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect((await g.call('GET', '/healthz')).status).toBe(200);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(codeOf(last!)).toBe('CANHGAC_ERR_API_RATE_LIMIT');
    } finally {
      await g.close();
    }
  });

  it('keeps a channel secret when a form sends back the hidden placeholder', async () => {
    const made = await f.call('POST', '/api/v1/channels', {
      key: f.keys.admin,
      body: { type: 'telegram', name: 'tg2', settings: { token: 'tok-keep-me', chatId: '1' } },
    });
    const id = (made.body as { id: string; settings: { token: string } }).id;
    expect((made.body as { settings: { token: string } }).settings.token).toBe('[hidden]');
    const upd = await f.call('PATCH', `/api/v1/channels/${id}`, {
      key: f.keys.admin,
      body: { settings: { token: '[hidden]', chatId: '2' } },
    });
    expect(upd.status).toBe(200);
    const stored = await f.stores.state.collection<{ settings: Record<string, string> }>('channels').get(SCOPE_ALL, id);
    expect(stored?.settings).toEqual({ token: 'tok-keep-me', chatId: '2' });
  });

  it('audits changes to users, channels and settings', async () => {
    await f.call('POST', '/api/v1/users', {
      key: f.keys.admin,
      body: { username: 'audit.me', password: 'a long passphrase 2', role: 'viewer' },
    });
    await f.call('POST', '/api/v1/channels', {
      key: f.keys.agency_admin_a,
      body: { type: 'telegram', name: 'tg', settings: { token: 'tok-secret-123', chatId: '42' } },
    });
    await f.call('PUT', '/api/v1/settings', { key: f.keys.admin, body: { values: { defaultLanguage: 'en' } } });
    const audit = await f.call('GET', '/api/v1/audit?limit=100', { key: f.keys.admin });
    const actions = (audit.body as { items: { action: string }[] }).items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.create', 'channel.create', 'settings.update']));
    expect(audit.text).not.toContain('tok-secret-123');
    expect(audit.text).not.toContain('a long passphrase 2');
  });
});

describe('first start', () => {
  it('creates the admin user and key only when no admin exists', async () => {
    const stores = openSqliteStores({ path: ':memory:' });
    try {
      const auth = new AuthService(stores.state, { scrypt: TEST_SCRYPT });
      const env = { CANHGAC_ADMIN_PASSWORD: 'bootstrap passphrase', CANHGAC_BOOTSTRAP_API_KEY: 'k'.repeat(40) };
      expect(await auth.bootstrap(env)).toEqual(['user admin', 'admin API key']);
      expect(await auth.bootstrap(env)).toEqual([]);
      expect((await auth.authenticateKey('k'.repeat(40)))?.role).toBe('admin');
      expect((await auth.login('admin', 'bootstrap passphrase')).principal.role).toBe('admin');
      const keys = await stores.state.collection('api_keys').list(SCOPE_ALL);
      expect(JSON.stringify(keys)).not.toContain('k'.repeat(40));
    } finally {
      await stores.close();
    }
  });
});

describe('incidents', () => {
  it('lists in the caller scope and filters by several states', async () => {
    const all = await f.call('GET', '/api/v1/incidents?state=new,acknowledged,in_progress', { key: f.keys.analyst });
    expect((all.body as { items: unknown[] }).items.length).toBe(2);
    const mine = await f.call('GET', '/api/v1/incidents', { key: f.keys.agency_admin_a });
    expect((mine.body as { items: { agencyId: string }[] }).items.map((i) => i.agencyId)).toEqual([AGENCY_A]);
    const closed = await f.call('GET', '/api/v1/incidents?state=resolved,false_positive', { key: f.keys.analyst });
    expect((closed.body as { items: unknown[] }).items).toEqual([]);
    expect((await f.call('GET', '/api/v1/incidents?state=new,closed', { key: f.keys.analyst })).status).toBe(400);
  });

  it('refuses a stale version with 409 and an impossible transition with 409', async () => {
    const path = `/api/v1/incidents/${f.b.incident}`;
    const cur = (await f.call('GET', path, { key: f.keys.analyst })).body as { version: number };
    const stale = await f.call('PATCH', path, {
      key: f.keys.analyst,
      body: { assignee: 'a', version: cur.version + 5 },
    });
    expect(stale.status).toBe(409);
    expect(codeOf(stale)).toBe('CANHGAC_ERR_STORE_CONFLICT');
    await f.call('PATCH', path, { key: f.keys.analyst, body: { state: 'resolved' } });
    const bad = await f.call('PATCH', path, { key: f.keys.analyst, body: { state: 'in_progress' } });
    expect(codeOf(bad)).toBe('CANHGAC_ERR_INCIDENT_TRANSITION');
  });

  it('applies bulk changes per id and reports each', async () => {
    const r = await f.call('POST', '/api/v1/incidents/bulk', {
      key: f.keys.agency_admin_a,
      body: { ids: [f.a.incident, f.b.incident], assignee: 'tuan' },
    });
    expect(r.status).toBe(200);
    const results = (r.body as { results: { id: string; ok: boolean }[] }).results;
    expect(results.map((x) => x.ok)).toEqual([true, false]);
  });
});

describe('rules', () => {
  it('tests a stored rule on pasted events and hunts it over stored history', async () => {
    const t = await f.call('POST', `/api/v1/rules/${f.a.rule}/test`, {
      key: f.keys.analyst,
      body: { events: [{ message: 'seen amark-91c2 here' }, { message: 'nothing' }] },
    });
    expect((t.body as { results: { matched: boolean }[] }).results.map((x) => x.matched)).toEqual([true, false]);
    const h = await f.call('POST', `/api/v1/rules/${f.a.rule}/hunt`, {
      key: f.keys.analyst,
      body: { from: '2026-10-01T00:00:00Z', to: '2026-12-01T00:00:00Z' },
    });
    expect(h.status).toBe(200);
    expect((h.body as { items: { 'event.id': string }[] }).items.map((e) => e['event.id'])).toEqual([f.a.event]);
  });

  it('disables a rule and lists by enabled', async () => {
    await f.call('PATCH', `/api/v1/rules/${f.b.rule}`, { key: f.keys.analyst, body: { enabled: false } });
    const on = await f.call('GET', '/api/v1/rules?enabled=true', { key: f.keys.analyst });
    const ids = (on.body as { items: { id: string; text?: string }[] }).items.map((r) => r.id);
    expect(ids).not.toContain(f.b.rule);
    expect((on.body as { items: { text?: string }[] }).items.every((r) => r.text === undefined)).toBe(true);
  });
});
