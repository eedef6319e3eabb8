/**
 * Structural checks of the metadata every Sigma document carries, equivalent to the specification's JSON
 * schemas (written in code so canhgac works without ../shared). Differences are listed in README.md.
 */
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { Loc, LogSource, RuleMeta } from './model.js';
import { type DocContext, describeNode, scalarValue, toPlain } from './yaml.js';

/** The document's top-level map as key -> pair (first occurrence; duplicates are a YAML error already). */
export type TopMap = Map<string, Pair>;

/** Indexes a map node by its string keys. */
export function indexMap(ctx: DocContext, map: YAMLMap, depth: number): TopMap {
  const out: TopMap = new Map();
  ctx.checkUniqueKeys(map, depth);
  for (const p of map.items) {
    const k = ctx.deref(p.key, depth);
    if (isScalar(k)) {
      const key = scalarValue(k.value);
      if (key !== null && !out.has(String(key))) out.set(String(key), p);
    }
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$/;
const LEGACY_DATE = /^\d{4}\/(0[1-9]|1[012])\/(0[1-9]|[12][0-9]|3[01])$/;
const SIGMA1_TAG = /^(attack|cve|detection)\.[^_]*_/;
const TAG = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;
const STATUS = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'];
const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
const RELATED = ['derived', 'obsolete', 'merged', 'renamed', 'similar'];

/** Which schema's rules apply (they differ a little: e.g. correlation `level`/`status` are free strings). */
export type DocKind = 'rule' | 'correlation' | 'filter';

/** Reads and checks the shared metadata; problems go to ctx. */
export function readMeta(ctx: DocContext, top: TopMap, kind: DocKind, rootLoc: Loc): RuleMeta {
  const node = (k: string): Node | null => {
    const p = top.get(k);
    return p ? ctx.deref(p.value, 1) : null;
  };
  const keyLoc = (k: string): Loc => ctx.loc(top.get(k)?.key as Node);
  const valLoc = (k: string): Loc => {
    const n = node(k);
    return n ? ctx.loc(n) : keyLoc(k);
  };
  const typeErr = (field: string, expected: string, n: Node | null, at: Loc) =>
    ctx.add('CANHGAC_ERR_SIGMA_FIELD_TYPE', { field, expected, found: describeNode(n) }, at);

  /** A string field; maxLen per schema. */
  const str = (k: string, maxLen?: number, pattern?: RegExp, patternName?: string): string | undefined => {
    if (!top.has(k)) return undefined;
    const n = node(k);
    if (!isScalar(n) || typeof n.value !== 'string') {
      // Unquoted numbers/dates are fine as text for free-form fields; the schema says string, so reject.
      typeErr(k, 'a string', n, valLoc(k));
      return undefined;
    }
    const v = n.value;
    if (maxLen !== undefined && v.length > maxLen) {
      ctx.add('CANHGAC_ERR_SIGMA_FIELD_VALUE', { field: k, reason: `longer than ${maxLen} characters` }, valLoc(k));
    }
    if (pattern === DATE && LEGACY_DATE.test(v)) {
      // SigmaHQ wrote YYYY/MM/DD until 2023; the meaning is clear, so this is a warning, not a rejection.
      ctx.add(
        'CANHGAC_ERR_SIGMA_DEPRECATED',
        { what: `${k} ${v}`, reason: 'write dates as YYYY-MM-DD' },
        valLoc(k),
        'warning',
      );
    } else if (pattern && !pattern.test(v)) {
      ctx.add(
        'CANHGAC_ERR_SIGMA_FIELD_FORMAT',
        { field: k, reason: `${JSON.stringify(v)} is not ${patternName}` },
        valLoc(k),
      );
    }
    return v;
  };
  /** A list of strings; unique and minLen per schema. */
  const list = (k: string, opts: { unique?: boolean; minLen?: number; pattern?: RegExp } = {}): string[] => {
    if (!top.has(k)) return [];
    const n = node(k);
    if (!isSeq(n)) {
      typeErr(k, 'a list', n, valLoc(k));
      return [];
    }
    const out: string[] = [];
    const seen = new Set<string>();
    for (const it of n.items) {
      const e = ctx.deref(it, 2);
      const at = ctx.loc(e ?? n);
      if (!isScalar(e) || typeof e.value !== 'string') {
        typeErr(`${k} item`, 'a string', e, at);
        continue;
      }
      const v = e.value;
      if (opts.unique && seen.has(v)) {
        ctx.add('CANHGAC_ERR_SIGMA_FIELD_VALUE', { field: k, reason: `duplicate item ${JSON.stringify(v)}` }, at);
      }
      if (opts.minLen !== undefined && v.length < opts.minLen) {
        ctx.add('CANHGAC_ERR_SIGMA_FIELD_VALUE', { field: k, reason: `item shorter than ${opts.minLen}` }, at);
      }
      if (opts.pattern && !opts.pattern.test(v)) {
        ctx.add(
          'CANHGAC_ERR_SIGMA_FIELD_FORMAT',
          { field: k, reason: `${JSON.stringify(v)} is not namespace.name` },
          at,
        );
      }
      seen.add(v);
      out.push(v);
    }
    return out;
  };

  const title = str('title', 256);
  if (!top.has('title')) ctx.add('CANHGAC_ERR_SIGMA_MISSING_FIELD', { field: 'title' }, rootLoc);
  const id = str('id', undefined, UUID, 'a UUID');
  const name = str('name', 256);
  str('taxonomy', 256);
  const status = str('status');
  if (status !== undefined && kind !== 'correlation' && !STATUS.includes(status)) {
    ctx.add(
      'CANHGAC_ERR_SIGMA_FIELD_VALUE',
      { field: 'status', reason: `must be one of ${STATUS.join(', ')}` },
      valLoc('status'),
    );
  }
  if (status === 'deprecated' || status === 'unsupported') {
    ctx.add(
      'CANHGAC_ERR_SIGMA_DEPRECATED',
      { what: 'This rule', reason: `status is ${status}` },
      valLoc('status'),
      'warning',
    );
  }
  const description = str('description', 65535);
  if (kind === 'rule') str('license');
  const author = str('author');
  const date = str('date', undefined, DATE, 'a YYYY-MM-DD date');
  str('modified', undefined, DATE, 'a YYYY-MM-DD date');
  const references = list('references', { unique: true });
  const fields = kind === 'rule' ? list('fields', { unique: true }) : [];
  const falsepositives = list('falsepositives', { unique: true, minLen: kind === 'rule' ? 2 : undefined });
  const tags = kind === 'rule' ? list('tags', { unique: true, pattern: TAG }) : list('tags');
  const oldTag = tags.find((t) => SIGMA1_TAG.test(t));
  if (oldTag !== undefined) {
    // Sigma 2.0 replaced underscores by dashes in the attack, cve and detection namespaces.
    const reason = 'Sigma 2 writes attack/cve/detection tags with dashes';
    ctx.add('CANHGAC_ERR_SIGMA_DEPRECATED', { what: `tag ${oldTag}`, reason }, valLoc('tags'), 'warning');
  }
  if (kind === 'rule') list('scope', { minLen: 2 });
  const levelRaw = str('level');
  let level: RuleMeta['level'];
  if (levelRaw !== undefined) {
    if ((LEVELS as readonly string[]).includes(levelRaw)) level = levelRaw as RuleMeta['level'];
    else if (kind !== 'correlation') {
      ctx.add(
        'CANHGAC_ERR_SIGMA_FIELD_VALUE',
        { field: 'level', reason: `must be one of ${LEVELS.join(', ')}` },
        valLoc('level'),
      );
    }
  }
  if (top.has('related') && kind === 'rule') checkRelated(ctx, node('related'), valLoc('related'));

  const meta: RuleMeta = {
    id: id ?? `${ctx.file}#${ctx.index}`,
    title: title ?? '',
    tags,
    references,
    falsepositives,
    fields,
    file: ctx.file,
    doc: ctx.index,
    loc: rootLoc,
  };
  if (name !== undefined) meta.name = name;
  if (status !== undefined) meta.status = status;
  if (level !== undefined) meta.level = level;
  if (description !== undefined) meta.description = description;
  if (author !== undefined) meta.author = author;
  if (date !== undefined) meta.date = date;
  return meta;
}

function checkRelated(ctx: DocContext, n: Node | null, at: Loc): void {
  if (!isSeq(n)) {
    ctx.add('CANHGAC_ERR_SIGMA_FIELD_TYPE', { field: 'related', expected: 'a list', found: describeNode(n) }, at);
    return;
  }
  for (const it of n.items) {
    const e = ctx.deref(it, 2);
    if (!isMap(e)) {
      ctx.add(
        'CANHGAC_ERR_SIGMA_FIELD_TYPE',
        { field: 'related item', expected: 'a map', found: describeNode(e) },
        ctx.loc(e ?? n),
      );
      continue;
    }
    const m = indexMap(ctx, e as YAMLMap, 3);
    for (const k of ['id', 'type']) {
      const p = m.get(k);
      if (!p) {
        ctx.add('CANHGAC_ERR_SIGMA_MISSING_FIELD', { field: `related.${k}` }, ctx.loc(e));
        continue;
      }
      const v = ctx.deref(p.value, 3);
      const s = isScalar(v) ? (v as Scalar).value : undefined;
      const ok = typeof s === 'string' && (k === 'id' ? UUID.test(s) : RELATED.includes(s));
      if (k === 'type' && s === 'obsoletes') {
        // Sigma 1 spelling, renamed in 2.0: the meaning is clear, so warn (the schema rejects it).
        ctx.add(
          'CANHGAC_ERR_SIGMA_DEPRECATED',
          { what: 'related type obsoletes', reason: 'write obsolete' },
          ctx.loc(v),
          'warning',
        );
      } else if (!ok) {
        const reason = k === 'id' ? 'not a UUID' : `must be one of ${RELATED.join(', ')}`;
        ctx.add('CANHGAC_ERR_SIGMA_FIELD_VALUE', { field: `related.${k}`, reason }, ctx.loc(v ?? e));
      }
    }
  }
}

/** Reads `logsource:` (a map of strings; other keys are kept out of the model but allowed, as in the schema). */
export function readLogsource(ctx: DocContext, top: TopMap, rootLoc: Loc): LogSource | null {
  const p = top.get('logsource');
  if (!p) {
    ctx.add('CANHGAC_ERR_SIGMA_MISSING_FIELD', { field: 'logsource' }, rootLoc);
    return null;
  }
  const n = ctx.deref(p.value, 1);
  if (!isMap(n)) {
    ctx.add(
      'CANHGAC_ERR_SIGMA_FIELD_TYPE',
      { field: 'logsource', expected: 'a map', found: describeNode(n) },
      ctx.loc(n ?? (p.key as Node)),
    );
    return null;
  }
  const out: LogSource = {};
  const m = indexMap(ctx, n as YAMLMap, 2);
  for (const k of ['product', 'category', 'service', 'definition'] as const) {
    const e = m.get(k);
    if (!e) continue;
    const v = ctx.deref(e.value, 2);
    if (isScalar(v) && typeof v.value === 'string') out[k] = v.value;
    else {
      ctx.add(
        'CANHGAC_ERR_SIGMA_FIELD_TYPE',
        { field: `logsource.${k}`, expected: 'a string', found: describeNode(v) },
        ctx.loc(v ?? (e.key as Node)),
      );
    }
  }
  // Other keys are walked so alias budgets still apply to them.
  toPlain(ctx, n);
  return out;
}
