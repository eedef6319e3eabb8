/**
 * Entity-centric grouping (issue 15 point 1): alerts of different rules that share an entity (attacker address,
 * host, account, URL, process) within a window join one incident of their agency. The links entity -> incident
 * live in the state store (`entity_links`, one document per agency and entity), so the embedded service and
 * every distributed worker decide alike; a new incident first claims its entities' links (create-only writes),
 * so two workers racing on one attacker open one incident, not two.
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
import type { Alert, Incident } from './types.js';

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

/** One link: the incident an agency's entity currently joins, and when the entity was last seen. */
export interface EntityLink {
  id: string;
  agencyId: string;
  entity: string;
  incidentId: string;
  key: string;
  firstSeen: number;
  lastSeen: number;
}

/** Where an alert goes: an existing incident's key, or a new one (with the entities it claimed). */
export interface Placement {
  key: string;
  joined: boolean;
  /** The entity through which it joined (the reason shown on the incident). */
  via?: string;
}

function linkId(agency: string, entity: string): string {
  return `el-${createHash('sha256').update(`${agency}\u0000${entity}`).digest('hex').slice(0, 32)}`;
}

const MAX_CLAIM_TRIES = 5;

/** Places alerts in incidents by their entities; keeps the links up to date. */
export class EntityGrouper {
  private readonly links: Collection<EntityLink>;

  constructor(
    state: StateStore,
    private readonly o: EntityGroupingOptions,
    private readonly guards: GroupingGuards,
    private readonly incidents: Collection<Incident>,
  ) {
    this.links = state.collection<EntityLink>('entity_links');
  }

  /** The alert's entities that may join (kinds configured, stop-values removed), as keys. */
  joiningKeys(alert: Alert): string[] {
    const ents: Entity[] = (alert.entities ?? []).map(parseEntityKey).filter((e) => this.o.joinOn.includes(e.kind));
    return this.guards.joining(alert.agencyId, ents).map(entityKey);
  }

  /**
   * The incident key an alert goes to: the live incident one of its entities links to (the earliest opened when
   * several do: the same answer in whatever order alerts arrive), or a new key claimed for its entities.
   */
  async place(alert: Alert): Promise<Placement> {
    const keys = this.joiningKeys(alert);
    for (let attempt = 0; attempt < MAX_CLAIM_TRIES; attempt++) {
      const found = await this.find(alert, keys);
      if (found) return found;
      // A new incident: its key is the agency and the first alert; claim the links before it exists.
      const key = `entity\u001f${alert.agencyId}\u001f${alert.id}`;
      if (keys.length === 0 || (await this.claim(alert, key, keys))) return { key, joined: false };
      // Two workers that gave way to each other: a short random pause before both look again.
      await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
    }
    return { key: `entity\u001f${alert.agencyId}\u001f${alert.id}`, joined: false };
  }

  /** The live incident one of the alert's entities links to (the earliest opened), if any. */
  async find(alert: Alert, keys: readonly string[] = this.joiningKeys(alert)): Promise<Placement | undefined> {
    let best: { link: EntityLink; firstSeen: number } | undefined;
    for (const k of keys) {
      const link = await this.links.get(SCOPE_ALL, linkId(alert.agencyId, k));
      if (!link || Math.abs(alert.ts - link.lastSeen) > this.o.windowMs) continue;
      // No incident yet: another worker claimed the link and is creating it; its key is where this alert goes.
      const inc = await this.incidents.get(SCOPE_ALL, link.incidentId);
      const first = inc ? inc.firstSeen : link.firstSeen;
      if (alert.ts - first > this.o.maxSpanMs) continue;
      if (!best || first < best.firstSeen || (first === best.firstSeen && link.key < best.link.key))
        best = { link, firstSeen: first };
    }
    return best ? { key: best.link.key, joined: true, via: best.link.entity } : undefined;
  }

  /**
   * Creates (or takes over stale) links for a new incident; false when another worker linked one of them first.
   * Then the links it did create are released again, so that the caller's next look finds only the other
   * worker's incident, never a half-claimed key of its own.
   */
  private async claim(alert: Alert, key: string, keys: readonly string[]): Promise<boolean> {
    const incidentId = incidentIdOf(key);
    const mine: { id: string; version: number }[] = [];
    const giveWay = async () => {
      for (const m of mine) {
        try {
          await this.links.delete(SCOPE_ALL, m.id, { expectedVersion: m.version });
        } catch (err) {
          if (!isStoreConflict(err)) throw err;
        }
      }
      return false;
    };
    for (const k of keys) {
      const id = linkId(alert.agencyId, k);
      const cur = await this.links.get(SCOPE_ALL, id);
      // A live link to another incident is not taken over (it was claimed meanwhile): look again.
      if (cur && cur.incidentId !== incidentId && Math.abs(alert.ts - cur.lastSeen) <= this.o.windowMs) {
        const inc = await this.incidents.get(SCOPE_ALL, cur.incidentId);
        if (alert.ts - (inc ? inc.firstSeen : cur.firstSeen) <= this.o.maxSpanMs) return giveWay();
      }
      const doc: EntityLink = {
        id,
        agencyId: alert.agencyId,
        entity: k,
        incidentId,
        key,
        firstSeen: alert.ts,
        lastSeen: alert.ts,
      };
      try {
        const saved = await this.links.put(SCOPE_ALL, doc, { expectedVersion: cur ? cur.version : 0, refresh: false });
        mine.push({ id, version: saved.version });
      } catch (err) {
        if (!isStoreConflict(err)) throw err;
        // Someone linked this entity meanwhile: the caller looks again (and joins that incident).
        return giveWay();
      }
    }
    return true;
  }

  /**
   * After the alert was applied to its incident: its entities the incident holds (`held`, within the cap) now
   * link there, seen at the alert's time.
   */
  async link(alert: Alert, key: string, held: readonly string[]): Promise<void> {
    const incidentId = incidentIdOf(key);
    for (const k of this.joiningKeys(alert)) {
      // Only the entities the incident holds link to it (the cap: ./attack.ts counts the others as dropped).
      if (!held.includes(k)) continue;
      const id = linkId(alert.agencyId, k);
      for (let attempt = 0; attempt < MAX_CLAIM_TRIES; attempt++) {
        const cur = await this.links.get(SCOPE_ALL, id);
        // A link to another live incident stays (first come keeps it); a stale one is taken over.
        if (cur && cur.incidentId !== incidentId && alert.ts - cur.lastSeen <= this.o.windowMs) break;
        if (cur && cur.incidentId === incidentId && cur.lastSeen >= alert.ts) break;
        const doc: EntityLink = {
          id,
          agencyId: alert.agencyId,
          entity: k,
          incidentId,
          key,
          firstSeen: cur?.incidentId === incidentId ? Math.min(cur.firstSeen, alert.ts) : alert.ts,
          lastSeen: cur?.incidentId === incidentId ? Math.max(cur.lastSeen, alert.ts) : alert.ts,
        };
        try {
          await this.links.put(SCOPE_ALL, doc, { expectedVersion: cur ? cur.version : 0, refresh: false });
          break;
        } catch (err) {
          if (!isStoreConflict(err)) throw err;
        }
      }
    }
  }
}

/** The incident id of a grouping key (the same function as IncidentService.incidentId). */
export function incidentIdOf(key: string): string {
  return `inc-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}
