/**
 * Stage correlate: events that matched a rule a correlation refers to are observed in its windows
 * (detection/correlation; in memory, or in Redis shared by every distributed worker) in event order; what fires
 * is kept, per event, as correlation alerts for the alert stage. A replayed batch (distributed: a worker died)
 * does not observe an event twice: the replay guard returns what the first run fired, which is raised again (a
 * no-op for alerts already stored). In the distributed mode a batch costs a constant number of Redis round trips
 * (claims, observations, notes), not some per matching event: an alert storm is absorbed at the same cost.
 */
import { counter } from '../../core/metrics.js';
import { correlationRaises } from '../../detection/raise.js';
import type { Alert } from '../../incidents/types.js';
import { eventTime, levelOf, outputsOf, type Stage } from '../stage.js';

const replayed = counter(
  'canhgac_pipeline_replayed_total',
  'Work skipped because a replayed batch had already done it (distributed mode: a batch retried after its worker died)',
  ['what'],
);

export const correlate: Stage = {
  name: 'correlate',
  async run(batch, { replay, correlationStore }) {
    const { corr, corrTags, correlations } = batch.det;
    if (correlations === 0) return;
    // Kept on the batch only when every event is observed: a stage that fails half-way runs again whole.
    const found = new Map<number, Alert[]>();
    const outs = outputsOf(batch);
    // The batch's events that feed a correlation, in event order.
    const todo: number[] = [];
    for (let i = 0; i < outs.length; i++) {
      const matches = outs[i]!.matches ?? [];
      if (matches.length > 0 && matches.some((m) => corr.references(m))) todo.push(i);
    }
    const keyOf = (i: number) => `corr:${String(outs[i]!.event['event.id'])}`;
    // Distributed: the whole batch claimed in one round trip; a replayed event raises what its first run fired.
    let observe = todo;
    if (replay && todo.length > 0) {
      const claims = await replay.claim(todo.map(keyOf));
      observe = [];
      for (const [k, i] of todo.entries()) {
        const c = claims[k]!;
        if (c.first) observe.push(i);
        else {
          replayed.labels('correlation').inc();
          if (c.note) found.set(i, JSON.parse(c.note) as Alert[]);
        }
      }
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
    const notes: [string, string][] = [];
    for (const [k, i] of observe.entries()) {
      const alerts = fired[k]!;
      if (alerts.length === 0) continue;
      found.set(i, alerts);
      if (replay) notes.push([keyOf(i), JSON.stringify(alerts)]);
    }
    if (replay && notes.length > 0) await replay.note(notes);
    batch.correlated = found;
  },
};
