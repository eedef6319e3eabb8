/**
 * The compliance view per agency (reports/compliance): GET /api/v1/compliance for a period (a week `2026-W50`, a
 * half-year `2026-H2`; default the current half-year up to now), and PUT /api/v1/compliance/systems to say that
 * Decree 53/2022/NĐ-CP applies to a system (12 months of logs; the store's retention follows at once). An
 * agency-bound caller sees and flags only its own agency's systems (the store scope).
 */
import { buildCompliance, setSystemFlags, syncRetentionFloor } from '../../reports/compliance/compliance.js';
import { halfOf, parseHalf, parseWeek } from '../../reports/period.js';
import type { Ctx, RouteDef } from '../context.js';
import { apiError } from '../errors.js';

/** The configured `store.retentionDays` (the service sets it; the setting overrides it). */
export const complianceRouteOptions: { configuredRetentionDays?: number } = {};

/** The period of a label (`2026-W50`, `2026-H2`), default the current half-year; `to` never after now. */
export function periodRange(label: unknown, now = Date.now()): { from: number; to: number; label: string } {
  let p: { from: number; to: number; label: string };
  try {
    p =
      typeof label === 'string' && label !== '' ? (/W/.test(label) ? parseWeek(label) : parseHalf(label)) : halfOf(now);
  } catch (err) {
    throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: `period: ${(err as Error).message}` });
  }
  return { from: p.from, to: Math.max(p.from, Math.min(p.to, now)), label: p.label };
}

async function get(ctx: Ctx) {
  const q = ctx.query;
  const requested =
    typeof q.agencyId === 'string' && q.agencyId !== '' && q.agencyId !== 'all' ? q.agencyId : undefined;
  const agencyId = ctx.scope.kind === 'agency' ? ctx.scope.agencyId : requested;
  const p = periodRange(q.period);
  // The floor follows the flags even when nobody changed them through this API (an older deployment).
  await syncRetentionFloor(ctx.svc.stores);
  const model = await buildCompliance(ctx.svc.stores, {
    scope: ctx.scope,
    ...(agencyId !== undefined ? { agencyId } : {}),
    from: p.from,
    to: p.to,
    ...(complianceRouteOptions.configuredRetentionDays !== undefined
      ? { configuredRetentionDays: complianceRouteOptions.configuredRetentionDays }
      : {}),
  });
  return { body: { period: p.label, ...model } };
}

async function putSystem(ctx: Ctx) {
  const b = ctx.body as { agencyId?: string; system: string; decree53: boolean };
  const agencyId = ctx.scope.kind === 'agency' ? ctx.scope.agencyId : b.agencyId;
  if (!agencyId) throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'agencyId: required' });
  const saved = await setSystemFlags(
    ctx.svc.stores,
    ctx.scope,
    { agencyId, system: b.system, decree53: b.decree53 },
    ctx.actor,
  );
  await ctx.svc.auth.writeAudit(ctx.actor, 'compliance.system', 'compliance_systems', saved.id, agencyId, undefined, {
    system: b.system,
    decree53: b.decree53,
  });
  return { body: saved };
}

/** Routes of this file. */
export const complianceRoutes: RouteDef[] = [
  { method: 'get', path: '/api/v1/compliance', operationId: 'getCompliance', handle: get },
  { method: 'put', path: '/api/v1/compliance/systems', operationId: 'putComplianceSystem', handle: putSystem },
];
