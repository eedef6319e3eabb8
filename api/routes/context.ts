/** Asset inventory (per agency; tenancy in the store) and the threat-intel feeds' status. */
import { type Asset, AssetService, validateAsset } from '../../context/assets/assets.js';
import type { Ctx, RouteDef } from '../context.js';
import { apiError } from '../errors.js';

const assets = (ctx: Ctx) => new AssetService(ctx.svc.stores.state);

/** The agency a write goes to: an agency-bound caller's own, else the body's. */
function agencyOf(ctx: Ctx, body: Record<string, unknown>): string {
  const own = ctx.scope.kind === 'agency' ? ctx.scope.agencyId : undefined;
  const want = typeof body.agencyId === 'string' ? body.agencyId : own;
  if (!want) throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'agencyId: required' });
  return want;
}

/** The routes. */
export const contextRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/assets',
    operationId: 'listAssets',
    handle: async (ctx) => {
      const agencyId = typeof ctx.query.agencyId === 'string' ? ctx.query.agencyId : undefined;
      return { body: { items: await assets(ctx).list(ctx.scope, agencyId) } };
    },
  },
  {
    method: 'put',
    path: '/api/v1/assets',
    operationId: 'putAsset',
    handle: async (ctx) => {
      const body = (ctx.body ?? {}) as Record<string, unknown>;
      const r = validateAsset(body, agencyOf(ctx, body));
      if ('problems' in r)
        throw apiError(
          'CANHGAC_ERR_API_VALIDATION',
          { reason: r.problems.map((p) => `${p.field}: ${p.reason}`).join('; ') },
          { details: { problems: r.problems } },
        );
      return { body: await assets(ctx).put(ctx.scope, r.asset as Asset, ctx.actor) };
    },
  },
  {
    method: 'post',
    path: '/api/v1/assets/import',
    operationId: 'importAssets',
    handle: async (ctx) => {
      const body = (ctx.body ?? {}) as Record<string, unknown>;
      if (typeof body.csv !== 'string') throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'csv: required text' });
      return { body: await assets(ctx).importCsv(ctx.scope, agencyOf(ctx, body), body.csv, ctx.actor) };
    },
  },
  {
    method: 'get',
    path: '/api/v1/assets/learned',
    operationId: 'listLearnedHosts',
    handle: async (ctx) => {
      const agencyId = typeof ctx.query.agencyId === 'string' ? ctx.query.agencyId : undefined;
      return { body: { items: await assets(ctx).learned(ctx.scope, agencyId) } };
    },
  },
  {
    method: 'get',
    path: '/api/v1/threat-intel/feeds',
    operationId: 'listThreatIntelFeeds',
    handle: async (ctx) => ({ body: { items: ctx.svc.threatIntel?.status() ?? [] } }),
  },
];
