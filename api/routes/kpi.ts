/**
 * The KPI feed of the provincial operations centre (IOC): GET /api/v1/kpi, the current week's (or half-year's)
 * security KPIs as one JSON document (docs/kpi.schema.json). Province-wide callers may narrow it to an agency; an
 * agency-bound caller always gets its own agency's. Nothing personal is in it (reports/kpi.ts).
 */
import { buildKpi } from '../../reports/kpi.js';
import type { Ctx, RouteDef } from '../context.js';

async function handle(ctx: Ctx) {
  const q = ctx.query;
  const requested =
    typeof q.agencyId === 'string' && q.agencyId !== '' && q.agencyId !== 'all' ? q.agencyId : undefined;
  const agencyId = ctx.scope.kind === 'agency' ? ctx.scope.agencyId : requested;
  const { kpi } = await buildKpi(ctx.svc.stores, {
    scope: ctx.scope,
    ...(agencyId !== undefined ? { agencyId } : {}),
    period: q.period === 'half' ? 'half' : 'week',
  });
  ctx.res.setHeader('Cache-Control', 'no-store');
  return { body: kpi };
}

/** Routes of this file. */
export const kpiRoutes: RouteDef[] = [{ method: 'get', path: '/api/v1/kpi', operationId: 'kpi', handle }];
