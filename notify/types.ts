/** Notifications: what is said, to whom, through which channel, and what happened to each delivery. */
import type { Severity } from '../incidents/types.js';

/** Languages of templates. */
export type Language = 'vi' | 'en';

/** Something worth telling people about. */
export interface Notice {
  /** Stable id: the same notice is never delivered twice to one channel. */
  id: string;
  kind:
    | 'incident.created'
    | 'incident.reopened'
    | 'incident.recurring'
    | 'sla.breach'
    | 'host.silent'
    | 'pipeline.stalled'
    | 'digest'
    | 'test';
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
  kinds?: Notice['kind'][];
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
