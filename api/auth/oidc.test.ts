/**
 * OIDC sign-in against a tiny OpenID provider (tests/kit/oidc.ts: discovery, authorize, token with PKCE checks,
 * JWKS, RS256 ID tokens signed with node:crypto), over real HTTP on the loopback interface.
 */

import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { SCOPE_ALL } from '../../store/types.js';
import { TEST_SCRYPT } from '../../tests/kit/api.js';
import { TINY_CLIENT, TinyProvider } from '../../tests/kit/oidc.js';
import { type OidcConfig, OidcSignIn } from './oidc.js';
import { AuthService } from './service.js';

const H40 = '000.00.31.H40';
const CLIENT = TINY_CLIENT;
const REDIRECT = 'http://127.0.0.1:9/api/v1/auth/oidc/callback';

let idp: TinyProvider;
let stores: SqliteStores;
let auth: AuthService;
let oidc: OidcSignIn;

function config(): OidcConfig {
  return {
    issuer: idp.issuer,
    clientId: CLIENT,
    clientSecret: 'not-logged',
    redirectUri: REDIRECT,
    roleClaim: 'groups',
    roles: [
      { value: 'soc-admins', role: 'admin' },
      { value: 'soc-analysts', role: 'analyst' },
      { value: 'h40-admins', role: 'agency_admin', agencyId: H40 },
    ],
  };
}

/** The browser's part: follow begin()'s URL to the provider and read where it sends us back. */
async function authorize(): Promise<{ query: Record<string, string>; state: string }> {
  const b = await oidc.begin();
  const res = await fetch(b.url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
  return { query: Object.fromEntries(back.searchParams), state: b.state };
}

async function signIn() {
  const { query, state } = await authorize();
  return oidc.finish(query, state);
}

beforeEach(async () => {
  idp = new TinyProvider();
  await idp.start();
  stores = openSqliteStores({ path: ':memory:' });
  auth = new AuthService(stores.state, { scrypt: TEST_SCRYPT, settings: false });
  oidc = new OidcSignIn(config(), stores.state, auth);
});
afterEach(async () => {
  await idp.close();
  await stores.close();
});

describe('OIDC sign-in', () => {
  it('code flow with PKCE: the user is created with the mapped role and gets a session', async () => {
    const b = await oidc.begin();
    const u = new URL(b.url);
    expect(u.searchParams.get('code_challenge_method')).toBe('S256');
    expect(u.searchParams.get('scope')).toBe('openid profile email');
    expect(u.searchParams.get('state')).toBe(b.state);

    const r = await signIn();
    expect(r.principal).toMatchObject({ kind: 'user', id: 'minh.nguyen', role: 'analyst' });
    const p = await auth.authenticateSession(r.sessionToken);
    expect(p).toMatchObject({ id: 'minh.nguyen', role: 'analyst' });
    const user = await auth.users.get(SCOPE_ALL, 'minh.nguyen');
    expect(user?.external).toEqual({ issuer: idp.issuer, subject: 'u-1' });
    // No password works for such a user.
    await expect(auth.login('minh.nguyen', '')).rejects.toMatchObject({ code: 'CANHGAC_ERR_API_LOGIN_FAILED' });
    // The finished sign-in is gone (single use); only the one begun above and never finished waits.
    const pending = (await stores.state.collection('oidc_logins').list(SCOPE_ALL)).docs;
    expect(pending.map((d) => d.id)).toEqual([createHash('sha256').update(b.state).digest('hex')]);
  });

  it('maps the role claim on every sign-in: a moved account changes role and loses its old sessions', async () => {
    const first = await signIn();
    idp.account = { ...idp.account, groups: ['staff', 'h40-admins'] };
    const second = await signIn();
    expect(second.principal).toMatchObject({ role: 'agency_admin', agencyId: H40 });
    expect(await auth.authenticateSession(first.sessionToken)).toBeUndefined();
    const audit = (await stores.state.collection<{ action: string }>('audit').list(SCOPE_ALL)).docs.map(
      (a) => a.action,
    );
    expect(audit).toEqual(expect.arrayContaining(['user.create', 'user.update']));

    idp.account = { ...idp.account, groups: ['staff'] };
    await expect(signIn()).rejects.toMatchObject({ code: 'CANHGAC_ERR_OIDC_NO_ROLE', status: 403 });
  });

  it('never takes over a local password account or another subject of the same name', async () => {
    await auth.createUser('test', { username: 'admin', password: 'local admin passphrase', role: 'admin' });
    idp.account = { sub: 'u-2', preferred_username: 'admin', groups: ['soc-admins'] };
    await expect(signIn()).rejects.toMatchObject({ code: 'CANHGAC_ERR_API_LOGIN_FAILED' });
    idp.account = { sub: 'u-3', preferred_username: 'minh.nguyen', groups: ['soc-admins'] };
    await signIn();
    idp.account = { sub: 'u-4', preferred_username: 'minh.nguyen', groups: ['soc-admins'] };
    await expect(signIn()).rejects.toMatchObject({ code: 'CANHGAC_ERR_API_LOGIN_FAILED' });
    // A disabled user stays out.
    await auth.updateUser('test', 'minh.nguyen', { disabled: true });
    idp.account = { sub: 'u-3', preferred_username: 'minh.nguyen', groups: ['soc-admins'] };
    await expect(signIn()).rejects.toMatchObject({ code: 'CANHGAC_ERR_API_LOGIN_FAILED' });
  });

  it('refuses a callback without the matching state cookie, a replayed one, and a provider error', async () => {
    const { query, state } = await authorize();
    await expect(oidc.finish(query, undefined)).rejects.toMatchObject({ code: 'CANHGAC_ERR_OIDC_STATE' });
    await expect(oidc.finish(query, `${state}x`)).rejects.toMatchObject({ code: 'CANHGAC_ERR_OIDC_STATE' });
    await oidc.finish(query, state);
    await expect(oidc.finish(query, state)).rejects.toMatchObject({ code: 'CANHGAC_ERR_OIDC_STATE', status: 400 });

    // A code stolen from one sign-in and replayed into another: PKCE makes the provider refuse it.
    const victim = await authorize();
    const attacker = await authorize();
    await expect(oidc.finish({ ...attacker.query, code: victim.query.code }, attacker.state)).rejects.toMatchObject({
      code: 'CANHGAC_ERR_OIDC_PROVIDER',
    });

    const denied = await oidc.begin();
    await expect(oidc.finish({ error: 'access_denied', state: denied.state }, denied.state)).rejects.toMatchObject({
      code: 'CANHGAC_ERR_OIDC_PROVIDER',
    });
  });

  it('refuses ID tokens that are unsigned, HMAC, signed by another key, or have wrong claims', async () => {
    const cases: [TinyProvider['fault'], RegExp][] = [
      ['alg-none', /algorithm none/],
      ['alg-hs256', /algorithm HS256/],
      ['other-key', /bad signature/],
      ['wrong-aud', /wrong audience/],
      ['wrong-iss', /wrong issuer/],
      ['expired', /expired/],
      ['future-iat', /future/],
      ['wrong-nonce', /wrong nonce/],
    ];
    for (const [fault, message] of cases) {
      idp.fault = fault;
      const err = (await signIn().catch((e: unknown) => e)) as { code?: string; message?: string };
      expect([fault, err.code, message.test(err.message ?? '')]).toEqual([fault, 'CANHGAC_ERR_OIDC_TOKEN', true]);
    }
    expect(await auth.users.get(SCOPE_ALL, 'minh.nguyen')).toBeUndefined();
    idp.fault = 'none';
    expect((await signIn()).principal.role).toBe('analyst');
  });

  it('follows a key rotation at the provider (new kid, JWKS read again)', async () => {
    await signIn();
    idp.rotate();
    expect((await signIn()).principal.id).toBe('minh.nguyen');
  });

  it('refuses a configuration that would send secrets in clear or map no one', () => {
    expect(
      () => new OidcSignIn({ ...config(), issuer: 'http://idp.example.gov.vn/realms/tinh' }, stores.state, auth),
    ).toThrow(/must use https/);
    expect(() => new OidcSignIn({ ...config(), roles: [] }, stores.state, auth)).toThrow(/roles/);
  });
});
