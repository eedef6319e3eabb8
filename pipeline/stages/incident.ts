/**
 * Stage incident: the batch's alerts into incidents (incidents/: grouping, life cycle, SLA). One incident's alerts
 * (same rule, agency and host: the default grouping) one after the other in event order; different incidents
 * concurrently (each is several store round trips, which on OpenSearch dominate a batch with many alerts). The
 * incident service counts an alert id once (a replayed batch inflates nothing) and writes each incident event
 * (opened, reopened, ...) to the incident outbox with the change: that outbox is the one path to notify/.
 */
import type { Alert } from '../../incidents/types.js';
import type { Stage } from '../stage.js';

/** Incidents updated at once while raising a batch's alerts. */
const RAISE_CONCURRENCY = 8;

export const incident: Stage = {
  name: 'incident',
  async run(batch, { incidents }) {
    if (batch.alerts.length === 0) return;
    const lanes = new Map<string, Alert[]>();
    for (const a of batch.alerts) {
      const k = `${a.ruleId}\u0000${a.agencyId}\u0000${a.host ?? ''}`;
      const lane = lanes.get(k);
      if (lane) lane.push(a);
      else lanes.set(k, [a]);
    }
    const queue = [...lanes.values()];
    const run = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) for (const a of lane) await incidents.ingestAlert(a);
    };
    await Promise.all(Array.from({ length: Math.min(RAISE_CONCURRENCY, queue.length) }, run));
  },
};
