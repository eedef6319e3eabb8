/**
 * Asset inventory (per agency; tenancy in the store), the threat-intel feeds' status, indicator search, and the
 * analysts' local indicator list (who added what, why, until when; every change audited).
 */
import { type Asset, AssetService, validateAsset } from '../../context/assets/assets.js';
import { LocalList, validateLocal } from '../../context/ti/local.js';
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
      const before = await ctx.svc.stores.state.collection<Asset>('assets').get(ctx.scope, r.asset.id);
      const saved = await assets(ctx).put(ctx.scope, r.asset as Asset, ctx.actor);
      await ctx.svc.auth.writeAudit(
        ctx.actor,
        before ? 'asset.update' : 'asset.create',
        'assets',
        saved.id,
        saved.agencyId,
        before,
        saved,
      );
      await ctx.svc.threatIntel?.assetsChanged?.();
      return { body: saved };
    },
  },
  {
    method: 'delete',
    path: '/api/v1/assets/:id',
    operationId: 'deleteAsset',
    handle: async (ctx) => {
      const coll = ctx.svc.stores.state.collection<Asset>('assets');
      const cur = await coll.get(ctx.scope, ctx.params.id!);
      if (!cur || !(await coll.delete(ctx.scope, cur.id)))
        throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'asset', id: ctx.params.id });
      await ctx.svc.auth.writeAudit(ctx.actor, 'asset.delete', 'assets', cur.id, cur.agencyId, cur, undefined);
      await ctx.svc.threatIntel?.assetsChanged?.();
      return { status: 204 };
    },
  },
  {
    method: 'post',
    path: '/api/v1/assets/import',
    operationId: 'importAssets',
    handle: async (ctx) => {
      const body = (ctx.body ?? {}) as Record<string, unknown>;
      if (typeof body.csv !== 'string') throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'csv: required text' });
      const agencyId = agencyOf(ctx, body);
      const r = await assets(ctx).importCsv(ctx.scope, agencyId, body.csv, ctx.actor);
      await ctx.svc.auth.writeAudit(ctx.actor, 'asset.import', 'assets', agencyId, agencyId, undefined, {
        written: r.written,
        problems: r.problems.length,
      });
      await ctx.svc.threatIntel?.assetsChanged?.();
      return { body: r };
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
    path: '/api/v1/threat-intel/search',
    operationId: 'searchIndicators',
    handle: async (ctx) => {
      const value = typeof ctx.query.value === 'string' ? ctx.query.value : '';
      // Without threat intelligence (no feeds configured) nothing can match: an empty answer, not an error.
      if (!ctx.svc.threatIntel?.search) return { body: { value, hits: [], enabled: false } };
      const r = await ctx.svc.threatIntel.search(value);
      if ('error' in r) throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: `value: ${r.error}` });
      if ('unavailable' in r)
        throw apiError('CANHGAC_ERR_API_UNAVAILABLE', { what: 'indicator search (no canhgac worker answered)' });
      return { body: r };
    },
  },
  {
    method: 'get',
    path: '/api/v1/threat-intel/local',
    operationId: 'listLocalIndicators',
    handle: async (ctx) => ({ body: { items: await new LocalList(ctx.svc.stores.state).list() } }),
  },
  {
    method: 'post',
    path: '/api/v1/threat-intel/local',
    operationId: 'addLocalIndicator',
    handle: async (ctx) => {
      const r = validateLocal((ctx.body ?? {}) as Record<string, unknown>, ctx.actor, Date.now());
      if ('problems' in r)
        throw apiError(
          'CANHGAC_ERR_API_VALIDATION',
          { reason: r.problems.map((p) => `${p.field}: ${p.reason}`).join('; ') },
          { details: { problems: r.problems } },
        );
      const list = new LocalList(ctx.svc.stores.state);
      const before = await list.get(r.entry.id);
      const saved = await list.put(r.entry);
      await ctx.svc.auth.writeAudit(
        ctx.actor,
        before ? 'indicator.update' : 'indicator.create',
        'ti_local',
        saved.id,
        undefined,
        before,
        saved,
      );
      await ctx.svc.threatIntel?.localChanged?.();
      return { status: before ? 200 : 201, body: saved };
    },
  },
  {
    method: 'delete',
    path: '/api/v1/threat-intel/local/:id',
    operationId: 'deleteLocalIndicator',
    handle: async (ctx) => {
      const list = new LocalList(ctx.svc.stores.state);
      const cur = await list.get(ctx.params.id!);
      if (!cur || !(await list.remove(cur.id)))
        throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'indicator', id: ctx.params.id });
      await ctx.svc.auth.writeAudit(ctx.actor, 'indicator.delete', 'ti_local', cur.id, undefined, cur, undefined);
      await ctx.svc.threatIntel?.localChanged?.();
      return { status: 204 };
    },
  },
];
