/**
 * Stage incident: the batch's alerts into incidents through the alert intake (incidents/intake.ts: risk, entity
 * grouping, then the incident service's life cycle, SLA and outbox). Alerts that share an entity (or, in `rule`
 * grouping, a rule, agency and host) go one after the other in event order, in one lane; lanes run concurrently
 * (each alert is several store round trips, which on OpenSearch dominate a batch with many alerts). Lanes are the
 * connected groups of the batch's alerts by shared entities, so the outcome does not depend on which lane runs
 * first. The service counts an alert id once (a replayed batch inflates nothing) and writes each incident event
 * to the incident outbox with the change: that outbox is the one path to notify/.
 */
import type { Config } from '../../core/config/load.js';
import { AlertIntake } from '../../incidents/intake.js';
import type { IncidentService } from '../../incidents/service.js';
import type { Alert } from '../../incidents/types.js';
import type { Stage } from '../stage.js';
import type { PipelineDeps } from '../types.js';

/** Incidents updated at once while raising a batch's alerts. */
const RAISE_CONCURRENCY = 8;

const intakes = new WeakMap<IncidentService, { fingerprint: string; intake: AlertIntake }>();

/** The intake of a pipeline's incident service, built from the configuration and the agencies' networks. */
export function intakeFor(deps: PipelineDeps): AlertIntake {
  const agencies = deps.agencies?.list() ?? deps.config.agencies ?? [];
  const fingerprint = deps.agencies?.fingerprint() ?? 'config';
  const cached = intakes.get(deps.incidents);
  if (cached && cached.fingerprint === fingerprint) return cached.intake;
  const intake = new AlertIntake(deps.incidents, deps.stores.state, {
    ...intakeOptions(deps.config),
    agencyNetworks: new Map(agencies.map((a) => [a.id, a.networks ?? []])),
  });
  intakes.set(deps.incidents, { fingerprint, intake });
  return intake;
}

/** The intake options of the configuration (`incidents.grouping`, `incidents.risk`). */
export function intakeOptions(config: Config): ConstructorParameters<typeof AlertIntake>[2] {
  const g = config.incidents.grouping;
  const r = config.incidents.risk;
  return {
    grouping: {
      mode: g.mode,
      joinOn: g.joinOn,
      windowMs: g.windowMinutes * 60_000,
      maxSpanMs: g.maxSpanHours * 3_600_000,
      maxEntities: g.maxEntities,
      stopAgencyNetworks: g.stopAgencyNetworks,
      stopValues: g.stopValues,
    },
    risk: {
      enabled: r.enabled,
      openLevel: r.openLevel,
      threshold: r.threshold,
      minRules: r.minRules,
      tactics: r.tactics,
      halfLifeMs: r.halfLifeMinutes * 60_000,
      windowMs: r.windowHours * 3_600_000,
      points: r.points,
    },
  };
}

/** The batch's alerts in lanes: alerts sharing a lane key (transitively) in one lane, in event order. */
export function lanesOf(alerts: readonly Alert[], keysOf: (a: Alert) => string[]): Alert[][] {
  const parent = alerts.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const owner = new Map<string, number>();
  alerts.forEach((a, i) => {
    for (const k of keysOf(a)) {
      const o = owner.get(k);
      if (o === undefined) owner.set(k, i);
      else parent[root(i)] = root(o);
    }
  });
  const lanes = new Map<number, Alert[]>();
  alerts.forEach((a, i) => {
    const r = root(i);
    const lane = lanes.get(r);
    if (lane) lane.push(a);
    else lanes.set(r, [a]);
  });
  return [...lanes.values()];
}

export const incident: Stage = {
  name: 'incident',
  async run(batch, deps) {
    if (batch.alerts.length === 0) return;
    const intake = intakeFor(deps);
    const queue = lanesOf(batch.alerts, (a) => intake.laneKeys(a));
    const run = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) for (const a of lane) await intake.ingest(a);
    };
    await Promise.all(Array.from({ length: Math.min(RAISE_CONCURRENCY, queue.length) }, run));
  },
};
