/**
 * Stage correlate: events that matched a rule a correlation refers to are observed in its windows
 * (detection/correlation; in memory, or in Redis shared by every distributed worker) in event order; what fires
 * is kept, per event, as correlation alerts for the alert stage. A replayed batch (distributed: a worker died at
 * any point of its run) observes nothing twice: the Redis store records each observation's answer under the
 * event's id in the same atomic step as the change and answers a repeat from that record, so the replay raises
 * what the first run fired (a no-op for alerts already stored) and what it had not reached yet. In the
 * distributed mode a batch costs a constant number of Redis round trips (its observations, pipelined), not some
 * per matching event: an alert storm is absorbed at the same cost.
 */
import { correlationRaises } from '../../detection/raise.js';
import type { Alert } from '../../incidents/types.js';
import { eventTime, levelOf, outputsOf, type Stage } from '../stage.js';

export const correlate: Stage = {
  name: 'correlate',
  async run(batch, { correlationStore }) {
    const { corr, corrTags, correlations } = batch.det;
    if (correlations === 0) return;
    // Kept on the batch only when every event is observed: a stage that fails half-way runs again whole.
    const found = new Map<number, Alert[]>();
    const outs = outputsOf(batch);
    // The batch's events that feed a correlation, in event order.
    const observe: number[] = [];
    for (let i = 0; i < outs.length; i++) {
      const matches = outs[i]!.matches ?? [];
      if (matches.length > 0 && matches.some((m) => corr.references(m))) observe.push(i);
    }
    const alertsOf = (i: number, fired: Awaited<ReturnType<typeof corr.processAsync>>): Alert[] => {
      const e = outs[i]!.event;
      const host = typeof e['host.name'] === 'string' ? e['host.name'] : undefined;
      const alerts: Alert[] = [];
      for (const a of fired) {
        if (!correlationRaises(a)) continue;
        alerts.push({
          id: a.id,
          kind: 'correlation',
          ruleId: a.correlation.id,
          ruleTitle: a.correlation.title,
          level: levelOf(a.correlation.level),
          tags: [...(corrTags.get(a.correlation.id) ?? [])],
          agencyId: String(e['agency.id'] ?? 'unassigned'),
          ...(host ? { host } : {}),
          eventIds: a.eventIds,
          ts: a.lastTs,
          // Above a learned normal (docs/baselines.md): the analyst sees how far above.
          fields: !a.baseline
            ? a.group
            : a.baseline.learning
              ? { ...a.group, 'canhgac.baseline.learning': true }
              : {
                  ...a.group,
                  'canhgac.baseline.value': a.value,
                  'canhgac.baseline.normal': a.baseline.normal,
                  'canhgac.baseline.floor': a.baseline.floor,
                },
        });
      }
      return alerts;
    };
    const fired: Alert[][] = [];
    if (correlationStore !== undefined) {
      // Every observation of the batch is issued at once, in event order: the Redis client sends them in one
      // write and Redis runs them in the order sent, so each window still sees the events in order (a chained
      // correlation's follow-up is issued as its event's result arrives, and results arrive in order).
      const rs = await Promise.all(
        observe.map((i) => corr.processAsync(outs[i]!.event, outs[i]!.matches ?? [], eventTime(outs[i]!.event))),
      );
      for (const [k, i] of observe.entries()) fired.push(alertsOf(i, rs[k]!));
    } else
      for (const i of observe)
        fired.push(alertsOf(i, corr.process(outs[i]!.event, outs[i]!.matches ?? [], eventTime(outs[i]!.event))));
    for (const [k, i] of observe.entries()) if (fired[k]!.length > 0) found.set(i, fired[k]!);
    batch.correlated = found;
  },
};
