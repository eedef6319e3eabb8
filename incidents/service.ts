import { createHash } from 'node:crypto';
import { newEventId } from '../core/ids.js';
import { KeyedLock } from '../core/keyed-lock.js';
import { logger } from '../core/log.js';
import { counter } from '../core/metrics.js';
import { type SettingsCache, type SlaSettings, settingsFor } from '../core/settings.js';
import { isStoreConflict } from '../store/errors.js';
import { type Collection, SCOPE_ALL, type Scope, type StateStore, type Versioned } from '../store/types.js';
import { type AttackNote, mergeAttack } from './attack.js';
import { writeAudit } from './audit.js';
import { alertEvents, earlier, stateView } from './changes.js';
import { incidentError } from './errors.js';
import { IncidentOutbox, pushEvent } from './outbox.js';
import {
  attackTags,
  DEFAULT_GROUPING,
  DEFAULT_SLA,
  type GroupingField,
  groupingKey,
  isClosed,
  type SlaPolicy,
  TRANSITIONS,
} from './policy.js';
import type {
  Alert,
  AuditEntry,
  CloseCategory,
  Comment,
  Incident,
  IncidentState,
  SlaBreach,
  Suppression,
} from './types.js';
import { SEVERITIES, SILENT_HOST_RULE } from './types.js';

const log = logger('incidents');
const alertsTotal = counter('canhgac_alerts_total', 'Alerts received by the incident stage, by outcome', ['outcome']);
const breaches = counter('canhgac_sla_breaches_total', 'SLA clocks breached', ['clock', 'severity']);

/** Options of the incident service. */
export interface IncidentOptions {
  grouping?: readonly GroupingField[];
  /** The configured SLA (default DEFAULT_SLA); the `sla` setting, where set, wins per severity and field. */
  sla?: SlaPolicy;
  /** Where run-time settings come from (default: the state store's shared cache; false: ignore settings). */
  settings?: SettingsCache | false;
  /** What recurrence does to a false_positive incident: stay closed (default) or reopen. */
  reopenFalsePositives?: boolean;
  /** Bounds of the id lists kept on an incident. */
  maxIds?: number;
  now?: () => number;
}

/** What ingesting an alert did. */
export interface AlertOutcome {
  alert: Alert;
  incident?: Versioned<Incident>;
  created: boolean;
  reopened: boolean;
  suppressed: boolean;
}

const MAX_RETRIES = 20;

/** A short random pause before retrying a conflicting write (another process won the race). */
function backoff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
}

/**
 * Turns alerts into incidents and carries every analyst action on them, writing the audit trail. All writes use
 * optimistic concurrency: two analysts (or an analyst and the pipeline) never silently overwrite each other.
 */
export class IncidentService {
  readonly incidents: Collection<Incident>;
  readonly alerts: Collection<Alert>;
  readonly comments: Collection<Comment>;
  readonly audit: Collection<AuditEntry>;
  readonly suppressions: Collection<Suppression>;
  /** Incident events waiting for notify, written with each change (incidents/outbox.ts). */
  readonly outbox: IncidentOutbox;
  private readonly grouping: readonly GroupingField[];
  private readonly sla: SlaPolicy;
  private readonly settings: SettingsCache | undefined;
  /** The configured SLA with the `sla` setting over it, as last read (see currentSla). */
  private effectiveSla: SlaPolicy;
  private slaFromSettings: SlaSettings | undefined;
  private readonly maxIds: number;
  private readonly now: () => number;
  /** Alerts of one incident are applied one at a time here; the version check covers other processes. */
  private readonly lock = new KeyedLock();

  constructor(
    state: StateStore,
    private readonly opts: IncidentOptions = {},
  ) {
    this.incidents = state.collection<Incident>('incidents');
    this.alerts = state.collection<Alert>('alerts');
    this.comments = state.collection<Comment>('comments');
    this.audit = state.collection<AuditEntry>('audit');
    this.suppressions = state.collection<Suppression>('suppressions');
    this.outbox = new IncidentOutbox(this.incidents);
    this.grouping = opts.grouping ?? DEFAULT_GROUPING;
    this.sla = opts.sla ?? DEFAULT_SLA;
    this.effectiveSla = this.sla;
    this.settings = opts.settings === false ? undefined : (opts.settings ?? settingsFor(state));
    this.maxIds = opts.maxIds ?? 50;
    this.now = opts.now ?? Date.now;
  }

  /**
   * The same service over another state store (a batch's, ./batch-state.ts), sharing the settings cache; its
   * outbox has no sink (the batch's incident events are handed over once the batch is written).
   */
  forState(state: StateStore): IncidentService {
    return new IncidentService(state, { ...this.opts, settings: this.settings ?? false });
  }

  /** The incident id of a grouping key (stable: the same key always lands on the same incident). */
  static incidentId(key: string): string {
    return `inc-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
  }

  /**
   * Records an alert and creates, updates or reopens its incident (unless a suppression applies). The alert
   * intake (./intake.ts) passes the key of entity grouping and what the incident shows of the attack; an alert
   * that only fed risk (`riskOnly`) is stored without an incident.
   */
  async ingestAlert(
    alert: Alert,
    o: { key?: string; attack?: AttackNote; riskOnly?: boolean; adopt?: boolean } = {},
  ): Promise<AlertOutcome> {
    const suppression = await this.activeSuppression(alert);
    if (suppression || o.riskOnly) {
      const stored = suppression ? { ...alert, suppressedBy: suppression.id } : alert;
      await this.alerts.put(SCOPE_ALL, { ...stored, agencyId: alert.agencyId }, { refresh: !o.riskOnly });
      alertsTotal.labels(suppression ? 'suppressed' : 'risk_only').inc();
      return { alert: stored, created: false, reopened: false, suppressed: !!suppression };
    }
    const key = o.key ?? groupingKey(alert, this.grouping);
    return this.lock.run(key, () => this.applyAlert(alert, key, o.attack, o.adopt));
  }

  /** `adopt`: an alert stored earlier with risk only (no incident) now joins this incident. */
  private async applyAlert(alert: Alert, key: string, attack?: AttackNote, adopt = false): Promise<AlertOutcome> {
    await this.currentSla();
    // A batch replayed after a crash raises the same alert ids again: count each alert once.
    const seen = await this.alerts.get(SCOPE_ALL, alert.id);
    if (seen && !(adopt && !seen.incidentId && !seen.suppressedBy)) {
      alertsTotal.labels('duplicate').inc();
      const { version: _v, ...prior } = seen;
      const { current: incident } = await this.resolve(IncidentService.incidentId(key), seen);
      return { alert: prior, ...(incident ? { incident } : {}), created: false, reopened: false, suppressed: false };
    }
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const { id, current } = await this.resolve(IncidentService.incidentId(key));
      if (current?.alertIds.includes(alert.id)) {
        // Counted already, but the process stopped before the alert record was written (the two are separate
        // writes): write it now and count nothing. alertIds keeps the newest ids, which is what a replay raises.
        alertsTotal.labels('duplicate').inc();
        const storedAlert: Alert = { ...alert, incidentId: id };
        await this.alerts.put(SCOPE_ALL, { ...storedAlert, agencyId: alert.agencyId }, { refresh: false });
        return { alert: storedAlert, incident: current, created: false, reopened: false, suppressed: false };
      }
      const now = this.now();
      let next: Incident;
      let created = false;
      let reopened = false;
      if (!current) {
        created = true;
        next = {
          id,
          key,
          title: alert.ruleTitle,
          ruleId: alert.ruleId,
          agencyId: alert.agencyId,
          ...(alert.host !== undefined ? { host: alert.host } : {}),
          severity: alert.level,
          state: 'new',
          alertCount: 1,
          firstSeen: alert.ts,
          lastSeen: alert.ts,
          attack: attackTags(alert.tags),
          alertIds: [alert.id],
          eventIds: alert.eventIds.slice(0, this.maxIds),
          createdAt: now,
          updatedAt: now,
          reopenCount: 0,
          sla: this.slaFrom(alert.level, now),
        };
      } else {
        const { version: _v, ...base } = current;
        next = {
          ...base,
          alertCount: current.alertCount + 1,
          firstSeen: Math.min(current.firstSeen, alert.ts),
          lastSeen: Math.max(current.lastSeen, alert.ts),
          severity:
            SEVERITIES.indexOf(alert.level) > SEVERITIES.indexOf(current.severity) ? alert.level : current.severity,
          alertIds: [alert.id, ...current.alertIds].slice(0, this.maxIds),
          eventIds: [...new Set([...alert.eventIds, ...current.eventIds])].slice(0, this.maxIds),
          updatedAt: now,
        };
        // The host of the earliest alert (the smaller name on a tie): the same whatever order alerts arrive in.
        if (earlier(alert.ts, alert.host, current.firstSeen, current.host)) {
          if (alert.host === undefined) delete next.host;
          else next.host = alert.host;
        }
        if (current.state === 'resolved' || (current.state === 'false_positive' && this.opts.reopenFalsePositives)) {
          reopened = true;
          next.state = 'new';
          next.reopenCount = current.reopenCount + 1;
          next.sla = this.slaFrom(next.severity, now);
          delete next.acknowledgedAt;
          delete next.resolvedAt;
          delete next.assignee;
        }
      }
      mergeAttack(next, alert, attack, current);
      alertEvents(current, next, alert, created || reopened, now);
      try {
        // The pipeline's writes skip OpenSearch's forced refresh (an alert flood would wait on one per write); the
        // next read of this incident is a get, which is always current, and listings catch up within ~1 s.
        const saved = await this.incidents.put(SCOPE_ALL, next, {
          expectedVersion: current ? current.version : 0,
          refresh: false,
        });
        const storedAlert: Alert = { ...alert, incidentId: id };
        await this.alerts.put(SCOPE_ALL, { ...storedAlert, agencyId: alert.agencyId }, { refresh: false });
        if (created || reopened) {
          await this.writeAudit(
            'system',
            created ? 'incident.create' : 'incident.reopen',
            'incidents',
            id,
            alert.agencyId,
            current ? stateView(current) : undefined,
            stateView(saved),
          );
        }
        alertsTotal.labels(created ? 'created' : reopened ? 'reopened' : 'grouped').inc();
        const drained = saved.outboxPending ? await this.drain(saved) : undefined;
        return { alert: storedAlert, incident: drained ?? saved, created, reopened, suppressed: false };
      } catch (err) {
        if (!isStoreConflict(err)) throw err;
        await backoff(attempt);
      }
    }
    throw incidentError('CANHGAC_ERR_INCIDENT_BUSY', { id: IncidentService.incidentId(key) });
  }

  /**
   * The incident an id stands for now: itself, or the one entity grouping merged it into (incidents/merge.ts),
   * followed to the end. `seen`: an alert already stored, whose own incident id is read instead.
   */
  async resolve(id: string, seen?: Alert): Promise<{ id: string; current: Versioned<Incident> | undefined }> {
    let target = seen?.incidentId ?? id;
    let current = await this.incidents.get(SCOPE_ALL, target);
    for (let hop = 0; current?.mergedInto && hop < 16; hop++) {
      target = current.mergedInto;
      current = await this.incidents.get(SCOPE_ALL, target);
    }
    return { id: target, current };
  }

  /** Moves an incident to another state (analyst action), within the caller's scope. */
  async transition(
    scope: Scope,
    id: string,
    to: IncidentState,
    actor: string,
    expectedVersion?: number,
    note?: { reason?: string | undefined; category?: CloseCategory | undefined },
  ): Promise<Versioned<Incident>> {
    return this.update(scope, id, actor, `incident.${to === 'new' ? 'reopen' : to}`, expectedVersion, (inc, now) => {
      if (!TRANSITIONS[inc.state].includes(to))
        throw incidentError('CANHGAC_ERR_INCIDENT_TRANSITION', { from: inc.state, to });
      inc.state = to;
      if (to === 'acknowledged' || to === 'in_progress') inc.acknowledgedAt ??= now;
      if (isClosed(to)) {
        inc.acknowledgedAt ??= now;
        inc.resolvedAt = now;
        if (note?.reason || note?.category)
          inc.closure = {
            ...(note.category ? { category: note.category } : {}),
            ...(note.reason ? { reason: note.reason } : {}),
            by: actor,
            at: now,
          };
      }
      if (to === 'new') {
        inc.reopenCount += 1;
        inc.sla = this.slaFrom(inc.severity, now);
        delete inc.acknowledgedAt;
        delete inc.resolvedAt;
        delete inc.closure;
        pushEvent(inc, { id: `${inc.id}:${inc.reopenCount}`, kind: 'incident.reopened', at: now });
      }
      if (isClosed(to)) {
        // A silent host that sends again closes its incident through the system: that is the host resuming.
        const resumed = inc.ruleId === SILENT_HOST_RULE && actor === 'system';
        pushEvent(inc, {
          id: `${inc.id}:closed:${inc.reopenCount}`,
          kind: resumed ? 'host.resumed' : 'incident.resolved',
          at: now,
          state: to,
        });
      }
    });
  }

  /** Assigns (or, with undefined, unassigns) an incident. */
  async assign(
    scope: Scope,
    id: string,
    assignee: string | undefined,
    actor: string,
    expectedVersion?: number,
  ): Promise<Versioned<Incident>> {
    return this.update(scope, id, actor, 'incident.assign', expectedVersion, (inc) => {
      if (assignee === undefined) delete inc.assignee;
      else inc.assignee = assignee;
    });
  }

  /** Adds a comment to an incident in the caller's scope. */
  async comment(scope: Scope, incidentId: string, author: string, text: string): Promise<Versioned<Comment>> {
    const inc = await this.incidents.get(scope, incidentId);
    if (!inc) throw incidentError('CANHGAC_ERR_INCIDENT_NOT_FOUND', { id: incidentId });
    const c: Comment = { id: newEventId(), incidentId, author, text, at: this.now() };
    const saved = await this.comments.put(scope, { ...c, agencyId: inc.agencyId }, { expectedVersion: 0 });
    await this.writeAudit(author, 'comment.create', 'comments', c.id, inc.agencyId, undefined, { incidentId, text });
    return saved;
  }

  /** Adds a suppression entry for an agency (with expiry and reason). */
  async suppress(scope: Scope, s: Omit<Suppression, 'id' | 'createdAt'>): Promise<Versioned<Suppression>> {
    const doc: Suppression = { ...s, id: newEventId(), createdAt: this.now() };
    const saved = await this.suppressions.put(scope, { ...doc, agencyId: s.agencyId }, { expectedVersion: 0 });
    await this.writeAudit(s.createdBy, 'suppression.create', 'suppressions', doc.id, s.agencyId, undefined, doc);
    return saved;
  }

  /** Flags SLA clocks that ran out (each once) and returns the breaches for notification. */
  async checkSla(): Promise<SlaBreach[]> {
    const now = this.now();
    const out: SlaBreach[] = [];
    for (const state of ['new', 'acknowledged', 'in_progress'] as const) {
      let after: string | undefined;
      do {
        const page = await this.incidents.list(SCOPE_ALL, {
          filter: { state },
          size: 1000,
          ...(after ? { after } : {}),
        });
        for (const inc of page.docs) {
          const ack =
            inc.state === 'new' &&
            inc.sla.ackDueAt !== undefined &&
            inc.sla.ackBreachedAt === undefined &&
            inc.sla.ackDueAt <= now;
          const res =
            inc.sla.resolveDueAt !== undefined &&
            inc.sla.resolveBreachedAt === undefined &&
            inc.sla.resolveDueAt <= now;
          if (!ack && !res) continue;
          try {
            await this.update(SCOPE_ALL, inc.id, 'system', 'incident.sla_breach', inc.version, (i) => {
              // The breach and its notice in one write: a crash cannot keep one without the other.
              if (ack) {
                i.sla.ackBreachedAt = now;
                const dueAt = i.sla.ackDueAt!;
                const id = `${i.id}:sla:acknowledge:${i.reopenCount}`;
                pushEvent(i, { id, kind: 'sla.breach', at: now, clock: 'acknowledge', dueAt });
              }
              if (res) {
                i.sla.resolveBreachedAt = now;
                const dueAt = i.sla.resolveDueAt!;
                const id = `${i.id}:sla:resolve:${i.reopenCount}`;
                pushEvent(i, { id, kind: 'sla.breach', at: now, clock: 'resolve', dueAt });
              }
            });
          } catch (err) {
            if (isStoreConflict(err)) continue; // changed meanwhile: the next check sees the new state
            throw err;
          }
          const b = { incidentId: inc.id, agencyId: inc.agencyId, severity: inc.severity };
          if (ack) out.push({ ...b, clock: 'acknowledge', dueAt: inc.sla.ackDueAt! });
          if (res) out.push({ ...b, clock: 'resolve', dueAt: inc.sla.resolveDueAt! });
        }
        after = page.next;
      } while (after);
    }
    for (const b of out) breaches.labels(b.clock, b.severity).inc();
    if (out.length) log.warn({ breaches: out.length }, 'SLA clocks breached');
    return out;
  }

  /**
   * The SLA policy in force: the configured one with the `sla` setting over it (read through the settings
   * cache, so a change made through the API applies to incidents opened or reopened from then on).
   */
  async currentSla(): Promise<SlaPolicy> {
    if (!this.settings) return this.sla;
    const given = (await this.settings.get()).sla;
    if (given !== this.slaFromSettings) {
      this.slaFromSettings = given;
      const p = { ...this.sla };
      for (const [sev, t] of Object.entries(given ?? {}) as [Incident['severity'], SlaSettings['low']][])
        p[sev] = { ...p[sev], ...t };
      this.effectiveSla = p;
    }
    return this.effectiveSla;
  }

  private slaFrom(severity: Incident['severity'], now: number): Incident['sla'] {
    const p = this.effectiveSla[severity];
    return {
      ...(p.ackMinutes !== undefined ? { ackDueAt: now + p.ackMinutes * 60_000 } : {}),
      ...(p.resolveMinutes !== undefined ? { resolveDueAt: now + p.resolveMinutes * 60_000 } : {}),
    };
  }

  /** The suppression that swallows an alert now, if any. */
  async activeSuppression(alert: Alert): Promise<Versioned<Suppression> | undefined> {
    const page = await this.suppressions.list(SCOPE_ALL, { filter: { agencyId: alert.agencyId }, size: 1000 });
    const now = this.now();
    return page.docs.find(
      (s) => s.expiresAt > now && (!s.ruleId || s.ruleId === alert.ruleId) && (!s.host || s.host === alert.host),
    );
  }

  private async update(
    scope: Scope,
    id: string,
    actor: string,
    action: string,
    expectedVersion: number | undefined,
    change: (inc: Incident, now: number) => void,
  ): Promise<Versioned<Incident>> {
    await this.currentSla();
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      const current = await this.incidents.get(scope, id);
      if (!current) throw incidentError('CANHGAC_ERR_INCIDENT_NOT_FOUND', { id });
      const { version, ...base } = current;
      const next: Incident = structuredClone(base);
      const now = this.now();
      change(next, now);
      next.updatedAt = now;
      try {
        // With an expected version from the caller (an analyst's form), a conflict is the caller's to resolve.
        const saved = await this.incidents.put(scope, next, { expectedVersion: expectedVersion ?? version });
        await this.writeAudit(actor, action, 'incidents', id, current.agencyId, stateView(current), stateView(saved));
        return (saved.outboxPending ? await this.drain(saved) : undefined) ?? saved;
      } catch (err) {
        if (!isStoreConflict(err) || expectedVersion !== undefined) throw err;
        await backoff(attempt);
      }
    }
    throw incidentError('CANHGAC_ERR_INCIDENT_BUSY', { id });
  }

  /**
   * Hands the incident's new events to notify right away (the change is already durable; a failure here leaves
   * them pending for the sweep). Returns the incident as it is after the drain, when it could be read.
   */
  private async drain(saved: Versioned<Incident>): Promise<Versioned<Incident> | undefined> {
    if (!this.outbox.attached) return undefined;
    try {
      await this.outbox.drain(saved.id, saved);
      return await this.incidents.get(SCOPE_ALL, saved.id);
    } catch (err) {
      log.warn({ incident: saved.id, err: (err as Error).message }, 'Incident events left pending for the sweep');
      return undefined;
    }
  }

  private async writeAudit(
    actor: string,
    action: string,
    collection: string,
    targetId: string,
    agencyId: string,
    before: unknown,
    after: unknown,
  ): Promise<void> {
    await writeAudit(this.audit, this.now(), { actor, action, collection, targetId, agencyId, before, after });
  }
}
