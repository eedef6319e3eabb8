/** The JSON Schema node type and the small builders the configuration schema (schema.ts) is written with. */

/** A JSON Schema node as used here (description mandatory on leaves for the generated docs). */
export interface SchemaNode {
  type?: string | readonly string[];
  description?: string;
  default?: unknown;
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  pattern?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: boolean | SchemaNode;
  required?: readonly string[];
  /** Extra environment variable names that set this leaf (besides the generated CANHGAC_<PATH>). */
  'x-env'?: readonly string[];
}

// The helpers return precise literal types (not SchemaNode) so that the configuration's TypeScript type can be
// derived from CONFIG_SCHEMA (core/config/types.ts): a key with a default is always present after loading.
export const port = (def: number, what: string, env?: string[]) => ({
  type: 'integer' as const,
  minimum: 0,
  maximum: 65535,
  default: def,
  description: `TCP/UDP port of ${what} (0 picks a free one).`,
  ...(env ? { 'x-env': env } : {}),
});
export const host = (def: string, what: string) => ({
  type: 'string' as const,
  default: def,
  description: `Address ${what} listens on.`,
});
export const enabled = (def: boolean, what: string) => ({
  type: 'boolean' as const,
  default: def,
  description: `Whether ${what} runs.`,
});
export const obj = <const P extends Record<string, SchemaNode>>(description: string, properties: P) => ({
  type: 'object' as const,
  description,
  additionalProperties: false as const,
  default: {},
  properties,
});

export const format = {
  type: 'string' as const,
  description:
    'Decoder for this source (auto-detected per message when absent): auto, rfc5424, rfc3164, cef, leef, kv, json, w3c, apache, nginx, ...',
};
export const truncatedAt = (def: number) => ({
  type: 'integer' as const,
  minimum: 480,
  default: def,
  description: 'Longer messages are truncated (counted).',
});
export const idleAfter = (def: number) => ({
  type: 'integer' as const,
  minimum: 0,
  default: def,
  description: 'Idle connections are closed after this.',
});
export const maxConnections = {
  type: 'integer' as const,
  minimum: 1,
  default: 10_000,
  description: 'Concurrent connections accepted.',
};
export const tlsKeys = {
  certFile: { type: 'string', description: 'Server certificate (PEM file).' },
  keyFile: { type: 'string', description: 'Server private key (PEM file).' },
  caFile: {
    type: 'string',
    description: 'CA bundle client certificates must chain to (PEM file); clients are then asked for one.',
  },
  requireClientCert: {
    type: 'boolean',
    default: false,
    description: 'Refuse clients without a certificate signed by caFile.',
  },
  certAgencies: {
    type: 'object',
    default: {},
    additionalProperties: { type: 'string', description: 'Agency id.' },
    description: 'Verified client certificate name (subject CN or SAN) -> agency id.',
  },
} as const satisfies Record<string, SchemaNode>;
