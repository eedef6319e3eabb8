/**
 * `incidents.grouping` and `incidents.risk` (issue 15 points 1 and 2: incidents/grouping.ts, incidents/risk.ts),
 * kept beside schema-notify.ts, which includes them in the `incidents` section.
 */
import { obj } from './schema-parts.js';

const KINDS = ['ip', 'host', 'user', 'url', 'process'] as const;
const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
const num = (def: number, min: number, description: string, max = 1_000_000) =>
  ({ type: 'integer', minimum: min, maximum: max, default: def, description }) as const;

/** Entity grouping of alerts into incidents. */
export const GROUPING_SCHEMA = obj(
  'How alerts become incidents: alerts of different rules sharing an entity (attacker address, host, account, URL, process) of one agency within a window join one incident (docs/grouping.md).',
  {
    mode: {
      type: 'string',
      enum: ['entity', 'rule'],
      default: 'entity',
      description:
        'entity: by shared entities within the window; rule: one incident per rule, agency and host (before 0.x).',
    },
    joinOn: {
      type: 'array',
      items: { type: 'string', enum: KINDS, description: 'Entity kind.' },
      default: KINDS,
      description: 'Entity kinds that join alerts (accounts, URLs and processes are compared on their host).',
    },
    windowMinutes: num(60, 1, 'An entity joins alerts while it was seen within this many minutes.', 7 * 24 * 60),
    maxSpanHours: num(
      24,
      1,
      'An incident accepts new alerts through its entities until this many hours after its first alert.',
      30 * 24,
    ),
    maxEntities: num(
      50,
      2,
      'Entities one incident holds at most; beyond it an alert still joins through a shared entity but adds none.',
      1000,
    ),
    stopAgencyNetworks: {
      type: 'boolean',
      default: true,
      description:
        "Addresses in an agency's own networks (its relays and senders) never join alerts (loopback and link-local never do).",
    },
    stopValues: {
      type: 'array',
      default: [],
      description:
        'Values that never join alerts: scanners the agency knows, a shared service account, a health-check URL.',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          kind: { type: 'string', enum: KINDS, description: 'Entity kind (absent: any).' },
          network: {
            type: 'string',
            description: 'CIDR of addresses (ip), e.g. a vulnerability scanner 203.0.113.0/28.',
          },
          value: {
            type: 'string',
            description: 'Exact value, case-insensitive (accounts, URLs, processes without the host).',
          },
          agency: { type: 'string', description: 'Only for this agency (absent: every agency).' },
          reason: { type: 'string', description: 'Why (for the next operator).' },
        },
      },
    },
  },
);

/** Risk-based alerting. */
export const RISK_SCHEMA = obj(
  "Risk-based alerting: each alert adds risk to its entities (rule level x asset criticality, less for each repeat of one rule), decaying; alerts below openLevel only add risk; an incident opens when an entity's risk or its distinct ATT&CK tactics cross a threshold.",
  {
    enabled: { type: 'boolean', default: true, description: 'Off: every alert opens or joins an incident.' },
    openLevel: {
      type: 'string',
      enum: LEVELS,
      default: 'medium',
      description: 'Alerts at or above this level open (or join) incidents on their own; below it they add risk.',
    },
    threshold: num(100, 1, 'Risk of one entity at which its alerts become an incident.'),
    minRules: num(2, 1, 'Distinct rules the risk must come from to open an incident on score.', 20),
    tactics: num(3, 0, 'Distinct ATT&CK tactics seen on one entity that open an incident (0: off).', 14),
    halfLifeMinutes: num(60, 1, 'Risk halves every this many minutes (event time).'),
    windowHours: num(24, 1, 'Alerts older than this add no risk.', 30 * 24),
    points: obj('Risk points per rule level (times 0.6-1.4 for asset criticality 1-5).', {
      informational: num(10, 0, 'informational'),
      low: num(25, 0, 'low'),
      medium: num(50, 0, 'medium'),
      high: num(70, 0, 'high'),
      critical: num(100, 0, 'critical'),
    }),
  },
);
