/**
 * The fast YAML front end for bulk rule loads: js-yaml (several times faster than the positioned `yaml` parse)
 * with a schema that resolves plain scalars exactly as `yaml`'s YAML 1.2 core schema does, its result turned into
 * the same node types the loader reads (Scalar with its source text, YAMLMap, YAMLSeq), without positions.
 *
 * It only answers for texts it can read exactly like the positioned parse; anything else (anchors and aliases,
 * tags, complex or non-string keys, duplicate keys, empty documents, a syntax error, a limit) returns undefined and
 * the caller parses positioned. Every location in a fast document is the document's root (what `rule.loc` is,
 * the only position used after parsing); a file in which the loader finds any problem is parsed again with
 * positions, so every error and warning still names its exact file:line:col (load.ts).
 */
import jsyaml from 'js-yaml';
import { type Document, type Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { RuleProblem } from './model.js';
import { DocContext, flowNestingAt, LineIndex, type ParsedDoc, prescanDocuments, type YamlLimits } from './yaml.js';

/** A non-string scalar with the text it was written as (`yaml` keeps it as Scalar.source). */
class Written {
  constructor(
    readonly value: number | boolean | null,
    readonly source: string,
  ) {}
}

// `yaml`'s core schema tests (yaml/dist/schema/core), in its order.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

function intOf(s: string): number {
  if (INT_OCT.test(s)) return parseInt(s.substring(2), 8);
  if (INT_HEX.test(s)) return parseInt(s.substring(2), 16);
  return parseInt(s, 10);
}

function floatOf(s: string): number {
  if (FLOAT_NAN.test(s)) {
    if (s.slice(-3).toLowerCase() === 'nan') return Number.NaN;
    return s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  return parseFloat(s);
}

const SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsyaml.Type('tag:yaml.org,2002:null', {
      kind: 'scalar',
      resolve: (s: string) => NULL.test(s),
      construct: (s: string) => new Written(null, s),
    }),
    new jsyaml.Type('tag:yaml.org,2002:bool', {
      kind: 'scalar',
      resolve: (s: string) => BOOL.test(s),
      construct: (s: string) => new Written(s[0] === 't' || s[0] === 'T', s),
    }),
    new jsyaml.Type('tag:yaml.org,2002:int', {
      kind: 'scalar',
      resolve: (s: string) => INT_OCT.test(s) || INT.test(s) || INT_HEX.test(s),
      construct: (s: string) => new Written(intOf(s), s),
    }),
    new jsyaml.Type('tag:yaml.org,2002:float', {
      kind: 'scalar',
      resolve: (s: string) => FLOAT_NAN.test(s) || FLOAT_EXP.test(s) || FLOAT.test(s),
      construct: (s: string) => new Written(floatOf(s), s),
    }),
  ],
});

/** Keys the plain-object result cannot keep exactly (reordered, resolved to another type, or special). */
function unsafeKey(k: string): boolean {
  return (
    k === '__proto__' ||
    k === '[object Object]' ||
    NULL.test(k) ||
    BOOL.test(k) ||
    INT.test(k) ||
    INT_OCT.test(k) ||
    INT_HEX.test(k) ||
    FLOAT_NAN.test(k) ||
    FLOAT_EXP.test(k) ||
    FLOAT.test(k)
  );
}

/** Text the fast front end leaves to the positioned parse: anchors, aliases, tags, complex keys, directives. */
const UNSUPPORTED = /(?:^|[\s[{,])[&*!][^\s,\]}]|^[ \t-]*[?[{]|[{,][ \t]*[[{?]|^(?:%|\.\.\.|---[ \t]*[^\s#])/m;

/** A quote where a node can start: line start (after `- ` items), after `: `, or in flow after `[`, `{`, `,`. */
const QUOTE_AT_NODE = /(?:^[ \t]*(?:-[ \t]+)*|:[ \t]+|[[{,][ \t]*)(['"])/gm;

/**
 * Whether a quoted scalar does not close on the line it opens on. js-yaml accepts continuation lines that `yaml`
 * refuses (less indented than the key), so quoted scalars across lines are left to the positioned parse.
 */
function quoteAcrossLines(text: string): boolean {
  QUOTE_AT_NODE.lastIndex = 0;
  for (let m = QUOTE_AT_NODE.exec(text); m !== null; m = QUOTE_AT_NODE.exec(text)) {
    const q = m[1]!;
    let i = m.index + m[0].length;
    for (;;) {
      const c = text[i];
      if (c === undefined || c === '\n' || c === '\r') return true;
      if (q === '"' && c === '\\') i += 2;
      else if (c === q && q === "'" && text[i + 1] === "'") i += 2;
      else if (c === q) break;
      else i++;
    }
    QUOTE_AT_NODE.lastIndex = i + 1;
  }
  return false;
}

class Bail extends Error {}

interface Budget {
  nodes: number;
  seen: Set<object>;
  limits: YamlLimits;
}

function toNode(v: unknown, depth: number, b: Budget): Node {
  if (depth > b.limits.maxDepth || ++b.nodes > b.limits.maxNodes) throw new Bail();
  if (typeof v === 'string') {
    const s = new Scalar(v);
    s.source = v;
    return s;
  }
  if (v instanceof Written) {
    const s = new Scalar(v.value);
    s.source = v.source;
    return s;
  }
  if (v === null) {
    const s = new Scalar(null);
    s.source = '';
    return s;
  }
  if (typeof v !== 'object') throw new Bail();
  // The same collection twice is an alias: the positioned parse counts those against its budget.
  if (b.seen.has(v)) throw new Bail();
  b.seen.add(v);
  if (Array.isArray(v)) {
    const seq = new YAMLSeq();
    for (const e of v) seq.items.push(toNode(e, depth + 1, b));
    return seq;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) throw new Bail();
  const map = new YAMLMap();
  for (const k of Object.keys(v)) {
    if (unsafeKey(k)) throw new Bail();
    map.items.push(new Pair(toNode(k, depth + 1, b), toNode((v as Record<string, unknown>)[k], depth + 1, b)));
  }
  return map;
}

/**
 * Offsets of each document's first content character (its root node's start in the positioned parse), from the
 * `---` lines; undefined when the layout is not the plain one (content on a `---` line is refused by UNSUPPORTED).
 */
function rootOffsets(text: string): number[] {
  const out: number[] = [];
  let seeking = true; // a document is open and its first content not yet seen
  let marked = false; // that document was opened by a `---` line (an implicit first one is not)
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end);
    const trimmed = line.trimStart();
    if (line.startsWith('---')) {
      if (seeking && marked) out.push(-1); // a document with no content: the caller leaves it to `yaml`
      seeking = true;
      marked = true;
    } else if (seeking && trimmed !== '' && trimmed !== '\r' && !trimmed.startsWith('#')) {
      out.push(pos + (line.length - trimmed.length));
      seeking = false;
    }
    pos = end + 1;
  }
  if (seeking && marked) out.push(-1);
  return out;
}

/**
 * Parses every document of a text for the loader without positions, or undefined when the positioned parse must
 * do it (see the file comment). `problems` is where the documents' contexts record problems.
 */
export function parseYamlFast(
  text: string,
  file: string,
  problems: RuleProblem[],
  limits: YamlLimits,
): ParsedDoc[] | undefined {
  if (text.length > limits.maxDocBytes / 2 || text.includes('\t') || UNSUPPORTED.test(text)) return undefined;
  if (quoteAcrossLines(text)) return undefined;
  if (prescanDocuments(text, limits) !== null || flowNestingAt(text, 64) >= 0) return undefined;
  const starts = rootOffsets(text);
  if (starts.length === 0 || starts.includes(-1)) return undefined;
  let values: unknown[];
  try {
    values = jsyaml.loadAll(text, undefined, { schema: SCHEMA, json: false }) as unknown[];
  } catch {
    return undefined;
  }
  if (values.length !== starts.length) return undefined;
  const lc = new LineIndex(text);
  const out: ParsedDoc[] = [];
  try {
    const b: Budget = { nodes: 0, seen: new Set(), limits };
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined || v instanceof Written) return undefined;
      b.nodes = 0;
      const root = toNode(v, 0, b);
      const at = starts[i]!;
      const doc = { range: [at, at, at], errors: [], warnings: [], contents: root } as unknown as Document.Parsed;
      out.push({ ctx: new DocContext(file, i, doc, lc, problems, limits), root: root as ParsedDoc['root'] });
    }
  } catch (e) {
    if (e instanceof Bail || e instanceof RangeError) return undefined;
    throw e;
  }
  return out;
}
