/** Alerts, incidents and what analysts do with them. Stored through the StateStore (store/types.ts). */

/** Sigma levels, used as incident severity. */
export type Severity = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** The rule id of silent-host incidents. */
export const SILENT_HOST_RULE = 'canhgac.silent_host';

/** Severities from lowest to highest. */
export const SEVERITIES: readonly Severity[] = ['informational', 'low', 'medium', 'high', 'critical'];

/** Incident life cycle: new -> acknowledged -> in_progress -> resolved | false_positive (reopened on recurrence). */
export type IncidentState = 'new' | 'acknowledged' | 'in_progress' | 'resolved' | 'false_positive';

/** One detection: a rule or correlation matched, or a host went silent. */
export interface Alert {
  id: string;
  kind: 'rule' | 'correlation' | 'silent_host';
  ruleId: string;
  ruleTitle: string;
  level: Severity;
  tags: string[];
  agencyId: string;
  host?: string;
  /** Events that made the alert (bounded by the producer). */
  eventIds: string[];
  /** When it happened (event time), epoch ms. */
  ts: number;
  /** Group-by values of a correlation, or other context fields. */
  fields?: Record<string, unknown>;
  /** Set when a suppression entry swallowed it (kept for the record, raises no incident). */
  suppressedBy?: string;
  incidentId?: string;
  /** Its entities as `kind:value` (attacker address, host, account, URL, process): incidents/entities.ts. */
  entities?: string[];
  /** Set when it only fed risk (below the level that opens incidents): the entity and its score then. */
  risk?: { entity: string; score: number };
}

/** One step of an incident's kill chain: a rule, its tactics, how often and when. */
export interface AttackStep {
  ruleId: string;
  ruleTitle: string;
  level: Severity;
  kind: Alert['kind'];
  tactics: string[];
  count: number;
  firstTs: number;
  lastTs: number;
  /** The entity through which this rule's first alert joined the incident. */
  via?: string;
}

/** Why risk opened an incident: the entity, its score, the rules and tactics seen on it, the alerts that added. */
export interface IncidentRisk {
  entity: string;
  score: number;
  rules: number;
  tactics: string[];
  reason?: 'level' | 'score' | 'tactics';
  contributions: { alertId: string; ruleId: string; ruleTitle: string; level: Severity; ts: number; points: number }[];
}

/** SLA clocks of an incident. */
export interface SlaClock {
  ackDueAt?: number;
  resolveDueAt?: number;
  ackBreachedAt?: number;
  resolveBreachedAt?: number;
}

/** Alerts grouped by a key (rule + agency + host by default). */
export interface Incident {
  id: string;
  key: string;
  title: string;
  ruleId: string;
  agencyId: string;
  host?: string;
  severity: Severity;
  state: IncidentState;
  assignee?: string;
  alertCount: number;
  firstSeen: number;
  lastSeen: number;
  /** ATT&CK technique/tactic tags of the rule (attack.t1110, attack.credential_access...). */
  attack: string[];
  /** The latest alert ids (bounded). */
  alertIds: string[];
  /** Sample of event ids (bounded). */
  eventIds: string[];
  createdAt: number;
  updatedAt: number;
  acknowledgedAt?: number;
  resolvedAt?: number;
  reopenCount: number;
  sla: SlaClock;
  /** Why it was closed (set when closed with a reason; removed when reopened). */
  closure?: Closure;
  /** The analyst's verdict on it (incidents/dispositions.ts): kept across reopen, read by the noise report. */
  disposition?: Disposition;
  /** Entity grouping: the entities it holds (`ip:203.0.113.5`, `host:web01`; bounded), how many did not fit. */
  entities?: string[];
  entitiesDropped?: number;
  /** The attack as a timeline of rules and tactics (incidents/attack.ts). */
  chain?: AttackStep[];
  /** Risk: why it opened. */
  risk?: IncidentRisk;
  /** Entity grouping merged it into this incident (an alert bridged the two): closed as a duplicate, kept to read. */
  mergedInto?: string;
  /** The incidents merged into this one (incidents/merge.ts). */
  mergedFrom?: string[];
  /** Incident events not yet handed to notify (incidents/outbox.ts), written with the change that made them. */
  outbox?: IncidentEvent[];
  /** true while `outbox` holds events (a filterable flag for the sweep). */
  outboxPending?: boolean;
}

/**
 * The kinds of incident events, which are also the notice kinds notify sends for them (notify/types.ts adds
 * its own: digest, test). One list: routes, the API and the notifier all read it.
 */
export const INCIDENT_EVENT_KINDS = [
  'incident.created',
  'incident.recurring',
  'incident.reopened',
  'incident.escalated',
  'sla.breach',
  'host.silent',
  'host.resumed',
  'incident.resolved',
] as const;

/** One kind of incident event. */
export type IncidentEventKind = (typeof INCIDENT_EVENT_KINDS)[number];

/** Something that happened to an incident and is worth a notice (stable id: one per change). */
export interface IncidentEvent {
  id: string;
  kind: IncidentEventKind;
  at: number;
  /** sla.breach: which clock ran out and when it was due. */
  clock?: 'acknowledge' | 'resolve';
  dueAt?: number;
  /** incident.resolved: the closing state; incident.escalated: the severity before. */
  state?: IncidentState;
  from?: Severity;
}

/** Categories of a closure, resolved or false positive (the console offers them; the API validates them). */
export const CLOSE_CATEGORIES = [
  'remediated',
  'contained',
  'accepted_risk',
  'duplicate',
  'benign_known',
  'rule_too_broad',
  'authorised_test',
  'other',
] as const;

/** A closure category. */
export type CloseCategory = (typeof CLOSE_CATEGORIES)[number];

/** The reason an analyst gave when closing an incident. */
export interface Closure {
  category?: CloseCategory;
  reason?: string;
  by: string;
  at: number;
}

/** An analyst's verdict on an incident: a real attack, real but harmless, or a false positive. */
export const VERDICTS = ['true_positive', 'benign', 'false_positive'] as const;

/** One verdict. */
export type Verdict = (typeof VERDICTS)[number];

/** The categories each verdict takes (a false positive must say which; the others may). */
export const DISPOSITION_CATEGORIES = {
  true_positive: ['attack_blocked', 'attack_succeeded', 'attempt_only', 'other'],
  benign: ['admin_activity', 'authorised_test', 'known_scanner', 'accepted_risk', 'other'],
  false_positive: ['rule_too_broad', 'misparsed_log', 'known_scanner', 'admin_activity', 'duplicate', 'other'],
} as const satisfies Record<Verdict, readonly string[]>;

/** A disposition category (of any verdict). */
export type DispositionCategory = (typeof DISPOSITION_CATEGORIES)[Verdict][number];

/** The verdict recorded on an incident, with who gave it and the analyst minutes it took. */
export interface Disposition {
  verdict: Verdict;
  category?: DispositionCategory;
  note?: string;
  /** Analyst minutes spent on the incident, as the analyst gave them (else estimated by the noise report). */
  minutes?: number;
  by: string;
  at: number;
}

/** An analyst's comment on an incident. */
export interface Comment {
  id: string;
  incidentId: string;
  author: string;
  text: string;
  at: number;
}

/** Who changed what, when, from what to what. Written for every change; never updated. */
export interface AuditEntry {
  id: string;
  at: number;
  actor: string;
  action: string;
  collection: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
}

/** An exception: alerts of an agency matching it raise no incident until it expires. */
export interface Suppression {
  id: string;
  agencyId: string;
  /** Empty matches any rule. */
  ruleId?: string;
  host?: string;
  reason: string;
  expiresAt: number;
  createdBy: string;
  createdAt: number;
}

/** A breach of an SLA clock, raised once per clock. */
export interface SlaBreach {
  incidentId: string;
  agencyId: string;
  clock: 'acknowledge' | 'resolve';
  dueAt: number;
  severity: Severity;
}
