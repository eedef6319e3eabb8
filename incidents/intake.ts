/**
 * The alert intake of the pipeline's incident stage (issue 15 points 1 and 2): risk first (./risk.ts: an alert
 * below the opening level only adds risk to its entities, unless its entities already belong to a live incident
 * or its risk crosses the threshold), then entity grouping (./grouping.ts: the incident it joins or opens), then
 * the incident service (life cycle, SLA, outbox) with what the incident shows of the attack (./attack.ts).
 * Replaying an alert changes nothing (risk counts an alert id once; the service counts it once).
 */

import { SCOPE_ALL, type StateStore } from '../store/types.js';
import { DEFAULT_ENTITY_GROUPING, EntityGrouper, type EntityGroupingOptions } from './grouping.js';
import { GroupingGuards, type StopValue } from './guards.js';
import { DEFAULT_RISK, type RiskOptions, RiskScorer } from './risk.js';
import type { AlertOutcome, IncidentService } from './service.js';
import type { Alert } from './types.js';

/** Configuration of the intake (`incidents` in canhgac.yaml). */
export interface IntakeOptions {
  grouping?: Partial<EntityGroupingOptions> & { stopValues?: StopValue[]; stopAgencyNetworks?: boolean };
  risk?: Partial<RiskOptions>;
  /** Each agency's own networks (its relays): stop-values when `stopAgencyNetworks` (default true). */
  agencyNetworks?: ReadonlyMap<string, readonly string[]>;
}

/** Turns the pipeline's alerts into incidents: risk, then entity grouping, then the incident service. */
export class AlertIntake {
  readonly grouping: EntityGroupingOptions;
  readonly risk: RiskOptions;
  private readonly grouper: EntityGrouper;
  private readonly scorer: RiskScorer;

  constructor(
    private readonly service: IncidentService,
    state: StateStore,
    o: IntakeOptions = {},
  ) {
    const { stopValues = [], stopAgencyNetworks = true, ...g } = o.grouping ?? {};
    this.grouping = { ...DEFAULT_ENTITY_GROUPING, ...g };
    this.risk = { ...DEFAULT_RISK, ...o.risk, points: { ...DEFAULT_RISK.points, ...o.risk?.points } };
    const guards = new GroupingGuards(stopValues, stopAgencyNetworks ? o.agencyNetworks : undefined);
    this.grouper = new EntityGrouper(state, this.grouping, guards, service);
    this.scorer = new RiskScorer(state, this.risk);
  }

  /** The keys that decide which alerts of a batch may be applied concurrently (they share no entity). */
  laneKeys(alert: Alert): string[] {
    if (this.grouping.mode === 'rule') return [`${alert.ruleId}\u0000${alert.agencyId}\u0000${alert.host ?? ''}`];
    return this.grouper.joiningKeys(alert).map((k) => `${alert.agencyId}\u0000${k}`);
  }

  /** One alert into its incident (or only into risk). */
  async ingest(alert: Alert): Promise<AlertOutcome> {
    if (alert.kind === 'silent_host' || (await this.service.activeSuppression(alert)))
      return this.service.ingestAlert(alert);
    const entity = this.grouping.mode === 'entity';
    const keys = this.grouper.joiningKeys(alert);
    const verdict = await this.scorer.add(alert, keys);
    const note = { entities: keys, maxEntities: this.grouping.maxEntities, ...(verdict ? { risk: verdict } : {}) };
    if (verdict && !verdict.opens) {
      // Below the opening level: it joins an incident its entities already belong to, or only adds risk.
      const found = entity ? await this.grouper.find(alert) : undefined;
      if (!found) {
        const risk = { entity: verdict.entity, score: verdict.score };
        return this.service.ingestAlert({ ...alert, risk }, { riskOnly: true });
      }
      const out = await this.service.ingestAlert(alert, { key: found.key, attack: { ...note, via: found.via } });
      await this.grouper.link(alert, found.key, out.incident?.entities ?? [], found.bridges);
      return this.current(out);
    }
    if (!entity) return this.service.ingestAlert(alert, { attack: note });
    const placed = await this.grouper.place(alert);
    const out = await this.service.ingestAlert(alert, {
      key: placed.key,
      attack: { ...note, ...(placed.via ? { via: placed.via } : {}) },
    });
    await this.grouper.link(alert, placed.key, out.incident?.entities ?? [], placed.bridges);
    if (out.created && this.risk.enabled) await this.adopt(alert, placed.key, keys);
    return this.current(out);
  }

  /** The outcome with the incident as it is now (an alert that bridged two incidents merged them). */
  private async current(out: AlertOutcome): Promise<AlertOutcome> {
    if (!out.incident) return out;
    const { current } = await this.service.resolve(out.incident.id);
    return current && current.version !== out.incident.version ? { ...out, incident: current } : out;
  }

  /**
   * A new incident takes in the alerts that only fed risk on its entities within the join window (the brute
   * force's failed logins before the success, the scan before the injection; also a later one that arrived
   * before it): the attack's story starts where it started, and they are why the incident opened.
   */
  private async adopt(alert: Alert, key: string, keys: readonly string[]): Promise<void> {
    const ids = await this.scorer.recent(alert.agencyId, keys, alert.ts, this.grouping.windowMs);
    for (const id of ids) {
      if (id === alert.id) continue;
      const prior = await this.service.alerts.get(SCOPE_ALL, id);
      if (!prior || prior.incidentId || prior.suppressedBy || !prior.risk) continue;
      const { version: _v, risk: _r, ...a } = prior;
      const entities = this.grouper.joiningKeys(a);
      const via = entities.find((k) => keys.includes(k));
      const attack = { entities, maxEntities: this.grouping.maxEntities, ...(via ? { via } : {}) };
      const out = await this.service.ingestAlert(a, { key, adopt: true, attack });
      await this.grouper.link(a, key, out.incident?.entities ?? []);
    }
  }
}
