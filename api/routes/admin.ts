/** Users, API keys and settings (administrators only, except a user changing their own password). */
import {
  DEFAULT_SETTINGS as RUNTIME_DEFAULTS,
  SETTINGS_ID,
  type SettingsDoc,
  settingsFor,
} from '../../core/settings.js';
import { SCOPE_ALL } from '../../store/types.js';
import type { Role } from '../auth/roles.js';
import { type ApiKeyDoc, publicKey, publicUser, type User } from '../auth/service.js';
import { pageBody, paging, type RouteDef } from '../context.js';
import { apiError } from '../errors.js';

/** Settings every deployment starts with (the document `settings/global`; core/settings.ts reads it). */
export const DEFAULT_SETTINGS: Record<string, unknown> = { ...RUNTIME_DEFAULTS };

/** Routes of this file. */
export const adminRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/users',
    operationId: 'listUsers',
    handle: async ({ svc, query }) => pageBody<User>(await svc.auth.users.list(SCOPE_ALL, paging(query)), publicUser),
  },
  {
    method: 'post',
    path: '/api/v1/users',
    operationId: 'createUser',
    handle: async ({ svc, body, actor }) => {
      const b = body as { username: string; password: string; role: Role; agencyId?: string };
      return { status: 201, body: publicUser(await svc.auth.createUser(actor, b)) };
    },
  },
  {
    method: 'get',
    path: '/api/v1/users/:id',
    operationId: 'getUser',
    handle: async ({ svc, params }) => {
      const u = await svc.auth.users.get(SCOPE_ALL, params.id!);
      if (!u) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'user', id: params.id });
      return { body: publicUser(u) };
    },
  },
  {
    method: 'patch',
    path: '/api/v1/users/:id',
    operationId: 'updateUser',
    handle: async ({ svc, params, body, actor }) => ({
      body: publicUser(
        await svc.auth.updateUser(
          actor,
          params.id!,
          body as { role?: Role; agencyId?: string | null; disabled?: boolean },
        ),
      ),
    }),
  },
  {
    method: 'delete',
    path: '/api/v1/users/:id',
    operationId: 'deleteUser',
    handle: async ({ svc, params, actor }) => {
      if (!(await svc.auth.deleteUser(actor, params.id!)))
        throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'user', id: params.id });
      return { status: 204 };
    },
  },
  {
    method: 'post',
    path: '/api/v1/users/:id/password',
    operationId: 'setPassword',
    handle: async ({ svc, params, body, principal, actor }) => {
      const b = body as { password: string; currentPassword?: string };
      const self = principal?.kind === 'user' && principal.id === params.id;
      const admin = principal?.role === 'admin';
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
    handle: async ({ svc, params, actor }) => {
      await svc.auth.unlock(actor, params.id!);
      return { status: 204 };
    },
  },
  {
    method: 'get',
    path: '/api/v1/api-keys',
    operationId: 'listApiKeys',
    handle: async ({ svc, query }) =>
      pageBody<ApiKeyDoc>(await svc.auth.keys.list(SCOPE_ALL, paging(query)), publicKey),
  },
  {
    method: 'post',
    path: '/api/v1/api-keys',
    operationId: 'createApiKey',
    handle: async ({ svc, body, actor }) => {
      const made = await svc.auth.createKey(actor, SCOPE_ALL, body as { name: string; role: Role; agencyId?: string });
      return { status: 201, body: { key: made.key, apiKey: publicKey(made.doc) } };
    },
  },
  {
    method: 'delete',
    path: '/api/v1/api-keys/:id',
    operationId: 'revokeApiKey',
    handle: async ({ svc, params, actor }) => {
      if (!(await svc.auth.revokeKey(actor, SCOPE_ALL, params.id!)))
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
