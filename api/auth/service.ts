/**
 * Users, sessions and API keys. Passwords: scrypt with per-user salt. Sessions and API keys are random tokens
 * stored only as sha256. Failed logins are counted per username BEFORE the password is checked, one attempt at a
 * time per username, so a burst of concurrent guesses cannot slip past the lockout.
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CanhgacError } from '../../core/errors.js';
import { KeyedLock } from '../../core/keyed-lock.js';
import { logger } from '../../core/log.js';
import { counter } from '../../core/metrics.js';
import { DEFAULT_SETTINGS, type SettingsCache, settingsFor } from '../../core/settings.js';
import { writeAudit } from '../../incidents/audit.js';
import type { AuditEntry } from '../../incidents/types.js';
import { isStoreConflict } from '../../store/errors.js';
import { listAll } from '../../store/list-all.js';
import { type Collection, SCOPE_ALL, type Scope, type StateStore, type Versioned } from '../../store/types.js';
import { apiError } from '../errors.js';
import { noteKeyUse } from './key-use.js';
import { DEFAULT_SCRYPT, hashPassword, type PasswordHash, type ScryptParams, verifyPassword } from './passwords.js';
import type { Principal, Role } from './roles.js';

const log = logger('api_auth');
const logins = counter('canhgac_api_logins_total', 'Login attempts by outcome', ['outcome']);

/** A stored user (the password hash never leaves this module: see publicUser). */
export interface User {
  id: string;
  username: string;
  role: Role;
  agencyId?: string;
  disabled: boolean;
  createdAt: number;
  passwordHash: PasswordHash;
  passwordChangedAt: number;
  failedLogins: number;
  lockedUntil?: number;
  /** Set for users who sign in through an identity provider (OIDC): its issuer and their subject there. */
  external?: { issuer: string; subject: string };
}

/** Who an identity provider says signed in, already mapped to a role (api/auth/oidc.ts). */
export interface ExternalIdentity {
  issuer: string;
  subject: string;
  username: string;
  role: Role;
  agencyId?: string;
}

/** A stored API key (only its sha256). */
export interface ApiKeyDoc {
  id: string;
  name: string;
  role: Role;
  agencyId?: string;
  hash: string;
  createdAt: number;
  createdBy: string;
  lastUsedAt?: number;
}

/** A stored browser session (id = sha256 of the cookie value). */
export interface SessionDoc {
  id: string;
  userId: string;
  csrfHash: string;
  createdAt: number;
  expiresAt: number;
}

/** Options of the auth service. */
export interface AuthOptions {
  /** Consecutive failures that lock an account (default 5). */
  maxFailures?: number;
  /** How long a lock holds (default 15 minutes). */
  lockMs?: number;
  /** Session lifetime (default 12 hours); the `sessionHours` setting, when set, wins (core/settings.ts). */
  sessionMs?: number;
  /** Where run-time settings come from (default: the state store's shared cache; false: ignore settings). */
  settings?: SettingsCache | false;
  scrypt?: ScryptParams;
  now?: () => number;
}

/** sha256 hex of a secret. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The id under which a presented API key is stored: `cgk_<id>_<secret>` keys carry it, others hash to it. */
export function keyIdOf(key: string): string {
  const m = /^cgk_([0-9a-f]{16})_[A-Za-z0-9_-]{20,}$/.exec(key);
  return m ? m[1]! : `h${sha256(key).slice(0, 23)}`;
}

/** A user without secrets, as the API shows it. */
export function publicUser(u: Versioned<User>): Record<string, unknown> {
  const { passwordHash: _h, ...rest } = u;
  return rest;
}

/** An API key without its hash. */
export function publicKey(k: Versioned<ApiKeyDoc>): Record<string, unknown> {
  const { hash: _h, ...rest } = k;
  return rest;
}

/** What a successful login gives the browser. */
export interface LoginResult {
  principal: Principal;
  sessionToken: string;
  csrfToken: string;
  expiresAt: number;
}

/** Users, API keys, sessions, lockout, and the audit of their changes. */
export class AuthService {
  readonly users: Collection<User>;
  readonly keys: Collection<ApiKeyDoc>;
  readonly sessions: Collection<SessionDoc>;
  readonly audit: Collection<AuditEntry>;
  private readonly lock = new KeyedLock();
  /** Failure counts of names that are not users, so probing unknown names behaves like probing real ones. */
  private readonly ghostFailures = new Map<string, { count: number; lockedUntil: number }>();
  private readonly maxFailures: number;
  private readonly lockMs: number;
  private readonly sessionMs: number;
  private readonly settings: SettingsCache | undefined;
  private readonly scrypt: ScryptParams;
  private readonly now: () => number;
  private dummyHash: Promise<PasswordHash> | undefined;

  constructor(state: StateStore, opts: AuthOptions = {}) {
    this.users = state.collection<User>('users');
    this.keys = state.collection<ApiKeyDoc>('api_keys');
    this.sessions = state.collection<SessionDoc>('sessions');
    this.audit = state.collection<AuditEntry>('audit');
    this.maxFailures = opts.maxFailures ?? 5;
    this.lockMs = opts.lockMs ?? 15 * 60_000;
    this.sessionMs = opts.sessionMs ?? DEFAULT_SETTINGS.sessionHours * 3_600_000;
    this.settings = opts.settings === false ? undefined : (opts.settings ?? settingsFor(state));
    this.scrypt = opts.scrypt ?? DEFAULT_SCRYPT;
    this.now = opts.now ?? Date.now;
  }

  /** Writes one audit entry (every change to users, keys, agencies, rules, channels, routes, settings). */
  async writeAudit(
    actor: string,
    action: string,
    collection: string,
    targetId: string,
    agencyId: string | undefined,
    before?: unknown,
    after?: unknown,
  ): Promise<void> {
    await writeAudit(this.audit, this.now(), { actor, action, collection, targetId, agencyId, before, after });
  }

  /** Creates a user; CANHGAC_ERR_API_EXISTS when the name is taken. */
  async createUser(
    actor: string,
    input: { username: string; password: string; role: Role; agencyId?: string },
  ): Promise<Versioned<User>> {
    checkRoleAgency(input.role, input.agencyId);
    const now = this.now();
    const user: User = {
      id: input.username,
      username: input.username,
      role: input.role,
      ...(input.agencyId ? { agencyId: input.agencyId } : {}),
      disabled: false,
      createdAt: now,
      passwordHash: await hashPassword(input.password, this.scrypt),
      passwordChangedAt: now,
      failedLogins: 0,
    };
    let saved: Versioned<User>;
    try {
      saved = await this.users.put(SCOPE_ALL, user, { expectedVersion: 0 });
    } catch (err) {
      if (isStoreConflict(err)) throw apiError('CANHGAC_ERR_API_EXISTS', { what: 'User', id: input.username });
      throw err;
    }
    await this.writeAudit(actor, 'user.create', 'users', user.id, user.agencyId, undefined, publicUser(saved));
    return saved;
  }

  /** Changes role, agency or disabled flag of a user. */
  async updateUser(
    actor: string,
    id: string,
    patch: { role?: Role; agencyId?: string | null; disabled?: boolean },
  ): Promise<Versioned<User>> {
    return this.lock.run(id.toLowerCase(), async () => {
      const cur = await this.users.get(SCOPE_ALL, id);
      if (!cur) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'user', id });
      const { version, ...next } = cur;
      if (patch.role !== undefined) next.role = patch.role;
      if (patch.agencyId === null) delete next.agencyId;
      else if (patch.agencyId !== undefined) next.agencyId = patch.agencyId;
      if (patch.disabled !== undefined) next.disabled = patch.disabled;
      checkRoleAgency(next.role, next.agencyId);
      const saved = await this.users.put(SCOPE_ALL, next, { expectedVersion: version });
      if (patch.disabled || patch.role !== undefined || patch.agencyId !== undefined) await this.dropSessions(id);
      await this.writeAudit(actor, 'user.update', 'users', id, saved.agencyId, publicUser(cur), publicUser(saved));
      return saved;
    });
  }

  /** Deletes a user and their sessions. */
  async deleteUser(actor: string, id: string): Promise<boolean> {
    const cur = await this.users.get(SCOPE_ALL, id);
    if (!cur) return false;
    await this.users.delete(SCOPE_ALL, id);
    await this.dropSessions(id);
    await this.writeAudit(actor, 'user.delete', 'users', id, cur.agencyId, publicUser(cur), undefined);
    return true;
  }

  /** Sets a new password (and clears any lock); ends the user's other sessions. */
  async setPassword(actor: string, id: string, password: string): Promise<void> {
    const hash = await hashPassword(password, this.scrypt);
    await this.lock.run(id.toLowerCase(), async () => {
      const cur = await this.users.get(SCOPE_ALL, id);
      if (!cur) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'user', id });
      const { version, lockedUntil: _l, ...next } = cur;
      await this.users.put(
        SCOPE_ALL,
        { ...next, passwordHash: hash, passwordChangedAt: this.now(), failedLogins: 0 },
        { expectedVersion: version },
      );
      await this.dropSessions(id);
      await this.writeAudit(actor, 'user.password', 'users', id, cur.agencyId, undefined, undefined);
    });
  }

  /** Clears a lockout. */
  async unlock(actor: string, id: string): Promise<void> {
    await this.lock.run(id.toLowerCase(), async () => {
      const cur = await this.users.get(SCOPE_ALL, id);
      if (!cur) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'user', id });
      const { version, lockedUntil: _l, ...next } = cur;
      await this.users.put(SCOPE_ALL, { ...next, failedLogins: 0 }, { expectedVersion: version });
      await this.writeAudit(actor, 'user.unlock', 'users', id, cur.agencyId, undefined, undefined);
    });
  }

  /** Checks a password without logging in (e.g. before a user changes their own password). */
  async checkPassword(username: string, password: string): Promise<Versioned<User>> {
    return this.lock.run(username.toLowerCase(), () => this.attempt(username, password));
  }

  /** Logs in: a session token for the cookie and a CSRF token for the double-submit header. */
  async login(username: string, password: string): Promise<LoginResult> {
    const user = await this.checkPassword(username, password);
    return this.newSession(user);
  }

  /**
   * Signs in a user an identity provider vouched for: their local user is created on first sign-in (no usable
   * password) and their role and agency follow the provider's claims on each sign-in. A local account of the same
   * name that the provider does not own (a password user, or another subject) is never taken over; a disabled
   * user stays refused.
   */
  async loginExternal(id: ExternalIdentity): Promise<LoginResult> {
    checkRoleAgency(id.role, id.agencyId);
    const user = await this.lock.run(id.username.toLowerCase(), async () => {
      const cur = await this.users.get(SCOPE_ALL, id.username);
      const actor = `oidc:${id.issuer}`;
      if (!cur) {
        const now = this.now();
        const made: User = {
          id: id.username,
          username: id.username,
          role: id.role,
          ...(id.agencyId ? { agencyId: id.agencyId } : {}),
          disabled: false,
          createdAt: now,
          // Random and forgotten: such users cannot sign in with a password.
          passwordHash: await hashPassword(randomBytes(32).toString('base64url'), this.scrypt),
          passwordChangedAt: now,
          failedLogins: 0,
          external: { issuer: id.issuer, subject: id.subject },
        };
        const saved = await this.users.put(SCOPE_ALL, made, { expectedVersion: 0 });
        await this.writeAudit(actor, 'user.create', 'users', made.id, made.agencyId, undefined, publicUser(saved));
        return saved;
      }
      if (cur.external?.issuer !== id.issuer || cur.external.subject !== id.subject) {
        log.warn(
          { user: id.username, issuer: id.issuer },
          'Identity provider sign-in refused: a local account of that name is not owned by this provider subject',
        );
        throw this.refuse('failed', id.username);
      }
      if (cur.disabled) throw this.refuse('failed', id.username);
      if (cur.role === id.role && cur.agencyId === id.agencyId) return cur;
      const { version, ...next } = cur;
      next.role = id.role;
      if (id.agencyId) next.agencyId = id.agencyId;
      else delete next.agencyId;
      const saved = await this.users.put(SCOPE_ALL, next, { expectedVersion: version });
      await this.dropSessions(cur.id);
      await this.writeAudit(actor, 'user.update', 'users', cur.id, saved.agencyId, publicUser(cur), publicUser(saved));
      return saved;
    });
    logins.labels('external').inc();
    return this.newSession(user);
  }

  private async newSession(user: Versioned<User>): Promise<LoginResult> {
    const sessionToken = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const lifetime = await this.sessionLifetime();
    const now = this.now();
    const session: SessionDoc = {
      id: sha256(sessionToken),
      userId: user.id,
      csrfHash: sha256(csrfToken),
      createdAt: now,
      expiresAt: now + lifetime,
    };
    await this.sessions.put(SCOPE_ALL, { ...session, ...(user.agencyId ? { agencyId: user.agencyId } : {}) });
    return { principal: this.principalOf(user, session), sessionToken, csrfToken, expiresAt: session.expiresAt };
  }

  /** One serialised attempt: refuse when locked, count the failure, then verify. */
  private async attempt(username: string, password: string): Promise<Versioned<User>> {
    const now = this.now();
    const user = await this.users.get(SCOPE_ALL, username);
    if (!user) {
      // Same cost and same lockout behaviour as a real account: names cannot be told apart by probing.
      const g = this.ghostFailures.get(username) ?? { count: 0, lockedUntil: 0 };
      if (g.lockedUntil > now) throw this.refuse('locked', username);
      if (g.lockedUntil !== 0) g.count = 0;
      g.count += 1;
      g.lockedUntil = g.count >= this.maxFailures ? now + this.lockMs : 0;
      if (this.ghostFailures.size > 10_000) this.ghostFailures.clear();
      this.ghostFailures.set(username, g);
      this.dummyHash ??= hashPassword('not a password', this.scrypt);
      await verifyPassword(password, await this.dummyHash);
      throw this.refuse('failed', username);
    }
    if (user.lockedUntil !== undefined && user.lockedUntil > now) throw this.refuse('locked', username);
    const { version, lockedUntil, ...base } = user;
    const failedBefore = lockedUntil !== undefined ? 0 : user.failedLogins; // an expired lock starts afresh
    const counted = await this.users.put(
      SCOPE_ALL,
      { ...base, failedLogins: failedBefore + 1 },
      { expectedVersion: version },
    );
    const ok = !user.disabled && (await verifyPassword(password, user.passwordHash));
    if (ok) {
      const { version: v2, ...rest } = counted;
      return this.users.put(SCOPE_ALL, { ...rest, failedLogins: 0 }, { expectedVersion: v2 });
    }
    if (counted.failedLogins >= this.maxFailures) {
      const { version: v2, ...rest } = counted;
      await this.users.put(SCOPE_ALL, { ...rest, lockedUntil: now + this.lockMs }, { expectedVersion: v2 });
      log.warn({ user: username, failures: counted.failedLogins }, 'Account locked after repeated login failures');
      await this.writeAudit('system', 'user.lock', 'users', user.id, user.agencyId, undefined, {
        lockedUntil: now + this.lockMs,
      });
    }
    throw this.refuse('failed', username);
  }

  private refuse(outcome: 'failed' | 'locked', username: string): CanhgacError {
    logins.labels(outcome).inc();
    log.info({ user: username, outcome }, 'Login refused');
    return outcome === 'locked' ? apiError('CANHGAC_ERR_API_LOCKED') : apiError('CANHGAC_ERR_API_LOGIN_FAILED');
  }

  private principalOf(user: User, session: SessionDoc): Principal {
    return {
      kind: 'user',
      id: user.id,
      role: user.role,
      ...(user.agencyId ? { agencyId: user.agencyId } : {}),
      sessionId: session.id,
      csrfHash: session.csrfHash,
    };
  }

  /** The caller of a session cookie, or undefined (expired, unknown, user disabled or gone). */
  async authenticateSession(token: string): Promise<Principal | undefined> {
    if (token.length < 20 || token.length > 200) return undefined;
    const s = await this.sessions.get(SCOPE_ALL, sha256(token));
    if (!s) return undefined;
    // The lifetime in force now counts from login: shortening sessionHours ends open sessions that are older.
    if (s.createdAt + (await this.sessionLifetime()) <= this.now()) {
      await this.sessions.delete(SCOPE_ALL, s.id);
      return undefined;
    }
    const user = await this.users.get(SCOPE_ALL, s.userId);
    if (!user || user.disabled) return undefined;
    return this.principalOf(user, s);
  }

  /** Session lifetime in ms: the `sessionHours` setting if set, else the configured one. */
  private async sessionLifetime(): Promise<number> {
    const hours = this.settings ? (await this.settings.get()).sessionHours : undefined;
    return hours !== undefined ? hours * 3_600_000 : this.sessionMs;
  }

  /** Ends a session. */
  async logout(sessionId: string): Promise<void> {
    await this.sessions.delete(SCOPE_ALL, sessionId);
  }

  private async dropSessions(userId: string): Promise<void> {
    // All first, then delete: deleting while paging could move the cursor past documents not yet read.
    for (const s of await listAll(this.sessions, SCOPE_ALL, { userId })) await this.sessions.delete(SCOPE_ALL, s.id);
  }

  /** The caller of a bearer API key, or undefined. */
  async authenticateKey(key: string): Promise<Principal | undefined> {
    if (key.length < 16 || key.length > 500) return undefined;
    const doc = await this.keys.get(SCOPE_ALL, keyIdOf(key));
    if (!doc || !sameHex(doc.hash, sha256(key))) return undefined;
    noteKeyUse(this.keys, doc, this.now());
    return { kind: 'key', id: doc.id, role: doc.role, ...(doc.agencyId ? { agencyId: doc.agencyId } : {}) };
  }

  /** Creates an API key; the key itself is returned once and only its sha256 is kept. */
  async createKey(
    actor: string,
    scope: Scope,
    input: { name: string; role: Role; agencyId?: string },
    presetKey?: string,
  ): Promise<{ key: string; doc: Versioned<ApiKeyDoc> }> {
    if (input.role !== 'intake') checkRoleAgency(input.role, input.agencyId);
    else if (!input.agencyId) throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'an intake key needs an agency' });
    const key = presetKey ?? `cgk_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    const doc: ApiKeyDoc = {
      id: keyIdOf(key),
      name: input.name,
      role: input.role,
      ...(input.agencyId ? { agencyId: input.agencyId } : {}),
      hash: sha256(key),
      createdAt: this.now(),
      createdBy: actor,
    };
    const saved = await this.keys.put(scope, doc, { expectedVersion: 0 });
    await this.writeAudit(actor, 'api_key.create', 'api_keys', doc.id, doc.agencyId, undefined, publicKey(saved));
    return { key, doc: saved };
  }

  /** Revokes (deletes) an API key visible to the scope. */
  async revokeKey(actor: string, scope: Scope, id: string): Promise<boolean> {
    const cur = await this.keys.get(scope, id);
    if (!cur) return false;
    await this.keys.delete(scope, id);
    await this.writeAudit(actor, 'api_key.revoke', 'api_keys', id, cur.agencyId, publicKey(cur), undefined);
    return true;
  }

  /** First start, no admin yet: CANHGAC_ADMIN_PASSWORD makes user `admin`, CANHGAC_BOOTSTRAP_API_KEY an admin key. */
  async bootstrap(env: Record<string, string | undefined> = process.env): Promise<string[]> {
    const admins = await this.users.list(SCOPE_ALL, { filter: { role: 'admin' }, size: 1 });
    const adminKeys = await this.keys.list(SCOPE_ALL, { filter: { role: 'admin' }, size: 1 });
    if (admins.docs.length > 0 || adminKeys.docs.length > 0) return [];
    const made: string[] = [];
    const password = env.CANHGAC_ADMIN_PASSWORD;
    if (password) {
      await this.createUser('bootstrap', { username: 'admin', password, role: 'admin' });
      made.push('user admin');
    }
    const key = env.CANHGAC_BOOTSTRAP_API_KEY;
    if (key) {
      if (key.length < 32)
        throw apiError('CANHGAC_ERR_API_VALIDATION', {
          reason: 'CANHGAC_BOOTSTRAP_API_KEY is shorter than 32 characters',
        });
      await this.createKey('bootstrap', SCOPE_ALL, { name: 'bootstrap', role: 'admin' }, key);
      made.push('admin API key');
    }
    if (made.length) log.info({ created: made }, 'Bootstrap created the first administrator');
    return made;
  }
}

/** Agency admins belong to one agency; admins and analysts to none (they work province-wide). */
function checkRoleAgency(role: Role, agencyId: string | undefined): void {
  if (role === 'agency_admin' && !agencyId)
    throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'an agency_admin needs an agencyId' });
  if ((role === 'admin' || role === 'analyst') && agencyId)
    throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: `an ${role} works province-wide and takes no agencyId` });
}
