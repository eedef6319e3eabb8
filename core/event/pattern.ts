/**
 * The one wildcard matcher of the house. A pattern is literal segments and `*` (ANY: any run, possibly empty) /
 * `?` (ONE: exactly one UTF-16 code unit); it compiles to the cheapest test that decides it (===, startsWith,
 * endsWith, includes, ordered indexOf for `*`-only patterns, a two-pointer glob with `?`). Used by the compiled
 * Sigma engine and the store's query evaluator; the engine's reference interpreter keeps its own, on purpose,
 * so the two can be checked against each other.
 */

/** Marker parts of a string pattern: `*` (any run, possibly empty) and `?` (exactly one character). */
export const ANY = 0 as const;
export const ONE = 1 as const;
/** A string pattern: literal segments (escapes already resolved) and wildcards, in order. */
export type PatternPart = string | typeof ANY | typeof ONE;

/** A test over already case-folded text. */
export type TextTest = (t: string) => boolean;

/** Folded, normalised pattern: adjacent literals merged, runs of `*` collapsed. */
export function normalisePattern(parts: readonly PatternPart[], cased: boolean): PatternPart[] {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const last = out.length > 0 ? out[out.length - 1] : undefined;
    if (typeof p === 'string') {
      if (p === '') continue;
      const lit = cased ? p : p.toLowerCase();
      if (typeof last === 'string') out[out.length - 1] = last + lit;
      else out.push(lit);
    } else if (p === ANY) {
      if (last !== ANY) out.push(ANY);
    } else out.push(ONE);
  }
  return out;
}

/** The exact text a pattern without wildcards requires, else undefined. */
export function exactText(norm: PatternPart[]): string | undefined {
  if (norm.length === 0) return '';
  if (norm.length === 1 && typeof norm[0] === 'string') return norm[0];
  return undefined;
}

/** The longest literal run any matching text must contain ('' when none). */
export function longestLiteral(norm: PatternPart[]): string {
  let best = '';
  for (const p of norm) if (typeof p === 'string' && p.length > best.length) best = p;
  return best;
}

/** Compiles a normalised pattern into a text test. */
export function compilePattern(norm: PatternPart[]): TextTest {
  const n = norm.length;
  if (n === 0) return (t) => t === '';
  const exact = exactText(norm);
  if (exact !== undefined) return (t) => t === exact;
  const [a, b, c] = norm;
  if (n === 1 && a === ANY) return () => true;
  if (n === 2 && typeof a === 'string' && b === ANY) return (t) => t.startsWith(a);
  if (n === 2 && a === ANY && typeof b === 'string') return (t) => t.endsWith(b);
  if (n === 3 && a === ANY && typeof b === 'string' && c === ANY) return (t) => t.includes(b);
  if (!norm.includes(ONE)) return segmentsTest(norm);
  return globTest(norm);
}

/** `*`-only patterns: prefix, suffix, and the middle literals found left to right (greedy is exact here). */
function segmentsTest(norm: PatternPart[]): TextTest {
  const startAnchored = norm[0] !== ANY;
  const endAnchored = norm[norm.length - 1] !== ANY;
  const segs = norm.filter((p): p is string => typeof p === 'string');
  const first = startAnchored ? segs.shift()! : '';
  const last = endAnchored ? segs.pop()! : '';
  return (t) => {
    if (startAnchored && !t.startsWith(first)) return false;
    let pos = first.length;
    const limit = t.length - last.length;
    if (limit < pos) return false;
    if (endAnchored && !t.endsWith(last)) return false;
    for (let k = 0; k < segs.length; k++) {
      const s = segs[k]!;
      const i = t.indexOf(s, pos);
      if (i < 0 || i + s.length > limit) return false;
      pos = i + s.length;
    }
    return true;
  };
}

/** General glob with `?`: the classic two-pointer match with backtracking to the last `*` (linear-ish). */
function globTest(norm: PatternPart[]): TextTest {
  const codes: number[] = [];
  for (const p of norm) {
    if (p === ANY) codes.push(-1);
    else if (p === ONE) codes.push(-2);
    else for (let i = 0; i < p.length; i++) codes.push(p.charCodeAt(i));
  }
  const pat = Int32Array.from(codes);
  const m = pat.length;
  return (t) => {
    const n = t.length;
    let i = 0;
    let j = 0;
    let star = -1;
    let mark = 0;
    while (j < n) {
      const c = i < m ? pat[i]! : -3;
      if (c === -2 || c === t.charCodeAt(j)) {
        i++;
        j++;
      } else if (c === -1) {
        star = i++;
        mark = j;
      } else if (star >= 0) {
        i = star + 1;
        j = ++mark;
      } else return false;
    }
    while (i < m && pat[i] === -1) i++;
    return i === m;
  };
}

/** A test of unfolded text: folds it when `cased` is false (the pattern's literals are folded once, here). */
export function patternTest(parts: readonly PatternPart[], cased: boolean): TextTest {
  const test = compilePattern(normalisePattern(parts, cased));
  return cased ? test : (s) => test(s.toLowerCase());
}
