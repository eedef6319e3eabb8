/**
 * The normalised event: the one shape every stage sees after decode and normalise (detection, storage, search,
 * hunt, reports), so that a rule, a search and a retro-hunt all read the same fields. A flat record: the ECS
 * envelope as dotted keys (`FIELD` below), entities under one name each whatever the log type, and the payload
 * fields Sigma rules name for that log source at top level (`EventID`, `CommandLine`, `cs-uri-query`, ...).
 */

/** A normalised event (flat record; see the module comment). Untrusted log content: text, never markup. */
export type NormalisedEvent = Record<string, unknown>;

/** Envelope and entity field names, spelled once (ECS names; see ARCHITECTURE.md "The normalised event"). */
export const FIELD = {
  /** Event time, UTC ISO 8601. */
  timestamp: '@timestamp',
  /** Assigned once at intake; stable across retries and replays (the idempotency key). */
  id: 'event.id',
  /** When the service received it, UTC ISO 8601. */
  ingested: 'event.ingested',
  original: 'event.original',
  /** The agency code (Decision 20/2020/QĐ-TTg), set at intake and never changed: the tenancy key. */
  agencyId: 'agency.id',
  agencyName: 'agency.name',
  hostName: 'host.name',
  hostIp: 'host.ip',
  /** The relay or sender that delivered the line. */
  sourceAddress: 'log.source.address',
  message: 'message',
  product: 'logsource.product',
  category: 'logsource.category',
  categories: 'logsource.categories',
  service: 'logsource.service',
  appname: 'log.syslog.appname',
  facility: 'log.syslog.facility',
  severity: 'log.syslog.severity',
  sourceIp: 'source.ip',
  sourcePort: 'source.port',
  destinationIp: 'destination.ip',
  destinationPort: 'destination.port',
  userName: 'user.name',
  urlOriginal: 'url.original',
} as const;

/** One of the envelope or entity field names. */
export type FieldName = (typeof FIELD)[keyof typeof FIELD];

/** Entries of an event's `logsource.categories` taken into account (real events carry one to three). */
export const MAX_CATEGORIES = 4;
