/**
 * Stage correlate: events that matched a rule a correlation refers to are observed in its windows
 * (detection/correlation; in memory, or in Redis shared by every distributed worker) in event order; what fires
 * is kept, per event, as correlation alerts for the alert stage. A replayed batch (distributed: a worker died)
 * does not observe an event twice: the replay guard returns what the first run fired, which is raised again (a
 * no-op for alerts already stored).
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
    const asyncCorr = correlationStore !== undefined;
    // Kept on the batch only when every event is observed: a stage that fails half-way runs again whole.
    const found = new Map<number, Alert[]>();
    const outs = outputsOf(batch);
    for (let i = 0; i < outs.length; i++) {
      const o = outs[i]!;
      const matches = o.matches ?? [];
      if (matches.length === 0 || !matches.some((m) => corr.references(m))) continue;
      const e = o.event;
      const key = `corr:${String(e['event.id'])}`;
      if (replay) {
        const c = await replay.claim(key);
        if (!c.first) {
          replayed.labels('correlation').inc();
          if (c.note) found.set(i, JSON.parse(c.note) as Alert[]);
          continue;
        }
      }
      const t = eventTime(e);
      const fired = asyncCorr ? await corr.processAsync(e, matches, t) : corr.process(e, matches, t);
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
      if (replay && alerts.length > 0) await replay.note(key, JSON.stringify(alerts));
      if (alerts.length > 0) found.set(i, alerts);
    }
    batch.correlated = found;
  },
};
