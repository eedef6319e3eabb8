/**
 * The alert intake of the pipeline's incident stage (issue 15 points 1 and 2): risk first (./risk.ts: an alert
 * below the opening level only adds risk to its entities, unless its entities already belong to a live incident
 * or its risk crosses the threshold), then entity grouping (./grouping.ts: the incident it joins or opens), then
 * the incident service (life cycle, SLA, outbox) with what the incident shows of the attack (./attack.ts).
 * Replaying an alert changes nothing (risk counts an alert id once; the service counts it once).
 */

import { SCOPE_ALL, type StateRef, type StateStore } from '../store/types.js';
import { entityKey } from './entities.js';
import { DEFAULT_ENTITY_GROUPING, EntityGrouper, type EntityGroupingOptions, linkId } from './grouping.js';
import { GroupingGuards, type StopValue } from './guards.js';
import { DEFAULT_RISK, type RiskOptions, RiskScorer, riskId, type Seen } from './risk.js';
import type { AlertOutcome, IncidentService } from './service.js';
import type { Alert } from './types.js';

/** Configuration of the intake (`incidents` in canhgac.yaml). */
export interface IntakeOptions {
  grouping?: Partial<EntityGroupingOptions> & { stopValues?: StopValue[]; stopAgencyNetworks?: boolean };
  risk?: Partial<RiskOptions>;
  /** Each agency's own networks (its relays): stop-values when `stopAgencyNetworks` (default true). */
  agencyNetworks?: ReadonlyMap<string, readonly string[]>;
  /** Alerts known to be in an incident, shared by the intakes of successive batches (default: this intake's own). */
  adopted?: Set<string>;
}

/** Turns the pipeline's alerts into incidents: risk, then entity grouping, then the incident service. */
export class AlertIntake {
  readonly grouping: EntityGroupingOptions;
  readonly risk: RiskOptions;
  private readonly grouper: EntityGrouper;
  private readonly scorer: RiskScorer;
  /** Alerts known to be in an incident (not adopted again; bounded). */
  private readonly adopted: Set<string>;

  constructor(
    private readonly service: IncidentService,
    state: StateStore,
    o: IntakeOptions = {},
  ) {
    this.adopted = o.adopted ?? new Set<string>();
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

  /** The state documents applying these alerts reads first: their records, their entities' links and risk. */
  reads(alerts: readonly Alert[]): StateRef[] {
    const out = new Map<string, StateRef>();
    const add = (collection: string, id: string) => out.set(`${collection}\u0000${id}`, { collection, id });
    for (const a of alerts) {
      add('alerts', a.id);
      const keys = this.grouper.joiningKeys(a);
      for (const k of keys) add('entity_links', linkId(a.agencyId, k));
      if (!this.risk.enabled) continue;
      const risky = keys.length > 0 ? keys : a.host ? [entityKey({ kind: 'host', value: a.host })] : [];
      for (const k of risky) add('entity_risk', riskId(a.agencyId, k));
    }
    return [...out.values()];
  }

  /** One alert into its incident (or only into risk). */
  async ingest(alert: Alert): Promise<AlertOutcome> {
    if (alert.kind === 'silent_host' || (await this.service.activeSuppression(alert)))
      return this.service.ingestAlert(alert);
    const seen: Seen = new Map();
    const out = await this.place(alert, false, seen);
    // Arrived after later alerts below the opening level: those it now makes open are looked at again.
    if (this.risk.enabled && this.grouping.mode === 'entity')
      for (const id of await this.scorer.later(alert, this.grouper.joiningKeys(alert), seen)) {
        const prior = await this.riskOnly(id);
        if (prior) await this.place(prior, true);
      }
    return out;
  }

  /** An alert stored with risk only (no incident), without its stored fields; undefined otherwise. */
  private async riskOnly(id: string): Promise<Alert | undefined> {
    if (this.adopted.has(id)) return undefined;
    const prior = await this.service.alerts.get(SCOPE_ALL, id);
    if (!prior || prior.suppressedBy || !prior.risk || prior.incidentId) {
      if (prior?.incidentId) this.remember(id);
      return undefined;
    }
    const { version: _v, risk: _r, ...a } = prior;
    return a;
  }

  private remember(id: string): void {
    if (this.adopted.size > 100_000) this.adopted.clear();
    this.adopted.add(id);
  }

  /** Risk, then grouping, then the service; `stored`: a risk-only alert stored earlier, now looked at again. */
  private async place(alert: Alert, stored: boolean, seen: Seen = new Map()): Promise<AlertOutcome> {
    const entity = this.grouping.mode === 'entity';
    const keys = this.grouper.joiningKeys(alert);
    const verdict = await this.scorer.add(alert, keys, seen);
    const note = { entities: keys, maxEntities: this.grouping.maxEntities, ...(verdict ? { risk: verdict } : {}) };
    const adopt = stored ? { adopt: true } : {};
    if (verdict && !verdict.opens) {
      // Below the opening level: it joins an incident its entities already belong to, or only adds risk.
      const found = entity ? await this.grouper.find(alert) : undefined;
      if (!found) {
        if (stored) return { alert, created: false, reopened: false, suppressed: false };
        const risk = { entity: verdict.entity, score: verdict.score };
        return this.service.ingestAlert({ ...alert, risk }, { riskOnly: true });
      }
      const attack = { ...note, via: found.via };
      const out = await this.service.ingestAlert(alert, { key: found.key, attack, ...adopt });
      await this.grouper.link(alert, found.key, out.incident?.entities ?? [], found.bridges);
      await this.adopt(alert, found.key, seen);
      return this.current(out);
    }
    if (!entity) return this.service.ingestAlert(alert, { attack: note });
    const placed = await this.grouper.place(alert);
    const out = await this.service.ingestAlert(alert, {
      key: placed.key,
      attack: { ...note, ...(placed.via ? { via: placed.via } : {}) },
      ...adopt,
    });
    await this.grouper.link(alert, placed.key, out.incident?.entities ?? [], placed.bridges);
    if (this.risk.enabled) await this.adopt(alert, placed.key, seen);
    return this.current(out);
  }

  /** The outcome with the incident as it is now (an alert that bridged two incidents merged them). */
  private async current(out: AlertOutcome): Promise<AlertOutcome> {
    if (!out.incident) return out;
    const { current } = await this.service.resolve(out.incident.id);
    return current && current.version !== out.incident.version ? { ...out, incident: current } : out;
  }

  /**
   * An incident takes in the alerts that only fed risk on its entities within the join window of one of its alerts
   * (the brute force's failed logins before the success, the scan before the injection; also a later one that
   * arrived before it), and those near them in turn: the attack's story starts where it started, and they are why
   * the incident opened. Alerts known to be in an incident are remembered, so a flood does not read them again.
   */
  private async adopt(first: Alert, key: string, seen: Seen): Promise<void> {
    const queue = [first];
    for (let n = 0; queue.length > 0 && n < 500; n++) {
      const from = queue.shift()!;
      const keys = this.grouper.joiningKeys(from);
      const near = await this.scorer.recent(
        from.agencyId,
        keys,
        from.ts,
        this.grouping.windowMs,
        n === 0 ? seen : undefined,
      );
      for (const id of near) {
        if (id === from.id) continue;
        const a = await this.riskOnly(id);
        if (!a) continue;
        const entities = this.grouper.joiningKeys(a);
        const via = entities.find((k) => keys.includes(k));
        const attack = { entities, maxEntities: this.grouping.maxEntities, ...(via ? { via } : {}) };
        const out = await this.service.ingestAlert(a, { key, adopt: true, attack });
        await this.grouper.link(a, key, out.incident?.entities ?? []);
        this.remember(id);
        queue.push(a);
      }
    }
  }
}
