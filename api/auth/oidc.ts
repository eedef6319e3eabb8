/**
 * OpenID Connect sign-in (the province's identity provider): authorization code flow with PKCE (S256), state and
 * nonce, provider metadata from discovery, and the ID token verified here with node:crypto (RS256 only) against
 * the provider's JWKS. Users are mapped by a configured claim (e.g. `groups`) to a local role and agency, and get
 * an ordinary canhgac session through AuthService.loginExternal.
 *
 * The pending sign-in (code verifier, nonce) is kept in the state store (collection `oidc_logins`, keyed by the
 * sha256 of the state), so any API process can finish what another started; it is single-use and expires after
 * 10 minutes. The browser carries only the state, in a short-lived cookie that binds the callback to the browser
 * that started it (login CSRF).
 */

import { createHash, createPublicKey, type KeyObject, randomBytes, verify } from 'node:crypto';
import { OIDC_ERRORS } from '../../core/catalogue/api.js';
import { errorFactory } from '../../core/errors.js';
import { logger } from '../../core/log.js';
import { counter } from '../../core/metrics.js';
import { SCOPE_ALL, type StateStore } from '../../store/types.js';
import type { Role } from './roles.js';
import type { AuthService, LoginResult } from './service.js';

const log = logger('oidc');
const signIns = counter('canhgac_oidc_signins_total', 'Identity provider sign-ins by outcome', ['outcome']);

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { OIDC_ERRORS };
/** Makes an OIDC error by code. */
export const oidcError = errorFactory(OIDC_ERRORS);

/** One mapping rule: accounts whose claim holds `value` get `role` (and `agencyId` for agency roles). */
export interface OidcRoleRule {
  value: string;
  role: Exclude<Role, 'intake'>;
  agencyId?: string;
}

/** Configuration of the OIDC sign-in. */
export interface OidcConfig {
  /** Issuer URL exactly as the provider names itself (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  /** Confidential clients: sent as client_secret_post. Public clients rely on PKCE alone. */
  clientSecret?: string;
  /** Where the provider sends the browser back, e.g. https://soc.example.gov.vn/api/v1/auth/oidc/callback. */
  redirectUri: string;
  /** Default openid profile email (plus the role claim's scope if the provider needs one). */
  scopes?: string[];
  /** Claim naming the local user (default preferred_username, then email, then sub). */
  usernameClaim?: string;
  /** Claim holding group or role names (string or list), e.g. `groups`. */
  roleClaim: string;
  /** First matching rule wins; no match refuses the sign-in. */
  roles: OidcRoleRule[];
  /** Allowed clock difference with the provider (seconds, default 60). */
  clockSkewSeconds?: number;
  /** Name of the provider on the login page's button ("Đăng nhập bằng <displayName>"). */
  displayName?: string;
}

/** Options for tests and special deployments. */
export interface OidcOptions {
  now?: () => number;
  fetch?: typeof fetch;
  /** Timeout of each request to the provider (ms, default 10,000). */
  timeoutMs?: number;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

interface PendingLogin {
  id: string;
  verifier: string;
  nonce: string;
  createdAt: number;
}

interface Jwk {
  kty?: string;
  kid?: string;
  use?: string;
  alg?: string;
  n?: string;
  e?: string;
}

const PENDING_MS = 10 * 60_000;
const USERNAME = /^[\p{L}\p{N}._@-]{1,100}$/u;

const b64url = (b: Buffer) => b.toString('base64url');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** https, or http on a loopback address (tests, a provider on the same host). */
function checkUrl(what: string, u: string): URL {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    throw oidcError('CANHGAC_ERR_OIDC_CONFIG', { reason: `${what} is not a URL` });
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw oidcError('CANHGAC_ERR_OIDC_CONFIG', { reason: `${what} must use https` });
  return url;
}

/** The OIDC relying party: begin() sends the browser to the provider, finish() turns its answer into a session. */
export class OidcSignIn {
  private discovery: { doc: Discovery; at: number } | undefined;
  private keys = new Map<string, KeyObject>();
  private readonly now: () => number;
  private readonly fetch: typeof fetch;

  constructor(
    private readonly cfg: OidcConfig,
    private readonly state: StateStore,
    private readonly auth: AuthService,
    private readonly opts: OidcOptions = {},
  ) {
    checkUrl('oidc.issuer', cfg.issuer);
    checkUrl('oidc.redirectUri', cfg.redirectUri);
    if (!cfg.clientId) throw oidcError('CANHGAC_ERR_OIDC_CONFIG', { reason: 'oidc.clientId is required' });
    if (!cfg.roleClaim || !Array.isArray(cfg.roles) || cfg.roles.length === 0)
      throw oidcError('CANHGAC_ERR_OIDC_CONFIG', {
        reason: 'oidc.roleClaim and at least one oidc.roles rule are needed',
      });
    this.now = opts.now ?? Date.now;
    this.fetch = opts.fetch ?? fetch;
  }

  /** The provider's name for the login page: `displayName`, else the issuer's host. */
  get displayName(): string {
    return this.cfg.displayName ?? new URL(this.cfg.issuer).host;
  }

  /**
   * Starts a sign-in: the provider URL to redirect the browser to, and the state to keep in a short-lived,
   * httpOnly, SameSite=Lax cookie (the provider's redirect back is a cross-site navigation).
   */
  async begin(): Promise<{ url: string; state: string; maxAgeS: number }> {
    const d = await this.metadata();
    const state = b64url(randomBytes(32));
    const verifier = b64url(randomBytes(32));
    const nonce = b64url(randomBytes(24));
    const pending: PendingLogin = { id: sha256(state), verifier, nonce, createdAt: this.now() };
    await this.state.collection<PendingLogin>('oidc_logins').put(SCOPE_ALL, pending, { expectedVersion: 0 });
    void this.prune();
    const url = new URL(d.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.cfg.clientId);
    url.searchParams.set('redirect_uri', this.cfg.redirectUri);
    url.searchParams.set('scope', (this.cfg.scopes ?? ['openid', 'profile', 'email']).join(' '));
    url.searchParams.set('state', state);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('code_challenge', b64url(createHash('sha256').update(verifier).digest()));
    url.searchParams.set('code_challenge_method', 'S256');
    return { url: url.toString(), state, maxAgeS: PENDING_MS / 1000 };
  }

  /**
   * Finishes a sign-in from the callback's query (`code`, `state`, or `error`) and the state cookie: exchanges the
   * code, verifies the ID token, maps the account, and opens a session.
   */
  async finish(query: Record<string, unknown>, stateCookie: string | undefined): Promise<LoginResult> {
    try {
      const r = await this.finishInner(query, stateCookie);
      signIns.labels('ok').inc();
      return r;
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'unexpected';
      signIns.labels(code.replace(/^CANHGAC_ERR_(OIDC_|API_)?/, '').toLowerCase()).inc();
      log.warn({ code, reason: (err as Error).message }, 'OIDC sign-in refused');
      throw err;
    }
  }

  private async finishInner(query: Record<string, unknown>, stateCookie: string | undefined): Promise<LoginResult> {
    const state = typeof query.state === 'string' ? query.state : undefined;
    if (!state || !stateCookie || state.length > 200 || state !== stateCookie)
      throw oidcError('CANHGAC_ERR_OIDC_STATE');
    const coll = this.state.collection<PendingLogin>('oidc_logins');
    const pending = await coll.get(SCOPE_ALL, sha256(state));
    // Single use: whoever deletes it first goes on (a replayed callback finds nothing).
    if (!pending || !(await coll.delete(SCOPE_ALL, pending.id).catch(() => false)))
      throw oidcError('CANHGAC_ERR_OIDC_STATE');
    if (this.now() - pending.createdAt > PENDING_MS) throw oidcError('CANHGAC_ERR_OIDC_STATE');
    if (typeof query.error === 'string')
      throw oidcError('CANHGAC_ERR_OIDC_PROVIDER', { reason: `it answered ${query.error.slice(0, 100)}` });
    const code = typeof query.code === 'string' ? query.code : undefined;
    if (!code || code.length > 4096) throw oidcError('CANHGAC_ERR_OIDC_PROVIDER', { reason: 'no code came back' });

    const d = await this.metadata();
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.cfg.redirectUri,
      client_id: this.cfg.clientId,
      code_verifier: pending.verifier,
      ...(this.cfg.clientSecret ? { client_secret: this.cfg.clientSecret } : {}),
    });
    const tokens = (await this.request(d.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    })) as { id_token?: unknown };
    if (typeof tokens.id_token !== 'string')
      throw oidcError('CANHGAC_ERR_OIDC_PROVIDER', { reason: 'the token answer has no id_token' });
    const claims = await this.verifyIdToken(tokens.id_token, pending.nonce);
    return this.auth.loginExternal(this.identity(claims));
  }

  /** Verifies an ID token (RS256 signature by a JWKS key, iss, aud/azp, exp, iat, nonce); returns its claims. */
  async verifyIdToken(token: string, nonce: string): Promise<Record<string, unknown>> {
    const parts = token.split('.');
    if (parts.length !== 3) throw oidcError('CANHGAC_ERR_OIDC_TOKEN', { reason: 'not a signed JWT' });
    let header: { alg?: unknown; kid?: unknown };
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    } catch {
      throw oidcError('CANHGAC_ERR_OIDC_TOKEN', { reason: 'unreadable JWT' });
    }
    if (!claims || typeof claims !== 'object' || Array.isArray(claims))
      throw oidcError('CANHGAC_ERR_OIDC_TOKEN', { reason: 'unreadable JWT' });
    // Only RS256: never `none`, never an HMAC keyed with a public key.
    if (header.alg !== 'RS256')
      throw oidcError('CANHGAC_ERR_OIDC_TOKEN', { reason: `algorithm ${String(header.alg)} is not accepted` });
    const key = await this.keyFor(typeof header.kid === 'string' ? header.kid : undefined);
    const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2]!, 'base64url'));
    if (!ok) throw oidcError('CANHGAC_ERR_OIDC_TOKEN', { reason: 'bad signature' });

    const now = this.now() / 1000;
    const skew = this.cfg.clockSkewSeconds ?? 60;
    if (claims.iss !== this.cfg.issuer) throw oidcError('CANHGAC_ERR_OIDC_TOKEN', { reason: 'wrong issuer' });
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(this.cfg.clientId)) throw oidcError('CANHGAC_ERR_OIDC_TOKEN', { reason: 'wrong audience' });
    if ((aud.length > 1 || claims.azp !== undefined) && claims.azp !== this.cfg.clientId)
      throw oidcError('CANHGAC_ERR_OIDC_TOKEN', { reason: 'wrong authorized party' });
    if (typeof claims.exp !== 'number' || claims.exp + skew <= now)
      throw oidcError('CANHGAC_ERR_OIDC_TOKEN', { reason: 'expired' });
    if (typeof claims.iat !== 'number' || claims.iat - skew > now)
      throw oidcError('CANHGAC_ERR_OIDC_TOKEN', { reason: 'issued in the future' });
    if (claims.nonce !== nonce) throw oidcError('CANHGAC_ERR_OIDC_TOKEN', { reason: 'wrong nonce' });
    if (typeof claims.sub !== 'string' || claims.sub === '')
      throw oidcError('CANHGAC_ERR_OIDC_TOKEN', { reason: 'no subject' });
    return claims;
  }

  /** The local identity of verified claims: username claim and the first role rule the role claim matches. */
  private identity(claims: Record<string, unknown>) {
    const pick = (c: string) => (typeof claims[c] === 'string' && claims[c] !== '' ? (claims[c] as string) : undefined);
    const username = this.cfg.usernameClaim
      ? pick(this.cfg.usernameClaim)
      : (pick('preferred_username') ?? pick('email') ?? pick('sub'));
    if (!username || !USERNAME.test(username))
      throw oidcError('CANHGAC_ERR_OIDC_TOKEN', { reason: 'no usable user name in the token' });
    const raw = claims[this.cfg.roleClaim];
    const values = new Set((Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string'));
    const rule = this.cfg.roles.find((r) => values.has(r.value));
    if (!rule) throw oidcError('CANHGAC_ERR_OIDC_NO_ROLE', { claim: this.cfg.roleClaim });
    return {
      issuer: this.cfg.issuer,
      subject: claims.sub as string,
      username,
      role: rule.role,
      ...(rule.agencyId ? { agencyId: rule.agencyId } : {}),
    };
  }

  private async metadata(): Promise<Discovery> {
    if (this.discovery && this.now() - this.discovery.at < 3_600_000) return this.discovery.doc;
    const doc = (await this.request(
      `${this.cfg.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
      {},
    )) as Partial<Discovery>;
    if (doc.issuer !== this.cfg.issuer)
      throw oidcError('CANHGAC_ERR_OIDC_PROVIDER', { reason: 'discovery names another issuer' });
    for (const k of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
      if (typeof doc[k] !== 'string') throw oidcError('CANHGAC_ERR_OIDC_PROVIDER', { reason: `discovery lacks ${k}` });
      checkUrl(k, doc[k]);
    }
    this.discovery = { doc: doc as Discovery, at: this.now() };
    return this.discovery.doc;
  }

  /**
   * The signing key by kid, reading the JWKS again when the kid is unknown (the provider rotated its keys). ID
   * tokens only come from our own request to the token endpoint, so an outsider cannot make us re-read at will.
   */
  private async keyFor(kid: string | undefined): Promise<KeyObject> {
    const find = () =>
      kid !== undefined ? this.keys.get(kid) : this.keys.size === 1 ? [...this.keys.values()][0] : undefined;
    let key = find();
    if (!key) {
      await this.loadKeys();
      key = find();
    }
    if (!key) throw oidcError('CANHGAC_ERR_OIDC_TOKEN', { reason: 'signed by an unknown key' });
    return key;
  }

  private async loadKeys(): Promise<void> {
    const d = await this.metadata();
    const jwks = (await this.request(d.jwks_uri, {})) as { keys?: Jwk[] };
    const keys = new Map<string, KeyObject>();
    for (const [i, k] of (Array.isArray(jwks.keys) ? jwks.keys : []).entries()) {
      if (k?.kty !== 'RSA' || (k.use !== undefined && k.use !== 'sig') || (k.alg !== undefined && k.alg !== 'RS256'))
        continue;
      try {
        keys.set(k.kid ?? `#${i}`, createPublicKey({ key: { kty: 'RSA', n: k.n, e: k.e } as never, format: 'jwk' }));
      } catch {
        log.warn({ kid: k.kid }, 'Unusable key in the provider JWKS skipped');
      }
    }
    this.keys = keys;
  }

  private async request(url: string, init: RequestInit): Promise<unknown> {
    let res: Response;
    try {
      res = await this.fetch(url, {
        ...init,
        redirect: 'error',
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw oidcError('CANHGAC_ERR_OIDC_PROVIDER', { reason: `${new URL(url).host} unreachable` }, { cause: err });
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!res.ok || !body || typeof body !== 'object') {
      const e = (body as { error?: unknown } | undefined)?.error;
      throw oidcError('CANHGAC_ERR_OIDC_PROVIDER', {
        reason: `${new URL(url).pathname} answered ${res.status}${typeof e === 'string' ? ` ${e.slice(0, 100)}` : ''}`,
      });
    }
    return body;
  }

  /** Deletes pending sign-ins nobody finished (best effort). */
  private async prune(): Promise<void> {
    try {
      const coll = this.state.collection<PendingLogin>('oidc_logins');
      const page = await coll.list(SCOPE_ALL, { sort: { field: 'createdAt', order: 'asc' }, size: 100 });
      for (const p of page.docs) {
        if (this.now() - p.createdAt <= PENDING_MS) break;
        await coll.delete(SCOPE_ALL, p.id);
      }
    } catch (err) {
      log.warn({ err }, 'Could not prune pending OIDC sign-ins');
    }
  }
}
