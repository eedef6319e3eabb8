/**
 * Value resolution: one `field|mod|mod: values` entry becomes DetectionItems of model.ts with every
 * value-transforming modifier applied, so backends only compare.
 */
import ipaddr from 'ipaddr.js';
import RE2 from 're2';
import type { DetectionErrorCode } from '../errors.js';
import { ANY, type DetectionItem, type Loc, type PatternPart, type ValueMatcher } from './model.js';
import { isModifier, MODIFIERS } from './modifiers.js';
import {
  base64,
  base64Offsets,
  hasWildcard,
  literalOf,
  normalise,
  parseSigmaString,
  type RawPart,
  toBytes,
  utf16Bytes,
  windash,
} from './strings.js';

/** One scalar value as read from YAML. */
export interface ValueIn {
  v: string | number | boolean | null;
  /** The scalar's source text (keeps `1.0` or `0x17` as written when a number becomes a string). */
  text: string;
  loc: Loc;
}

/** What resolution needs from its caller. */
export interface ResolveEnv {
  placeholders: Record<string, string[]> | undefined;
  report(code: DetectionErrorCode, params: Record<string, unknown>, loc: Loc, severity?: 'error' | 'warning'): void;
}

/** Most alternatives one value may expand into (windash, placeholders) before the rule is rejected. */
export const MAX_EXPANSION = 4096;

const TIME_UNITS = { minute: [0, 59], hour: [0, 23], day: [1, 31], week: [1, 53], month: [1, 12], year: [0, 9999] };
type TimeUnit = keyof typeof TIME_UNITS;
const CMP = new Set(['lt', 'lte', 'gt', 'gte']);

/** A string value on its way through the chain: a pattern, or (after utf16*) a byte string. */
type StrWork = { k: 'str'; parts: PatternPart[]; bytes: boolean };

/**
 * Resolves one entry. `isList` tells whether the YAML value was a list (for the `all` check).
 * Returns the items (several when `all` meets a value that expands into alternatives), or null on error.
 */
export function resolveItem(
  field: string | null,
  modifiers: string[],
  values: ValueIn[],
  isList: boolean,
  loc: Loc,
  env: ResolveEnv,
): DetectionItem[] | null {
  let ok = checkChain(modifiers, loc, env);
  if (!ok) return null;
  const mods = new Set(modifiers);
  const all = mods.has('all');
  const negate = mods.has('neq');
  if (all && (!isList || values.length < 2)) {
    env.report('CANHGAC_ERR_SIGMA_ALL_SINGLE', {}, loc);
    return null;
  }
  if (values.length === 0) {
    env.report('CANHGAC_ERR_SIGMA_VALUE_TYPE', { field: field ?? 'keywords', reason: 'empty list of values' }, loc);
    return null;
  }
  if (values.length > 1) {
    for (const v of values) {
      if (v.v === null) {
        env.report('CANHGAC_ERR_SIGMA_NULL_IN_LIST', {}, v.loc);
        ok = false;
      }
    }
    if (!ok) return null;
  }
  // Modifiers that act on string values, computed once per entry rather than per value.
  const stringMods = modifiers.filter((m) => m !== 'all' && m !== 'neq' && m !== 'cased');
  const groups: ValueMatcher[][] = [];
  for (const v of values) {
    const g = resolveValue(field, modifiers, mods, stringMods, v, env);
    if (g === null) ok = false;
    else groups.push(g);
  }
  if (!ok) return null;
  if (all && groups.some((g) => g.length > 1)) {
    // AND over values, OR over each value's variants: one item per value, all in the same alternative.
    return groups.map((g) => ({ field, modifiers, matchers: g, all: false, negate, loc }));
  }
  const matchers = groups.flat();
  // Long literal lists (hash lists run to thousands) are fine; only expansion beyond them is bounded.
  if (matchers.length > MAX_EXPANSION + values.length) {
    env.report('CANHGAC_ERR_SIGMA_EXPANSION', { limit: MAX_EXPANSION }, loc);
    return null;
  }
  // Same property order everywhere: backends read these objects in hot loops (one hidden class).
  return [{ field, modifiers, matchers, all, negate, loc }];
}

/** Rejects unknown modifiers and chains that have no meaning; reports every problem found. */
function checkChain(modifiers: string[], loc: Loc, env: ResolveEnv): boolean {
  let ok = true;
  const bad = (reason: string) => {
    env.report('CANHGAC_ERR_SIGMA_MODIFIER_CHAIN', { reason }, loc);
    ok = false;
  };
  const seen = new Set<string>();
  let typeMod: string | undefined;
  for (const m of modifiers) {
    if (!isModifier(m)) {
      env.report('CANHGAC_ERR_SIGMA_UNKNOWN_MODIFIER', { modifier: m }, loc);
      ok = false;
      continue;
    }
    if (seen.has(m)) bad(`${m} is repeated`);
    seen.add(m);
    const kind = MODIFIERS[m]!.kind;
    if (kind === 'reflag' && typeMod !== 're') bad(`${m} is a flag of re and must follow it`);
    if (kind === 'type') {
      const fieldrefPos = typeMod === 'fieldref' && (m === 'contains' || m === 'startswith' || m === 'endswith');
      if (typeMod !== undefined && !fieldrefPos) bad(`${m} cannot be combined with ${typeMod}`);
      typeMod = m;
    } else if (typeMod !== undefined && kind !== 'generic' && kind !== 'reflag') {
      if (!(typeMod === 'fieldref' && kind === 'position')) bad(`${m} cannot follow ${typeMod}`);
    }
  }
  if (!ok) return false;
  const has = (m: string) => seen.has(m);
  const others = (allowed: string[]) => modifiers.filter((m) => !allowed.includes(m));
  if (typeMod !== undefined && typeMod !== 'fieldref' && typeMod !== 're') {
    const extra = others([typeMod, 'all', 'neq']);
    if (extra.length > 0) bad(`${typeMod} cannot be combined with ${extra.join(', ')}`);
  }
  if (typeMod === 're') {
    const extra = others(['re', 'i', 'm', 's', 'all', 'neq']);
    if (extra.length > 0) bad(`re cannot be combined with ${extra.join(', ')}`);
  }
  if (typeMod === 'fieldref') {
    const extra = others(['fieldref', 'contains', 'startswith', 'endswith', 'cased', 'all', 'neq']);
    if (extra.length > 0) bad(`fieldref cannot be combined with ${extra.join(', ')}`);
  }
  if (has('exists') && (has('all') || has('neq'))) bad('exists stands alone');
  if (has('base64') && has('base64offset')) bad('base64 and base64offset exclude each other');
  const enc = modifiers.filter((m) => m === 'utf16le' || m === 'utf16be' || m === 'utf16' || m === 'wide');
  if (enc.length > 1) bad(`only one of ${enc.join(', ')}`);
  if (enc.length === 1) {
    const e = modifiers.indexOf(enc[0]!);
    const b = Math.max(modifiers.indexOf('base64'), modifiers.indexOf('base64offset'));
    if (b >= 0 && b < e) bad(`${enc[0]} must come before the base64 encoding`);
  }
  const pos = modifiers.filter((m) => m === 'contains' || m === 'startswith' || m === 'endswith');
  if (pos.length > 1) bad(`only one of ${pos.join(', ')}`);
  return ok;
}

/** Resolves one scalar through the chain into its alternatives (OR). */
function resolveValue(
  field: string | null,
  modifiers: string[],
  mods: Set<string>,
  stringMods: string[],
  v: ValueIn,
  env: ResolveEnv,
): ValueMatcher[] | null {
  const fname = field ?? 'keywords';
  const typeErr = (reason: string): null => {
    env.report('CANHGAC_ERR_SIGMA_VALUE_TYPE', { field: fname, reason }, v.loc);
    return null;
  };
  if (mods.has('exists')) {
    if (typeof v.v !== 'boolean') return typeErr('exists needs true or false');
    return [{ t: 'exists', value: v.v }];
  }
  if (v.v === null) {
    if (modifiers.some((m) => m !== 'neq')) return typeErr(`null cannot take the modifiers ${modifiers.join('|')}`);
    return [{ t: 'null' }];
  }
  for (const m of modifiers) {
    if (CMP.has(m)) {
      const n = toNumber(v.v);
      if (n === undefined) {
        env.report('CANHGAC_ERR_SIGMA_NUMBER', { modifier: m, value: JSON.stringify(v.v) }, v.loc);
        return null;
      }
      return [{ t: 'cmp', op: m as 'lt' | 'lte' | 'gt' | 'gte', value: n }];
    }
    if (m in TIME_UNITS) {
      const n = toNumber(v.v);
      const [lo, hi] = TIME_UNITS[m as TimeUnit];
      if (n === undefined || !Number.isInteger(n) || n < lo! || n > hi!) {
        env.report('CANHGAC_ERR_SIGMA_NUMBER', { modifier: m, value: JSON.stringify(v.v) }, v.loc);
        return null;
      }
      return [{ t: 'time', unit: m as TimeUnit, value: n }];
    }
  }
  if (mods.has('re')) {
    if (typeof v.v !== 'string') return typeErr('re needs a string');
    const i = mods.has('i');
    const m = mods.has('m');
    const s = mods.has('s');
    try {
      new RE2(v.v, `${i ? 'i' : ''}${m ? 'm' : ''}${s ? 's' : ''}`);
    } catch (e) {
      env.report('CANHGAC_ERR_SIGMA_REGEX', { reason: (e as Error).message }, v.loc);
      return null;
    }
    return [{ t: 're', source: v.v, i, m, s }];
  }
  if (mods.has('cidr')) {
    if (typeof v.v !== 'string' || !validCidr(v.v)) {
      env.report('CANHGAC_ERR_SIGMA_CIDR', { value: JSON.stringify(v.v) }, v.loc);
      return null;
    }
    return [{ t: 'cidr', cidr: v.v.trim() }];
  }
  if (mods.has('fieldref')) {
    if (typeof v.v !== 'string' || v.v === '') return typeErr('fieldref needs a field name');
    const mode = mods.has('contains')
      ? 'contains'
      : mods.has('startswith')
        ? 'startswith'
        : mods.has('endswith')
          ? 'endswith'
          : 'equals';
    return [{ t: 'fieldref', field: v.v, mode, cased: mods.has('cased') }];
  }
  // String path: plain value, position modifiers, transforms.
  if (typeof v.v === 'boolean') {
    if (stringMods.length > 0) return typeErr(`a boolean cannot take ${stringMods.join('|')}`);
    if (mods.has('cased')) return typeErr('cased applies to strings');
    return [{ t: 'bool', value: v.v }];
  }
  if (typeof v.v === 'number' && stringMods.length === 0 && !mods.has('cased')) {
    return [{ t: 'num', value: v.v }];
  }
  const text = typeof v.v === 'number' ? v.text : v.v;
  let work: StrWork[];
  if (mods.has('expand')) {
    const expanded = expandPlaceholders(parseSigmaString(text, true), v.loc, env);
    if (expanded === null) return null;
    work = expanded.map((parts) => ({ k: 'str', parts, bytes: false }));
  } else {
    work = [{ k: 'str', parts: normalise(parseSigmaString(text, false) as PatternPart[]), bytes: false }];
  }
  for (const m of stringMods) {
    const next: StrWork[] = [];
    for (const w of work) {
      const r = applyStringModifier(m, w, fname, v.loc, env);
      if (r === null) return null;
      next.push(...r);
    }
    if (next.length > MAX_EXPANSION) {
      env.report('CANHGAC_ERR_SIGMA_EXPANSION', { limit: MAX_EXPANSION }, v.loc);
      return null;
    }
    work = next;
  }
  const cased = mods.has('cased');
  return work.map((w): ValueMatcher => ({ t: 'str', parts: w.parts, cased }));
}

function applyStringModifier(m: string, w: StrWork, fname: string, loc: Loc, env: ResolveEnv): StrWork[] | null {
  const noWildcards = (): boolean => {
    if (!hasWildcard(w.parts)) return true;
    env.report('CANHGAC_ERR_SIGMA_VALUE_TYPE', { field: fname, reason: `${m} of a value with wildcards` }, loc);
    return false;
  };
  switch (m) {
    case 'contains':
      return [{ ...w, parts: normalise([ANY, ...w.parts, ANY]) }];
    case 'startswith':
      return [{ ...w, parts: normalise([...w.parts, ANY]) }];
    case 'endswith':
      return [{ ...w, parts: normalise([ANY, ...w.parts]) }];
    case 'windash': {
      const vs = windash(w.parts, MAX_EXPANSION);
      if (vs === null) {
        env.report('CANHGAC_ERR_SIGMA_EXPANSION', { limit: MAX_EXPANSION }, loc);
        return null;
      }
      return vs.map((parts) => ({ k: 'str', parts, bytes: w.bytes }));
    }
    case 'base64':
      if (!noWildcards()) return null;
      return [{ k: 'str', parts: normalise([base64(toBytes(literalOf(w.parts), w.bytes))]), bytes: false }];
    case 'base64offset':
      if (!noWildcards()) return null;
      return base64Offsets(toBytes(literalOf(w.parts), w.bytes)).map((s) => ({
        k: 'str',
        parts: normalise([s]),
        bytes: false,
      }));
    case 'utf16le':
    case 'wide':
    case 'utf16be':
    case 'utf16': {
      if (w.parts.some((p) => p === 1)) {
        env.report('CANHGAC_ERR_SIGMA_VALUE_TYPE', { field: fname, reason: `${m} of a value with ?` }, loc);
        return null;
      }
      const le = m !== 'utf16be';
      let first = true;
      const parts = w.parts.map((p) => {
        if (typeof p !== 'string') return p;
        const b = utf16Bytes(p, le, m === 'utf16' && first);
        first = false;
        return b;
      });
      if (m === 'utf16' && first) parts.unshift('\xff\xfe');
      return [{ k: 'str', parts: normalise(parts), bytes: true }];
    }
    case 'expand':
      return [w];
    default:
      env.report('CANHGAC_ERR_SIGMA_MODIFIER_CHAIN', { reason: `${m} does not apply to strings` }, loc);
      return null;
  }
}

/** Replaces every placeholder part with each of its values (cartesian product), or reports the missing one. */
function expandPlaceholders(parts: RawPart[], loc: Loc, env: ResolveEnv): PatternPart[][] | null {
  let variants: PatternPart[][] = [[]];
  for (const p of parts) {
    if (typeof p !== 'object') {
      for (const v of variants) v.push(p);
      continue;
    }
    const vals = env.placeholders?.[p.ph];
    if (vals === undefined || !Object.hasOwn(env.placeholders ?? {}, p.ph) || vals.length === 0) {
      env.report('CANHGAC_ERR_SIGMA_PLACEHOLDER', { name: p.ph }, loc);
      return null;
    }
    if (variants.length * vals.length > MAX_EXPANSION) {
      env.report('CANHGAC_ERR_SIGMA_EXPANSION', { limit: MAX_EXPANSION }, loc);
      return null;
    }
    const next: PatternPart[][] = [];
    for (const v of variants) {
      for (const val of vals) next.push([...v, ...(parseSigmaString(val, false) as PatternPart[])]);
    }
    variants = next;
  }
  return variants.map(normalise);
}

function toNumber(v: string | number | boolean | null): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/** IPv4 or IPv6 network in CIDR notation (a bare address is not a network). */
export function validCidr(s: string): boolean {
  try {
    ipaddr.parseCIDR(s.trim());
    return true;
  } catch {
    return false;
  }
}
