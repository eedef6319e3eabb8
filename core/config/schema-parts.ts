/** The JSON Schema node type and the small builders the configuration schema (schema.ts) is written with. */

/** A JSON Schema node as used here (description mandatory on leaves for the generated docs). */
export interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  pattern?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  /** Extra environment variable names that set this leaf (besides the generated CANHGAC_<PATH>). */
  'x-env'?: string[];
}

/** Schema helper: port. */
export const port = (def: number, what: string, env?: string[]): SchemaNode => ({
  type: 'integer',
  minimum: 0,
  maximum: 65535,
  default: def,
  description: `TCP/UDP port of ${what} (0 picks a free one).`,
  ...(env ? { 'x-env': env } : {}),
});
/** Schema helper: host. */
export const host = (def: string, what: string): SchemaNode => ({
  type: 'string',
  default: def,
  description: `Address ${what} listens on.`,
});
/** Schema helper: enabled. */
export const enabled = (def: boolean, what: string): SchemaNode => ({
  type: 'boolean',
  default: def,
  description: `Whether ${what} runs.`,
});
/** Schema helper: obj. */
export const obj = (description: string, properties: Record<string, SchemaNode>, required?: string[]): SchemaNode => ({
  type: 'object',
  description,
  additionalProperties: false,
  default: {},
  properties,
  ...(required ? { required } : {}),
});

/** Shared schema node: format. */
export const format: SchemaNode = {
  type: 'string',
  description:
    'Decoder for this source (auto-detected per message when absent): auto, rfc5424, rfc3164, cef, leef, kv, json, w3c, apache, nginx, ...',
};
/** Schema helper: truncatedAt. */
export const truncatedAt = (def: number): SchemaNode => ({
  type: 'integer',
  minimum: 480,
  default: def,
  description: 'Longer messages are truncated (counted).',
});
/** Schema helper: idleAfter. */
export const idleAfter = (def: number): SchemaNode => ({
  type: 'integer',
  minimum: 0,
  default: def,
  description: 'Idle connections are closed after this.',
});
/** Shared schema node: maxConnections. */
export const maxConnections: SchemaNode = {
  type: 'integer',
  minimum: 1,
  default: 10_000,
  description: 'Concurrent connections accepted.',
};
/** Shared schema node: tlsKeys. */
export const tlsKeys: Record<string, SchemaNode> = {
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
};
