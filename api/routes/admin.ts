/**
 * Users, API keys and settings: administrators; agency admins for their own agency's accounts (user-scope.ts); a
 * user changing their own password.
 */
import {
  DEFAULT_SETTINGS as RUNTIME_DEFAULTS,
  SETTINGS_ID,
  type SettingsDoc,
  settingsFor,
} from '../../core/settings.js';
import type { Versioned } from '../../store/types.js';
import type { Role } from '../auth/roles.js';
import { type ApiKeyDoc, publicKey, publicUser, type User } from '../auth/service.js';
import { type Ctx, pageBody, paging, type RouteDef } from '../context.js';
import { apiError } from '../errors.js';
import { checkGrant, checkNotSelf, managedAgency } from './user-scope.js';

/** Settings every deployment starts with (the document `settings/global`; core/settings.ts reads it). */
export const DEFAULT_SETTINGS: Record<string, unknown> = { ...RUNTIME_DEFAULTS };

/** The user of the path in the caller's scope, or 404 (another agency's users look absent). */
async function inScope(ctx: Ctx): Promise<Versioned<User>> {
  const u = await ctx.svc.auth.users.get(ctx.scope, ctx.params.id!);
  if (!u) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'user', id: ctx.params.id });
  return u;
}

/** Routes of this file. */
export const adminRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/users',
    operationId: 'listUsers',
    handle: async ({ svc, scope, query }) =>
      pageBody<User>(await svc.auth.users.list(scope, paging(query)), publicUser),
  },
  {
    method: 'post',
    path: '/api/v1/users',
    operationId: 'createUser',
    handle: async (ctx) => {
      const b = ctx.body as { username: string; password: string; role: Role; agencyId?: string };
      const agencyId = checkGrant(ctx, b.role, b.agencyId);
      const input = { username: b.username, password: b.password, role: b.role, ...(agencyId ? { agencyId } : {}) };
      return { status: 201, body: publicUser(await ctx.svc.auth.createUser(ctx.actor, input)) };
    },
  },
  {
    method: 'get',
    path: '/api/v1/users/:id',
    operationId: 'getUser',
    handle: async ({ svc, scope, params }) => {
      const u = await svc.auth.users.get(scope, params.id!);
      if (!u) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'user', id: params.id });
      return { body: publicUser(u) };
    },
  },
  {
    method: 'patch',
    path: '/api/v1/users/:id',
    operationId: 'updateUser',
    handle: async (ctx) => {
      const b = ctx.body as { role?: Role; agencyId?: string | null; disabled?: boolean };
      const cur = await inScope(ctx);
      checkNotSelf(ctx, cur, b);
      if (managedAgency(ctx) !== undefined) checkGrant(ctx, b.role, b.agencyId);
      return { body: publicUser(await ctx.svc.auth.updateUser(ctx.actor, cur.id, b)) };
    },
  },
  {
    method: 'delete',
    path: '/api/v1/users/:id',
    operationId: 'deleteUser',
    handle: async (ctx) => {
      const cur = await inScope(ctx);
      checkNotSelf(ctx, cur, { delete: true });
      if (!(await ctx.svc.auth.deleteUser(ctx.actor, cur.id)))
        throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'user', id: ctx.params.id });
      return { status: 204 };
    },
  },
  {
    method: 'post',
    path: '/api/v1/users/:id/password',
    operationId: 'setPassword',
    handle: async ({ svc, scope, params, body, principal, actor }) => {
      const b = body as { password: string; currentPassword?: string };
      const self = principal?.kind === 'user' && principal.id === params.id;
      // A province admin resets anyone's; an agency admin the accounts of its own agency (other than its own).
      const admin =
        principal?.role === 'admin' ||
        (principal?.role === 'agency_admin' && !self && (await svc.auth.users.get(scope, params.id!)) !== undefined);
      if (!self && !admin) throw apiError('CANHGAC_ERR_API_FORBIDDEN', { action: "set another user's password" });
      if (!admin) {
        // Someone holding a stolen session must still know the password to change it.
        if (!b.currentPassword) throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'currentPassword is required' });
        await svc.auth.checkPassword(params.id!, b.currentPassword);
      }
      await svc.auth.setPassword(actor, params.id!, b.password);
      return { status: 204 };
    },
  },
  {
    method: 'post',
    path: '/api/v1/users/:id/unlock',
    operationId: 'unlockUser',
    handle: async (ctx) => {
      await ctx.svc.auth.unlock(ctx.actor, (await inScope(ctx)).id);
      return { status: 204 };
    },
  },
  {
    method: 'get',
    path: '/api/v1/api-keys',
    operationId: 'listApiKeys',
    handle: async ({ svc, scope, query }) =>
      // Agents' intake keys are managed on the Agencies page; here the keys of people and programs.
      pageBody<ApiKeyDoc>(await svc.auth.keys.list(scope, paging(query)), publicKey),
  },
  {
    method: 'post',
    path: '/api/v1/api-keys',
    operationId: 'createApiKey',
    handle: async (ctx) => {
      const b = ctx.body as { name: string; role: Role; agencyId?: string };
      const agencyId = checkGrant(ctx, b.role, b.agencyId);
      const input = { name: b.name, role: b.role, ...(agencyId ? { agencyId } : {}) };
      const made = await ctx.svc.auth.createKey(ctx.actor, ctx.scope, input);
      return { status: 201, body: { key: made.key, apiKey: publicKey(made.doc) } };
    },
  },
  {
    method: 'delete',
    path: '/api/v1/api-keys/:id',
    operationId: 'revokeApiKey',
    handle: async ({ svc, scope, params, actor }) => {
      if (!(await svc.auth.revokeKey(actor, scope, params.id!)))
        throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'API key', id: params.id });
      return { status: 204 };
    },
  },
  {
    method: 'get',
    path: '/api/v1/settings',
    operationId: 'getSettings',
    handle: async ({ svc, scope }) => {
      const doc = await svc.stores.state.collection<SettingsDoc>('settings').get(scope, SETTINGS_ID);
      return { body: { version: doc?.version ?? 0, values: { ...DEFAULT_SETTINGS, ...(doc?.values ?? {}) } } };
    },
  },
  {
    method: 'put',
    path: '/api/v1/settings',
    operationId: 'putSettings',
    handle: async ({ svc, scope, body, actor }) => {
      const b = body as { values: Record<string, unknown>; version?: number };
      const coll = svc.stores.state.collection<SettingsDoc>('settings');
      const before = await coll.get(scope, SETTINGS_ID);
      const values: Record<string, unknown> = { ...(before?.values ?? {}) };
      // The body is validated against SettingsUpdate (known keys, types); null resets a key to its default.
      for (const [k, v] of Object.entries(b.values)) {
        if (v === null) delete values[k];
        else values[k] = v;
      }
      // Retention may not undercut the legal minimum the compliance view keeps (reports/compliance).
      const minimum = values.retentionMinimumDays;
      if (typeof values.retentionDays === 'number' && typeof minimum === 'number' && values.retentionDays < minimum)
        throw apiError('CANHGAC_ERR_API_VALIDATION', {
          reason: `values.retentionDays: at least ${minimum} days are required by law for the information systems in the inventory (Circular 12/2022/TT-BTTTT; 12 months under Decree 53/2022/ND-CP), see GET /api/v1/compliance`,
        });
      const saved = await coll.put(
        scope,
        { id: SETTINGS_ID, values },
        b.version !== undefined ? { expectedVersion: b.version } : {},
      );
      // This process acts on the change at once; other processes within the cache TTL (core/settings.ts).
      const cache = settingsFor(svc.stores.state);
      cache.invalidate();
      await cache.get();
      await svc.auth.writeAudit(actor, 'settings.update', 'settings', SETTINGS_ID, undefined, before?.values, values);
      return { body: { version: saved.version, values: { ...DEFAULT_SETTINGS, ...values } } };
    },
  },
];
