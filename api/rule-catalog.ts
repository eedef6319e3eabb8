/**
 * Every rule the engine runs, as the console lists it: the shipped rules, the configured `rules.dirs` and the rules
 * uploaded through the API (state collection `rules`), with the switches analysts flip in the console (collection
 * `rule_overrides`, read by the pipeline's reload too). Files are read again after `ttlMs`, off the request path.
 */
import { readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { projectRoot } from '../core/shared-data.js';
import { INSTALLED_RULES_DIR } from '../detection/agency-rules.js';
import { loadRules, parseRuleText } from '../detection/sigma/load.js';
import { ANY, ONE, type SigmaDocument } from '../detection/sigma/model.js';
import { listAll } from '../store/list-all.js';
import type { StateStore } from '../store/types.js';

/** The shipped Sigma rules (cli/pipeline.ts SHIPPED_RULES names the same folder). */
export const SHIPPED_RULE_DIR = join(projectRoot, 'rules', 'sigma');

/** Where a rule comes from. */
export type RuleSource = 'shipped' | 'dir' | 'uploaded';

/** A console switch on a file rule (uploaded rules carry `enabled` in their own document). */
export interface RuleOverride {
  id: string;
  enabled: boolean;
  updatedAt: number;
  updatedBy: string;
}

/** One rule as listed. */
export interface CatalogRule {
  id: string;
  kind: SigmaDocument['kind'];
  title: string;
  level?: string;
  status?: string;
  description?: string;
  author?: string;
  falsepositives: string[];
  references: string[];
  tags: string[];
  logsource?: { product?: string; category?: string; service?: string };
  source: RuleSource;
  /** Path relative to its rule directory (file rules). */
  file?: string;
  enabled: boolean;
  /** Why a rule is off: the configuration (`rules.disabled`) or the console. */
  disabledBy?: 'config' | 'console';
  /** Field -> literal fragments the detection compares (matched-field highlighting). */
  fields: Record<string, string[]>;
  /** What to do when it fires (a rule's `response:` list, when it has one). */
  response: string[];
  /** `sigmahq`: installed by `canhgac rules update` (each agency may switch it off for itself). */
  package?: 'sigmahq';
  /** Uploaded rules: the document version and last change. */
  version?: number;
  updatedAt?: number;
}

/** Where the catalog reads rules. */
export interface RuleSources {
  dirs: readonly string[];
  disabled: readonly string[];
  /** The shipped folder; default SHIPPED_RULE_DIR (tests point elsewhere). */
  shipped?: string;
}

function literal(parts: readonly (string | number)[]): string[] {
  const out: string[] = [];
  let cur = '';
  for (const p of parts) {
    if (p === ANY || p === ONE) {
      if (cur.length >= 2) out.push(cur);
      cur = '';
    } else cur += String(p);
  }
  if (cur.length >= 2) out.push(cur);
  return out;
}

/** Field -> literal fragments of a rule's detection (keywords under `message`), for highlighting matched values. */
export function matchedFields(d: SigmaDocument): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (d.kind === 'correlation') {
    for (const f of d.groupBy) out[f] ??= [];
    return out;
  }
  for (const s of Object.values(d.searches))
    for (const alt of s.alternatives)
      for (const item of alt) {
        const field = item.field ?? 'message';
        const list = out[field] ?? [];
        for (const m of item.matchers) {
          if (m.t === 'str') list.push(...literal(m.parts));
          else if (m.t === 'num') list.push(String(m.value));
          else if (m.t === 'cidr')
            list.push(
              m.cidr
                .split('/')[0]!
                .replace(/\.0$/, '.')
                .replace(/\.0\.$/, '.'),
            );
        }
        out[field] = [...new Set(list)];
      }
  return out;
}

/** The `response:` list of a rule's YAML (a canhgac extension, ignored by other Sigma tools). */
function responseOf(text: string, doc: number): string[] {
  try {
    const docs = text.split(/^---\s*$/m);
    const y = parseYaml(docs[doc] ?? text) as { response?: unknown } | null;
    const r = y?.response;
    if (typeof r === 'string') return [r];
    if (Array.isArray(r)) return r.filter((x): x is string => typeof x === 'string');
  } catch {
    // The rule loaded, so its YAML parses; a split on '---' inside a block scalar is the only way here.
  }
  return [];
}

function entryOf(d: SigmaDocument, source: RuleSource, file: string | undefined, text: string): CatalogRule {
  return {
    id: d.id,
    kind: d.kind,
    title: d.title,
    ...(d.level ? { level: d.level } : {}),
    ...(d.status ? { status: d.status } : {}),
    ...(d.description ? { description: d.description } : {}),
    ...(d.author ? { author: d.author } : {}),
    falsepositives: d.falsepositives,
    references: d.references,
    tags: d.tags,
    ...(d.kind !== 'correlation'
      ? {
          logsource: {
            ...(d.logsource.product ? { product: d.logsource.product } : {}),
            ...(d.logsource.category ? { category: d.logsource.category } : {}),
            ...(d.logsource.service ? { service: d.logsource.service } : {}),
          },
        }
      : {}),
    source,
    ...(file ? { file } : {}),
    enabled: true,
    fields: matchedFields(d),
    response: responseOf(text, d.doc),
  };
}

/** An uploaded rule document (api/routes/rules.ts RuleDoc) as a catalog entry. */
export function uploadedEntry(doc: {
  id: string;
  title: string;
  level?: string;
  status?: string;
  enabled: boolean;
  text: string;
  version: number;
  updatedAt: number;
}): CatalogRule {
  const parsed = parseRuleText(doc.text, `${doc.id}.yml`).documents[0];
  const base: CatalogRule = parsed
    ? entryOf(parsed, 'uploaded', undefined, doc.text)
    : {
        id: doc.id,
        kind: 'rule',
        title: doc.title,
        falsepositives: [],
        references: [],
        tags: [],
        source: 'uploaded',
        enabled: true,
        fields: {},
        response: [],
      };
  return {
    ...base,
    id: doc.id,
    title: doc.title,
    enabled: doc.enabled,
    ...(doc.enabled ? {} : { disabledBy: 'console' as const }),
    version: doc.version,
    updatedAt: doc.updatedAt,
  };
}

/** The file rules, re-read after `ttlMs`; the enabled state comes from the configuration and the overrides. */
export class RuleCatalog {
  private files: CatalogRule[] | undefined;
  private texts = new Map<string, string>();
  private readAt = 0;
  private loading: Promise<CatalogRule[]> | undefined;
  private readonly dirs: { path: string; source: RuleSource; installed?: boolean }[];

  constructor(
    private readonly state: StateStore,
    private readonly sources: RuleSources = { dirs: [], disabled: [] },
    private readonly ttlMs = 60_000,
  ) {
    this.dirs = [
      { path: resolve(sources.shipped ?? SHIPPED_RULE_DIR), source: 'shipped' },
      ...sources.dirs.map((p) => ({
        path: resolve(p),
        source: 'dir' as const,
        installed: basename(resolve(p)) === INSTALLED_RULES_DIR,
      })),
    ];
  }

  /** The YAML text of a file rule (by id), when it is one. */
  async text(id: string): Promise<string | undefined> {
    await this.fileRules();
    return this.texts.get(id);
  }

  /** Every rule: file rules with their switches, then uploaded ones. */
  async list(): Promise<CatalogRule[]> {
    const [files, overrides, uploaded] = await Promise.all([
      this.fileRules(),
      listNamed<RuleOverride>(this.state, 'rule_overrides'),
      listNamed<Parameters<typeof uploadedEntry>[0]>(this.state, 'rules'),
    ]);
    const off = new Map(overrides.map((o) => [o.id, o]));
    const out = files.map((r) => {
      if (this.sources.disabled.includes(r.id)) return { ...r, enabled: false, disabledBy: 'config' as const };
      const o = off.get(r.id);
      return o && !o.enabled ? { ...r, enabled: false, disabledBy: 'console' as const } : r;
    });
    const ids = new Set(out.map((r) => r.id));
    for (const d of uploaded) if (!ids.has(d.id)) out.push(uploadedEntry(d));
    return out;
  }

  /** One rule by id (file or uploaded). */
  async get(id: string): Promise<CatalogRule | undefined> {
    return (await this.list()).find((r) => r.id === id);
  }

  private fileRules(): Promise<CatalogRule[]> {
    if (this.files && Date.now() - this.readAt < this.ttlMs) return Promise.resolve(this.files);
    // A stale list answers at once while the files are read again; the first call waits for them.
    this.loading ??= this.read().finally(() => {
      this.loading = undefined;
    });
    return this.files ? Promise.resolve(this.files) : this.loading;
  }

  private async read(): Promise<CatalogRule[]> {
    const out: CatalogRule[] = [];
    const texts = new Map<string, string>();
    const seen = new Set<string>();
    for (const dir of this.dirs) {
      const loaded = await loadRules([dir.path]);
      for (const d of loaded.documents) {
        if (d.kind === 'filter' || seen.has(d.id)) continue;
        seen.add(d.id);
        let text = '';
        try {
          text = readFileSync(d.file, 'utf8');
        } catch {
          // Removed since it was read: listed without its text until the next read.
        }
        texts.set(d.id, text);
        const entry = entryOf(d, dir.source, relative(dir.path, d.file) || d.file, text);
        out.push(dir.installed ? { ...entry, package: 'sigmahq' } : entry);
      }
    }
    this.files = out;
    this.texts = texts;
    this.readAt = Date.now();
    return out;
  }
}

async function listNamed<T>(state: StateStore, name: string): Promise<T[]> {
  return (await listAll(state.collection<T & object>(name))) as T[];
}

/** Lower-cased text a rule is searched by: title, id, tags (ATT&CK techniques and tactics), log source, level. */
export function searchText(r: CatalogRule): string {
  return [
    r.title,
    r.id,
    r.level ?? '',
    r.status ?? '',
    r.source,
    r.file ?? '',
    r.description ?? '',
    ...r.tags,
    ...r.tags.map((t) => t.replace(/^attack\./, '')),
    r.logsource?.product ?? '',
    r.logsource?.category ?? '',
    r.logsource?.service ?? '',
  ]
    .join(' ')
    .toLowerCase();
}
