/**
 * Stage incident: the batch's alerts into incidents (incidents/: grouping, life cycle, SLA). One incident's alerts
 * (same rule, agency and host: the default grouping) one after the other in event order; different incidents
 * concurrently (each is several store round trips, which on OpenSearch dominate a batch with many alerts). An
 * incident opened or reopened leaves a notice for the notify stage.
 */
import { counter } from '../../core/metrics.js';
import type { Alert } from '../../incidents/types.js';
import { SCOPE_ALL } from '../../store/types.js';
import type { Stage } from '../stage.js';
import type { IncidentNotice, PipelineDeps } from '../types.js';

/** Incidents updated at once while raising a batch's alerts. */
const RAISE_CONCURRENCY = 8;

const replayed = counter(
  'canhgac_pipeline_replayed_total',
  'Work skipped because a replayed batch had already done it (distributed mode: a batch retried after its worker died)',
  ['what'],
);

/**
 * Raises one alert: its incident, and the notice when the incident is new or reopened. Replays: the incident
 * service counts an alert id once, so a replayed batch does not inflate counts; but the first run may have stopped
 * between the incident and its notice (a crash, a store error), so a replayed alert yields its notice again, which
 * the notice id (incident + reopen count) makes a no-op if it was sent.
 */
export async function raiseAlert(a: Alert, { incidents }: Pick<PipelineDeps, 'incidents'>): Promise<IncidentNotice[]> {
  const replayedAlert = (await incidents.alerts.get(SCOPE_ALL, a.id)) !== undefined;
  const r = await incidents.ingestAlert(a);
  if (!r.incident || !(r.created || r.reopened || replayedAlert)) return [];
  const i = r.incident;
  if (replayedAlert) replayed.labels('alert').inc();
  return [
    {
      id: `${i.id}:${i.reopenCount}`,
      kind: i.reopenCount === 0 ? 'incident.created' : 'incident.reopened',
      agencyId: i.agencyId,
      severity: i.severity,
      incidentId: i.id,
      title: i.title,
      ...(i.host ? { host: i.host } : {}),
      ruleId: i.ruleId,
      count: i.alertCount,
      firstSeen: i.firstSeen,
      lastSeen: i.lastSeen,
      at: Date.now(),
    },
  ];
}

export const incident: Stage = {
  name: 'incident',
  async run(batch, deps) {
    if (batch.alerts.length === 0) return;
    const lanes = new Map<string, Alert[]>();
    for (const a of batch.alerts) {
      const k = `${a.ruleId}\u0000${a.agencyId}\u0000${a.host ?? ''}`;
      const lane = lanes.get(k);
      if (lane) lane.push(a);
      else lanes.set(k, [a]);
    }
    const queue = [...lanes.values()];
    const notices: IncidentNotice[] = [];
    const run = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift())
        for (const a of lane) notices.push(...(await raiseAlert(a, deps)));
    };
    await Promise.all(Array.from({ length: Math.min(RAISE_CONCURRENCY, queue.length) }, run));
    batch.notices.push(...notices);
  },
};
