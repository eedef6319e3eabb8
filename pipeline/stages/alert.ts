/**
 * Stage alert: the batch's alerts in event order: for each event its rule alerts (one per match; the id is event +
 * rule, so a replayed batch raises nothing twice), then the correlation alerts its observation fired (correlate);
 * then the threat-intel hits of the context stage; then each level weighed by its asset's criticality. Each
 * alert carries the entities of its event (attacker address, host, account, URL, process: incidents/entities.ts),
 * a correlation alert those of its group-by values; entity grouping and risk read them.
 */

import { counter } from '../../core/metrics.js';
import { raisesAlert } from '../../detection/raise.js';
import { type Entity, entitiesOf, entityKey, groupEntities } from '../../incidents/entities.js';
import type { Alert } from '../../incidents/types.js';
import { eventTime, levelOf, outputsOf, type Stage } from '../stage.js';

const keysOf = (es: readonly Entity[]): string[] => es.map(entityKey);
const agencyDisabled = counter(
  'canhgac_alerts_agency_disabled_total',
  'Alerts not raised because the agency switched the installed rule off for itself (detection/agency-rules.ts)',
);

export const alert: Stage = {
  name: 'alert',
  async run(batch, deps) {
    const { corr, agencyOff: off } = batch.det;
    const alerts: Alert[] = [];
    const outs = outputsOf(batch);
    for (let i = 0; i < outs.length; i++) {
      const o = outs[i]!;
      const e = o.event;
      const host = typeof e['host.name'] === 'string' ? e['host.name'] : undefined;
      const entities = o.matches?.length ? keysOf(entitiesOf(e)) : undefined;
      const agencyId = String(e['agency.id'] ?? 'unassigned');
      for (const m of o.matches ?? []) {
        // A rule referenced by a correlation with `generate: false` raises no alert of its own (detection/raise.ts,
        // which `canhgac rules match` reads too).
        if (!raisesAlert(corr, m)) continue;
        if (off && !off.empty && off.disabled(agencyId, m.id)) {
          agencyDisabled.inc();
          continue;
        }
        alerts.push({
          id: `${e['event.id']}:${m.id}`,
          kind: 'rule',
          ruleId: m.id,
          ruleTitle: m.title,
          level: levelOf(m.level),
          tags: [...m.tags],
          agencyId,
          ...(host ? { host } : {}),
          eventIds: [String(e['event.id'])],
          ts: eventTime(e),
          ...(entities?.length ? { entities } : {}),
        });
      }
      const fired = batch.correlated?.get(i);
      // A correlation's entities: its group-by values only (incidents/entities.ts says why not its last event's).
      if (fired)
        for (const a of fired) {
          if (off && !off.empty && off.disabled(a.agencyId, a.ruleId)) {
            agencyDisabled.inc();
            continue;
          }
          alerts.push(a.entities ? a : { ...a, entities: keysOf(groupEntities(a.fields, e)) });
        }
    }
    // Threat-intel hits of the context stage, after the rule and correlation alerts, with their event's entities.
    const ctx = batch.contextAlerts ?? [];
    if (ctx.length > 0) {
      const byId = new Map(outs.map((o) => [String(o.event['event.id']), o.event]));
      for (const a of ctx) {
        const e = byId.get(a.eventIds[0] ?? '');
        alerts.push(a.entities || !e ? a : { ...a, entities: keysOf(entitiesOf(e, a.fields)) });
      }
    }
    // Asset criticality moves each alert's level (context/assets/weigh.ts states the rule).
    deps.context?.weigh(alerts);
    batch.alerts = alerts;
  },
};
