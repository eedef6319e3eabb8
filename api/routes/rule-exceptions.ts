/**
 * Exceptions of a rule per agency (and host): alerts they cover raise no incident (kept, marked suppressed). They
 * are the incident service's suppressions with a rule id; a change is audited and needs no restart. Also the rule
 * of an incident for everyone who may read the incident (its meaning, response guide and compared fields).
 */
import type { Suppression } from '../../incidents/types.js';
import type { RouteDef } from '../context.js';
import { apiError } from '../errors.js';

/** "Until removed": exceptions without an end stay for a hundred years. */
const FOREVER_MS = 100 * 365 * 86_400_000;

/** Routes of this file. */
export const ruleExceptionRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/rules/:id/exceptions',
    operationId: 'listRuleExceptions',
    handle: async ({ svc, scope, params }) => {
      const page = await svc.incidents.suppressions.list(scope, { filter: { ruleId: params.id! }, size: 1000 });
      const now = Date.now();
      return { body: { items: page.docs.filter((s) => s.expiresAt > now) } };
    },
  },
  {
    method: 'post',
    path: '/api/v1/rules/:id/exceptions',
    operationId: 'createRuleException',
    handle: async ({ svc, scope, params, body, actor }) => {
      const b = body as { agencyId: string; host?: string; reason: string; expiresAt?: string };
      if (!(await svc.rules.get(params.id!)))
        throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'rule', id: params.id });
      if (scope.kind === 'agency' && scope.agencyId !== b.agencyId)
        throw apiError('CANHGAC_ERR_API_FORBIDDEN', { action: 'an exception for another agency' });
      const expiresAt = b.expiresAt ? Date.parse(b.expiresAt) : Date.now() + FOREVER_MS;
      if (expiresAt <= Date.now()) throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'expiresAt is in the past' });
      const s: Omit<Suppression, 'id' | 'createdAt'> = {
        agencyId: b.agencyId,
        ruleId: params.id!,
        ...(b.host ? { host: b.host } : {}),
        reason: b.reason,
        expiresAt,
        createdBy: actor,
      };
      return { status: 201, body: await svc.incidents.suppress(scope, s) };
    },
  },
  {
    method: 'delete',
    path: '/api/v1/rules/:id/exceptions/:exceptionId',
    operationId: 'deleteRuleException',
    handle: async ({ svc, scope, params, actor }) => {
      const cur = await svc.incidents.suppressions.get(scope, params.exceptionId!);
      if (!cur || cur.ruleId !== params.id)
        throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'exception', id: params.exceptionId });
      await svc.incidents.suppressions.delete(scope, cur.id, { expectedVersion: cur.version });
      await svc.auth.writeAudit(actor, 'suppression.delete', 'suppressions', cur.id, cur.agencyId, cur, undefined);
      return { status: 204 };
    },
  },
  {
    method: 'get',
    path: '/api/v1/incidents/:id/rule',
    operationId: 'getIncidentRule',
    handle: async ({ svc, scope, params }) => {
      // The incident first, in the caller's scope: an out-of-scope incident reveals nothing of its rule.
      const inc = await svc.incidents.incidents.get(scope, params.id!);
      if (!inc) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'incident', id: params.id });
      const rule = await svc.rules.get(inc.ruleId);
      if (!rule) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'rule', id: inc.ruleId });
      return { body: rule };
    },
  },
];
