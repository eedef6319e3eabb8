import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { errorFactory } from '../errors.js';
import { CONFIG_ERRORS } from '../catalogue/config.js';
import { CONFIG_SCHEMA, type SchemaNode } from './schema.js';
import type { Config } from './types.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { CONFIG_ERRORS };
const fail = errorFactory(CONFIG_ERRORS);

/** A loaded configuration: its type is derived from the schema (core/config/types.ts). */
export type { Config } from './types.js';

/** CANHGAC_<PATH> for a config path: `syslog.tcp.port` -> CANHGAC_SYSLOG_TCP_PORT, `dataDir` -> CANHGAC_DATA_DIR. */
export function envName(path: string[]): string {
  return `CANHGAC_${path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`;
}

/** Every leaf of the schema with its path (for env overrides and the generated reference). */
export function schemaLeaves(
  node: SchemaNode = CONFIG_SCHEMA,
  path: string[] = [],
): { path: string[]; node: SchemaNode }[] {
  if (node.type === 'object' && node.properties) {
    return Object.entries(node.properties).flatMap(([k, child]) => schemaLeaves(child, [...path, k]));
  }
  return [{ path, node }];
}

function coerce(value: string, node: SchemaNode): unknown {
  const t = Array.isArray(node.type) ? node.type[0] : node.type;
  if (t === 'integer' || t === 'number') return value.trim() === '' ? value : Number(value);
  if (t === 'boolean')
    return value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
  if (t === 'array' || t === 'object') {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = target;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (next === null || typeof next !== 'object') cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || '/';
  if (e.keyword === 'additionalProperties')
    return `${where}: unknown key '${(e.params as { additionalProperty: string }).additionalProperty}'`;
  return `${where}: ${e.message ?? 'invalid'}`;
}

const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false });
const validate = ajv.compile(CONFIG_SCHEMA as object);

/**
 * Loads the configuration: the YAML file (optional), then CANHGAC_* environment overrides, then `overrides`
 * (command-line flags), validated against the schema with defaults filled in. Every problem is reported at once.
 */
export function loadConfig(
  opts: { file?: string; env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown> } = {},
): Config {
  let raw: Record<string, unknown> = {};
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (err) {
      throw fail('CANHGAC_ERR_CONFIG_UNREADABLE', { file: opts.file, reason: (err as Error).message });
    }
    const doc = parseYaml(text, { maxAliasCount: 100 }) as unknown;
    if (doc !== null && doc !== undefined) {
      if (typeof doc !== 'object' || Array.isArray(doc))
        throw fail('CANHGAC_ERR_CONFIG_INVALID', { problems: 'the file must hold a YAML map' });
      raw = doc as Record<string, unknown>;
    }
  }
  const env = opts.env ?? process.env;
  for (const { path, node } of schemaLeaves()) {
    for (const name of [envName(path), ...(node['x-env'] ?? [])]) {
      const v = env[name];
      if (v !== undefined) setPath(raw, path, coerce(v, node));
    }
  }
  for (const [k, v] of Object.entries(opts.overrides ?? {})) if (v !== undefined) setPath(raw, k.split('.'), v);
  if (!validate(raw))
    throw fail('CANHGAC_ERR_CONFIG_INVALID', { problems: (validate.errors ?? []).map(describe).join('; ') });
  return raw as Config;
}
