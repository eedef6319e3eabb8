/**
 * Field-mapping pipelines (rules/pipelines/*.yml): applied once at normalisation time so Sigma rules see Sigma
 * field names whatever the source called them. This is pySigma's processing-pipeline idea turned around: pySigma
 * renames the rule's fields to the backend's; we rename the event's fields to the rule's, once per event, so the
 * engine, the store and retro-hunts all see the same names.
 *
 * A pipeline file:
 * ```yaml
 * name: windows-security-4688
 * description: why
 * priority: 10                 # lower runs first (default 50)
 * when:                         # every entry must hold; strings compare case-insensitively; a list is any-of
 *   logsource.service: security
 *   EventID: 4688
 * mode: copy                    # copy (keep the source field; default) | move (drop it) | fill (only when absent)
 * fields:                       # source field -> Sigma field (all read before any is written)
 *   NewProcessName: Image
 * templates:                    # Sigma field -> template over source fields, or a list of them: the first
 *                               # whose fields are all present (not empty, not '-') is used
 *   User: '{SubjectDomainName}\{SubjectUserName}'
 * convert:                      # Sigma field -> hex_to_decimal | lower | upper
 *   ProcessId: hex_to_decimal
 * values:                       # Sigma field -> value map (exact source value -> replacement)
 *   IntegrityLevel: { S-1-16-12288: High }
 * ```
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { logger } from '../../core/log.js';
import { counter } from '../../core/metrics.js';
import { projectRoot } from '../../core/shared-data.js';
import type { NormalisedEvent as SigmaEvent } from '../../core/event/event.js';
import type { WINDOWS_ERRORS } from '../decoders/windows/errors.js';

/** A problem in a pipeline file, with its location. */
export interface PipelineProblem {
  file: string;
  line: number;
  col: number;
  message: string;
  code: keyof typeof WINDOWS_ERRORS & `CANHGAC_ERR_PIPELINE_${string}`;
}

type Mode = 'copy' | 'move' | 'fill';
type Conversion = 'hex_to_decimal' | 'lower' | 'upper';
const CONVERSIONS = new Set<string>(['hex_to_decimal', 'lower', 'upper']);
const KNOWN_KEYS = new Set([
  'name',
  'description',
  'priority',
  'when',
  'mode',
  'fields',
  'templates',
  'convert',
  'values',
]);

/** A loaded, validated pipeline. */
export interface FieldPipeline {
  name: string;
  file: string;
  priority: number;
  when: Array<{ field: string; values: Array<string | number | boolean> }>;
  mode: Mode;
  fields: Array<[string, string]>;
  templates: Array<{ target: string; alts: Array<{ parts: string[]; refs: string[] }> }>;
  convert: Array<[string, Conversion]>;
  values: Array<[string, Map<string, string>]>;
  /** Reused per event to read every source before writing (no per-event allocation). */
  scratch: unknown[];
}

function scalarOk(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Splits `{a}\{b}` into literal parts (even indexes) and field references (odd indexes). */
function parseTemplate(t: string): { parts: string[]; refs: string[] } | undefined {
  const parts: string[] = [];
  const refs: string[] = [];
  let i = 0;
  let lit = '';
  while (i < t.length) {
    const c = t[i]!;
    if (c === '{') {
      const end = t.indexOf('}', i + 1);
      if (end < 0 || end === i + 1) return undefined;
      parts.push(lit);
      lit = '';
      refs.push(t.slice(i + 1, end));
      i = end + 1;
    } else {
      lit += c;
      i++;
    }
  }
  parts.push(lit);
  return { parts, refs };
}

/** Parses and validates one pipeline YAML text; problems carry file:line:col. */
export function parsePipelineText(
  text: string,
  file: string,
): { pipeline: FieldPipeline | undefined; problems: PipelineProblem[] } {
  const problems: PipelineProblem[] = [];
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const at = (offset: number | undefined, message: string): void => {
    const pos = lc.linePos(offset ?? 0);
    problems.push({ file, line: pos.line, col: pos.col, message, code: 'CANHGAC_ERR_PIPELINE_INVALID' });
  };
  for (const e of doc.errors) at(e.pos[0], e.message);
  if (problems.length) return { pipeline: undefined, problems };
  const root: unknown = doc.toJS();
  const rootOffset = doc.contents?.range?.[0];
  if (!isRecord(root)) {
    at(rootOffset, 'a pipeline must be a YAML mapping');
    return { pipeline: undefined, problems };
  }
  const offsetOf = (key: string): number | undefined => {
    const node = doc.get(key, true) as { range?: [number, number, number] } | undefined;
    return node?.range?.[0] ?? rootOffset;
  };
  for (const k of Object.keys(root)) if (!KNOWN_KEYS.has(k)) at(offsetOf(k), `unknown key '${k}'`);
  const name = root.name;
  if (typeof name !== 'string' || !name) at(rootOffset, "'name' must be a non-empty string");
  const priority = root.priority ?? 50;
  if (typeof priority !== 'number') at(offsetOf('priority'), "'priority' must be a number");
  const mode = root.mode ?? 'copy';
  if (mode !== 'copy' && mode !== 'move' && mode !== 'fill') at(offsetOf('mode'), "'mode' must be copy, move or fill");
  const p: FieldPipeline = {
    name: typeof name === 'string' ? name : file,
    file,
    priority: typeof priority === 'number' ? priority : 50,
    when: [],
    mode: mode === 'move' || mode === 'fill' ? mode : 'copy',
    fields: [],
    templates: [],
    convert: [],
    values: [],
    scratch: [],
  };
  const section = (key: string): Record<string, unknown> => {
    const v = root[key];
    if (v === undefined || v === null) return {};
    if (!isRecord(v)) {
      at(offsetOf(key), `'${key}' must be a mapping`);
      return {};
    }
    return v;
  };
  for (const [field, v] of Object.entries(section('when'))) {
    const vals = Array.isArray(v) ? v : [v];
    if (!vals.every(scalarOk) || vals.length === 0) at(offsetOf('when'), `when.${field} must be a scalar or a list`);
    else p.when.push({ field, values: vals.map((x) => (typeof x === 'string' ? x.toLowerCase() : x)) });
  }
  for (const [src, dst] of Object.entries(section('fields'))) {
    if (typeof dst !== 'string' || !dst || dst === '__proto__') {
      at(offsetOf('fields'), `fields.${src} must name a target field`);
    } else p.fields.push([src, dst]);
  }
  for (const [dst, t] of Object.entries(section('templates'))) {
    const list = Array.isArray(t) ? t : [t];
    const alts = list.map((x) => (typeof x === 'string' ? parseTemplate(x) : undefined));
    if (alts.length === 0 || alts.some((a) => !a || a.refs.length === 0) || dst === '__proto__') {
      at(offsetOf('templates'), `templates.${dst} must be a '{field}' template or a list of them`);
    } else p.templates.push({ target: dst, alts: alts as Array<{ parts: string[]; refs: string[] }> });
  }
  for (const [dst, c] of Object.entries(section('convert'))) {
    if (typeof c !== 'string' || !CONVERSIONS.has(c)) {
      at(offsetOf('convert'), `convert.${dst} must be one of ${[...CONVERSIONS].join(', ')}`);
    } else p.convert.push([dst, c as Conversion]);
  }
  for (const [dst, m] of Object.entries(section('values'))) {
    if (!isRecord(m) || !Object.values(m).every(scalarOk)) {
      at(offsetOf('values'), `values.${dst} must map source values to replacements`);
    } else p.values.push([dst, new Map(Object.entries(m).map(([a, b]) => [a, String(b)]))]);
  }
  return { pipeline: problems.length ? undefined : p, problems };
}

/** Loads every *.yml / *.yaml pipeline in a directory, sorted by priority then name. */
export function loadPipelines(dir: string): { pipelines: FieldPipeline[]; problems: PipelineProblem[] } {
  const pipelines: FieldPipeline[] = [];
  const problems: PipelineProblem[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.yml') || n.endsWith('.yaml'));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    problems.push({ file: dir, line: 1, col: 1, message: reason, code: 'CANHGAC_ERR_PIPELINE_UNREADABLE' });
    return { pipelines, problems };
  }
  for (const n of names.sort()) {
    const file = join(dir, n);
    const r = parsePipelineText(readFileSync(file, 'utf8'), file);
    if (r.pipeline) pipelines.push(r.pipeline);
    problems.push(...r.problems);
  }
  pipelines.sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
  return { pipelines, problems };
}

/** The pipelines canhgac ships (rules/pipelines/), loaded once on first use. */
let shipped: FieldPipeline[] | undefined;
/**
 * The shipped pipelines. Normalisation must never throw, so a broken or missing file is logged and counted once
 * and the valid pipelines are used (a test loads them all, so this only happens to a damaged installation).
 */
export function shippedPipelines(): FieldPipeline[] {
  if (!shipped) {
    const r = loadPipelines(join(projectRoot, 'rules', 'pipelines'));
    for (const p of r.problems) {
      counter('canhgac_pipeline_load_errors_total', 'Field-mapping pipeline files that could not be used').inc();
      logger('pipelines').error(
        { file: p.file, line: p.line, col: p.col, code: p.code, reason: p.message },
        'A field-mapping pipeline could not be loaded; events are normalised without it.',
      );
    }
    shipped = r.pipelines;
  }
  return shipped;
}

function holds(p: FieldPipeline, ev: SigmaEvent): boolean {
  for (const w of p.when) {
    const v = ev[w.field];
    let ok = false;
    for (const want of w.values) {
      if (typeof want === 'string' ? typeof v === 'string' && v.toLowerCase() === want : v === want) ok = true;
      else if (typeof want === 'number' && typeof v === 'string' && Number(v) === want) ok = true;
      if (ok) break;
    }
    if (!ok) return false;
  }
  return true;
}

function convert(v: unknown, c: Conversion): unknown {
  if (typeof v !== 'string') return v;
  if (c === 'lower') return v.toLowerCase();
  if (c === 'upper') return v.toUpperCase();
  if (/^0x[0-9a-f]{1,13}$/i.test(v)) return String(Number.parseInt(v.slice(2), 16));
  return v;
}

/** The template with the event's values, or undefined when one is absent, empty or `-` (Windows for "none"). */
function fillTemplate(t: { parts: string[]; refs: string[] }, ev: SigmaEvent): string | undefined {
  let s = t.parts[0]!;
  for (let i = 0; i < t.refs.length; i++) {
    const v = ev[t.refs[i]!];
    if (v === undefined || v === null || v === '' || v === '-') return undefined;
    s += String(v) + t.parts[i + 1]!;
  }
  return s;
}

/** Applies the pipelines whose `when` holds to the event, in place; returns the number applied. */
export function applyPipelines(pipelines: readonly FieldPipeline[], ev: SigmaEvent): number {
  let applied = 0;
  for (const p of pipelines) {
    if (!holds(p, ev)) continue;
    applied++;
    // Read every source before writing any target, so ProcessId -> ParentProcessId and NewProcessId -> ProcessId
    // both see the original values.
    const read = p.scratch;
    for (let i = 0; i < p.fields.length; i++) read[i] = ev[p.fields[i]![0]];
    // Undefined rather than `delete`: deleting turns every such event into a slow dictionary-mode object
    // (about 30% slower matching); undefined reads as absent everywhere and is not serialised.
    if (p.mode === 'move') for (const [src] of p.fields) ev[src] = undefined;
    for (let i = 0; i < p.fields.length; i++) {
      const v = read[i];
      read[i] = undefined; // do not keep the event's values alive until the next one
      const dst = p.fields[i]![1];
      if (v === undefined || v === null) continue;
      if (p.mode === 'fill' && ev[dst] !== undefined && ev[dst] !== null) continue;
      ev[dst] = v;
    }
    for (const t of p.templates) {
      if (p.mode === 'fill' && ev[t.target] !== undefined) continue;
      for (const alt of t.alts) {
        const s = fillTemplate(alt, ev);
        if (s !== undefined) {
          ev[t.target] = s;
          break;
        }
      }
    }
    for (const [field, c] of p.convert) if (ev[field] !== undefined) ev[field] = convert(ev[field], c);
    for (const [field, map] of p.values) {
      const v = ev[field];
      if (v === undefined || v === null) continue;
      const r = map.get(String(v));
      if (r !== undefined) ev[field] = r;
    }
  }
  return applied;
}
