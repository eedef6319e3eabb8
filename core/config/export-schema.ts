/** The `export` section of the configuration (schema.ts): where incidents go as STIX 2.1 and what each agency shares. */
/** A schema node (schema.ts's SchemaNode; not imported, so the two files do not import each other). */
type SchemaNode = { [key: string]: unknown };

const profile = (description: string) => ({
  type: 'string' as const,
  enum: ['full', 'monitoring_only', 'none'] as const,
  description,
});
const TLP = ['clear', 'green', 'amber', 'red'] as const;
const tlp = (def: (typeof TLP)[number], description: string) => ({
  type: 'string' as const,
  enum: TLP,
  default: def,
  description,
});
const tlpNoDefault = (description: string) => ({ type: 'string' as const, enum: TLP, description });
const file = (what: string) => ({ type: 'string' as const, description: `PEM file: ${what}.` });

/** Export to a national or provincial monitoring centre (reports/export). */
// Literal types (no SchemaNode annotation), so core/config/types.ts derives the section's TypeScript type.
export const exportSchema = {
  type: 'object',
  description:
    'Export of incidents, sightings and indicators as STIX 2.1 bundles to a monitoring centre (HTTPS with mutual TLS or TAXII 2.1 push), filtered per agency by profile and TLP; an outbox retries and every attempt is logged.',
  additionalProperties: false,
  default: {},
  properties: {
    enabled: { type: 'boolean', default: false, description: 'Whether the export runs.' },
    intervalSeconds: {
      type: 'integer',
      minimum: 10,
      default: 300,
      description: 'How often changed incidents are bundled and due bundles delivered.',
    },
    maxAttempts: {
      type: 'integer',
      minimum: 1,
      default: 8,
      description:
        'Delivery attempts of a bundle (backoff doubling from 30 s, at most 1 h) before it is marked failed.',
    },
    producer: {
      type: 'string',
      default: 'canhgac',
      description: 'The sender as the centre sees it (a STIX identity), e.g. the province security operations centre.',
    },
    target: {
      type: 'object',
      description: 'The receiving centre.',
      additionalProperties: false,
      default: {},
      properties: {
        kind: {
          type: 'string',
          enum: ['https', 'taxii'],
          default: 'https',
          description: 'HTTPS POST of a bundle, or TAXII 2.1 push.',
        },
        name: {
          type: 'string',
          default: 'national',
          pattern: '^[a-z0-9_-]{1,40}$',
          description: 'Name in the outbox and the delivery log.',
        },
        url: { type: 'string', description: 'HTTPS endpoint receiving application/stix+json bundles (kind https).' },
        apiRoot: { type: 'string', description: 'TAXII 2.1 API root, e.g. https://centre.example/api1/ (kind taxii).' },
        collectionId: { type: 'string', description: 'TAXII collection the objects are added to (kind taxii).' },
        username: { type: 'string', description: 'TAXII HTTP basic user.' },
        password: {
          type: 'string',
          description: 'TAXII HTTP basic password.',
          'x-env': ['CANHGAC_EXPORT_PASSWORD'],
        },
        caFile: file("the centre's CA"),
        certFile: file("canhgac's client certificate (mutual TLS)"),
        keyFile: file("the client certificate's key"),
      },
    },
    defaultProfile: {
      ...profile(
        'What an agency not listed shares: full, monitoring_only (no host, address, user or log content), none.',
      ),
      default: 'monitoring_only',
    },
    defaultTlp: tlp('amber', 'TLP marking of an agency not listed.'),
    maxTlp: tlp('amber', 'Highest TLP the centre may receive; agencies marked above it are not sent.'),
    agencies: {
      type: 'object',
      default: {},
      description: 'Sharing per agency id.',
      additionalProperties: {
        type: 'object',
        description: 'One agency.',
        additionalProperties: false,
        properties: {
          profile: profile('What the agency shares.'),
          tlp: tlpNoDefault("The agency's TLP marking."),
          securityLevel: {
            type: 'integer',
            enum: [1, 2, 3, 4, 5],
            description:
              'Security level of its systems (Decree 85/2016); level 5 never shares more than monitoring_only.',
          },
        },
      },
    },
  },
} as const satisfies SchemaNode;
