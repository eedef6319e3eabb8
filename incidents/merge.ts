/**
 * Merging incidents (issue 15 point 1): when an alert bridges two incidents (its attacker links to one, its host
 * to another, within the join window), the two are one attack and become one incident, whatever order their
 * alerts arrived in. The incident opened first (created first; the smaller id on a tie) survives: an analyst
 * already working on it keeps it, its notices and its id. The other is closed as a duplicate with `mergedInto`
 * (kept to read; an alert that still names it goes to the survivor: IncidentService.resolve), its counts,
 * entities, kill chain and ATT&CK tags are added to the survivor, its alerts point to the survivor, and both get
 * an audit line. Every step is idempotent (a worker killed half-way leaves it to the next one that meets it):
 * the survivor lists what it absorbed (`mergedFrom`), and `mergedInto` always points to an incident created
 * earlier, so merges never form a cycle.
 */
import { logger } from '../core/log.js';
import { counter } from '../core/metrics.js';
import { isStoreConflict } from '../store/errors.js';
import { SCOPE_ALL, type Versioned } from '../store/types.js';
import { mergeChains } from './attack.js';
import { writeAudit } from './audit.js';
import { earlier } from './changes.js';
import { isClosed } from './policy.js';
import type { IncidentService } from './service.js';
import type { Incident } from './types.js';
import { SEVERITIES } from './types.js';

const log = logger('incidents');
const merges = counter('canhgac_incident_merges_total', 'Incidents merged into another because an alert bridged them');

/** An incident as grouping sees it: its id and key, and whether it exists yet (a claim may precede it). */
export interface IncidentRef {
  id: string;
  key: string;
  /** Its first alert's time (the span's first sight while it does not exist yet). */
  firstSeen: number;
  /** When it was created; undefined while it does not exist yet. */
  createdAt?: number;
  /** The entity through which an alert reached it (a bridge: shown on the steps it brings). */
  via?: string;
}

/** Whether `a` survives a merge with `b`: created first (existing before claimed), then the smaller id. */
export function survives(a: IncidentRef, b: IncidentRef): boolean {
  if ((a.createdAt === undefined) !== (b.createdAt === undefined)) return a.createdAt !== undefined;
  if (a.createdAt !== undefined && b.createdAt !== undefined && a.createdAt !== b.createdAt)
    return a.createdAt < b.createdAt;
  return a.id < b.id;
}

const MAX_TRIES = 20;

/** Merges incidents an alert bridges (see the file comment). */
export class IncidentMerger {
  constructor(
    private readonly svc: IncidentService,
    private readonly maxEntities: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The incident a reference stands for now (followed through merges). */
  async root(ref: IncidentRef): Promise<IncidentRef> {
    const { id, current } = await this.svc.resolve(ref.id);
    return current ? refOf(current) : { ...ref, id };
  }

  /** Makes `a` and `b` one incident; returns the survivor. `via`: the entity that bridged them (for the audit). */
  async merge(a: IncidentRef, b: IncidentRef, bridge?: string): Promise<IncidentRef> {
    const via = bridge ?? b.via ?? a.via;
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const [ra, rb] = [await this.root(a), await this.root(b)];
      if (ra.id === rb.id) return ra;
      const [s, l] = survives(ra, rb) ? [ra, rb] : [rb, ra];
      // Two claims neither of which exists yet: nothing to merge until one is created (its link merges then).
      if (s.createdAt === undefined) return s;
      if (!(await this.close(l, s, via))) continue;
      await this.absorb(l.id, s, via);
      return s;
    }
    log.warn({ a: a.id, b: b.id }, 'Incidents left unmerged after repeated conflicts');
    return a;
  }

  /** Closes the loser as merged into the survivor (or, not created yet, makes it a pointer); false on a race. */
  private async close(l: IncidentRef, s: IncidentRef, via?: string): Promise<boolean> {
    const cur = await this.svc.incidents.get(SCOPE_ALL, l.id);
    const now = this.now();
    if (cur?.mergedInto) return false; // merged meanwhile: look again
    const reason = `Đã gộp vào sự cố ${s.id}${via ? ` (chung ${via})` : ''} / merged into ${s.id}`;
    const next: Incident = cur
      ? {
          ...strip(cur),
          mergedInto: s.id,
          state: isClosed(cur.state) ? cur.state : 'resolved',
          resolvedAt: cur.resolvedAt ?? now,
          closure: cur.closure ?? { category: 'duplicate', reason, by: 'system', at: now },
          updatedAt: now,
        }
      : pointer(l, s, now, reason);
    try {
      await this.svc.incidents.put(SCOPE_ALL, next, { expectedVersion: cur ? cur.version : 0, refresh: false });
    } catch (err) {
      if (isStoreConflict(err)) return false;
      throw err;
    }
    if (cur)
      await writeAudit(this.svc.audit, now, {
        actor: 'system',
        action: 'incident.merged',
        collection: 'incidents',
        targetId: l.id,
        agencyId: cur.agencyId,
        before: { state: cur.state },
        after: { mergedInto: s.id, ...(via ? { via } : {}) },
      });
    return true;
  }

  /** Adds a merged incident's alerts, entities and chain to the survivor (once), and points its alerts there. */
  async absorb(loserId: string, s: IncidentRef, via?: string): Promise<void> {
    const l = await this.svc.incidents.get(SCOPE_ALL, loserId);
    if (!l || l.alertCount === 0) return; // a pointer of a claim never created: nothing to add
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const { current } = await this.svc.resolve(s.id);
      if (!current || current.mergedFrom?.includes(loserId)) break;
      const next = combine(strip(current), l, this.maxEntities, this.now(), via);
      try {
        await this.svc.incidents.put(SCOPE_ALL, next, { expectedVersion: current.version, refresh: false });
      } catch (err) {
        if (!isStoreConflict(err)) throw err;
        continue;
      }
      merges.inc();
      await writeAudit(this.svc.audit, this.now(), {
        actor: 'system',
        action: 'incident.merge',
        collection: 'incidents',
        targetId: current.id,
        agencyId: current.agencyId,
        before: { alertCount: current.alertCount, severity: current.severity },
        after: { mergedFrom: loserId, alertCount: next.alertCount, severity: next.severity, ...(via ? { via } : {}) },
      });
      break;
    }
    // Its alerts now belong to the survivor (a page at a time; an alert written meanwhile is resolved on read).
    const { id: into } = await this.svc.resolve(s.id);
    for (let after: string | undefined, n = 0; n < 100; n++) {
      const page = await this.svc.alerts.list(SCOPE_ALL, {
        filter: { incidentId: loserId },
        size: 500,
        ...(after ? { after } : {}),
      });
      for (const a of page.docs) {
        const { version, ...doc } = a;
        try {
          await this.svc.alerts.put(
            SCOPE_ALL,
            { ...doc, incidentId: into },
            { expectedVersion: version, refresh: false },
          );
        } catch (err) {
          if (!isStoreConflict(err)) throw err;
        }
      }
      after = page.next;
      if (!after) break;
    }
  }
}

function refOf(i: Incident): IncidentRef {
  return { id: i.id, key: i.key, firstSeen: i.firstSeen, createdAt: i.createdAt };
}

function strip(v: Versioned<Incident>): Incident {
  const { version: _v, ...doc } = v;
  return doc;
}

/** What a claimed but never created incident becomes: a closed pointer to the survivor, holding no alert. */
function pointer(l: IncidentRef, s: IncidentRef, now: number, reason: string): Incident {
  const agencyId = l.key.split('\u001f')[1] ?? 'unassigned';
  return {
    id: l.id,
    key: l.key,
    title: '',
    ruleId: '',
    agencyId,
    severity: 'informational',
    state: 'resolved',
    alertCount: 0,
    firstSeen: l.firstSeen,
    lastSeen: l.firstSeen,
    attack: [],
    alertIds: [],
    eventIds: [],
    createdAt: now,
    updatedAt: now,
    resolvedAt: now,
    reopenCount: 0,
    sla: {},
    closure: { category: 'duplicate', reason, by: 'system', at: now },
    mergedInto: s.id,
  };
}

/** The survivor with the loser's alerts, entities, chain and tags added (the loser's own state is not taken). */
export function combine(s: Incident, l: Incident, maxEntities: number, now: number, via?: string): Incident {
  const next: Incident = {
    ...s,
    alertCount: s.alertCount + l.alertCount,
    firstSeen: Math.min(s.firstSeen, l.firstSeen),
    lastSeen: Math.max(s.lastSeen, l.lastSeen),
    severity: SEVERITIES.indexOf(l.severity) > SEVERITIES.indexOf(s.severity) ? l.severity : s.severity,
    alertIds: [...new Set([...s.alertIds, ...l.alertIds])].slice(0, Math.max(50, s.alertIds.length)),
    eventIds: [...new Set([...s.eventIds, ...l.eventIds])].slice(0, Math.max(50, s.eventIds.length)),
    attack: [...new Set([...s.attack, ...l.attack])],
    mergedFrom: [...(s.mergedFrom ?? []), l.id],
    updatedAt: now,
  };
  // The host of the earliest alert (the smaller name on a tie): the same whichever incident opened first.
  if (earlier(l.firstSeen, l.host, s.firstSeen, s.host)) {
    if (l.host === undefined) delete next.host;
    else next.host = l.host;
  }
  const ents = [...(s.entities ?? [])];
  let dropped = (s.entitiesDropped ?? 0) + (l.entitiesDropped ?? 0);
  for (const k of l.entities ?? []) {
    if (ents.includes(k)) continue;
    if (ents.length >= maxEntities) dropped++;
    else ents.push(k);
  }
  if (s.entities || l.entities) next.entities = ents;
  if (dropped > 0) next.entitiesDropped = dropped;
  // The merged incident's steps joined through the entity that bridged the two (its first step opened it).
  const brought = (l.chain ?? []).map((st) => (st.via === undefined && via ? { ...st, via } : st));
  if (s.chain || l.chain) next.chain = mergeChains(s.chain ?? [], brought);
  // Named after its most severe rule; on a tie the survivor keeps its name (the one its notices carried).
  if (SEVERITIES.indexOf(l.severity) > SEVERITIES.indexOf(s.severity)) {
    next.title = l.title;
    next.ruleId = l.ruleId;
  }
  if (l.risk && (!s.risk || l.risk.score > s.risk.score)) next.risk = l.risk;
  return next;
}
