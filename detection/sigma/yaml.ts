/**
 * Safe YAML for untrusted rule files: multi-document parsing with positions, and a walker over the AST that
 * bounds alias expansions, depth and node count so alias bombs and pathological nesting end in a clear problem.
 */
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type ParsedNode,
  parseAllDocuments,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { formatMessage } from '../../core/errors.js';
import { DETECTION_ERRORS, type DetectionErrorCode } from '../errors.js';
import type { Loc, RuleProblem } from './model.js';

/**
 * Line starts of a text, found once, for offset -> line:col. The YAML library's LineCounter misses newlines
 * inside tokens it gives up on during error recovery, so positions are computed from the text itself.
 */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  /** 1-based line and column (UTF-16 units) of an offset. */
  loc(offset: number): Loc {
    const st = this.starts;
    let lo = 0;
    let hi = st.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (st[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - st[lo]! + 1 };
  }
}

/** Limits applied while reading YAML; defaults are far above any real Sigma rule. */
export interface YamlLimits {
  /** Alias expansions allowed per document (an alias inside an expanded alias counts again). */
  maxAliases: number;
  /** Maximum nesting depth of maps and sequences. */
  maxDepth: number;
  /** Maximum nodes visited per document (aliases counted as often as they are expanded). */
  maxNodes: number;
  /** Maximum size of one YAML document in bytes (UTF-16 code units of its text). */
  maxDocBytes: number;
  /** Maximum YAML documents in one file. */
  maxDocuments: number;
}

/** The default limits (documented in detection/sigma/README.md). */
export const DEFAULT_YAML_LIMITS: YamlLimits = {
  maxAliases: 100,
  maxDepth: 64,
  maxNodes: 100_000,
  maxDocBytes: 1024 * 1024,
  maxDocuments: 500,
};

/** Thrown inside a document walk when a limit is hit; caught by the loader, which records one problem. */
export class YamlLimitError extends Error {
  constructor(
    readonly code: DetectionErrorCode,
    readonly params: Record<string, unknown>,
    readonly loc: Loc,
  ) {
    super(code);
  }
}

/** Per-document reading context: positions, problems and the alias/node budget. */
export class DocContext {
  private aliases = 0;
  private nodes = 0;
  /** Whether an error (not a warning) was recorded for this document. */
  failed = false;

  constructor(
    readonly file: string,
    readonly index: number,
    readonly doc: Document.Parsed,
    private readonly lc: LineIndex,
    readonly problems: RuleProblem[],
    readonly limits: YamlLimits,
  ) {}

  /** 1-based line/col of a node's start (the document start when unknown). */
  loc(node: Node | null | undefined): Loc {
    const off = node?.range?.[0] ?? this.doc.range[0];
    return this.locAt(off);
  }

  /** 1-based line/col of a character offset. */
  locAt(offset: number): Loc {
    return this.lc.loc(offset);
  }

  /** Records a problem at a location; errors mark the document as rejected. */
  add(
    code: DetectionErrorCode,
    params: Record<string, unknown>,
    at: Loc,
    severity: 'error' | 'warning' = 'error',
  ): void {
    if (severity === 'error') this.failed = true;
    this.problems.push({
      file: this.file,
      line: at.line,
      col: at.col,
      message: formatMessage(DETECTION_ERRORS[code].message, params),
      code,
      severity,
    });
  }

  private readonly keyChecked = new WeakSet<object>();

  /**
   * Reports duplicate keys of a map once (the YAML library's own check is quadratic in the number of keys, an
   * easy denial of service, so it is off and done here with a Set).
   */
  checkUniqueKeys(map: YAMLMap, depth: number): void {
    if (this.keyChecked.has(map)) return;
    this.keyChecked.add(map);
    const seen = new Set<string>();
    for (const p of map.items) {
      const k = this.deref(p.key, depth);
      if (!isScalar(k)) continue;
      const key = String(scalarValue(k.value));
      if (seen.has(key)) {
        this.add(
          'CANHGAC_ERR_SIGMA_YAML_SYNTAX',
          { reason: `duplicate key ${JSON.stringify(key)} in a map` },
          this.loc(k),
        );
      }
      seen.add(key);
    }
  }

  /** Follows an alias (counting it against the budget) and counts the node; throws YamlLimitError past a limit. */
  deref(node: unknown, depth: number): Node | null {
    if (depth > this.limits.maxDepth) {
      throw new YamlLimitError('CANHGAC_ERR_SIGMA_YAML_DEPTH', { limit: this.limits.maxDepth }, this.loc(node as Node));
    }
    let n = node;
    let hops = 0;
    while (isAlias(n)) {
      if (++this.aliases > this.limits.maxAliases || ++hops > 16) {
        throw new YamlLimitError('CANHGAC_ERR_SIGMA_YAML_ALIASES', { limit: this.limits.maxAliases }, this.loc(n));
      }
      n = (n as Alias).resolve(this.doc) ?? null;
    }
    if (++this.nodes > this.limits.maxNodes) {
      throw new YamlLimitError('CANHGAC_ERR_SIGMA_YAML_NODES', { limit: this.limits.maxNodes }, this.loc(n as Node));
    }
    return (n as Node | null) ?? null;
  }
}

/** A plain JavaScript value read from a YAML node (scalars, arrays, objects) within the budget. */
export type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };

/** Converts a node to a plain value, counting aliases and nodes (safe replacement for toJS). */
export function toPlain(ctx: DocContext, node: unknown, depth = 0): Plain {
  const n = ctx.deref(node, depth);
  if (n === null) return null;
  if (isScalar(n)) return scalarValue(n.value);
  if (isSeq(n)) return (n as YAMLSeq).items.map((it) => toPlain(ctx, it, depth + 1));
  if (isMap(n)) {
    const out: { [k: string]: Plain } = Object.create(null);
    for (const p of (n as YAMLMap).items) {
      const k = toPlain(ctx, p.key, depth + 1);
      out[String(k)] = toPlain(ctx, p.value, depth + 1);
    }
    return out;
  }
  return null;
}

/** Normalises scalar values the YAML library may produce (Date, bigint) to the plain set. */
export function scalarValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v);
}

/** What kind of YAML node this is, for messages. */
export function describeNode(n: Node | null): string {
  if (n === null) return 'null';
  if (isMap(n)) return 'a map';
  if (isSeq(n)) return 'a list';
  if (isScalar(n)) {
    const v = n.value;
    if (v === null) return 'null';
    return `a ${typeof v === 'object' ? 'value' : typeof v}`;
  }
  return 'an unknown node';
}

/** One parsed YAML document with its context. */
export interface ParsedDoc {
  ctx: DocContext;
  /** The root node, or null for an empty document. */
  root: ParsedNode | null;
}

/**
 * Parses every document of a text. Syntax errors and oversized documents become problems on their document's
 * context (ctx.failed); the caller skips those.
 */
export function parseYaml(text: string, file: string, problems: RuleProblem[], limits: YamlLimits): ParsedDoc[] {
  const lc = new LineIndex(text);
  const pre = prescanDocuments(text, limits);
  if (pre !== null) {
    const lines = lc.loc(pre.offset);
    problems.push({
      file,
      line: lines.line,
      col: lines.col,
      message: formatMessage(DETECTION_ERRORS[pre.code].message, pre.params),
      code: pre.code,
      severity: 'error',
    });
    return [];
  }
  const deep = flowNestingAt(text, FLOW_PRESCAN_DEPTH);
  if (deep >= 0) {
    // The YAML library takes seconds on hundreds of thousands of nested brackets: refuse before parsing.
    const at = lc.loc(deep);
    problems.push({
      file,
      line: at.line,
      col: at.col,
      message: formatMessage(DETECTION_ERRORS.CANHGAC_ERR_SIGMA_YAML_DEPTH.message, { limit: FLOW_PRESCAN_DEPTH }),
      code: 'CANHGAC_ERR_SIGMA_YAML_DEPTH',
      severity: 'error',
    });
    return [];
  }
  const docs = parseAllDocuments(text, {
    prettyErrors: false,
    uniqueKeys: false,
    strict: true,
  });
  const list = Array.isArray(docs) ? docs : [];
  const out: ParsedDoc[] = [];
  list.forEach((doc, i) => {
    const ctx = new DocContext(file, i, doc, lc, problems, limits);
    const size = doc.range[2] - doc.range[0];
    if (size > limits.maxDocBytes) {
      ctx.add('CANHGAC_ERR_SIGMA_DOC_TOO_LARGE', { size, limit: limits.maxDocBytes }, ctx.locAt(doc.range[0]));
    }
    for (const e of doc.errors) {
      // The library turns its own stack overflow (deep indentation nesting) into a document error.
      if (e.message.includes('Maximum call stack')) {
        ctx.add('CANHGAC_ERR_SIGMA_YAML_DEPTH', { limit: limits.maxDepth }, ctx.locAt(e.pos[0]));
      } else ctx.add('CANHGAC_ERR_SIGMA_YAML_SYNTAX', { reason: firstLine(e.message) }, ctx.locAt(e.pos[0]));
    }
    for (const w of doc.warnings) {
      ctx.add('CANHGAC_ERR_SIGMA_YAML_SYNTAX', { reason: firstLine(w.message) }, ctx.locAt(w.pos[0]), 'warning');
    }
    out.push({ ctx, root: doc.contents });
  });
  return out;
}

/**
 * Document count and sizes from the `---` / `...` lines, before the parser runs: the parser needs seconds for
 * hundreds of thousands of documents or a multi-megabyte document, so those are refused up front.
 */
export function prescanDocuments(
  text: string,
  limits: YamlLimits,
): { code: DetectionErrorCode; params: Record<string, unknown>; offset: number } | null {
  let docs = 1;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n---', start);
    const sep = nl < 0 ? text.length : nl + 1;
    if (sep - start > limits.maxDocBytes) {
      return {
        code: 'CANHGAC_ERR_SIGMA_DOC_TOO_LARGE',
        params: { size: sep - start, limit: limits.maxDocBytes },
        offset: start,
      };
    }
    if (nl < 0) return null;
    if (++docs > limits.maxDocuments) {
      return { code: 'CANHGAC_ERR_SIGMA_TOO_MANY_DOCS', params: { limit: limits.maxDocuments }, offset: sep };
    }
    start = sep;
  }
}

/** Bracket depth at which the pre-scan gives up (far above maxDepth: quoted brackets can only inflate it). */
const FLOW_PRESCAN_DEPTH = 1000;

/** Offset where unquoted-agnostic bracket nesting first exceeds `limit`, or -1 (a cheap over-estimate). */
export function flowNestingAt(text: string, limit: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return -1;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
