/**
 * Test helpers: build Sigma model objects from compact Sigma-like notation (`'Image|endswith'`, values with
 * `*` `?` and the Sigma escape table), so conformance rows read like rules while the YAML parser is elsewhere.
 * Only the comparison modifiers are handled (value-transforming ones are the parser's job).
 */
import type {
  Condition,
  DetectionItem,
  DetectionRule,
  LogSource,
  PatternPart,
  Search,
  SigmaEvent,
  SigmaFilter,
  ValueMatcher,
} from '../../detection/sigma/model.js';
import { ANY, ONE } from '../../detection/sigma/model.js';

/** A YAML-ish scalar value of a detection item. */
export type Scalar = string | number | boolean | null;

/** Sigma string value to pattern parts: `*` `?` wildcards; `\*` `\?` `\\` escapes; any other `\` is literal. */
export function pattern(v: string): PatternPart[] {
  const out: PatternPart[] = [];
  let lit = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\' && (v[i + 1] === '*' || v[i + 1] === '?' || v[i + 1] === '\\')) {
      lit += v[++i];
    } else if (c === '*' || c === '?') {
      if (lit) out.push(lit);
      lit = '';
      out.push(c === '*' ? ANY : ONE);
    } else lit += c;
  }
  if (lit) out.push(lit);
  return out;
}

/** One `field|mods: values` entry (field null: keywords). */
export function item(key: string | null, values: Scalar | Scalar[]): DetectionItem {
  const [field, ...mods] = (key ?? '').split('|');
  const vals = Array.isArray(values) ? values : [values];
  const has = (m: string) => mods.includes(m);
  const cased = has('cased');
  const ref = has('fieldref');
  const mode = has('contains')
    ? 'contains'
    : has('startswith')
      ? 'startswith'
      : has('endswith')
        ? 'endswith'
        : 'equals';
  const cmp = (['lt', 'lte', 'gt', 'gte'] as const).find(has);
  const time = (['minute', 'hour', 'day', 'week', 'month', 'year'] as const).find(has);
  const matchers: ValueMatcher[] = vals.map((v): ValueMatcher => {
    if (has('exists')) return { t: 'exists', value: v === true };
    if (v === null) return { t: 'null' };
    if (has('re')) return { t: 're', source: String(v), i: has('i'), m: has('m'), s: has('s') };
    if (has('cidr')) return { t: 'cidr', cidr: String(v) };
    if (ref) return { t: 'fieldref', field: String(v), mode, cased };
    if (cmp) return { t: 'cmp', op: cmp, value: Number(v) };
    if (time) return { t: 'time', unit: time, value: Number(v) };
    if (typeof v === 'boolean') return { t: 'bool', value: v };
    if (typeof v === 'number' && mode === 'equals') return { t: 'num', value: v };
    let parts = pattern(String(v));
    if (mode === 'contains' || mode === 'endswith') parts = [ANY, ...parts];
    if (mode === 'contains' || mode === 'startswith') parts = [...parts, ANY];
    return { t: 'str', parts, cased };
  });
  return {
    field: field ? field : null,
    modifiers: mods,
    matchers,
    all: has('all'),
    negate: has('neq'),
    loc: { line: 1, col: 1 },
  };
}

/** A search from maps (a list of maps = OR of alternatives). */
export function search(
  name: string,
  def: Record<string, Scalar | Scalar[]> | Record<string, Scalar | Scalar[]>[],
): Search {
  const maps = Array.isArray(def) ? def : [def];
  return {
    name,
    alternatives: maps.map((m) => Object.entries(m).map(([k, v]) => item(k, v))),
    loc: { line: 1, col: 1 },
  };
}

/** A keyword search (a plain list of values). */
export function keywords(name: string, values: Scalar[], mods = ''): Search {
  return { name, alternatives: [[item(mods ? `|${mods}` : null, values)]], loc: { line: 1, col: 1 } };
}

/** A condition from text: or < and < not < `1 of`/`all of` < parentheses; identifiers and patterns. */
export function condition(text: string): Condition {
  const toks = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const peek = () => toks[i];
  const parseOr = (): Condition => {
    const args = [parseAnd()];
    while (peek() === 'or') {
      i++;
      args.push(parseAnd());
    }
    return args.length === 1 ? args[0]! : { op: 'or', args };
  };
  const parseAnd = (): Condition => {
    const args = [parseNot()];
    while (peek() === 'and') {
      i++;
      args.push(parseNot());
    }
    return args.length === 1 ? args[0]! : { op: 'and', args };
  };
  const parseNot = (): Condition => {
    if (peek() === 'not') {
      i++;
      return { op: 'not', arg: parseNot() };
    }
    return parseAtom();
  };
  const parseAtom = (): Condition => {
    const t = toks[i++];
    if (t === '(') {
      const c = parseOr();
      if (toks[i++] !== ')') throw new Error(`missing ) in ${text}`);
      return c;
    }
    if ((t === '1' || t === 'any' || t === 'all') && toks[i] === 'of') {
      i++;
      return { op: 'of', quantifier: t === 'all' ? 'all' : 'any', pattern: toks[i++]! };
    }
    if (t === undefined) throw new Error(`unexpected end of ${text}`);
    return { op: 'ref', name: t };
  };
  const c = parseOr();
  if (i !== toks.length) throw new Error(`trailing tokens in ${text}`);
  return c;
}

let seq = 0;

/** A detection rule from searches and condition text(s). */
export function rule(
  searches: Search[],
  cond: string | string[],
  extra: Partial<DetectionRule> & { logsource?: LogSource } = {},
): DetectionRule {
  const conds = Array.isArray(cond) ? cond : [cond];
  const id = extra.id ?? `rule-${++seq}`;
  return {
    kind: 'rule',
    title: extra.title ?? id,
    tags: [],
    references: [],
    falsepositives: [],
    fields: [],
    file: 'test.yml',
    doc: 0,
    loc: { line: 1, col: 1 },
    logsource: {},
    ...extra,
    id,
    searches: Object.fromEntries(searches.map((s) => [s.name, s])),
    conditions: conds.map(condition),
    conditionText: conds,
  };
}

/** A filter document naming rules. */
export function filter(rules: string[], searches: Search[], cond: string, logsource: LogSource = {}): SigmaFilter {
  const id = `filter-${++seq}`;
  return {
    kind: 'filter',
    id,
    title: id,
    tags: [],
    references: [],
    falsepositives: [],
    fields: [],
    file: 'filter.yml',
    doc: 0,
    loc: { line: 1, col: 1 },
    logsource,
    rules,
    searches: Object.fromEntries(searches.map((s) => [s.name, s])),
    conditions: [condition(cond)],
    conditionText: [cond],
  };
}

const SYSMON: Record<number, string> = {
  1: 'process_creation',
  2: 'file_change',
  3: 'network_connection',
  5: 'process_termination',
  6: 'driver_load',
  7: 'image_load',
  8: 'create_remote_thread',
  9: 'raw_access_thread',
  10: 'process_access',
  11: 'file_event',
  12: 'registry_add',
  13: 'registry_set',
  14: 'registry_rename',
  15: 'create_stream_hash',
  17: 'pipe_created',
  18: 'pipe_created',
  19: 'wmi_event',
  22: 'dns_query',
  23: 'file_delete',
  25: 'process_tampering',
  26: 'file_delete_detected',
};

/** Crude logsource attribution, enough for a benchmark (the real one lives in ingest/normalise). */
export function otrfLogsource(e: SigmaEvent): SigmaEvent {
  const ch = String(e.Channel ?? '').toLowerCase();
  const id = Number(e.EventID);
  e['logsource.product'] = 'windows';
  if (ch.includes('sysmon')) {
    e['logsource.category'] = SYSMON[id];
    e['logsource.service'] = 'sysmon';
  } else if (ch === 'security') e['logsource.service'] = 'security';
  else if (ch === 'system') e['logsource.service'] = 'system';
  else if (ch.includes('powershell')) {
    e['logsource.service'] = 'powershell';
    if (id === 4104) e['logsource.category'] = 'ps_script';
    if (id === 4103) e['logsource.category'] = 'ps_module';
  } else if (ch.includes('wmi')) e['logsource.service'] = 'wmi';
  return e;
}
