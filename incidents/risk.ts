/**
 * Risk-based alerting (issue 15 point 2). Each alert adds risk to each of its entities: points from the rule's
 * level, times a repetition factor (the n-th alert of one rule on one entity, in event time, adds half of the one
 * before: a rule firing all day counts, but not without bound). Asset criticality counts once, in the alert's
 * level (context/assets/weigh.ts moves it before the incident stage, keeping `severity.original`); risk reads
 * that level and adds no factor of its own. Risk decays with a half-life on event time and repetition is counted
 * in event time when scoring, so the score of an entity is the same whatever order its alerts arrive in. Alerts below `openLevel` feed risk without opening an incident; an
 * incident opens when an entity's risk crosses `threshold` (from at least `minRules` distinct rules) or when
 * `tactics` distinct ATT&CK tactics were seen on it within the window, and it says why.
 */
import { createHash } from 'node:crypto';
import { isStoreConflict } from '../store/errors.js';
import { type Collection, SCOPE_ALL, type StateStore } from '../store/types.js';
import { entityKey } from './entities.js';
import type { Alert, Severity } from './types.js';
import { SEVERITIES } from './types.js';

/** Risk settings (configuration `incidents.risk`). */
export interface RiskOptions {
  enabled: boolean;
  /** Alerts at or above this level open (or join) incidents on their own; below it they feed risk. */
  openLevel: Severity;
  /** Points per rule level. */
  points: Record<Severity, number>;
  /** Risk at which an entity's alerts become an incident. */
  threshold: number;
  /** Distinct rules the risk must come from to open on score (1: a single rule may). */
  minRules: number;
  /** Distinct ATT&CK tactics on one entity within the window that open an incident (0: off). */
  tactics: number;
  /** Half-life of risk, ms. */
  halfLifeMs: number;
  /** Contributions older than this do not count (ms). */
  windowMs: number;
}

/** The defaults (Splunk RBA-like scale: a critical alert alone reaches the threshold). */
export const DEFAULT_RISK: RiskOptions = {
  enabled: true,
  openLevel: 'medium',
  points: { informational: 10, low: 25, medium: 50, high: 70, critical: 100 },
  threshold: 100,
  minRules: 2,
  tactics: 3,
  halfLifeMs: 60 * 60_000,
  windowMs: 24 * 60 * 60_000,
};

/** One alert's part in an entity's risk. */
export interface RiskContribution {
  alertId: string;
  ruleId: string;
  ruleTitle: string;
  level: Severity;
  ts: number;
  points: number;
  tactics: string[];
}

/** An entity's risk record. */
export interface EntityRisk {
  id: string;
  agencyId: string;
  entity: string;
  contributions: RiskContribution[];
}

/** Why an incident opened (or what an alert added): kept on the incident. */
export interface RiskVerdict {
  entity: string;
  score: number;
  rules: number;
  tactics: string[];
  /** Whether this alert makes (or joins) an incident. */
  opens: boolean;
  /** `level` (the alert's own level), `score`, `tactics`; absent when it only feeds risk. */
  reason?: 'level' | 'score' | 'tactics';
  contributions: RiskContribution[];
}

const MAX_CONTRIBUTIONS = 40;

/** Entities' contributions as one alert's `add` left them (agency + entity -> contributions), read again after. */
export type Seen = Map<string, RiskContribution[]>;
const TACTICS = new Set([
  'reconnaissance',
  'resource_development',
  'initial_access',
  'execution',
  'persistence',
  'privilege_escalation',
  'defense_evasion',
  'credential_access',
  'discovery',
  'lateral_movement',
  'collection',
  'command_and_control',
  'exfiltration',
  'impact',
]);

/** The ATT&CK tactics among a rule's tags (`attack.credential_access` -> credential_access). */
export function tacticsOf(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const s = t.toLowerCase().replace(/-/g, '_');
    if (s.startsWith('attack.') && TACTICS.has(s.slice(7)) && !out.includes(s.slice(7))) out.push(s.slice(7));
  }
  return out;
}

/**
 * Contributions with their points after repetition: the n-th of one rule in event time (then alert id) counts
 * 0.5^n of its level's points, whatever order they were added in.
 */
export function repeated(cs: readonly RiskContribution[]): RiskContribution[] {
  const seen = new Map<string, number>();
  return [...cs]
    .sort((a, b) => a.ts - b.ts || (a.alertId < b.alertId ? -1 : 1))
    .map((c) => {
      const n = seen.get(c.ruleId) ?? 0;
      seen.set(c.ruleId, n + 1);
      return { ...c, points: Math.round(c.points * 0.5 ** Math.min(n, 10) * 10) / 10 };
    });
}

/** The score of contributions at time t (level points, repetition, decay): order of arrival does not matter. */
export function scoreAt(cs: readonly RiskContribution[], t: number, o: RiskOptions): number {
  let s = 0;
  for (const c of repeated(cs)) {
    const age = Math.max(0, t - c.ts);
    if (age <= o.windowMs) s += c.points * 0.5 ** (age / o.halfLifeMs);
  }
  return Math.round(s * 10) / 10;
}

/** The id of an agency's entity's risk document (`entity_risk`). */
export const riskId = (agency: string, entity: string) =>
  `er-${createHash('sha256').update(`${agency}\u0000${entity}`).digest('hex').slice(0, 32)}`;

/** Keeps entities' risk in the state store (`entity_risk`) and decides when risk opens an incident. */
export class RiskScorer {
  private readonly risk: Collection<EntityRisk>;

  constructor(
    state: StateStore,
    private readonly o: RiskOptions,
  ) {
    this.risk = state.collection<EntityRisk>('entity_risk');
  }

  /** Whether an alert of this level opens an incident on its own. */
  opensAlone(level: Severity): boolean {
    return !this.o.enabled || SEVERITIES.indexOf(level) >= SEVERITIES.indexOf(this.o.openLevel);
  }

  /**
   * Adds the alert's risk to each of its entities (an alert id counts once) and returns the verdict of the
   * entity closest to opening (the highest score). `entities` are the alert's joining entity keys.
   */
  async add(alert: Alert, entities: readonly string[], seen?: Seen): Promise<RiskVerdict | undefined> {
    if (!this.o.enabled) return undefined;
    const keys = entities.length > 0 ? entities : alert.host ? [entityKey({ kind: 'host', value: alert.host })] : [];
    if (keys.length === 0) return undefined;
    const tactics = tacticsOf(alert.tags);
    let best: RiskVerdict | undefined;
    for (const k of keys) {
      const v = await this.addTo(alert, k, tactics, seen);
      if (!best || (v.opens && !best.opens) || (v.opens === best.opens && v.score > best.score)) best = v;
    }
    return best;
  }

  /**
   * The alerts that added risk to these entities of an agency within `windowMs` of `ts`, before or after it (one
   * that arrived early, before the alert that opens the incident, is found too); oldest first.
   */
  async recent(
    agency: string,
    entities: readonly string[],
    ts: number,
    windowMs: number,
    seen?: Seen,
  ): Promise<string[]> {
    const out = new Map<string, number>();
    for (const k of entities) {
      const cur = await this.read(agency, k, seen);
      // Only alerts below the opening level can have stayed outside an incident.
      for (const c of cur?.contributions ?? [])
        if (Math.abs(ts - c.ts) <= windowMs && !this.opensAlone(c.level)) out.set(c.alertId, c.ts);
    }
    return [...out].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
  }

  /**
   * Alerts below the opening level on these entities, later in event time than `alert`, whose risk now reaches an
   * opening verdict with `alert` counted (it arrived after them): each is looked at again, so that which alerts
   * open does not depend on arrival order.
   */
  async later(alert: Alert, entities: readonly string[], seen?: Seen): Promise<string[]> {
    const out = new Set<string>();
    for (const k of entities) {
      const cur = await this.read(alert.agencyId, k, seen);
      const live = (cur?.contributions ?? []).filter((c) => Math.abs(alert.ts - c.ts) <= this.o.windowMs);
      for (const c of live)
        if (c.ts > alert.ts && !this.opensAlone(c.level) && this.verdict({ ...alert, ...c }, k, live).opens)
          out.add(c.alertId);
    }
    return [...out];
  }

  /** An entity's risk record: as `add` just left it (`seen`), else from the store. */
  private async read(
    agency: string,
    entity: string,
    seen?: Seen,
  ): Promise<Pick<EntityRisk, 'contributions'> | undefined> {
    const known = seen?.get(`${agency}\u0000${entity}`);
    return known ? { contributions: known } : this.risk.get(SCOPE_ALL, riskId(agency, entity));
  }

  private async addTo(alert: Alert, entity: string, tactics: string[], seen?: Seen): Promise<RiskVerdict> {
    const id = riskId(alert.agencyId, entity);
    for (let attempt = 0; ; attempt++) {
      const cur = await this.risk.get(SCOPE_ALL, id);
      const live = (cur?.contributions ?? []).filter((c) => Math.abs(alert.ts - c.ts) <= this.o.windowMs);
      let mine = live.find((c) => c.alertId === alert.id);
      if (!mine) {
        // The level's points (criticality is in the level already); repetition is counted when scoring.
        const points = this.o.points[alert.level];
        mine = {
          alertId: alert.id,
          ruleId: alert.ruleId,
          ruleTitle: alert.ruleTitle,
          level: alert.level,
          ts: alert.ts,
          points,
          tactics,
        };
        live.push(mine);
        live.sort((a, b) => a.ts - b.ts || (a.alertId < b.alertId ? -1 : 1));
        const doc: EntityRisk = { id, agencyId: alert.agencyId, entity, contributions: live.slice(-MAX_CONTRIBUTIONS) };
        try {
          await this.risk.put(SCOPE_ALL, doc, { expectedVersion: cur ? cur.version : 0, refresh: false });
        } catch (err) {
          if (!isStoreConflict(err) || attempt >= 10) throw err;
          continue;
        }
      }
      seen?.set(`${alert.agencyId}\u0000${entity}`, live.slice(-MAX_CONTRIBUTIONS));
      return this.verdict(alert, entity, live);
    }
  }

  private verdict(alert: Pick<Alert, 'ts' | 'level'>, entity: string, live: readonly RiskContribution[]): RiskVerdict {
    const upTo = live.filter((c) => c.ts <= alert.ts);
    const score = scoreAt(upTo, alert.ts, this.o);
    const rules = new Set(upTo.map((c) => c.ruleId)).size;
    const tactics = [...new Set(upTo.flatMap((c) => c.tactics))];
    const base = { entity, score, rules, tactics, contributions: repeated(upTo).slice(-10) };
    if (this.opensAlone(alert.level)) return { ...base, opens: true, reason: 'level' };
    if (score >= this.o.threshold && rules >= this.o.minRules) return { ...base, opens: true, reason: 'score' };
    if (this.o.tactics > 0 && tactics.length >= this.o.tactics) return { ...base, opens: true, reason: 'tactics' };
    return { ...base, opens: false };
  }
}
