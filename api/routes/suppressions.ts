/**
 * Suppressions: an agency's alerts (of one rule, one host, or all) raise no incident until the suppression
 * expires; each has a reason and an end, is audited when made and removed, and an agency admin sees and manages
 * only its own agency's (the Scope does it). Rule exceptions (rule-exceptions.ts) are the same documents.
 */

import type { Suppression } from '../../incidents/types.js';
import { type Ctx, pageBody, type RouteDef } from '../context.js';
import { apiError } from '../errors.js';

/** Longest suppression: a year (a forgotten one hides attacks; it can be made again). */
const MAX_MS = 366 * 86_400_000;

function agencyOf(ctx: Ctx, given: string | undefined): string {
  if (ctx.scope.kind === 'agency') {
    if (given !== undefined && given !== ctx.scope.agencyId)
      throw apiError('CANHGAC_ERR_API_FORBIDDEN', { action: 'suppress alerts of another agency' });
    return ctx.scope.agencyId;
  }
  if (!given) throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'body/agencyId is required' });
  return given;
}

/** Routes of this file. */
export const suppressionRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/suppressions',
    operationId: 'listSuppressions',
    handle: async ({ svc, scope, query }) => {
      const page = await svc.incidents.suppressions.list(scope, {
        sort: { field: 'createdAt', order: 'desc' },
        size: 1000,
        ...(typeof query.agencyId === 'string' ? { filter: { agencyId: query.agencyId } } : {}),
      });
      const now = Date.now();
      const all = query.expired === true || query.expired === 'true';
      return pageBody({ docs: page.docs.filter((s) => all || s.expiresAt > now) });
    },
  },
  {
    method: 'post',
    path: '/api/v1/suppressions',
    operationId: 'createSuppression',
    handle: async (ctx) => {
      const b = ctx.body as { agencyId?: string; ruleId?: string; host?: string; reason: string; expiresAt: string };
      const agencyId = agencyOf(ctx, b.agencyId);
      const expiresAt = Date.parse(b.expiresAt);
      const now = Date.now();
      if (!(expiresAt > now)) throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'body/expiresAt is in the past' });
      if (expiresAt > now + MAX_MS)
        throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'body/expiresAt is more than a year away' });
      if (b.ruleId && !(await ctx.svc.rules.get(b.ruleId)))
        throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: `body/ruleId: no rule ${b.ruleId}` });
      const reason = b.reason.trim();
      if (reason.length < 3) throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'body/reason is too short' });
      const s: Omit<Suppression, 'id' | 'createdAt'> = {
        agencyId,
        ...(b.ruleId ? { ruleId: b.ruleId } : {}),
        ...(b.host?.trim() ? { host: b.host.trim() } : {}),
        reason,
        expiresAt,
        createdBy: ctx.actor,
      };
      return { status: 201, body: await ctx.svc.incidents.suppress(ctx.scope, s) };
    },
  },
  {
    method: 'delete',
    path: '/api/v1/suppressions/:id',
    operationId: 'deleteSuppression',
    handle: async ({ svc, scope, params, actor }) => {
      const cur = await svc.incidents.suppressions.get(scope, params.id!);
      if (!cur) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'suppression', id: params.id });
      await svc.incidents.suppressions.delete(scope, cur.id, { expectedVersion: cur.version });
      await svc.auth.writeAudit(actor, 'suppression.delete', 'suppressions', cur.id, cur.agencyId, cur, undefined);
      return { status: 204 };
    },
  },
];
