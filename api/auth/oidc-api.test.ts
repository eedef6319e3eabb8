/**
 * OIDC sign-in end to end through the real Express app (fixture over loopback HTTP) and the tiny provider
 * (tests/kit/oidc.ts): the login page's providers list, the 302 to the provider with a Lax state cookie, the
 * provider's redirect back, the callback's Strict session cookies and refresh page, and then ordinary API calls
 * with that session (CSRF included). Also the refusals a browser can meet, and the configuration path
 * (auth.oidc in the config given to startApi).
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { loadConfig } from '../../core/config/load.js';
import { REDACT_PATHS } from '../../core/log.js';
import { openSqliteStores } from '../../store/sqlite/index.js';
import { SCOPE_ALL } from '../../store/types.js';
import { AGENCY_A, type Fixture, startFixture, TEST_SCRYPT } from '../../tests/kit/api.js';
import { TINY_CLIENT, TinyProvider } from '../../tests/kit/oidc.js';
import { type ApiConfig, startApi } from '../server.js';
import { type OidcConfig, OidcSignIn } from './oidc.js';

let idp: TinyProvider;
let f: Fixture;
const SECRET = 'oidc-client-secret-never-shown';

function config(redirectUri: string): OidcConfig {
  return {
    issuer: idp.issuer,
    clientId: TINY_CLIENT,
    clientSecret: SECRET,
    redirectUri,
    roleClaim: 'groups',
    displayName: 'Cổng định danh tỉnh',
    roles: [
      { value: 'soc-analysts', role: 'analyst' },
      { value: 'h40-admins', role: 'agency_admin', agencyId: AGENCY_A },
    ],
  };
}

beforeAll(async () => {
  idp = new TinyProvider();
  await idp.start();
  f = await startFixture();
  // The redirect URI names the fixture's port, known only once it listens: the routes read svc.oidc per request.
  f.svc.oidc = new OidcSignIn(config(`${f.url}/api/v1/auth/oidc/callback`), f.stores.state, f.svc.auth);
});
afterAll(async () => {
  await f.close();
  await idp.close();
});

const get = (url: string, cookie?: string) =>
  fetch(url, { redirect: 'manual', ...(cookie ? { headers: { cookie } } : {}) });

/** name=value of each Set-Cookie, and its attributes. */
function cookies(res: Response): Map<string, { value: string; attrs: string }> {
  const out = new Map<string, { value: string; attrs: string }>();
  for (const c of res.headers.getSetCookie()) {
    const [pair, ...attrs] = c.split(';');
    const eq = pair!.indexOf('=');
    out.set(pair!.slice(0, eq), { value: pair!.slice(eq + 1), attrs: attrs.join(';').trim() });
  }
  return out;
}

/** The browser's way through the login route and the provider; returns the callback URL and the state cookie. */
async function toCallback(): Promise<{ callback: string; stateCookie: string }> {
  const start = await get(`${f.url}/api/v1/auth/oidc/login`);
  expect(start.status).toBe(302);
  const state = cookies(start).get('canhgac_oidc_state');
  expect(state).toBeDefined();
  expect(state!.attrs).toMatch(/Path=\/api\/v1\/auth\/oidc/);
  expect(state!.attrs).toMatch(/SameSite=Lax/);
  expect(state!.attrs).toMatch(/HttpOnly/);
  const location = start.headers.get('location')!;
  expect(location.startsWith(`${idp.issuer}/authorize?`)).toBe(true);
  const atIdp = await get(location);
  expect(atIdp.status).toBe(302);
  const callback = atIdp.headers.get('location')!;
  expect(callback.startsWith(`${f.url}/api/v1/auth/oidc/callback?`)).toBe(true);
  return { callback, stateCookie: `canhgac_oidc_state=${state!.value}` };
}

describe('OIDC sign-in through the API', () => {
  it('providers -> login -> provider -> callback gives a Strict session the API accepts', async () => {
    const p = await fetch(`${f.url}/api/v1/auth/providers`);
    expect(p.status).toBe(200);
    expect(await p.json()).toEqual({
      password: true,
      providers: [{ id: 'oidc', name: 'Cổng định danh tỉnh', loginUrl: '/api/v1/auth/oidc/login' }],
    });

    idp.account = { sub: 'u-10', preferred_username: 'hoa.le', groups: ['h40-admins'] };
    const { callback, stateCookie } = await toCallback();
    const done = await get(callback, stateCookie);
    expect(done.status).toBe(200);
    expect(done.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await done.text();
    expect(html).toContain('<meta http-equiv="refresh" content="0;url=/">');
    expect(html).not.toMatch(/<script/i);
    expect(done.headers.get('content-security-policy')).toContain("script-src 'self'");
    const set = cookies(done);
    expect(set.get('canhgac_oidc_state')?.attrs).toMatch(/Max-Age=0/);
    const session = set.get('canhgac_session')!;
    const csrf = set.get('canhgac_csrf')!;
    expect(session.attrs).toMatch(/SameSite=Strict/);
    expect(session.attrs).toMatch(/HttpOnly/);
    expect(csrf.attrs).toMatch(/SameSite=Strict/);
    expect(csrf.attrs).not.toMatch(/HttpOnly/);

    const jar = `canhgac_session=${session.value}; canhgac_csrf=${csrf.value}`;
    const me = await fetch(`${f.url}/api/v1/auth/me`, { headers: { cookie: jar } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ id: 'hoa.le', role: 'agency_admin', kind: 'user', agencyId: AGENCY_A });
    // The session is scoped like any agency_admin's: agency B's incident is not found.
    const other = await fetch(`${f.url}/api/v1/incidents/${f.b.incident}`, { headers: { cookie: jar } });
    expect(other.status).toBe(404);
    const audit = (await f.stores.state.collection<{ action: string; actor: string }>('audit').list(SCOPE_ALL)).docs;
    expect(audit.filter((a) => a.action === 'session.login' && a.actor === 'user:hoa.le')).toHaveLength(1);

    // A change needs the CSRF header like any browser session; then logout ends the session.
    const noCsrf = await fetch(`${f.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: jar } });
    expect(noCsrf.status).toBe(403);
    const out = await fetch(`${f.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { cookie: jar, 'x-csrf-token': csrf.value },
    });
    expect(out.status).toBe(204);
    expect((await fetch(`${f.url}/api/v1/auth/me`, { headers: { cookie: jar } })).status).toBe(401);
  });

  it('refuses a callback without the state cookie, a replayed one, and an account without a role', async () => {
    idp.account = { sub: 'u-11', preferred_username: 'minh.nguyen', groups: ['soc-analysts'] };
    const { callback, stateCookie } = await toCallback();
    const noCookie = await get(callback);
    expect(noCookie.status).toBe(400);
    expect(((await noCookie.json()) as { error: { code: string } }).error.code).toBe('CANHGAC_ERR_OIDC_STATE');
    expect(cookies(noCookie).has('canhgac_session')).toBe(false);
    // Another browser's state cookie does not fit either.
    const other = await toCallback();
    expect((await get(callback, other.stateCookie)).status).toBe(400);
    const ok = await get(callback, stateCookie);
    expect(ok.status).toBe(200);
    const replay = await get(callback, stateCookie);
    expect(replay.status).toBe(400);

    idp.account = { sub: 'u-12', preferred_username: 'lan.tran', groups: ['staff'] };
    const noRole = await toCallback();
    const refused = await get(noRole.callback, noRole.stateCookie);
    expect(refused.status).toBe(403);
    const body = await refused.text();
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'CANHGAC_ERR_OIDC_NO_ROLE' } });
    expect(body).not.toContain(SECRET);
    expect(cookies(refused).has('canhgac_session')).toBe(false);
    expect(await f.svc.auth.users.get(SCOPE_ALL, 'lan.tran')).toBeUndefined();
  });

  it('a browser is told why in a page (escaped, no script); extra parameters providers add are accepted', async () => {
    const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
    idp.account = { sub: 'u-11', preferred_username: 'minh.nguyen', groups: ['soc-analysts'] };
    const { callback, stateCookie } = await toCallback();
    // The provider reports an error, with text an attacker could have put in the URL.
    const u = new URL(callback);
    u.searchParams.delete('code');
    u.searchParams.set('error', '<script>alert(1)</script>');
    u.searchParams.set('error_description', 'x');
    u.searchParams.set('session_state', 'abc');
    u.searchParams.set('iss', idp.issuer);
    const r = await fetch(u, { redirect: 'manual', headers: { ...html, cookie: stateCookie } });
    expect(r.status).toBe(502);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await r.text();
    expect(page).toContain('Không dùng được cổng định danh lúc này.');
    expect(page).toContain('CANHGAC_ERR_OIDC_PROVIDER');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toMatch(/<script/i);
    expect(cookies(r).get('canhgac_oidc_state')?.attrs).toMatch(/Max-Age=0/);

    const stale = await fetch(callback, { redirect: 'manual', headers: html });
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain('hãy đăng nhập lại');

    // Keycloak's extra parameters on a successful return.
    const ok = await toCallback();
    const withExtras = new URL(ok.callback);
    withExtras.searchParams.set('session_state', 'abc');
    withExtras.searchParams.set('iss', idp.issuer);
    expect((await get(withExtras.toString(), ok.stateCookie)).status).toBe(200);
  });

  it('a provider that cannot be reached gives 502 in the error shape', async () => {
    const down = new OidcSignIn(
      { ...config(`${f.url}/api/v1/auth/oidc/callback`), issuer: 'http://127.0.0.1:9/realms/none' },
      f.stores.state,
      f.svc.auth,
    );
    const saved = f.svc.oidc;
    f.svc.oidc = down;
    try {
      const r = await get(`${f.url}/api/v1/auth/oidc/login`);
      expect(r.status).toBe(502);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('CANHGAC_ERR_OIDC_PROVIDER');
      expect(cookies(r).has('canhgac_oidc_state')).toBe(false);
    } finally {
      f.svc.oidc = saved;
    }
  });

  it('startApi wires auth.oidc from the configuration; without it the routes answer 404', async () => {
    const stores = openSqliteStores({ path: ':memory:' });
    // canhgac.yaml without the secret; the secret from the environment (CANHGAC_OIDC_CLIENT_SECRET).
    const { clientSecret: _s, ...inFile } = config('http://127.0.0.1:9/api/v1/auth/oidc/callback');
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-oidc-'));
    const file = join(dir, 'canhgac.yaml');
    writeFileSync(file, stringify({ api: { host: '127.0.0.1', port: 0 }, auth: { oidc: inFile } }));
    const loaded = loadConfig({ file, env: { CANHGAC_OIDC_CLIENT_SECRET: SECRET } });
    rmSync(dir, { recursive: true, force: true });
    expect((loaded.auth as { oidc: OidcConfig }).oidc).toMatchObject({ clientSecret: SECRET, roleClaim: 'groups' });
    // A redirect URI that is not the callback route could never finish a sign-in: refused at start.
    expect(() =>
      loadConfig({ env: {}, overrides: { 'auth.oidc': { ...inFile, redirectUri: 'https://soc.example.vn/cb' } } }),
    ).toThrow(/redirectUri/);
    const withOidc = await startApi(
      loaded as ApiConfig,
      { stores, authOptions: { scrypt: TEST_SCRYPT }, consoleDir: false },
      {},
    );
    try {
      const p = (await (await fetch(`${withOidc.url}/api/v1/auth/providers`)).json()) as { providers: unknown[] };
      expect(p.providers).toHaveLength(1);
      const r = await get(`${withOidc.url}/api/v1/auth/oidc/login`);
      expect(r.status).toBe(302);
    } finally {
      await withOidc.close();
    }
    const without = await startApi(
      { api: { host: '127.0.0.1', port: 0 } },
      { stores, authOptions: { scrypt: TEST_SCRYPT }, consoleDir: false },
      {},
    );
    try {
      const p = (await (await fetch(`${without.url}/api/v1/auth/providers`)).json()) as { providers: unknown[] };
      expect(p.providers).toEqual([]);
      const r = await get(`${without.url}/api/v1/auth/oidc/callback?code=x&state=y`);
      expect(r.status).toBe(404);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('CANHGAC_ERR_OIDC_DISABLED');
    } finally {
      await without.close();
      await stores.close();
    }
  });

  it('the client secret is blanked out wherever a log line would carry it', () => {
    const lines: string[] = [];
    const log = pino(
      { redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
      { write: (l: string) => lines.push(l) },
    );
    log.info({ auth: { oidc: config('http://127.0.0.1:9/cb') } }, 'configuration');
    log.info({ oidc: { clientSecret: SECRET } }, 'one level');
    log.info({ clientSecret: SECRET }, 'top');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).not.toContain(SECRET);
  });
});
