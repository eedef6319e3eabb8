/** Health, metrics, the OpenAPI document, login and logout. */
import { metricsText, registry } from '../../core/metrics.js';
import type { Principal } from '../auth/roles.js';
import type { Ctx, RouteDef } from '../context.js';
import { apiError } from '../errors.js';

const SESSION_COOKIE = 'canhgac_session';
const CSRF_COOKIE = 'canhgac_csrf';

function cookie(name: string, value: string, opts: { httpOnly: boolean; secure: boolean; maxAgeS: number }): string {
  return [
    `${name}=${value}`,
    'Path=/',
    'SameSite=Strict',
    `Max-Age=${opts.maxAgeS}`,
    ...(opts.httpOnly ? ['HttpOnly'] : []),
    ...(opts.secure ? ['Secure'] : []),
  ].join('; ');
}

function me(p: Principal, csrfToken?: string): Record<string, unknown> {
  return {
    id: p.id,
    role: p.role,
    kind: p.kind,
    ...(p.agencyId ? { agencyId: p.agencyId } : {}),
    ...(csrfToken ? { csrfToken } : {}),
  };
}

/** Routes of this file. */
export const systemRoutes: RouteDef[] = [
  { method: 'get', path: '/healthz', operationId: 'healthz', handle: async () => ({ body: { status: 'ok' } }) },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readyz',
    handle: async (ctx: Ctx) => {
      let ok = false;
      try {
        ok = await ctx.svc.ready();
      } catch {
        ok = false;
      }
      if (!ok) throw apiError('CANHGAC_ERR_API_UNAVAILABLE', { what: 'The store' });
      return { body: { status: 'ready' } };
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    handle: async ({ res }) => {
      res.setHeader('Content-Type', registry.contentType);
      res.send(await metricsText());
      return undefined;
    },
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    operationId: 'openapi',
    handle: async ({ svc }) => ({ body: svc.spec.document }),
  },
  {
    method: 'post',
    path: '/api/v1/auth/login',
    operationId: 'login',
    handle: async ({ svc, body, res }) => {
      const { username, password } = body as { username: string; password: string };
      const r = await svc.auth.login(username, password);
      const maxAgeS = Math.max(1, Math.floor((r.expiresAt - Date.now()) / 1000));
      res.setHeader('Set-Cookie', [
        cookie(SESSION_COOKIE, r.sessionToken, { httpOnly: true, secure: svc.secureCookies, maxAgeS }),
        cookie(CSRF_COOKIE, r.csrfToken, { httpOnly: false, secure: svc.secureCookies, maxAgeS }),
      ]);
      await svc.auth.writeAudit(
        `user:${r.principal.id}`,
        'session.login',
        'sessions',
        r.principal.id,
        r.principal.agencyId,
      );
      return { body: me(r.principal, r.csrfToken) };
    },
  },
  {
    method: 'post',
    path: '/api/v1/auth/logout',
    operationId: 'logout',
    handle: async ({ svc, principal, res }) => {
      if (principal?.sessionId) await svc.auth.logout(principal.sessionId);
      res.setHeader('Set-Cookie', [
        cookie(SESSION_COOKIE, '', { httpOnly: true, secure: svc.secureCookies, maxAgeS: 0 }),
        cookie(CSRF_COOKIE, '', { httpOnly: false, secure: svc.secureCookies, maxAgeS: 0 }),
      ]);
      return { status: 204 };
    },
  },
  {
    method: 'get',
    path: '/api/v1/auth/me',
    operationId: 'me',
    handle: async ({ principal }) => ({ body: me(principal!) }),
  },
];
