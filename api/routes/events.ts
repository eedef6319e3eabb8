/** Event search, one event, dashboard aggregations, and the audit log. */
import type { AuditEntry } from '../../incidents/types.js';
import { parseQuery } from '../../store/query/parse.js';
import type { Aggregation } from '../../store/types.js';
import { filterFrom, pageBody, paging, type RouteDef } from '../context.js';
import { apiError } from '../errors.js';

function range(query: Record<string, unknown>): { from?: number; to?: number } {
  const out: { from?: number; to?: number } = {};
  if (typeof query.from === 'string') out.from = Date.parse(query.from);
  if (typeof query.to === 'string') out.to = Date.parse(query.to);
  if (out.from !== undefined && out.to !== undefined && out.from > out.to)
    throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'from is after to' });
  return out;
}

/** Routes of this file. */
export const eventRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/events',
    operationId: 'searchEvents',
    handle: async ({ svc, scope, query }) => {
      const page = await svc.stores.events.search(scope, {
        query: parseQuery(typeof query.q === 'string' ? query.q : ''),
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
    handle: async ({ svc, scope, query }) => {
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
          query: parseQuery(typeof query.q === 'string' ? query.q : ''),
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
    handle: async ({ svc, scope, query }) =>
      pageBody<AuditEntry>(
        await svc.incidents.audit.list(scope, {
          filter: filterFrom(query, ['collection', 'actor', 'targetId']),
          sort: { field: 'at', order: 'desc' },
          ...paging(query),
        }),
      ),
  },
];
