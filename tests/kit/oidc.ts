/**
 * A tiny OpenID provider for tests (discovery, authorize, token with PKCE checks, JWKS, RS256 ID tokens signed with
 * node:crypto), over real HTTP on the loopback interface. Used by api/auth/oidc.test.ts and the API's end-to-end
 * OIDC test. Not a test file itself (no .test. in the name).
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The client id the tiny provider's tokens are issued to by default. */
export const TINY_CLIENT = 'canhgac-soc';

/** The account the provider signs in (what the user would type at the provider). */
export interface Account {
  sub: string;
  preferred_username?: string;
  groups?: string[];
}

/** What the provider should do wrong on the next token (one test each). */
export type Fault =
  | 'none'
  | 'alg-none'
  | 'alg-hs256'
  | 'other-key'
  | 'wrong-aud'
  | 'expired'
  | 'wrong-nonce'
  | 'wrong-iss'
  | 'future-iat';

/** The provider: `start()` it, read `issuer`, change `account`/`fault` between sign-ins. */
export class TinyProvider {
  server!: Server;
  issuer = '';
  account: Account = { sub: 'u-1', preferred_username: 'minh.nguyen', groups: ['soc-analysts'] };
  fault: Fault = 'none';
  kid = 'k1';
  key: KeyObject;
  pub: KeyObject;
  readonly codes = new Map<string, { challenge: string; nonce: string; redirect: string; client: string }>();
  tokenCalls = 0;

  constructor(readonly clientId: string = TINY_CLIENT) {
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
      aud: f === 'wrong-aud' ? 'someone-else' : this.clientId,
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
    return new Promise((r) => {
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }
}
