/** The `incidents` and `notify` sections of the configuration schema, and the API's proxy keys (schema.ts). */
import { GROUPING_SCHEMA, RISK_SCHEMA } from './schema-grouping.js';
import { host, obj, port } from './schema-parts.js';

/** Incident checks (SLA clocks, silent hosts) and the sweep of the incident outbox (incidents/outbox.ts). */
export const INCIDENTS_SCHEMA = obj('Incident checks and the outbox of incident events.', {
  checkSeconds: {
    type: 'integer',
    minimum: 1,
    maximum: 3600,
    default: 60,
    description:
      'How often SLA clocks and silent hosts are checked and the incident outbox is swept for events a stop left unsent.',
  },
  grouping: GROUPING_SCHEMA,
  risk: RISK_SCHEMA,
});

/** Where notification channels may send (notify/channels/destination.ts). */
export const NOTIFY_SCHEMA = obj('Notification channels.', {
  allowPrivateDestinations: {
    type: 'array',
    items: { type: 'string', description: 'An address or CIDR, e.g. 10.20.0.0/16 or 127.0.0.1/32.' },
    default: [],
    description:
      'Webhook, Slack, Teams and Telegram destinations may resolve to these private, loopback or link-local ranges (refused by default; public addresses are always allowed). Redirects are never followed.',
  },
});

/** `api`: where the API listens, and `secureCookies` / `trustProxy` for the deployment guide's TLS reverse proxy. */
export const API_SCHEMA = obj('REST API and web console.', {
  host: host('127.0.0.1', 'the API'),
  port: port(8080, 'the API and web console', ['CANHGAC_API_PORT']),
  secureCookies: {
    type: 'boolean',
    default: false,
    description:
      'Serve behind TLS (a reverse proxy): session cookies get the Secure flag and responses a Strict-Transport-Security header.',
  },
  trustProxy: {
    type: ['boolean', 'string', 'integer'],
    default: false,
    description:
      'Which reverse proxies may name the client (X-Forwarded-For), as Express `trust proxy`: false (none), a number of hops, or addresses/CIDRs such as "loopback" or "10.0.0.5". Sets the per-client rate limits and the addresses in the audit.',
  },
});

/** The `incidents` and `notify` sections, in the order of the schema. */
export const NOTIFY_SECTIONS = { incidents: INCIDENTS_SCHEMA, notify: NOTIFY_SCHEMA };
