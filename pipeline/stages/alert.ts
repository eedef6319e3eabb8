/**
 * Stage alert: the batch's alerts in event order: for each event its rule alerts (one per match; the id is event +
 * rule, so a replayed batch raises nothing twice), then the correlation alerts its observation fired (correlate);
 * then the threat-intel hits of the context stage; then each level weighed by its asset's criticality.
 */

import { raisesAlert } from '../../detection/raise.js';
import type { Alert } from '../../incidents/types.js';
import { eventTime, levelOf, outputsOf, type Stage } from '../stage.js';

export const alert: Stage = {
  name: 'alert',
  async run(batch, deps) {
    const { corr } = batch.det;
    const alerts: Alert[] = [];
    const outs = outputsOf(batch);
    for (let i = 0; i < outs.length; i++) {
      const o = outs[i]!;
      const e = o.event;
      const host = typeof e['host.name'] === 'string' ? e['host.name'] : undefined;
      for (const m of o.matches ?? []) {
        // A rule referenced by a correlation with `generate: false` raises no alert of its own (detection/raise.ts,
        // which `canhgac rules match` reads too).
        if (!raisesAlert(corr, m)) continue;
        alerts.push({
          id: `${e['event.id']}:${m.id}`,
          kind: 'rule',
          ruleId: m.id,
          ruleTitle: m.title,
          level: levelOf(m.level),
          tags: [...m.tags],
          agencyId: String(e['agency.id'] ?? 'unassigned'),
          ...(host ? { host } : {}),
          eventIds: [String(e['event.id'])],
          ts: eventTime(e),
        });
      }
      const fired = batch.correlated?.get(i);
      if (fired) alerts.push(...fired);
    }
    // Threat-intel hits of the context stage, after the rule and correlation alerts.
    alerts.push(...(batch.contextAlerts ?? []));
    // Asset criticality moves each alert's level (context/assets/weigh.ts states the rule).
    deps.context?.weigh(alerts);
    batch.alerts = alerts;
  },
};
