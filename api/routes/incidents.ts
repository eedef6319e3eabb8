/** Incidents (list, get, update, comments, bulk) and alerts. Scope goes to the store; no agency filter by hand. */
import { CanhgacError } from '../../core/errors.js';
import type { Alert, CloseCategory, Comment, Incident, IncidentState } from '../../incidents/types.js';
import { SCOPE_ALL, type Versioned } from '../../store/types.js';
import type { User } from '../auth/service.js';
import { type Ctx, filterFrom, pageBody, paging, type Reply, type RouteDef } from '../context.js';
import { apiError } from '../errors.js';

interface IncidentPatch {
  state?: IncidentState;
  assignee?: string | null;
  version?: number;
  /** Why it is closed (the console asks for one on high and critical incidents). */
  reason?: string;
  category?: CloseCategory;
}

/**
 * The default order: by id, which every store pages on its primary key. `sort=-lastSeen` (what the console's
 * queue asks for) is an index scan too: the embedded store indexes incidents by lastSeen.
 */
export const DEFAULT_INCIDENT_SORT = { field: 'id', order: 'asc' } as const;

function sortOf(text: unknown): { field: string; order: 'asc' | 'desc' } {
  if (typeof text !== 'string') return DEFAULT_INCIDENT_SORT;
  return text.startsWith('-') ? { field: text.slice(1), order: 'desc' } : { field: text, order: 'asc' };
}

async function applyPatch(ctx: Ctx, id: string, patch: IncidentPatch): Promise<Versioned<Incident>> {
  const svc = ctx.svc.incidents;
  let version = patch.version;
  let result: Versioned<Incident> | undefined;
  if (patch.state !== undefined) {
    result = await svc.transition(ctx.scope, id, patch.state, ctx.actor, version, {
      reason: patch.reason?.trim() || undefined,
      category: patch.category,
    });
    version = result.version;
  }
  if (patch.assignee !== undefined) {
    result = await svc.assign(ctx.scope, id, patch.assignee ?? undefined, ctx.actor, version);
  }
  if (!result) {
    result = await svc.incidents.get(ctx.scope, id);
    if (!result) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'incident', id });
  }
  return result;
}

/** Routes of this file. */
export const incidentRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/incidents',
    operationId: 'listIncidents',
    handle: async ({ svc, scope, query }): Promise<Reply> =>
      pageBody(
        await svc.incidents.incidents.list(scope, {
          filter: {
            ...filterFrom(query, ['severity', 'agencyId', 'assignee', 'ruleId', 'host']),
            ...(typeof query.state === 'string' ? { state: query.state.split(',') } : {}),
          },
          sort: sortOf(query.sort),
          ...paging(query),
        }),
      ),
  },
  {
    method: 'post',
    path: '/api/v1/incidents/bulk',
    operationId: 'bulkUpdateIncidents',
    handle: async (ctx) => {
      const b = ctx.body as { ids: string[] } & IncidentPatch;
      const results: unknown[] = [];
      // One at a time: each incident's update retries on conflicts; a bulk of 500 stays cheap for the store.
      for (const id of b.ids) {
        try {
          await applyPatch(ctx, id, {
            ...(b.state ? { state: b.state } : {}),
            ...('assignee' in b ? { assignee: b.assignee } : {}),
            ...(b.reason ? { reason: b.reason } : {}),
            ...(b.category ? { category: b.category } : {}),
          });
          results.push({ id, ok: true });
        } catch (err) {
          if (!(err instanceof CanhgacError) || err.status >= 500) throw err;
          results.push({ id, ok: false, error: err.toJSON() });
        }
      }
      return { body: { results } };
    },
  },
  {
    method: 'get',
    path: '/api/v1/incidents/:id',
    operationId: 'getIncident',
    handle: async ({ svc, scope, params }) => {
      const inc = await svc.incidents.incidents.get(scope, params.id!);
      if (!inc) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'incident', id: params.id });
      return { body: inc };
    },
  },
  {
    method: 'patch',
    path: '/api/v1/incidents/:id',
    operationId: 'updateIncident',
    handle: async (ctx) => ({ body: await applyPatch(ctx, ctx.params.id!, ctx.body as IncidentPatch) }),
  },
  {
    method: 'get',
    path: '/api/v1/incidents/:id/comments',
    operationId: 'listComments',
    handle: async ({ svc, scope, params, query }) => {
      const inc = await svc.incidents.incidents.get(scope, params.id!);
      if (!inc) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'incident', id: params.id });
      const page = await svc.incidents.comments.list(scope, {
        filter: { incidentId: inc.id },
        sort: { field: 'at', order: 'asc' },
        ...paging(query),
      });
      return pageBody<Comment>(page);
    },
  },
  {
    method: 'post',
    path: '/api/v1/incidents/:id/comments',
    operationId: 'addComment',
    handle: async ({ svc, scope, params, body, actor }) => {
      try {
        return {
          status: 201,
          body: await svc.incidents.comment(scope, params.id!, actor, (body as { text: string }).text),
        };
      } catch (err) {
        if (err instanceof CanhgacError && err.code === 'CANHGAC_ERR_INCIDENT_NOT_FOUND')
          throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'incident', id: params.id });
        throw err;
      }
    },
  },
  {
    method: 'get',
    path: '/api/v1/assignees',
    operationId: 'listAssignees',
    handle: async ({ svc, principal, query }) => {
      // Who may work an incident of the agency: province-wide admins and analysts, and that agency's own admins.
      // An agency-bound caller is held to its own agency whatever it asks, and sees only its agency's people.
      const agencyId = principal?.agencyId ?? (typeof query.agencyId === 'string' ? query.agencyId : undefined);
      const items: { username: string; role: string; agencyId?: string }[] = [];
      let after: string | undefined;
      do {
        const page = await svc.auth.users.list(SCOPE_ALL, { size: 1000, ...(after ? { after } : {}) });
        for (const u of page.docs as User[]) {
          if (u.disabled) continue;
          const province = u.agencyId === undefined && (u.role === 'admin' || u.role === 'analyst');
          const own = agencyId !== undefined && u.agencyId === agencyId && u.role === 'agency_admin';
          if (principal?.agencyId ? own : province || own)
            items.push({ username: u.username, role: u.role, ...(u.agencyId ? { agencyId: u.agencyId } : {}) });
        }
        after = page.next;
      } while (after && items.length < 5000);
      items.sort((a, b) => a.username.localeCompare(b.username));
      return { body: { items } };
    },
  },
  {
    method: 'get',
    path: '/api/v1/alerts',
    operationId: 'listAlerts',
    handle: async ({ svc, scope, query }) =>
      pageBody<Alert>(
        await svc.incidents.alerts.list(scope, {
          filter: filterFrom(query, ['incidentId', 'ruleId', 'agencyId']),
          sort: { field: 'ts', order: 'desc' },
          ...paging(query),
        }),
      ),
  },
  {
    method: 'get',
    path: '/api/v1/alerts/:id',
    operationId: 'getAlert',
    handle: async ({ svc, scope, params }) => {
      const a = await svc.incidents.alerts.get(scope, params.id!);
      if (!a) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'alert', id: params.id });
      return { body: a };
    },
  },
];
