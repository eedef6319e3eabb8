/** Event search, one event, dashboard aggregations, and the audit log. */

import type { QueryNode } from '../../core/event/query.js';
import type { AuditEntry, Incident } from '../../incidents/types.js';
import { parseQuery } from '../../store/query/parse.js';
import type { Aggregation } from '../../store/types.js';
import { type Ctx, filterFrom, paging, type RouteDef } from '../context.js';
import { apiError } from '../errors.js';
import { withAuditNames } from './audit-names.js';

function range(query: Record<string, unknown>): { from?: number; to?: number } {
  const out: { from?: number; to?: number } = {};
  if (typeof query.from === 'string') out.from = Date.parse(query.from);
  if (typeof query.to === 'string') out.to = Date.parse(query.to);
  if (out.from !== undefined && out.to !== undefined && out.from > out.to)
    throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'from is after to' });
  return out;
}

/** Largest number of events an `incidentId` filter names (the alerts' event ids, newest alerts first). */
export const INCIDENT_EVENTS_MAX = 10_000;

/**
 * Event ids of incidents recently asked for, by scope, incident and version: the incident page's summary asks
 * five aggregations of one incident at once, and each would otherwise list all of its alerts again. A new alert
 * raises the incident's version, so an entry never answers for a changed incident.
 */
const idCaches = new WeakMap<object, Map<string, { at: number; ids: Promise<Set<string>> }>>();
const ID_CACHE_MS = 10_000;
const ID_CACHE_SIZE = 64;

async function incidentEventIds(ctx: Ctx, inc: Incident & { version: number }): Promise<Set<string>> {
  const key = `${ctx.scope.kind === 'agency' ? ctx.scope.agencyId : '*'}\u0000${inc.id}\u0000${inc.version}`;
  let idCache = idCaches.get(ctx.svc.stores);
  if (!idCache) {
    idCache = new Map();
    idCaches.set(ctx.svc.stores, idCache);
  }
  const hit = idCache.get(key);
  if (hit && Date.now() - hit.at < ID_CACHE_MS) return hit.ids;
  // The promise is kept, not its result: the summary's requests arrive together and share one listing.
  const ids = listEventIds(ctx, inc);
  if (idCache.size >= ID_CACHE_SIZE) idCache.delete(idCache.keys().next().value!);
  idCache.set(key, { at: Date.now(), ids });
  ids.catch(() => idCache.delete(key));
  return ids;
}

async function listEventIds(ctx: Ctx, inc: Incident): Promise<Set<string>> {
  const ids = new Set<string>(inc.eventIds);
  let after: string | undefined;
  do {
    const page = await ctx.svc.incidents.alerts.list(ctx.scope, {
      filter: { incidentId: inc.id },
      sort: { field: 'ts', order: 'desc' },
      size: 1000,
      ...(after ? { after } : {}),
    });
    for (const a of page.docs) for (const e of a.eventIds) ids.add(e);
    after = page.next;
  } while (after && ids.size < INCIDENT_EVENTS_MAX);
  return ids;
}

/**
 * The query of a request: its `q`, and with `incidentId` only the events of that incident's alerts. The incident
 * is read in the caller's scope first, so another agency's incident answers 404 and reveals nothing.
 */
async function queryOf(ctx: Ctx): Promise<QueryNode> {
  const q = parseQuery(typeof ctx.query.q === 'string' ? ctx.query.q : '');
  if (typeof ctx.query.incidentId !== 'string') return q;
  const inc = await ctx.svc.incidents.incidents.get(ctx.scope, ctx.query.incidentId);
  if (!inc) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'incident', id: ctx.query.incidentId });
  const ids = await incidentEventIds(ctx, inc);
  if (ids.size === 0) return { kind: 'none' };
  const only: QueryNode = {
    kind: 'or',
    args: [...ids]
      .slice(0, INCIDENT_EVENTS_MAX)
      .map((id) => ({ kind: 'match', field: 'event.id', parts: [id], cased: true }) as QueryNode),
  };
  return q.kind === 'all' ? only : { kind: 'and', args: [only, q] };
}

/** Routes of this file. */
export const eventRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/events',
    operationId: 'searchEvents',
    handle: async (ctx) => {
      const { svc, scope, query } = ctx;
      const page = await svc.stores.events.search(scope, {
        query: await queryOf(ctx),
        ...range(query),
        sort: { field: '@timestamp', order: query.order === 'asc' ? 'asc' : 'desc' },
        size: typeof query.limit === 'number' ? query.limit : 50,
        ...(typeof query.cursor === 'string' ? { after: query.cursor } : {}),
      });
      return { body: { items: page.events, ...(page.next ? { next: page.next } : {}) } };
    },
  },
  {
    method: 'get',
    path: '/api/v1/events/:id',
    operationId: 'getEvent',
    handle: async ({ svc, scope, params }) => {
      const ev = await svc.stores.events.get(scope, params.id!);
      if (!ev) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'event', id: params.id });
      return { body: ev };
    },
  },
  {
    method: 'get',
    path: '/api/v1/aggregations',
    operationId: 'aggregateEvents',
    handle: async (ctx) => {
      const { svc, scope, query } = ctx;
      let agg: Aggregation;
      if (query.kind === 'terms') {
        if (typeof query.field !== 'string')
          throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'terms needs field' });
        agg = { kind: 'terms', field: query.field, size: query.size as number };
      } else if (query.kind === 'date_histogram') {
        agg = { kind: 'date_histogram', intervalMs: (query.intervalMinutes as number) * 60_000 };
      } else agg = { kind: 'count' };
      return {
        body: await svc.stores.events.aggregate(scope, {
          query: await queryOf(ctx),
          ...range(query),
          agg,
        }),
      };
    },
  },
  {
    method: 'get',
    path: '/api/v1/audit',
    operationId: 'listAudit',
    handle: async (ctx) => {
      const page = await ctx.svc.incidents.audit.list(ctx.scope, {
        filter: filterFrom(ctx.query, ['collection', 'actor', 'targetId']),
        sort: { field: 'at', order: 'desc' },
        ...paging(ctx.query),
      });
      // Names instead of document ids, resolved in the caller's scope (audit-names.ts).
      const items = await withAuditNames(ctx, page.docs as AuditEntry[]);
      return { body: { items, ...(page.next ? { next: page.next } : {}) } };
    },
  },
];
