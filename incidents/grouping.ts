/**
 * Entity-centric grouping (issue 15 point 1): alerts of different rules that share an entity (attacker address,
 * host, account, URL, process) within a window join one incident of their agency. The links entity -> incident
 * live in the state store (`entity_links`, one document per agency and entity), so the embedded service and
 * every distributed worker decide alike; a new incident first claims its entities' links (create-only writes),
 * so two workers racing on one attacker open one incident, not two.
 *
 * Order of arrival does not change which alerts end up together (a batch redone after a worker was killed, two
 * workers racing): an entity keeps one span per stretch of its alerts (alerts at most `window` apart), each naming
 * its incident, so an alert joins every incident whose span it falls within reach of; when that is more than one
 * (its attacker in one incident, its host in another), it joins the one opened first and the others are merged
 * into it (./merge.ts, audited). The incidents are then the connected groups of alerts that share an entity
 * within the window, which depends on the alerts only. Entity precedence: the entity shown as the one an alert
 * joined through is the first of ip, host, user, url, process that reaches the incident.
 * Two guards are the exception, documented as such: beyond the entity cap, which entities extend an incident
 * follows arrival; and an incident past its maximum span takes no more alerts, so an alert at its edge may
 * open a new one or not depending on what arrived first.
 *
 * Guards: stop-values (./guards.ts); a join window (an entity links only while it was seen in the last
 * `window`); a maximum span (an incident accepts joins only until `maxSpan` after its first alert); a cap on the
 * entities an incident holds (beyond it, an alert still joins through an entity it shares, but its other
 * entities do not extend the incident, so one noisy host cannot snowball a day of alerts into one incident).
 */
import { createHash } from 'node:crypto';
import { isStoreConflict } from '../store/errors.js';
import { type Collection, SCOPE_ALL, type StateStore } from '../store/types.js';
import { type Entity, type EntityKind, entityKey, parseEntityKey } from './entities.js';
import type { GroupingGuards } from './guards.js';
import { IncidentMerger, type IncidentRef, survives } from './merge.js';
import type { IncidentService } from './service.js';
import type { Alert } from './types.js';

/** How alerts are grouped into incidents (configuration `incidents.grouping`). */
export interface EntityGroupingOptions {
  /** `entity` (default): by shared entities; `rule`: by rule + agency + host, as before issue 15. */
  mode: 'entity' | 'rule';
  /** Entity kinds that join alerts (default every kind). */
  joinOn: readonly EntityKind[];
  /** An entity links an alert to an incident while it was seen within this many ms (default 1 h). */
  windowMs: number;
  /** An incident accepts joins until this many ms after its first alert (default 24 h). */
  maxSpanMs: number;
  /** Entities an incident holds at most (default 50). */
  maxEntities: number;
}

/** The defaults: every kind, 1 hour, 24 hours, 50 entities. */
export const DEFAULT_ENTITY_GROUPING: EntityGroupingOptions = {
  mode: 'entity',
  joinOn: ['ip', 'host', 'user', 'url', 'process'],
  windowMs: 60 * 60_000,
  maxSpanMs: 24 * 60 * 60_000,
  maxEntities: 50,
};

/** One stretch of an entity's alerts in one incident: alerts no more than the join window apart. */
export interface LinkSpan {
  key: string;
  incidentId: string;
  first: number;
  last: number;
}

/** The links of an agency's entity: the incidents it belongs to, one span per stretch of its alerts. */
export interface EntityLink {
  id: string;
  agencyId: string;
  entity: string;
  spans?: LinkSpan[];
  /** A link written before spans: one span. */
  incidentId?: string;
  key?: string;
  firstSeen?: number;
  lastSeen?: number;
}

/** Where an alert goes: an existing incident's key, or a new one (with the entities it claimed). */
export interface Placement {
  key: string;
  joined: boolean;
  /** The entity through which it joined (the reason shown on the incident). */
  via?: string;
  /** Other incidents the alert bridges: merged with the one it joins once it is applied. */
  bridges?: IncidentRef[];
}

/** The id of an agency's entity's link document (`entity_links`). */
export function linkId(agency: string, entity: string): string {
  return `el-${createHash('sha256').update(`${agency}\u0000${entity}`).digest('hex').slice(0, 32)}`;
}

function spansOf(l: EntityLink | undefined): LinkSpan[] {
  if (!l) return [];
  if (l.spans) return l.spans;
  if (!l.incidentId || !l.key) return [];
  return [{ key: l.key, incidentId: l.incidentId, first: l.firstSeen ?? 0, last: l.lastSeen ?? l.firstSeen ?? 0 }];
}

const MAX_CLAIM_TRIES = 5;
/** Spans kept per entity (the most recent). */
const MAX_SPANS = 24;

/** Places alerts in incidents by their entities; keeps the links up to date; merges what an alert bridges. */
export class EntityGrouper {
  private readonly links: Collection<EntityLink>;
  readonly merger: IncidentMerger;

  constructor(
    state: StateStore,
    private readonly o: EntityGroupingOptions,
    private readonly guards: GroupingGuards,
    service: IncidentService,
  ) {
    this.links = state.collection<EntityLink>('entity_links');
    this.merger = new IncidentMerger(service, o.maxEntities);
  }

  /** The alert's entities that may join (kinds configured, stop-values removed), as keys. */
  joiningKeys(alert: Alert): string[] {
    const ents: Entity[] = (alert.entities ?? []).map(parseEntityKey).filter((e) => this.o.joinOn.includes(e.kind));
    return this.guards.joining(alert.agencyId, ents).map(entityKey);
  }

  private near(s: LinkSpan, t: number): boolean {
    return t >= s.first - this.o.windowMs && t <= s.last + this.o.windowMs;
  }

  private refOf(s: LinkSpan): IncidentRef {
    return { id: s.incidentId, key: s.key, firstSeen: s.first };
  }

  /**
   * The key an alert goes to: the incident its entities reach (the one opened first when they reach several;
   * the others are its bridges), or a new key claimed for its entities.
   */
  async place(alert: Alert): Promise<Placement> {
    const keys = this.joiningKeys(alert);
    const key = `entity\u001f${alert.agencyId}\u001f${alert.id}`;
    for (let attempt = 0; attempt < MAX_CLAIM_TRIES; attempt++) {
      const found = await this.find(alert, keys);
      if (found) return found;
      // A new incident: its key is the agency and the first alert; claim the links before it exists.
      if (keys.length === 0 || (await this.claim(alert, key, keys))) return { key, joined: false };
      // Two workers that gave way to each other: a short random pause before both look again.
      await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
    }
    return { key, joined: false };
  }

  /** The live incidents the alert's entities reach, if any: where it goes, and what it bridges. */
  async find(alert: Alert, keys: readonly string[] = this.joiningKeys(alert)): Promise<Placement | undefined> {
    const reached = new Map<string, { ref: IncidentRef; via: string }>();
    for (const k of keys) {
      for (const s of spansOf(await this.links.get(SCOPE_ALL, linkId(alert.agencyId, k)))) {
        if (!this.near(s, alert.ts)) continue;
        const r = await this.merger.root(this.refOf(s));
        if (alert.ts - r.firstSeen > this.o.maxSpanMs || reached.has(r.id)) continue;
        reached.set(r.id, { ref: r, via: k });
      }
    }
    let best: { ref: IncidentRef; via: string } | undefined;
    for (const c of reached.values()) if (!best || survives(c.ref, best.ref)) best = c;
    if (!best) return undefined;
    const bridges = [...reached.values()].filter((c) => c !== best).map((c) => ({ ...c.ref, via: c.via }));
    return { key: best.ref.key, joined: true, via: best.via, ...(bridges.length ? { bridges } : {}) };
  }

  /**
   * Adds spans for a new incident; false when another worker reached one of the entities first. Then the spans
   * it did add are taken back, so that the caller's next look finds only the other worker's incident, never a
   * half-claimed key of its own.
   */
  private async claim(alert: Alert, key: string, keys: readonly string[]): Promise<boolean> {
    const incidentId = incidentIdOf(key);
    const mine: string[] = [];
    const giveWay = async () => {
      for (const id of mine) await this.update(id, (spans) => spans.filter((s) => s.incidentId !== incidentId));
      return false;
    };
    for (const k of keys) {
      const id = linkId(alert.agencyId, k);
      const cur = await this.links.get(SCOPE_ALL, id);
      const spans = spansOf(cur);
      for (const s of spans) {
        if (s.incidentId === incidentId || !this.near(s, alert.ts)) continue;
        // A live span of another incident (claimed meanwhile): look again, and join it.
        const r = await this.merger.root(this.refOf(s));
        if (alert.ts - r.firstSeen <= this.o.maxSpanMs) return giveWay();
      }
      const next = [...spans.filter((s) => s.incidentId !== incidentId)];
      next.push({ key, incidentId, first: alert.ts, last: alert.ts });
      try {
        await this.write(cur, alert.agencyId, k, next);
        mine.push(id);
      } catch (err) {
        if (!isStoreConflict(err)) throw err;
        // Someone linked this entity meanwhile: the caller looks again (and joins that incident).
        return giveWay();
      }
    }
    return true;
  }

  /**
   * After the alert was applied to its incident: the incidents it bridges are merged with it, and its entities
   * the incident holds (`held`, within the cap) get a span there reaching the alert's time; a span of another
   * live incident within reach (a worker racing on the same entity) is merged too.
   */
  async link(alert: Alert, key: string, held: readonly string[], bridges: readonly IncidentRef[] = []): Promise<void> {
    let target = await this.merger.root({ id: incidentIdOf(key), key, firstSeen: alert.ts });
    for (const b of bridges) target = await this.merger.merge(target, b);
    for (const k of this.joiningKeys(alert)) {
      // Only the entities the incident holds link to it (the cap: ./attack.ts counts the others as dropped).
      if (!held.includes(k)) continue;
      const id = linkId(alert.agencyId, k);
      for (let attempt = 0; attempt < MAX_CLAIM_TRIES * 2; attempt++) {
        const cur = await this.links.get(SCOPE_ALL, id);
        const spans = spansOf(cur);
        const keep: LinkSpan[] = [];
        let first = alert.ts;
        let last = alert.ts;
        let same = 0;
        for (const s of spans) {
          if (!this.near(s, alert.ts)) {
            keep.push(s);
            continue;
          }
          if (s.incidentId !== target.id) {
            const r = await this.merger.root(this.refOf(s));
            if (r.id !== target.id) {
              // An incident past its maximum span stays apart; another live one is the same attack.
              if (alert.ts - r.firstSeen > this.o.maxSpanMs) {
                keep.push(s);
                continue;
              }
              target = await this.merger.merge(target, r, k);
              if ((await this.merger.root(r)).id !== target.id) {
                keep.push(s);
                continue;
              }
            }
          } else same++;
          first = Math.min(first, s.first);
          last = Math.max(last, s.last);
        }
        // Nothing to change: the alert is inside its incident's span already.
        const covered = spans.find((s) => s.incidentId === target.id && s.first <= alert.ts && alert.ts <= s.last);
        if (covered && same === 1 && keep.length === spans.length - 1) break;
        keep.push({ key: target.key, incidentId: target.id, first, last });
        try {
          await this.write(cur, alert.agencyId, k, keep);
          break;
        } catch (err) {
          if (!isStoreConflict(err)) throw err;
        }
      }
    }
  }

  private async write(
    cur: (EntityLink & { version: number }) | undefined,
    agencyId: string,
    entity: string,
    spans: LinkSpan[],
  ): Promise<void> {
    // The most recent spans are kept (older ones are past any window an alert could still join).
    const kept = [...spans]
      .sort((a, b) => a.first - b.first || (a.incidentId < b.incidentId ? -1 : 1))
      .slice(-MAX_SPANS);
    const doc: EntityLink = { id: linkId(agencyId, entity), agencyId, entity, spans: kept };
    await this.links.put(SCOPE_ALL, doc, { expectedVersion: cur ? cur.version : 0, refresh: false });
  }

  /** Rewrites an entity's spans (retrying on a conflict); removes the document when none is left. */
  private async update(id: string, change: (spans: LinkSpan[]) => LinkSpan[]): Promise<void> {
    for (let attempt = 0; attempt < MAX_CLAIM_TRIES * 2; attempt++) {
      const cur = await this.links.get(SCOPE_ALL, id);
      if (!cur) return;
      const next = change(spansOf(cur));
      try {
        if (next.length === 0) await this.links.delete(SCOPE_ALL, id, { expectedVersion: cur.version });
        else await this.write(cur, cur.agencyId, cur.entity, next);
        return;
      } catch (err) {
        if (!isStoreConflict(err)) throw err;
      }
    }
  }
}

/** The incident id of a grouping key (the same function as IncidentService.incidentId). */
export function incidentIdOf(key: string): string {
  return `inc-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}
