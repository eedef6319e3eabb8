/**
 * The public loader: Sigma text or files -> documents of model.ts plus every problem found (file:line:col).
 * Never throws on bad input; a document with an error is rejected and counted, the others load.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, type Node, Pair, type ParsedNode, YAMLMap } from 'yaml';
import { logger } from '../../core/log.js';
import { counter } from '../../core/metrics.js';
import { detectionError } from '../errors.js';
import { RuleCacheSession } from './cache.js';
import { checkReferences, readCorrelation, readFilter } from './correlation.js';
import { readDetection } from './detection.js';
import { listRuleFiles, problem, readRuleFile } from './files.js';
import { indexMap, readLogsource, readMeta } from './meta.js';
import type { DetectionRule, LoadResult, RuleProblem, SigmaDocument } from './model.js';
import {
  DEFAULT_YAML_LIMITS,
  type DocContext,
  describeNode,
  type ParsedDoc,
  parseYaml,
  YamlLimitError,
} from './yaml.js';
import { parseYamlFast } from './yaml-fast.js';

/** Options of parseRuleText / loadRules. */
export interface LoadOptions {
  /** Values of `%name%` placeholders for the `expand` modifier (see loadPlaceholders). */
  placeholders?: Record<string, string[]>;
  /** Largest rule file accepted, in bytes (default 2 MiB). */
  maxFileBytes?: number;
  /** loadRules: a directory for the compiled-rule cache file (./cache.ts); without it the cache lives in memory. */
  cacheDir?: string | undefined;
  /** loadRules: false parses every file again (default true). */
  cache?: boolean;
}

/** Default largest file (real Sigma rules are a few KB; the biggest SigmaHQ file is under 100 KB). */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

const log = logger('sigma-loader');
const docsCounter = counter('canhgac_sigma_documents_total', 'Sigma documents read, by outcome', ['outcome']);
const problemsCounter = counter('canhgac_sigma_problems_total', 'Problems found while loading Sigma rules', [
  'code',
  'severity',
]);

export { listRuleFiles } from './files.js';

/** Parses one file's text (several YAML documents allowed). References to other files are not checked here. */
export function parseRuleText(text: string, file: string, opts: LoadOptions = {}): LoadResult {
  return parseCounted(text, file, opts, {});
}

/**
 * parseRuleText through the fast YAML front end when it can read the file (bulk loads use it): the same documents
 * and problems, except that positions inside a document without problems are the document's (rule.loc is exact).
 */
export function parseRuleTextFast(text: string, file: string, opts: LoadOptions = {}): LoadResult {
  return parseCounted(text, file, opts, {}, true);
}

/**
 * parseRuleText, adding the documents' outcomes (loaded, rejected, skipped) to `outcomes`. With `fast`, the text is
 * first read by the fast front end (./yaml-fast.ts); a file in which that finds any problem, or that the fast
 * front end leaves alone, is parsed again with positions, so problems are the same either way.
 */
function parseCounted(
  text: string,
  file: string,
  opts: LoadOptions,
  outcomes: Record<string, number>,
  fast = false,
): LoadResult {
  if (fast && typeof text === 'string' && text.length <= (opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES)) {
    const problems: RuleProblem[] = [];
    const parsed = parseYamlFast(text, file, problems, DEFAULT_YAML_LIMITS);
    if (parsed) {
      const documents: SigmaDocument[] = [];
      const local: Record<string, number> = {};
      const rejected = readDocuments(parsed, opts, documents, local);
      if (rejected === 0 && problems.length === 0) return finish(documents, problems, rejected, local, outcomes);
    }
  }
  const problems: RuleProblem[] = [];
  const documents: SigmaDocument[] = [];
  const max = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (typeof text !== 'string') {
    problems.push(problem(file, 'CANHGAC_ERR_SIGMA_FILE_READ', { reason: 'not text' }));
    return { documents, problems, rejected: 1 };
  }
  // Length in UTF-16 units is a lower bound of the UTF-8 size: cheap and enough to stop huge inputs early.
  if (text.length > max) {
    problems.push(problem(file, 'CANHGAC_ERR_SIGMA_FILE_TOO_LARGE', { size: text.length, limit: max }));
    return { documents, problems, rejected: 1 };
  }
  let rejected = 0;
  let parsed: ReturnType<typeof parseYaml>;
  try {
    parsed = parseYaml(text, file, problems, DEFAULT_YAML_LIMITS);
  } catch (e) {
    // The YAML composer recurses: pathological indentation nesting ends in a RangeError.
    if (e instanceof RangeError) {
      problems.push(problem(file, 'CANHGAC_ERR_SIGMA_YAML_DEPTH', { limit: DEFAULT_YAML_LIMITS.maxDepth }));
    } else problems.push(problem(file, 'CANHGAC_ERR_SIGMA_YAML_SYNTAX', { reason: (e as Error).message ?? String(e) }));
    return { documents, problems, rejected: 1 };
  }
  if (parsed.length === 0 && problems.some((p) => p.severity === 'error')) rejected++;
  const local: Record<string, number> = {};
  rejected += readDocuments(parsed, opts, documents, local);
  return finish(documents, problems, rejected, local, outcomes);
}

/** Reads parsed documents into `documents`, counting outcomes in `local`; returns how many were rejected. */
function readDocuments(
  parsed: ParsedDoc[],
  opts: LoadOptions,
  documents: SigmaDocument[],
  local: Record<string, number>,
): number {
  let rejected = 0;
  let global: YAMLMap | null = null;
  let previous: YAMLMap | null = null;
  for (const { ctx, root } of parsed) {
    let outcome: 'loaded' | 'rejected' | 'skipped' = 'skipped';
    try {
      outcome = readDocument(ctx, root, opts, documents, {
        getGlobal: () => global,
        setGlobal: (g) => {
          global = g;
        },
        getPrevious: () => previous,
        setPrevious: (p) => {
          previous = p;
        },
      });
    } catch (e) {
      if (e instanceof YamlLimitError) ctx.add(e.code, e.params, e.loc);
      else if (e instanceof RangeError)
        ctx.add('CANHGAC_ERR_SIGMA_YAML_DEPTH', { limit: DEFAULT_YAML_LIMITS.maxDepth }, ctx.loc(root));
      else
        ctx.add('CANHGAC_ERR_SIGMA_UNSUPPORTED', { reason: `internal error: ${(e as Error).message}` }, ctx.loc(root));
      outcome = 'rejected';
    }
    if (ctx.failed) outcome = 'rejected';
    if (outcome === 'rejected') rejected++;
    local[outcome] = (local[outcome] ?? 0) + 1;
  }
  return rejected;
}

/** Counts the outcomes and gives later documents of a legacy collection unique ids. */
function finish(
  documents: SigmaDocument[],
  problems: RuleProblem[],
  rejected: number,
  local: Record<string, number>,
  outcomes: Record<string, number>,
): LoadResult {
  for (const [outcome, n] of Object.entries(local)) {
    docsCounter.inc({ outcome }, n);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + n;
  }
  // Documents of one legacy collection share the global part's id: later ones get `id#doc` so every loaded
  // document stays addressable by a unique id.
  if (documents.length > 1) {
    const ids = new Set<string>();
    for (const d of documents) {
      if (ids.has(d.id)) d.id = `${d.id}#${d.doc}`;
      ids.add(d.id);
    }
  }
  return { documents, problems, rejected };
}

interface Collection {
  getGlobal(): YAMLMap | null;
  setGlobal(g: YAMLMap | null): void;
  getPrevious(): YAMLMap | null;
  setPrevious(p: YAMLMap | null): void;
}

function readDocument(
  ctx: DocContext,
  root: ParsedNode | null,
  opts: LoadOptions,
  out: SigmaDocument[],
  coll: Collection,
): 'loaded' | 'rejected' | 'skipped' {
  if (ctx.failed) return 'rejected';
  // An empty document, e.g. a trailing `---`, is nothing to load and nothing wrong.
  if (root === null || (isScalar(root) && root.value === null && !root.source)) return 'skipped';
  const node = ctx.deref(root, 0);
  if (!isMap(node)) {
    ctx.add('CANHGAC_ERR_SIGMA_NOT_A_MAP', { found: describeNode(node) }, ctx.loc(node));
    return 'rejected';
  }
  let map = node as YAMLMap;
  // Legacy Sigma 1 collections: `action: global` is merged into the documents after it, `repeat` re-uses the
  // previous document with changes, `reset` forgets the global part.
  const top0 = indexMap(ctx, map, 1);
  const actionPair = top0.get('action');
  if (actionPair) {
    const a = ctx.deref(actionPair.value, 1);
    const action = isScalar(a) ? a.value : undefined;
    if (action === 'global') {
      coll.setGlobal(map);
      return 'skipped';
    }
    if (action === 'reset') {
      coll.setGlobal(null);
      return 'skipped';
    }
    if (action === 'repeat') {
      const prev = coll.getPrevious();
      if (prev === null) {
        ctx.add(
          'CANHGAC_ERR_SIGMA_FIELD_VALUE',
          { field: 'action', reason: 'repeat without a previous document' },
          ctx.loc(a),
        );
        return 'rejected';
      }
      map = mergeMaps(ctx, prev, map, 1);
    } else {
      ctx.add(
        'CANHGAC_ERR_SIGMA_FIELD_VALUE',
        { field: 'action', reason: 'must be global, reset or repeat' },
        ctx.loc(a),
      );
      return 'rejected';
    }
  }
  coll.setPrevious(map);
  const g = coll.getGlobal();
  if (g !== null) map = mergeMaps(ctx, g, map, 1);
  const top = indexMap(ctx, map, 1);
  const rootLoc = ctx.loc(node);
  let doc: SigmaDocument | null = null;
  if (top.has('correlation')) doc = readCorrelation(ctx, top, rootLoc);
  else if (top.has('filter')) doc = readFilter(ctx, top, rootLoc, opts.placeholders);
  else if (top.has('detection')) {
    const meta = readMeta(ctx, top, 'rule', rootLoc);
    const logsource = readLogsource(ctx, top, rootLoc);
    const dp = top.get('detection')!;
    const det = readDetection(ctx, ctx.deref(dp.value, 1), ctx.loc(dp.key as Node), opts.placeholders);
    if (det && logsource && !ctx.failed) {
      const rule: DetectionRule = { ...meta, kind: 'rule', logsource, ...det };
      doc = rule;
    }
  } else {
    ctx.add('CANHGAC_ERR_SIGMA_UNKNOWN_KIND', {}, rootLoc);
  }
  if (doc === null || ctx.failed) return 'rejected';
  out.push(doc);
  return 'loaded';
}

/** Merges two maps (b wins; nested maps merge), re-using the original pairs so positions stay right. */
function mergeMaps(ctx: DocContext, a: YAMLMap, b: YAMLMap, depth: number): YAMLMap {
  const out = new YAMLMap();
  const ia = indexMap(ctx, a, depth);
  const ib = indexMap(ctx, b, depth);
  for (const [k, pa] of ia) {
    if (k === 'action') continue;
    const pb = ib.get(k);
    if (!pb) {
      out.items.push(pa);
      continue;
    }
    const va = ctx.deref(pa.value, depth);
    const vb = ctx.deref(pb.value, depth);
    if (isMap(va) && isMap(vb))
      out.items.push(new Pair(pb.key, mergeMaps(ctx, va as YAMLMap, vb as YAMLMap, depth + 1)));
    else out.items.push(pb);
  }
  for (const [k, pb] of ib) if (!ia.has(k) && k !== 'action') out.items.push(pb);
  out.range = b.range;
  return out;
}

/** Files parsed between two yields to the event loop, so a server reloading rules stays responsive. */
const YIELD_EVERY = 200;

/** Loads rule files and directories, then checks cross-document references and duplicate ids. */
export async function loadRules(paths: string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const max = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const documents: SigmaDocument[] = [];
  const problems: RuleProblem[] = [];
  let rejected = 0;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const files = listRuleFiles(paths);
  const cache =
    opts.cache === false
      ? undefined
      : new RuleCacheSession({
          dir: opts.cacheDir,
          maxFileBytes: max,
          ...(opts.placeholders ? { placeholders: opts.placeholders } : {}),
        });
  for (let i = 0; i < files.length; i++) {
    if (i > 0 && i % YIELD_EVERY === 0) await new Promise<void>((r) => setImmediate(r));
    const got = readRuleFile(files[i]!, max, decoder);
    if ('directory' in got) {
      files.splice(i + 1, 0, ...listRuleFiles([files[i]!], { forceDirectory: true }));
      continue;
    }
    if ('problem' in got) {
      problems.push(got.problem);
      rejected++;
      continue;
    }
    const r = parseCached(got.text, files[i]!, opts, cache);
    for (const d of r.documents) documents.push(d);
    for (const p of r.problems) problems.push(p);
    rejected += r.rejected;
  }
  cache?.finish();
  const refs = checkReferences(documents, problems);
  for (const p of problems) problemsCounter.inc({ code: p.code, severity: p.severity });
  rejected += refs.rejected;
  warnDuplicateIds(refs.kept, problems);
  if (rejected > 0) log.warn({ rejected, loaded: refs.kept.length }, 'Some Sigma documents were rejected');
  return { documents: refs.kept, problems, rejected };
}

/** One file through the cache: parsed only when this text (with these options and this loader) is new. */
function parseCached(text: string, file: string, opts: LoadOptions, cache: RuleCacheSession | undefined): LoadResult {
  if (!cache) return parseCounted(text, file, opts, {}, true);
  const key = cache.key(text);
  const hit = cache.get(key, file);
  if (hit) {
    for (const [outcome, n] of Object.entries(hit.outcomes)) docsCounter.inc({ outcome }, n);
    return hit;
  }
  const outcomes: Record<string, number> = {};
  const r = parseCounted(text, file, opts, outcomes, true);
  cache.set(key, r, outcomes);
  return r;
}

/** Duplicate ids across files, and duplicate names anywhere (correlations refer to rules by name), warn. */
function warnDuplicateIds(docs: SigmaDocument[], problems: RuleProblem[]): void {
  const firstId = new Map<string, SigmaDocument>();
  const firstName = new Map<string, SigmaDocument>();
  const warn = (d: SigmaDocument, what: string, f: SigmaDocument) =>
    problems.push({
      ...problem(
        d.file,
        'CANHGAC_ERR_SIGMA_DUPLICATE_ID',
        { id: what, first: `${f.file}:${f.loc.line}` },
        d.loc.line,
        d.loc.col,
      ),
      severity: 'warning',
    });
  for (const d of docs) {
    const f = firstId.get(d.id);
    if (f === undefined) firstId.set(d.id, d);
    else if (f.file !== d.file) warn(d, `id ${d.id}`, f);
    if (d.name === undefined) continue;
    const n = firstName.get(d.name);
    if (n === undefined) firstName.set(d.name, d);
    else warn(d, `name ${d.name}`, n);
  }
}

/** Reads a placeholders file: a YAML map of name -> list of values (a single string is a one-value list); throws CanhgacError. */
export function loadPlaceholders(file: string): Record<string, string[]> {
  const fail = (reason: string): never => {
    throw detectionError('CANHGAC_ERR_SIGMA_PLACEHOLDERS_FILE', { file, reason });
  };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return fail((e as Error).message);
  }
  return parsePlaceholders(text, file);
}

/** Parses placeholders text (see loadPlaceholders); throws a described error on a malformed file. */
export function parsePlaceholders(text: string, file = '<placeholders>'): Record<string, string[]> {
  const problems: RuleProblem[] = [];
  const docs = parseYaml(text, file, problems, DEFAULT_YAML_LIMITS);
  const errs = problems.filter((p) => p.severity === 'error');
  const fail = (reason: string): never => {
    throw detectionError('CANHGAC_ERR_SIGMA_PLACEHOLDERS_FILE', { file, reason });
  };
  if (errs.length > 0) fail(`${errs[0]!.line}:${errs[0]!.col}: ${errs[0]!.message}`);
  const out: Record<string, string[]> = Object.create(null);
  const d = docs[0];
  if (!d || d.root === null) return out;
  const root = d.ctx.deref(d.root, 0);
  if (!isMap(root)) fail('must be a map of name -> list of values');
  for (const [name, p] of indexMap(d.ctx, root as YAMLMap, 1)) {
    const v = d.ctx.deref(p.value, 1);
    const vals: string[] = [];
    const add = (n: Node | null) => {
      const x = isScalar(n) ? n.value : undefined;
      if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') vals.push(String(x));
      else fail(`${name}: values must be strings`);
    };
    if (v !== null && 'items' in v && Array.isArray((v as { items: unknown[] }).items) && !isMap(v)) {
      for (const it of (v as { items: unknown[] }).items) add(d.ctx.deref(it, 2));
    } else add(v);
    out[name] = vals;
  }
  return out;
}

export { checkReferences } from './correlation.js';
export { firstInvalidUtf8 } from './utf8.js';
