/**
 * The one configuration schema (JSON Schema, draft 2020-12 subset that ajv validates): every key documented,
 * unknown keys rejected, defaults filled in. The reference docs (docs/configuration.md) are generated from it.
 */
import { exportSchema } from './export-schema.js';

import { GEOIP_SCHEMA, THREAT_INTEL_SCHEMA } from './schema-context.js';
import { API_SCHEMA, NOTIFY_SECTIONS } from './schema-notify.js';
import { enabled, format, host, idleAfter, maxConnections, obj, port, tlsKeys, truncatedAt } from './schema-parts.js';

export type { SchemaNode } from './schema-parts.js';

/** The schema of canhgac.yaml. */
export const CONFIG_SCHEMA = obj('canhgac configuration (canhgac.yaml).', {
  dataDir: {
    type: 'string',
    default: './data',
    description: 'Directory for the spool, the SQLite store and state.',
    'x-env': ['CANHGAC_DATA_DIR'],
  },
  timezone: {
    type: 'string',
    default: 'Asia/Ho_Chi_Minh',
    description:
      "Time zone for zone-less timestamps (RFC 3164, W3C, ...), reports and the UI. An agency's `timezone` and `senderTimezones` override it for their senders.",
  },
  senderTimezones: {
    type: 'array',
    default: [],
    description:
      "Zone of zone-less timestamps per sender network (longest prefix wins; over the agency's zone), e.g. servers kept on UTC.",
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['networks', 'timezone'],
      properties: {
        networks: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', description: 'CIDR.' },
          description: 'Sender address ranges (CIDR, IPv4 or IPv6).',
        },
        timezone: { type: 'string', description: 'IANA zone (UTC, Asia/Ho_Chi_Minh) or ±HH:MM.' },
      },
    },
  },
  log: obj('Logging.', {
    level: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      description: 'Log level.',
    },
  }),
  api: API_SCHEMA,
  auth: obj('Sign-in of people (besides local passwords and API keys).', {
    oidc: {
      type: 'object',
      additionalProperties: false,
      description:
        "Sign-in through the province's identity provider (OpenID Connect, authorization code + PKCE; absent: off). " +
        'The login page then offers "Đăng nhập bằng" + displayName; accounts are created on first sign-in with the ' +
        'role of the first matching rule, and never take over a local password account.',
      required: ['issuer', 'clientId', 'redirectUri', 'roleClaim', 'roles'],
      properties: {
        issuer: {
          type: 'string',
          description:
            'Issuer URL exactly as the provider names itself (https; discovery at ISSUER/.well-known/openid-configuration).',
        },
        clientId: { type: 'string', description: 'Client id registered at the provider.' },
        clientSecret: {
          type: 'string',
          description:
            'Client secret of a confidential client (sent as client_secret_post; never logged). Prefer the environment: CANHGAC_OIDC_CLIENT_SECRET.',
          'x-env': ['CANHGAC_OIDC_CLIENT_SECRET'],
        },
        redirectUri: {
          type: 'string',
          pattern: '/api/v1/auth/oidc/callback$',
          description:
            'Where the provider sends the browser back: https://CONSOLE-HOST/api/v1/auth/oidc/callback (register it at the provider).',
        },
        scopes: {
          type: 'array',
          items: { type: 'string', description: 'A scope.' },
          description: 'Scopes asked for (default openid profile email; add the one that releases the role claim).',
        },
        usernameClaim: {
          type: 'string',
          description: 'Claim naming the local user (default preferred_username, then email, then sub).',
        },
        roleClaim: { type: 'string', description: 'Claim holding group or role names (string or list), e.g. groups.' },
        roles: {
          type: 'array',
          minItems: 1,
          description: 'Mapping rules, first match wins; an account matching none is refused.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['value', 'role'],
            properties: {
              value: { type: 'string', description: 'A value of the role claim.' },
              role: {
                type: 'string',
                enum: ['admin', 'analyst', 'agency_admin', 'viewer'],
                description: 'Local role given.',
              },
              agencyId: { type: 'string', description: 'Agency of agency_admin (and of an agency-bound viewer).' },
            },
          },
        },
        clockSkewSeconds: {
          type: 'integer',
          minimum: 0,
          maximum: 600,
          description: 'Allowed clock difference with the provider (default 60).',
        },
        displayName: {
          type: 'string',
          description: "The provider's name on the login button (default: the issuer's host).",
        },
      },
    },
  }),
  intake: obj('HTTP intake for agents (JSON/NDJSON and Elasticsearch _bulk).', {
    enabled: enabled(true, 'HTTP intake'),
    host: host('0.0.0.0', 'HTTP intake'),
    port: port(9201, 'HTTP intake', ['CANHGAC_INTAKE_PORT']),
    maxBodyBytes: {
      type: 'integer',
      minimum: 1024,
      default: 10 * 1024 * 1024,
      description: 'Largest request body on the wire.',
    },
    maxDecodedBytes: {
      type: 'integer',
      minimum: 1024,
      default: 100 * 1024 * 1024,
      description: 'Largest body after gzip decompression.',
    },
    maxEventBytes: { type: 'integer', minimum: 256, default: 1024 * 1024, description: 'Largest single event.' },
    requireApiKey: { type: 'boolean', default: true, description: 'Refuse requests without a valid agent API key.' },
    apiKeys: {
      type: 'array',
      default: [],
      description:
        'Agent API keys (sha256 hex of the key; the key itself is never stored) and the agency each one names.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['sha256', 'agency'],
        properties: {
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'sha256 of the key, hex.' },
          agency: { type: 'string', description: 'Agency id the key belongs to.' },
          name: { type: 'string', description: 'A label for the key.' },
        },
      },
    },
  }),
  syslog: obj('Syslog sources.', {
    udp: obj('Syslog over UDP.', {
      enabled: enabled(true, 'the UDP source'),
      host: host('0.0.0.0', 'the UDP source'),
      port: port(5514, 'syslog UDP', ['CANHGAC_SYSLOG_UDP_PORT']),
      recvBufferBytes: {
        type: 'integer',
        minimum: 4096,
        default: 8 * 1024 * 1024,
        description: 'SO_RCVBUF asked of the kernel (bounded by net.core.rmem_max).',
      },
      maxMessageBytes: {
        type: 'integer',
        minimum: 480,
        default: 65535,
        description: 'Longer datagrams are truncated (counted).',
      },
      format,
    }),
    tcp: obj('Syslog over TCP (LF, NUL or octet-counted framing, detected per message).', {
      enabled: enabled(true, 'the TCP source'),
      host: host('0.0.0.0', 'the TCP source'),
      port: port(5514, 'syslog TCP', ['CANHGAC_SYSLOG_TCP_PORT']),
      maxMessageBytes: truncatedAt(64 * 1024),
      idleTimeoutMs: idleAfter(300_000),
      framing: {
        type: 'string',
        enum: ['auto', 'octet-counted', 'lf', 'nul'],
        default: 'auto',
        description: 'Message framing (auto: detected per message).',
      },
      maxConnections,
      maxInflightBytes: {
        type: 'integer',
        minimum: 1024,
        default: 1024 * 1024,
        description: 'Bytes read but not yet spooled, per connection, before reading pauses.',
      },
      format,
    }),
    tls: obj('Syslog over TLS (RFC 5425).', {
      enabled: enabled(false, 'the TLS source'),
      host: host('0.0.0.0', 'the TLS source'),
      port: port(6514, 'syslog TLS'),
      maxMessageBytes: truncatedAt(64 * 1024),
      idleTimeoutMs: idleAfter(300_000),
      maxConnections,
      format,
      ...tlsKeys,
    }),
    relp: obj('RELP (rsyslog omrelp): acknowledged delivery.', {
      enabled: enabled(true, 'the RELP source'),
      host: host('0.0.0.0', 'the RELP source'),
      port: port(2514, 'RELP'),
      maxMessageBytes: { type: 'integer', minimum: 480, default: 128 * 1024, description: 'Largest message accepted.' },
      maxWindow: {
        type: 'integer',
        minimum: 1,
        default: 1024,
        description: 'Unacknowledged frames per connection before reading pauses.',
      },
      idleTimeoutMs: idleAfter(600_000),
      maxConnections,
      format,
      ...tlsKeys,
    }),
  }),
  spool: obj('The durable spool between intake and processing.', {
    maxBytes: {
      type: 'integer',
      minimum: 1024 * 1024,
      default: 1024 * 1024 * 1024,
      description: 'Bytes the spool may hold before intake pushes back.',
    },
    segmentBytes: {
      type: 'integer',
      minimum: 64 * 1024,
      default: 64 * 1024 * 1024,
      description: 'Size of one segment file.',
    },
    fsync: {
      type: 'string',
      enum: ['always', 'interval', 'never'],
      default: 'always',
      description: 'When appends reach the disk: always (safe, group commit), interval, never.',
    },
    fsyncIntervalMs: { type: 'integer', minimum: 1, default: 200, description: 'With fsync: interval, how often.' },
  }),
  agencies: {
    type: 'array',
    default: [],
    description: 'Agencies (codes per Decision 20/2020/QĐ-TTg) and how their senders are recognised.',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name'],
      properties: {
        id: { type: 'string', description: 'Agency code, e.g. 000.00.31.H40.' },
        name: { type: 'string', description: 'Agency name.' },
        networks: {
          type: 'array',
          items: { type: 'string', description: 'CIDR.' },
          default: [],
          description: 'Sender address ranges (CIDR, IPv4 or IPv6).',
        },
        certNames: {
          type: 'array',
          items: { type: 'string', description: 'Name.' },
          default: [],
          description: 'TLS client certificate subject names.',
        },
        timezone: {
          type: 'string',
          description: "Zone of its senders' zone-less timestamps (absent: the global timezone), e.g. UTC.",
        },
      },
    },
  },
  unclaimedSenders: {
    type: 'string',
    enum: ['accept', 'quarantine', 'refuse'],
    default: 'accept',
    description:
      'Events from senders no agency claims (no agency network holds the address, no verified client certificate or agent key names an agency): accept (stored as agency unassigned), quarantine (stored with canhgac.quarantine, never matched, no silent-host watch) or refuse (not stored: UDP datagrams dropped, TCP/TLS/RELP connections closed at accept, HTTP 403). Counted in canhgac_intake_unclaimed_records_total and canhgac_intake_refused_connections_total. The shipped deploy/canhgac.yaml refuses.',
  },
  rules: obj('Detection rules.', {
    dirs: {
      type: 'array',
      items: { type: 'string', description: 'Directory.' },
      default: [],
      description: 'Extra rule directories (e.g. a SigmaHQ checkout), besides the shipped rules.',
    },
    disabled: {
      type: 'array',
      items: { type: 'string', description: 'Rule id.' },
      default: [],
      description: 'Rule ids that do not run.',
    },
    placeholdersFile: { type: 'string', description: 'YAML map of placeholder name -> values for |expand.' },
    reloadSeconds: {
      type: 'integer',
      minimum: 1,
      default: 30,
      description:
        'Safety-net poll for rules changed through the API: a change is applied at once (the API signals detection; distributed: a Redis message), this poll catches one a worker missed.',
    },
  }),
  store: obj('Where events and state live.', {
    kind: {
      type: 'string',
      enum: ['sqlite', 'opensearch'],
      default: 'sqlite',
      description: 'sqlite (embedded, default) or opensearch.',
    },
    retentionDays: {
      type: 'integer',
      minimum: 1,
      default: 90,
      description:
        'Events older than this are deleted (hourly). The retentionDays setting (PUT /api/v1/settings) overrides it at run time.',
    },
    opensearch: obj('OpenSearch connection (store.kind: opensearch).', {
      url: {
        type: 'string',
        description: 'Cluster URL, e.g. https://opensearch:9200.',
        'x-env': ['CANHGAC_OPENSEARCH_URL'],
      },
      username: { type: 'string', description: 'Basic auth user.' },
      password: {
        type: 'string',
        description: 'Basic auth password (prefer the environment: CANHGAC_STORE_OPENSEARCH_PASSWORD).',
      },
      caFile: { type: 'string', description: 'CA bundle for the cluster certificate.' },
      indexPrefix: { type: 'string', default: 'canhgac', description: 'Prefix of every index and alias.' },
    }),
  }),
  workers: {
    type: 'integer',
    minimum: 1,
    maximum: 64,
    default: 1,
    description: 'Worker threads that decode, normalise and match (one per spare core).',
    'x-env': ['CANHGAC_WORKERS'],
  },
  pipeline: obj('Bounds that keep one bad record or a stuck stage from stopping the pipeline (issue 11).', {
    batchTimeoutSeconds: {
      type: 'number',
      minimum: 0.1,
      default: 30,
      description: 'A batch still in a worker after this long is failed; its records are retried, then isolated.',
    },
    stallSeconds: {
      type: 'number',
      minimum: 1,
      default: 120,
      description: 'No spool commit for this long while records wait: /readyz answers 503 and a notice is sent.',
    },
    stopSeconds: {
      type: 'number',
      minimum: 1,
      default: 20,
      description: 'SIGTERM drains for at most this long, then exits (what is not committed is replayed at start).',
    },
  }),
  smtp: {
    type: 'object',
    additionalProperties: false,
    description: 'SMTP server for email notifications (absent: no email channel).',
    required: ['host', 'port', 'from'],
    properties: {
      host: { type: 'string', description: 'SMTP host.' },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: 'SMTP port.' },
      secure: {
        type: 'boolean',
        default: false,
        description: 'TLS from the start (port 465); otherwise STARTTLS when offered.',
      },
      user: { type: 'string', description: 'SMTP user.' },
      pass: { type: 'string', description: 'SMTP password (prefer the environment: CANHGAC_SMTP_PASS).' },
      from: { type: 'string', description: 'Sender address of notifications.' },
    },
  },
  reports: obj('Weekly and six-monthly reports (HTML email with the PDF attached; also canhgac report and the API).', {
    chromiumPath: {
      type: 'string',
      default: '/usr/bin/chromium',
      description: 'Chromium that renders the PDF (Debian package chromium); run headless without sandbox.',
    },
    checkSeconds: {
      type: 'integer',
      minimum: 1,
      default: 60,
      description: 'How often the scheduler checks whether a report is due.',
    },
    topN: {
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 10,
      description: 'Rows of the top rules, top targeted hosts and notable incidents.',
    },
    notificationTemplate: {
      type: 'string',
      description:
        'YAML form template of incident notification reports (default: the shipped reports/notification/tt20-2017.yml, Circular 20/2017/TT-BTTTT); replace it when new forms are published.',
    },
    weekly: obj('The weekly report, sent every Monday for the previous ISO week.', {
      enabled: enabled(true, 'the weekly report mailing'),
      sendAt: {
        type: 'string',
        pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
        default: '07:00',
        description:
          "Monday's local time (HH:mm, Asia/Ho_Chi_Minh) from which last week's report is sent to each route's email recipients.",
      },
    }),
    semiannual: obj('The six-monthly summary, sent on 1/1 and 1/7 for the previous half-year.', {
      enabled: enabled(true, 'the six-monthly summary mailing'),
      sendAt: {
        type: 'string',
        pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
        default: '07:00',
        description: 'Local time (HH:mm) on 1/1 and 1/7 from which the summary is sent (up to a week late).',
      },
    }),
  }),
  ...NOTIFY_SECTIONS,
  threatIntel: THREAT_INTEL_SCHEMA,
  geoip: GEOIP_SCHEMA,
  export: exportSchema,
  redis: obj('Redis for the distributed mode (BullMQ).', {
    url: { type: 'string', description: 'redis://host:port.', 'x-env': ['CANHGAC_REDIS_URL'] },
  }),
  distributed: obj(
    'Distributed mode: `canhgac ingest` (intake + API) forwards raw batches over Redis (BullMQ) to `canhgac worker` processes (needs redis.url; OpenSearch as the store).',
    {
      queue: {
        type: 'string',
        default: 'canhgac',
        pattern: '^[A-Za-z0-9_-]{1,64}$',
        description: 'BullMQ key prefix of the batch and notification queues (one per deployment).',
      },
      batchSize: {
        type: 'integer',
        minimum: 1,
        maximum: 20000,
        default: 2000,
        description: 'Raw records per queued batch.',
      },
      maxQueuedBatches: {
        type: 'integer',
        minimum: 1,
        default: 100,
        description:
          'Back-pressure: ingest stops reading its spool while more batches than this wait in the queue (the spool, then the sources, hold the rest).',
      },
      concurrency: {
        type: 'integer',
        minimum: 1,
        maximum: 64,
        default: 2,
        description: 'Batches one worker process handles at once.',
      },
      lockSeconds: {
        type: 'integer',
        minimum: 2,
        default: 30,
        description:
          'A batch held by a worker that stopped answering (killed, hung) goes back to the queue for another worker after this long.',
      },
      metricsPort: {
        type: 'integer',
        minimum: 0,
        maximum: 65535,
        description:
          'Port on which `canhgac worker` serves Prometheus /metrics and /healthz (absent: none; 0 picks a free one). The ingest process serves /metrics through the API.',
      },
      metricsHost: {
        type: 'string',
        default: '127.0.0.1',
        description: 'Address the worker metrics listener binds (0.0.0.0 inside a container).',
      },
      attempts: {
        type: 'integer',
        minimum: 1,
        default: 50,
        description:
          'Tries of one batch (store or Redis failures; exponential backoff up to 60 s) before it is kept in the failed list (counted, logged).',
      },
    },
  ),
});
