/** The tuning loop's routes: an analyst's disposition on an incident, and the noise report per rule and agency. */
import { type DispositionInput, setDisposition } from '../../incidents/dispositions.js';
import { noiseReport } from '../../incidents/noise.js';
import type { RouteDef } from '../context.js';
import { apiError } from '../errors.js';

const DAY = 86_400_000;

/** A time query parameter (ISO-8601), or the fallback. */
function timeOf(v: unknown, fallback: number): number {
  if (typeof v !== 'string') return fallback;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : fallback;
}

/** Routes of this file. */
export const tuningRoutes: RouteDef[] = [
  {
    method: 'put',
    path: '/api/v1/incidents/:id/disposition',
    operationId: 'setDisposition',
    handle: async ({ svc, scope, params, body, actor }) => {
      const b = body as DispositionInput & { version?: number };
      const inc = await svc.incidents.incidents.get(scope, params.id!);
      if (!inc) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'incident', id: params.id });
      const saved = await setDisposition(
        svc.incidents.incidents,
        svc.incidents.audit,
        scope,
        inc.id,
        { verdict: b.verdict, category: b.category, note: b.note, minutes: b.minutes },
        actor,
        Date.now(),
        b.version,
      );
      return { body: saved };
    },
  },
  {
    method: 'get',
    path: '/api/v1/noise',
    operationId: 'noiseReport',
    handle: async ({ svc, scope, query }) => {
      const to = timeOf(query.to, Date.now());
      const from = timeOf(query.from, to - 30 * DAY);
      const agencyId = typeof query.agencyId === 'string' ? query.agencyId : undefined;
      const limit = typeof query.limit === 'number' ? query.limit : undefined;
      const report = await noiseReport(svc.incidents.incidents, scope, {
        from,
        to,
        ...(agencyId ? { agencyId } : {}),
        ...(limit ? { limit } : {}),
      });
      return { body: report };
    },
  },
];
