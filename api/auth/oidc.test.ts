/**
 * OIDC sign-in against a tiny OpenID provider implemented here (discovery, authorize, token with PKCE checks,
 * JWKS, RS256 ID tokens signed with node:crypto), over real HTTP on the loopback interface.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { SCOPE_ALL } from '../../store/types.js';
import { TEST_SCRYPT } from '../fixture.js';
import { OidcSignIn, type OidcConfig } from './oidc.js';
import { AuthService } from './service.js';

const H40 = '000.00.31.H40';
const CLIENT = 'canhgac-soc';
const REDIRECT = 'http://127.0.0.1:9/api/v1/auth/oidc/callback';

interface Account {
  sub: string;
  preferred_username?: string;
  groups?: string[];
}

/** What the provider should do wrong on the next token (one test each). */
type Fault =
  | 'none'
  | 'alg-none'
  | 'alg-hs256'
  | 'other-key'
  | 'wrong-aud'
  | 'expired'
  | 'wrong-nonce'
  | 'wrong-iss'
  | 'future-iat';

class TinyProvider {
  server!: Server;
  issuer = '';
  account: Account = { sub: 'u-1', preferred_username: 'minh.nguyen', groups: ['soc-analysts'] };
  fault: Fault = 'none';
  kid = 'k1';
  key: KeyObject;
  pub: KeyObject;
  readonly codes = new Map<string, { challenge: string; nonce: string; redirect: string; client: string }>();
  tokenCalls = 0;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.key = privateKey;
    this.pub = publicKey;
  }

  rotate(): void {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.key = privateKey;
    this.pub = publicKey;
    this.kid = `k${Number(this.kid.slice(1)) + 1}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url!, this.issuer || 'http://127.0.0.1');
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/realms/tinh/.well-known/openid-configuration')
        return json(200, {
          issuer: this.issuer,
          authorization_endpoint: `${this.issuer}/authorize`,
          token_endpoint: `${this.issuer}/token`,
          jwks_uri: `${this.issuer}/jwks`,
        });
      if (url.pathname === '/realms/tinh/jwks')
        return json(200, {
          keys: [{ ...this.pub.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256' }],
        });
      if (url.pathname === '/realms/tinh/authorize') {
        const q = url.searchParams;
        if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256') return json(400, {});
        const code = randomBytes(16).toString('hex');
        this.codes.set(code, {
          challenge: q.get('code_challenge')!,
          nonce: q.get('nonce')!,
          redirect: q.get('redirect_uri')!,
          client: q.get('client_id')!,
        });
        const back = new URL(q.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', q.get('state')!);
        res.writeHead(302, { location: back.toString() });
        return res.end();
      }
      if (url.pathname === '/realms/tinh/token' && req.method === 'POST') {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => {
          this.tokenCalls++;
          const f = new URLSearchParams(body);
          const c = this.codes.get(f.get('code') ?? '');
          this.codes.delete(f.get('code') ?? '');
          const verifierOk =
            c &&
            createHash('sha256')
              .update(f.get('code_verifier') ?? '')
              .digest('base64url') === c.challenge;
          if (!c || !verifierOk || f.get('redirect_uri') !== c.redirect || f.get('client_id') !== c.client)
            return json(400, { error: 'invalid_grant' });
          json(200, { access_token: 'opaque', token_type: 'Bearer', id_token: this.idToken(c.nonce) });
        });
        return;
      }
      json(404, {});
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/realms/tinh`;
  }

  idToken(nonce: string): string {
    const now = Math.floor(Date.now() / 1000);
    const f = this.fault;
    const header = {
      alg: f === 'alg-none' ? 'none' : f === 'alg-hs256' ? 'HS256' : 'RS256',
      kid: this.kid,
      typ: 'JWT',
    };
    const claims = {
      iss: f === 'wrong-iss' ? `${this.issuer}x` : this.issuer,
      aud: f === 'wrong-aud' ? 'someone-else' : CLIENT,
      exp: f === 'expired' ? now - 600 : now + 300,
      iat: f === 'future-iat' ? now + 600 : now,
      nonce: f === 'wrong-nonce' ? 'guess' : nonce,
      ...this.account,
    };
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${enc(header)}.${enc(claims)}`;
    if (f === 'alg-none') return `${input}.`;
    const signer = f === 'other-key' ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : this.key;
    return `${input}.${sign('sha256', Buffer.from(input), signer).toString('base64url')}`;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

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
