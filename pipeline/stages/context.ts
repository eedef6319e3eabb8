/**
 * Stage context: GeoIP/ASN enrichment and the threat-intel match (context/) on the batch's events, before they are
 * stored (so stored events carry source.geo.*, source.as.*, threat.indicator.*); an indicator hit is an alert,
 * raised after the batch's rule and correlation alerts.
 */
import type { Stage } from '../stage.js';
import { outputsOf } from '../stage.js';

export const context: Stage = {
  name: 'context',
  async run(batch, deps) {
    if (!deps.context) return;
    batch.contextAlerts = deps.context.process(outputsOf(batch).map((o) => o.event));
  },
};
