/**
 * Index layout and schema: versioned mappings from `mappings/*.json`, index templates per kind, time-based event
 * indices (`<prefix>-events-YYYY.MM.DD`) behind a read alias (`<prefix>-events`), upgrade of templates and live
 * indices when a mapping's `_meta.schema_version` rises, and retention (ISM when the plugin exists).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@opensearch-project/opensearch';
import { logger } from '../../core/log.js';
import { projectRoot } from '../../core/shared-data.js';
import { storeError } from '../errors.js';
import { type Json, rest, waitUsable } from './client.js';
import { migrateEntities } from './migrate-entities.js';

/** One mapping file: OpenSearch mappings with `_meta.schema_version`. */
export type Mapping = Json & { _meta: { schema_version: number } };

/** The mappings the store installs. */
export interface Mappings {
  events: Mapping;
  deadLetters: Mapping;
  state: Mapping;
}

const log = logger('store_opensearch');

/** Reads `store/opensearch/mappings/<name>.json` (from the project root, so source and dist/ agree). */
export function loadMapping(name: string): Mapping {
  const file = join(projectRoot, 'store', 'opensearch', 'mappings', `${name}.json`);
  const m = JSON.parse(readFileSync(file, 'utf8')) as Mapping;
  if (typeof m._meta?.schema_version !== 'number') throw new Error(`${file}: _meta.schema_version is missing`);
  return m;
}

/** The mappings shipped in the repository. */
export function defaultMappings(): Mappings {
  return { events: loadMapping('events'), deadLetters: loadMapping('dead-letters'), state: loadMapping('state') };
}

/** Names of the indices, aliases and templates of one prefix. */
export interface Layout {
  prefix: string;
  /** Read alias over every daily event index. */
  eventsAlias: string;
  /** Pattern of the daily event indices. */
  eventsPattern: string;
  deadLetters: string;
  statePattern: string;
}

/** The layout of a prefix (`canhgac` in production, `test-<uuid>` in tests). */
export function layout(prefix: string): Layout {
  if (!/^[a-z0-9][a-z0-9_.-]{0,100}$/.test(prefix)) {
    throw storeError('CANHGAC_ERR_STORE_INVALID', { reason: `bad index prefix ${JSON.stringify(prefix)}` });
  }
  return {
    prefix,
    eventsAlias: `${prefix}-events`,
    eventsPattern: `${prefix}-events-*`,
    deadLetters: `${prefix}-dead-letters`,
    statePattern: `${prefix}-state-*`,
  };
}

/** Daily event index of a timestamp (UTC day). */
export function eventsIndexFor(l: Layout, epochMs: number): string {
  const d = new Date(epochMs);
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${l.prefix}-events-${d.getUTCFullYear()}.${mm}.${dd}`;
}

/** The UTC day start (epoch ms) of a daily index name, or undefined when the name is not one. */
export function dayOfIndex(l: Layout, index: string): number | undefined {
  const m = /-events-(\d{4})\.(\d{2})\.(\d{2})$/.exec(index);
  if (!m || !index.startsWith(`${l.prefix}-events-`)) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** Index settings shared by every kind: replicas follow the cluster size (0 on one node). */
export interface IndexSettings {
  shards?: number;
  replicas?: number;
  refreshInterval?: string;
}

function templateBody(patterns: string[], mapping: Mapping, s: IndexSettings, alias?: string): Json {
  return {
    index_patterns: patterns,
    priority: 100,
    _meta: { schema_version: mapping._meta.schema_version },
    template: {
      settings: {
        number_of_shards: s.shards ?? 1,
        number_of_replicas: s.replicas ?? 0,
        ...(s.refreshInterval ? { refresh_interval: s.refreshInterval } : {}),
        'index.mapping.total_fields.limit': 5000,
      },
      mappings: mapping,
      ...(alias ? { aliases: { [alias]: {} } } : {}),
    },
  };
}

/**
 * Installs or upgrades the index templates, then brings live indices up to the new mapping (additive changes:
 * new fields, new dynamic templates). A live index that refuses the new mapping (incompatible change) keeps its
 * old one and is logged: daily indices roll over to the new template at the next day.
 */
export async function ensureSchema(client: Client, l: Layout, m: Mappings, s: IndexSettings = {}): Promise<void> {
  const kinds: { name: string; patterns: string[]; mapping: Mapping; alias?: string }[] = [
    { name: `${l.prefix}-events`, patterns: [l.eventsPattern], mapping: m.events, alias: l.eventsAlias },
    { name: `${l.prefix}-dead-letters`, patterns: [l.deadLetters], mapping: m.deadLetters },
    { name: `${l.prefix}-state`, patterns: [l.statePattern], mapping: m.state },
  ];
  for (const k of kinds) {
    const want = k.mapping._meta.schema_version;
    const cur = await rest(client, 'GET', `/_index_template/${k.name}`, undefined, { ok: [404] });
    const have = cur.status === 404 ? 0 : templateVersion(cur.body);
    if (have >= want) continue;
    await rest(client, 'PUT', `/_index_template/${k.name}`, templateBody(k.patterns, k.mapping, s, k.alias));
    log.info({ template: k.name, from: have, to: want }, 'Installed index template.');
    if (have > 0) await upgradeLive(client, k.patterns.join(','), k.mapping, k.alias !== undefined);
  }
  // The dead-letter index exists up front so its alias and mapping are there before the first refusal.
  await rest(client, 'PUT', `/${l.deadLetters}`, undefined, { ok: [400] });
  await waitUsable(client, l.deadLetters);
}

function templateVersion(body: Json): number {
  const list = body.index_templates as { index_template?: { _meta?: { schema_version?: unknown } } }[] | undefined;
  const v = list?.[0]?.index_template?._meta?.schema_version;
  return typeof v === 'number' ? v : 0;
}

/** Puts the new mapping on every live index below its version. */
async function upgradeLive(client: Client, pattern: string, mapping: Mapping, events = false): Promise<void> {
  const res = await rest(client, 'GET', `/${pattern}/_mapping`, undefined, { ok: [404] });
  if (res.status === 404) return;
  for (const [index, v] of Object.entries(res.body)) {
    const meta = (v as { mappings?: { _meta?: { schema_version?: unknown } } }).mappings?._meta;
    const have = typeof meta?.schema_version === 'number' ? meta.schema_version : 0;
    if (have >= mapping._meta.schema_version) continue;
    const put = await rest(client, 'PUT', `/${index}/_mapping`, mapping, { ok: [400] });
    if (put.status === 400) {
      log.error(
        { index, from: have, to: mapping._meta.schema_version },
        'Live index refused the new mapping; it keeps the old one.',
      );
    } else {
      log.info({ index, from: have, to: mapping._meta.schema_version }, 'Upgraded the mapping of a live index.');
      // Schema 3: one field per entity (the relay out of source.ip), as a background task.
      if (events && have < 3 && mapping._meta.schema_version >= 3) await migrateEntities(client, index);
    }
  }
}

/** The schema version a live index carries (0 when none). */
export async function indexSchemaVersion(client: Client, index: string): Promise<number> {
  const res = await rest(client, 'GET', `/${index}/_mapping`);
  const v = (Object.values(res.body)[0] as { mappings?: { _meta?: { schema_version?: unknown } } } | undefined)
    ?.mappings?._meta?.schema_version;
  return typeof v === 'number' ? v : 0;
}

/** Whether the cluster has the Index State Management plugin. */
export async function hasIsm(client: Client): Promise<boolean> {
  const res = await rest(client, 'GET', '/_cat/plugins', undefined, { querystring: { format: 'json' } });
  const rows = (res.body as unknown as { component?: string }[] | Json) ?? [];
  const list = Array.isArray(rows) ? rows : Object.values(rows);
  return list.some((r) => /index-management/i.test(String((r as { component?: unknown }).component ?? '')));
}

/** The ISM policy deleting event indices older than `days` (applied to new daily indices by its ism_template). */
function ismPolicy(l: Layout, days: number): Json {
  return {
    policy: {
      description: `canhgac: delete event indices after ${days} days`,
      default_state: 'hot',
      states: [
        {
          name: 'hot',
          actions: [],
          transitions: [{ state_name: 'delete', conditions: { min_index_age: `${days}d` } }],
        },
        { name: 'delete', actions: [{ delete: {} }], transitions: [] },
      ],
      ism_template: [{ index_patterns: [l.eventsPattern], priority: 100 }],
    },
  };
}

/**
 * Installs an ISM policy deleting event indices older than `days` (applied to new daily indices by its
 * ism_template). Returns false when ISM is absent: the caller then runs the deletion job (RetentionJob).
 */
export async function installIsmRetention(client: Client, l: Layout, days: number): Promise<boolean> {
  if (!(await hasIsm(client))) return false;
  await putIsmRetention(client, l, days);
  return true;
}

/**
 * Creates the ISM retention policy, or updates it when it keeps another number of days (the retentionDays
 * setting changed): the update is conditional on the version read (two processes cannot interleave), and the
 * event indices already managed are moved to the new version (ISM otherwise keeps the version an index started
 * with). Returns what it did.
 */
export async function putIsmRetention(
  client: Client,
  l: Layout,
  days: number,
): Promise<'created' | 'updated' | 'unchanged'> {
  const path = `/_plugins/_ism/policies/${l.prefix}-events-retention`;
  const cur = await rest(client, 'GET', path, undefined, { ok: [404] });
  const doc = cur.body as { policy?: Json; _seq_no?: unknown; _primary_term?: unknown };
  const body = (doc.policy?.policy ?? doc.policy) as
    | { states?: { transitions?: { conditions?: { min_index_age?: unknown } }[] }[] }
    | undefined;
  if (cur.status === 404 || !body || typeof doc._seq_no !== 'number' || typeof doc._primary_term !== 'number') {
    await rest(client, 'PUT', path, ismPolicy(l, days), { ok: [409] });
    return 'created';
  }
  if (body.states?.[0]?.transitions?.[0]?.conditions?.min_index_age === `${days}d`) return 'unchanged';
  await rest(client, 'PUT', path, ismPolicy(l, days), {
    querystring: { if_seq_no: doc._seq_no, if_primary_term: doc._primary_term },
  });
  await rest(client, 'POST', `/_plugins/_ism/change_policy/${l.eventsPattern}`, {
    policy_id: `${l.prefix}-events-retention`,
  });
  return 'updated';
}
