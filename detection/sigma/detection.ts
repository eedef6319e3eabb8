/**
 * The `detection:` section (rules) and the filter section (filters): search identifiers into Search objects,
 * conditions into Condition trees, every problem at its YAML node.
 */
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { checkReferences, parseCondition } from './condition.js';
import type { Condition, DetectionItem, Loc, Search } from './model.js';
import { type ResolveEnv, resolveItem, type ValueIn } from './values.js';
import { type DocContext, describeNode, scalarValue } from './yaml.js';

/** Searches and conditions read from a detection-like map. */
export interface DetectionPart {
  searches: Record<string, Search>;
  conditions: Condition[];
  conditionText: string[];
}

/** Keys of a detection map that are not search identifiers. */
const RESERVED = new Set(['condition', 'timeframe']);

/**
 * Reads a detection map. `reservedExtra` names keys that belong to the container (filter `rules`).
 * Returns null when the section is unusable; problems are on ctx either way.
 */
export function readDetection(
  ctx: DocContext,
  node: Node | null,
  at: Loc,
  placeholders: Record<string, string[]> | undefined,
  reservedExtra: readonly string[] = [],
): DetectionPart | null {
  if (!isMap(node)) {
    ctx.add('CANHGAC_ERR_SIGMA_FIELD_TYPE', { field: 'detection', expected: 'a map', found: describeNode(node) }, at);
    return null;
  }
  const searches: Record<string, Search> = Object.create(null);
  let condNode: Node | null = null;
  let condPair: Pair | null = null;
  // Searches that failed already have their problem; the condition check must not report them again.
  const broken: string[] = [];
  const env: ResolveEnv = { placeholders, report: (code, params, loc, sev) => ctx.add(code, params, loc, sev) };
  ctx.checkUniqueKeys(node as YAMLMap, 1);
  for (const pair of (node as YAMLMap).items) {
    const key = scalarValue(isScalar(pair.key) ? (pair.key as Scalar).value : null);
    const keyLoc = ctx.loc(pair.key as Node);
    if (typeof key !== 'string') {
      ctx.add('CANHGAC_ERR_SIGMA_SEARCH', { name: String(key), reason: 'search identifiers must be names' }, keyLoc);
      continue;
    }
    if (key === 'condition') {
      condPair = pair;
      condNode = ctx.deref(pair.value, 1);
      continue;
    }
    if (key === 'timeframe') {
      // Sigma 1 aggregation window; the schema rejects it (it is not a search), and so does canhgac.
      const reason = 'timeframe is Sigma 1 aggregation syntax: write a correlation rule instead';
      ctx.add('CANHGAC_ERR_SIGMA_FIELD_VALUE', { field: 'detection.timeframe', reason }, keyLoc);
      continue;
    }
    if (RESERVED.has(key) || reservedExtra.includes(key)) continue;
    const s = readSearch(ctx, key, ctx.deref(pair.value, 1), keyLoc, env);
    if (s !== null) searches[key] = s;
    else broken.push(key);
  }
  if (condPair === null) {
    ctx.add('CANHGAC_ERR_SIGMA_MISSING_FIELD', { field: 'condition' }, at);
    return null;
  }
  const texts: { text: string; node: Node }[] = [];
  if (isScalar(condNode) && typeof condNode.value === 'string') {
    texts.push({ text: condNode.value, node: condNode });
  } else if (isSeq(condNode) && condNode.items.length > 0) {
    for (const it of condNode.items) {
      const n = ctx.deref(it, 2);
      if (isScalar(n) && typeof n.value === 'string') texts.push({ text: n.value, node: n });
      else {
        ctx.add(
          'CANHGAC_ERR_SIGMA_FIELD_TYPE',
          { field: 'condition', expected: 'a string', found: describeNode(n) },
          ctx.loc(n),
        );
      }
    }
  } else {
    ctx.add(
      'CANHGAC_ERR_SIGMA_FIELD_TYPE',
      { field: 'condition', expected: 'a string or a list of strings', found: describeNode(condNode) },
      ctx.loc((condNode ?? condPair.key) as Node),
    );
    return null;
  }
  const names = [...Object.keys(searches), ...broken];
  const conditions: Condition[] = [];
  for (const { text, node: n } of texts) {
    const r = parseCondition(text);
    if ('issue' in r) {
      const code =
        r.issue.kind === 'unsupported' ? 'CANHGAC_ERR_SIGMA_UNSUPPORTED' : 'CANHGAC_ERR_SIGMA_CONDITION_SYNTAX';
      ctx.add(
        code,
        { reason: `${r.issue.message} (column ${r.issue.col + 1} of the condition)` },
        scalarOffset(ctx, n, r.issue.col),
      );
      continue;
    }
    for (const issue of checkReferences(r.cond, text, names)) {
      const where = scalarOffset(ctx, n, issue.col);
      if (issue.kind === 'undefined') ctx.add('CANHGAC_ERR_SIGMA_CONDITION_UNDEFINED', { name: issue.name }, where);
      else ctx.add('CANHGAC_ERR_SIGMA_CONDITION_EMPTY_PATTERN', { pattern: issue.name }, where);
    }
    conditions.push(r.cond);
  }
  return { searches, conditions, conditionText: texts.map((t) => t.text) };
}

/** The file position of a character of a scalar's value (exact for one-line plain and quoted scalars). */
function scalarOffset(ctx: DocContext, n: Node, col: number): Loc {
  const s = n as Scalar;
  const range = s.range;
  if (!range) return ctx.loc(n);
  const value = typeof s.value === 'string' ? s.value : '';
  const t = s.type;
  if (value.includes('\n')) return ctx.loc(n);
  if (t === 'PLAIN') return ctx.locAt(range[0] + col);
  if (t === 'QUOTE_SINGLE' || t === 'QUOTE_DOUBLE') {
    // Escape sequences inside quotes would shift columns; conditions practically never contain them.
    return ctx.locAt(range[0] + 1 + col);
  }
  return ctx.loc(n);
}

function readSearch(ctx: DocContext, name: string, node: Node | null, at: Loc, env: ResolveEnv): Search | null {
  const bad = (reason: string, where: Loc = at): null => {
    ctx.add('CANHGAC_ERR_SIGMA_SEARCH', { name, reason }, where);
    return null;
  };
  if (isMap(node)) {
    const items = readMap(ctx, node as YAMLMap, 2, env);
    if (items === null) return null;
    if (items.length === 0) return bad('empty map');
    return { name, alternatives: [items], loc: at };
  }
  if (isSeq(node)) {
    if (node.items.length === 0) return bad('empty list');
    const alternatives: DetectionItem[][] = [];
    const keywords: ValueIn[] = [];
    let kwLoc: Loc | undefined;
    let ok = true;
    for (const it of node.items) {
      const n = ctx.deref(it, 2);
      if (isMap(n)) {
        const items = readMap(ctx, n as YAMLMap, 3, env);
        if (items === null) ok = false;
        else if (items.length === 0) ok = bad('empty map in list', ctx.loc(n)) !== null;
        else alternatives.push(items);
      } else if (isScalar(n) || n === null) {
        const v = valueIn(ctx, n);
        kwLoc ??= v.loc;
        keywords.push(v);
      } else {
        ok = bad(`a list of searches may hold values or maps, not ${describeNode(n)}`, ctx.loc(n)) !== null;
      }
    }
    if (keywords.length > 0) {
      const kw = resolveItem(null, [], keywords, true, kwLoc ?? at, env);
      if (kw === null) ok = false;
      else alternatives.unshift(kw);
    }
    return ok ? { name, alternatives, loc: at } : null;
  }
  return bad(`must be a map or a list, found ${describeNode(node)}`);
}

function valueIn(ctx: DocContext, n: Node | null): ValueIn {
  if (n === null) return { v: null, text: 'null', loc: ctx.loc(null) };
  const s = n as Scalar;
  const v = scalarValue(s.value);
  const text = s.source ?? String(v);
  // A number the double cannot hold exactly (long ids), or .inf/.nan, is matched as the text written.
  if (typeof v === 'number' && (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v)))) {
    return { v: text, text, loc: ctx.loc(n) };
  }
  return { v, text, loc: ctx.loc(n) };
}

/** One map of `field|mods: values` (AND of its entries). */
function readMap(ctx: DocContext, map: YAMLMap, depth: number, env: ResolveEnv): DetectionItem[] | null {
  const out: DetectionItem[] = [];
  let ok = true;
  ctx.checkUniqueKeys(map, depth);
  for (const pair of map.items) {
    const keyNode = ctx.deref(pair.key, depth);
    const keyLoc = ctx.loc(keyNode);
    const key = isScalar(keyNode) ? scalarValue(keyNode.value) : null;
    if (key === null || typeof key === 'object') {
      ctx.add(
        'CANHGAC_ERR_SIGMA_FIELD_TYPE',
        { field: 'search key', expected: 'a field name', found: describeNode(keyNode) },
        keyLoc,
      );
      ok = false;
      continue;
    }
    const segs = String(key).split('|');
    const field = segs[0] === '' ? null : segs[0]!;
    const modifiers = segs.slice(1);
    const vnode = ctx.deref(pair.value, depth);
    let values: ValueIn[];
    let isList = false;
    if (isSeq(vnode)) {
      isList = true;
      values = [];
      for (const it of vnode.items) {
        const n = ctx.deref(it, depth + 1);
        if (n !== null && !isScalar(n)) {
          ctx.add(
            'CANHGAC_ERR_SIGMA_VALUE_TYPE',
            { field: field ?? 'keywords', reason: `a value cannot be ${describeNode(n)}` },
            ctx.loc(n),
          );
          ok = false;
          continue;
        }
        values.push(valueIn(ctx, n));
      }
    } else if (vnode === null || isScalar(vnode)) {
      const v = valueIn(ctx, vnode);
      if (vnode === null) v.loc = keyLoc;
      values = [v];
    } else {
      ctx.add(
        'CANHGAC_ERR_SIGMA_VALUE_TYPE',
        { field: field ?? 'keywords', reason: `a value cannot be ${describeNode(vnode)}` },
        ctx.loc(vnode),
      );
      ok = false;
      continue;
    }
    const items = resolveItem(field, modifiers, values, isList, keyLoc, env);
    if (items === null) ok = false;
    else out.push(...items);
  }
  return ok ? out : null;
}
