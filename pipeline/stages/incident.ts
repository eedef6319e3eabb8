/**
 * Stage incident: the batch's alerts into incidents through the alert intake (incidents/intake.ts: risk, entity
 * grouping, then the incident service's life cycle, SLA and outbox). Alerts that share an entity (or, in `rule`
 * grouping, a rule, agency and host) go one after the other in event order, in one lane; lanes run concurrently.
 * Lanes are the connected groups of the batch's alerts by shared entities, so the outcome does not depend on which
 * lane runs first. The service counts an alert id once (a replayed batch inflates nothing) and writes each incident
 * event to the incident outbox with the change: that outbox is the one path to notify/.
 *
 * A batch is applied against its own view of the state (incidents/batch-state.ts, issue 18 point 4): every
 * document it needs is read once (the reads of all lanes together, one `getMany` per turn), changed in memory and
 * written once in three bulk calls, so an alert storm costs a few round trips per batch, not several per alert.
 * Its incident events are handed to notify once the batch is written. A process applies one batch at a time
 * here (its other batches go on in the other stages). When another writer changed a document meanwhile, the
 * batch is read again and redone in bulk, then, past a few tries, one alert at a time against the store
 * (idempotent: an alert id counts once).
 */
import type { Config } from '../../core/config/load.js';
import { logger } from '../../core/log.js';
import { counter } from '../../core/metrics.js';
import { BatchConflict, BatchState } from '../../incidents/batch-state.js';
import type { EntityLink } from '../../incidents/grouping.js';
import { AlertIntake, type IntakeOptions } from '../../incidents/intake.js';
import type { IncidentService } from '../../incidents/service.js';
import type { Alert, Incident } from '../../incidents/types.js';
import { SCOPE_ALL, type Versioned } from '../../store/types.js';
import type { Stage } from '../stage.js';
import type { PipelineDeps } from '../types.js';

/** Incidents updated at once while raising a batch's alerts one at a time against the store. */
const RAISE_CONCURRENCY = 8;
/** Lanes applied at once against a batch's state (in memory: more lanes, more reads in one call). */
const BATCH_CONCURRENCY = 256;
/** Bulk attempts of a batch before it is applied one alert at a time (each lost to a concurrent writer). */
const BATCH_TRIES = 4;

const log = logger('incidents');
const batches = counter(
  'canhgac_incident_batches_total',
  'Alert batches of the incident stage: batched (bulk state reads and writes), retried in bulk after a conflicting write, or redone one alert at a time',
  ['outcome'],
);

interface Cached {
  fingerprint: string;
  intake: AlertIntake;
  options: IntakeOptions;
}
const intakes = new WeakMap<IncidentService, Cached>();
/** The batch each process's incident stage is applying (the next one waits for it). */
const running = new WeakMap<IncidentService, Promise<unknown>>();

function cachedFor(deps: PipelineDeps): Cached {
  const agencies = deps.agencies?.list() ?? deps.config.agencies ?? [];
  const fingerprint = deps.agencies?.fingerprint() ?? 'config';
  const cached = intakes.get(deps.incidents);
  if (cached && cached.fingerprint === fingerprint) return cached;
  const options: IntakeOptions = {
    ...intakeOptions(deps.config),
    agencyNetworks: new Map(agencies.map((a) => [a.id, a.networks ?? []])),
    adopted: new Set<string>(),
  };
  const fresh = { fingerprint, intake: new AlertIntake(deps.incidents, deps.stores.state, options), options };
  intakes.set(deps.incidents, fresh);
  return fresh;
}

/** The intake of a pipeline's incident service, built from the configuration and the agencies' networks. */
export function intakeFor(deps: PipelineDeps): AlertIntake {
  return cachedFor(deps).intake;
}

/** Applies alerts lane by lane (`concurrency` lanes at once), each lane's alerts one after the other. */
async function raise(intake: AlertIntake, alerts: readonly Alert[], concurrency: number): Promise<void> {
  const queue = lanesOf(alerts, (a) => intake.laneKeys(a));
  const run = async () => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) for (const a of lane) await intake.ingest(a);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, run));
}

/**
 * A batch's alerts applied against its own state view and written in bulk; false when a write conflicted (what
 * was written is taken up by the per-alert path, see incidents/batch-state.ts). The incidents written, otherwise.
 */
async function raiseBatched(deps: PipelineDeps, alerts: readonly Alert[]): Promise<Versioned<Incident>[] | false> {
  const c = cachedFor(deps);
  const state = new BatchState(deps.stores.state);
  const intake = new AlertIntake(deps.incidents.forState(state), state, c.options);
  try {
    const reads = intake.reads(alerts);
    await state.prefetch(reads);
    // The incidents the entities link to (their spans), in the next call.
    const links = state.collection<EntityLink>('entity_links');
    const linked = new Set<string>();
    for (const r of reads) {
      if (r.collection !== 'entity_links') continue;
      const l = await links.get(SCOPE_ALL, r.id);
      for (const s of l?.spans ?? []) linked.add(s.incidentId);
      if (l?.incidentId) linked.add(l.incidentId);
    }
    await state.prefetch([...linked].map((id) => ({ collection: 'incidents', id })));
    await raise(intake, alerts, BATCH_CONCURRENCY);
    await state.flush();
  } catch (err) {
    if (!(err instanceof BatchConflict)) throw err;
    return false;
  }
  return state.written('incidents') as Versioned<Incident>[];
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
    // One batch at a time per process here (a worker handles several batches at once): batches of one storm
    // touch the same incident, and two in one process would only make each other redo their writes.
    const prior = running.get(deps.incidents) ?? Promise.resolve();
    const mine = prior.then(() => raiseWithRetries(deps, batch.alerts));
    running.set(
      deps.incidents,
      mine.catch(() => undefined),
    );
    await mine;
  },
};

/** The batch in bulk, tried again after a lost write, then one alert at a time (see the file comment). */
async function raiseWithRetries(deps: PipelineDeps, alerts: readonly Alert[]): Promise<void> {
  let written = await raiseBatched(deps, alerts);
  // Another worker wrote the same incident meanwhile (two workers in one storm): read again and redo the batch
  // in bulk; what the lost attempt wrote counts once (alert ids). Past a few tries, one alert at a time.
  for (let attempt = 1; written === false && attempt < BATCH_TRIES; attempt++) {
    batches.labels('retried').inc();
    await new Promise((r) => setTimeout(r, Math.random() * 25 * attempt));
    written = await raiseBatched(deps, alerts);
  }
  if (written === false) {
    batches.labels('redone').inc();
    log.info({ alerts: alerts.length }, 'Alert batch redone one alert at a time after a conflicting write');
    await raise(intakeFor(deps), alerts, RAISE_CONCURRENCY);
    return;
  }
  batches.labels('batched').inc();
  // The batch's incident events to notify, once per incident (the sweep takes what fails here).
  const outbox = deps.incidents.outbox;
  if (!outbox.attached) return;
  for (const inc of written) {
    if (!inc.outboxPending) continue;
    try {
      await outbox.drain(inc.id, inc);
    } catch (err) {
      log.warn({ incident: inc.id, err: (err as Error).message }, 'Incident events left pending for the sweep');
    }
  }
}
