/**
 * Saved searches: a name, the query, the range and the chosen columns; private to their owner or shared with the
 * owner's tenancy. Tenancy is the store's: an agency user's searches carry its agency (put in its Scope), so no
 * other agency can list or read them; province-wide searches carry none and no agency user sees them. Within a
 * tenancy a private search is its owner's only.
 */
import { newEventId } from '../../core/ids.js';
import type { Ctx, RouteDef } from '../context.js';
import { apiError } from '../errors.js';

/** A stored saved search. */
export interface SavedSearch {
  id: string;
  agencyId?: string;
  owner: string;
  name: string;
  q: string;
  range?: string;
  columns?: string[];
  shared: boolean;
  createdAt: number;
}

const coll = (ctx: Ctx) => ctx.svc.stores.state.collection<SavedSearch>('saved_searches');

/** Routes of this file. */
export const savedSearchRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/saved-searches',
    operationId: 'listSavedSearches',
    handle: async (ctx) => {
      const out: SavedSearch[] = [];
      let after: string | undefined;
      do {
        const page = await coll(ctx).list(ctx.scope, { size: 1000, ...(after ? { after } : {}) });
        for (const s of page.docs) if (s.shared || s.owner === ctx.actor) out.push(s);
        after = page.next;
      } while (after && out.length < 5000);
      out.sort((a, b) => a.name.localeCompare(b.name));
      return { body: { items: out } };
    },
  },
  {
    method: 'post',
    path: '/api/v1/saved-searches',
    operationId: 'createSavedSearch',
    handle: async (ctx) => {
      const b = ctx.body as { name: string; q: string; range?: string; columns?: string[]; shared?: boolean };
      const doc: SavedSearch = {
        id: newEventId(),
        ...(ctx.scope.kind === 'agency' ? { agencyId: ctx.scope.agencyId } : {}),
        owner: ctx.actor,
        name: b.name.trim(),
        q: b.q,
        ...(b.range ? { range: b.range } : {}),
        ...(b.columns ? { columns: b.columns } : {}),
        shared: b.shared ?? false,
        createdAt: Date.now(),
      };
      const saved = await coll(ctx).put(ctx.scope, doc, { expectedVersion: 0 });
      await ctx.svc.auth.writeAudit(
        ctx.actor,
        'saved_search.create',
        'saved_searches',
        doc.id,
        doc.agencyId,
        undefined,
        doc,
      );
      return { status: 201, body: saved };
    },
  },
  {
    method: 'delete',
    path: '/api/v1/saved-searches/:id',
    operationId: 'deleteSavedSearch',
    handle: async (ctx) => {
      const cur = await coll(ctx).get(ctx.scope, ctx.params.id!);
      if (!cur || (!cur.shared && cur.owner !== ctx.actor))
        throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'saved search', id: ctx.params.id });
      if (cur.owner !== ctx.actor && ctx.principal?.role !== 'admin')
        throw apiError('CANHGAC_ERR_API_FORBIDDEN', { action: "delete another user's saved search" });
      await coll(ctx).delete(ctx.scope, cur.id, { expectedVersion: cur.version });
      await ctx.svc.auth.writeAudit(
        ctx.actor,
        'saved_search.delete',
        'saved_searches',
        cur.id,
        cur.agencyId,
        cur,
        undefined,
      );
      return { status: 204 };
    },
  },
];
