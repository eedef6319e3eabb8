/**
 * The pipeline's health and its quarantine as the console shows them (issue 11): whether it is stalled, how many
 * records are quarantined in the caller's scope, the quarantined records themselves (raw text, untrusted), and a
 * replay request (administrators: after an upgrade; the running service replays marked records).
 */
import { SCOPE_ALL, type Versioned } from '../../store/types.js';
import { paging, type RouteDef } from '../context.js';

/** A quarantined record as stored by the pipeline (pipeline/quarantine.ts). */
interface QuarantineDoc {
  record: { id: string; receivedAt: number; transport: string; source: string; data: string };
  reason: string;
  failures: number;
  quarantinedAt: number;
  replay: boolean;
}

/** Characters of a record's raw data returned in a list (the whole record stays in the store). */
const DATA_CHARS = 2000;

/** Routes of this file. */
export const pipelineRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/pipeline/status',
    operationId: 'pipelineStatus',
    handle: async ({ svc, scope }) => {
      const s = svc.pipelineStatus?.() ?? { stalled: false, commitAgeSeconds: 0 };
      let quarantined = 0;
      let after: string | undefined;
      do {
        const page = await svc.stores.state
          .collection<QuarantineDoc>('quarantine')
          .list(scope, { size: 1000, ...(after ? { after } : {}) });
        quarantined += page.docs.length;
        after = page.next;
      } while (after && quarantined < 100_000);
      return { body: { ...s, quarantined } };
    },
  },
  {
    method: 'get',
    path: '/api/v1/quarantine',
    operationId: 'listQuarantine',
    handle: async ({ svc, scope, query }) => {
      const page = await svc.stores.state
        .collection<QuarantineDoc>('quarantine')
        .list(scope, { ...paging(query), sort: { field: 'quarantinedAt', order: 'desc' } });
      return {
        body: {
          items: page.docs.map((d) => ({
            id: d.id,
            agencyId: d.agencyId,
            source: d.record.source,
            transport: d.record.transport,
            receivedAt: new Date(d.record.receivedAt).toISOString(),
            quarantinedAt: new Date(d.quarantinedAt).toISOString(),
            reason: d.reason,
            failures: d.failures,
            replay: d.replay,
            data: d.record.data.slice(0, DATA_CHARS),
          })),
          ...(page.next ? { next: page.next } : {}),
        },
      };
    },
  },
  {
    method: 'post',
    path: '/api/v1/quarantine/replay',
    operationId: 'replayQuarantine',
    handle: async ({ svc, body, actor }) => {
      const ids = (body as { ids?: string[] }).ids;
      const c = svc.stores.state.collection<QuarantineDoc>('quarantine');
      const docs: Versioned<QuarantineDoc>[] = [];
      if (ids)
        for (const id of ids) {
          const d = await c.get(SCOPE_ALL, id);
          if (d) docs.push(d);
        }
      else
        for (let after: string | undefined, first = true; first || after; first = false) {
          const page = await c.list(SCOPE_ALL, { size: 1000, ...(after ? { after } : {}) });
          docs.push(...page.docs);
          after = page.next;
        }
      for (const { version: _v, ...d } of docs) await c.put(SCOPE_ALL, { ...d, replay: true });
      await svc.auth.writeAudit(
        actor,
        'quarantine.replay',
        'quarantine',
        ids ? ids.join(',').slice(0, 200) : '*',
        undefined,
      );
      return { body: { marked: docs.length } };
    },
  },
];
