/** Notifications: what is said, to whom, through which channel, and what happened to each delivery. */
import { INCIDENT_EVENT_KINDS, type IncidentState, type Severity } from '../incidents/types.js';

/**
 * Every notice kind: one per incident event (incidents/types.ts), the operational pipeline.stalled (cli/health.ts) and
 * feed.stale (a threat-intel feed failing past its staleNoticeMinutes, context/ti),
 * and the notifier's own. The one list that routes (`kinds`), the API schema and the templates use.
 */
export const NOTICE_KINDS = [...INCIDENT_EVENT_KINDS, 'pipeline.stalled', 'feed.stale', 'digest', 'test'] as const;

/** One kind of notice. */
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** What a route without `kinds` hears: every kind but the closing of an incident an analyst did himself. */
export const DEFAULT_ROUTE_KINDS: readonly NoticeKind[] = NOTICE_KINDS.filter((k) => k !== 'incident.resolved');

/** Languages of templates. */
export type Language = 'vi' | 'en';

/** Something worth telling people about. */
export interface Notice {
  /** Stable id: the same notice is never delivered twice to one channel. */
  id: string;
  kind: NoticeKind;
  agencyId: string;
  agencyName?: string;
  severity: Severity;
  incidentId?: string;
  /** Untrusted text (rule titles, host names, log content) is escaped by every template. */
  title: string;
  host?: string;
  ruleId?: string;
  count?: number;
  firstSeen?: number;
  lastSeen?: number;
  link?: string;
  /** sla.breach: the clock that ran out and when it was due. */
  clock?: 'acknowledge' | 'resolve';
  dueAt?: number;
  /** incident.resolved: the closing state (resolved, false_positive). */
  state?: IncidentState;
  /** For digests: the notices it gathers. */
  items?: Notice[];
  at: number;
}

/** A message rendered for a channel. */
export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  /** Structured form for webhooks. */
  payload: Record<string, unknown>;
}

/** A configured channel (stored in the state store; secrets such as tokens stay server-side). */
export interface ChannelConfig {
  id: string;
  type: 'email' | 'webhook' | 'telegram' | 'slack' | 'teams';
  name: string;
  agencyId?: string;
  /** email: { to: string[] }; webhook: { url, secret }; telegram: { token, chatId, apiBase? }; slack/teams: { url }. */
  settings: Record<string, unknown>;
  enabled: boolean;
}

/** Who hears about what: by agency (absent = every agency) and lowest severity. */
export interface RouteConfig {
  id: string;
  agencyId?: string;
  minSeverity: Severity;
  /** Absent: DEFAULT_ROUTE_KINDS. */
  kinds?: NoticeKind[];
  channelIds: string[];
  /** Absent: the `defaultLanguage` setting at send time (core/settings.ts). */
  language?: Language;
  /** Notices below this severity are gathered into a digest instead of sent one by one. */
  digestBelow?: Severity;
  /** No second notice for the same incident to the same route within this many minutes. */
  realertMinutes?: number;
}

/** One delivery of a notice to a channel (the outbox row and the delivery log). */
export interface Delivery {
  id: string;
  noticeId: string;
  channelId: string;
  routeId: string;
  /** Absent: the route names none; resolved from the `defaultLanguage` setting when sent. */
  language?: Language;
  state: 'pending' | 'sent' | 'dead';
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  sentAt?: number;
  notice: Notice;
  createdAt: number;
}

/** Sends a rendered message through one channel; throws on failure (the outbox retries). */
export interface ChannelSender {
  send(channel: ChannelConfig, message: RenderedMessage): Promise<void>;
}
