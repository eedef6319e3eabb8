/**
 * What OpenSearch cannot index as given, and how it is kept anyway. The flat event may carry values a keyword
 * mapping refuses (objects, lists of objects) or that index nothing (empty lists, lists of nulls), and Sigma's
 * keyword search needs every top-level string when the event has no string `message`. Only such rare events are
 * rewritten: the untouched value goes to `canhgac_extra` (stored, not indexed), the field name to
 * `canhgac_present` (so `exists` still holds), the top-level strings to `canhgac_keywords`. Reads restore the
 * event exactly as written.
 */

/** Stored, not indexed: original values OpenSearch could not index. */
export const EXTRA_FIELD = 'canhgac_extra';
/** Names of fields present (non-null) whose value indexes nothing by itself. */
export const PRESENT_FIELD = 'canhgac_present';
/** Top-level string values of an event without a string `message` (Sigma keyword search). */
export const KEYWORDS_INDEX_FIELD = 'canhgac_keywords';
/** Copies of string values too long for a keyword (wildcard fields: still matched by Sigma queries). */
export const LONG_FIELD = 'canhgac_long';
/** The same copies lowercased, for case-insensitive matching. */
export const LONG_LC_FIELD = 'canhgac_long_lc';
/** Longest string a keyword field indexes (its `ignore_above`); longer ones go to LONG_FIELD as well. */
export const KEYWORD_LIMIT = 8191;

function tooLong(v: unknown): boolean {
  if (typeof v === 'string') return v.length > KEYWORD_LIMIT;
  return Array.isArray(v) && v.some((x) => typeof x === 'string' && x.length > KEYWORD_LIMIT);
}

type Event = Record<string, unknown>;

function plain(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

/** Whether the event needs rewriting; the common event (string message, scalar values) does not. */
export function needsRewrite(e: Event): boolean {
  if (typeof e.message !== 'string') return true;
  for (const k in e) {
    const v = e[k];
    if (tooLong(v)) return true;
    if (v === null || typeof v !== 'object') continue;
    if (!Array.isArray(v) || v.length === 0) return true;
    let nonNull = 0;
    for (const x of v) {
      if (!plain(x)) return true;
      if (x !== null) nonNull++;
    }
    if (nonNull === 0) return true;
  }
  return false;
}

/** The document to index for an event that needs rewriting. */
export function rewrite(e: Event): Event {
  // Null prototypes: a key such as `__proto__` from untrusted JSON stays an ordinary own key.
  const out: Event = Object.create(null);
  const extra: Event = Object.create(null);
  const present: string[] = [];
  const keywords: string[] = [];
  const noMessage = typeof e.message !== 'string';
  const long: Event = Object.create(null);
  const longLc: Event = Object.create(null);
  let hasLong = false;
  for (const k of Object.keys(e)) {
    const v = e[k];
    if (tooLong(v)) {
      // The keyword ignores it, so `exists` needs the presence mark and matching needs the wildcard copies.
      const strings = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
      long[k] = strings.length === 1 ? strings[0] : strings;
      longLc[k] = strings.length === 1 ? strings[0]!.toLowerCase() : strings.map((x) => x.toLowerCase());
      present.push(k);
      hasLong = true;
    }
    if (v !== null && typeof v === 'object') {
      const scalars = Array.isArray(v) ? v.filter((x) => x !== null && typeof x !== 'object') : [];
      const clean = Array.isArray(v) && scalars.length > 0 && v.every(plain);
      if (!clean) {
        extra[k] = v;
        present.push(k);
        // The scalar elements of a mixed list stay searchable.
        if (scalars.length > 0) out[k] = scalars;
        continue;
      }
    }
    out[k] = v;
    if (noMessage && typeof v === 'string') keywords.push(v);
  }
  if (present.length > 0) {
    out[EXTRA_FIELD] = extra;
    out[PRESENT_FIELD] = present;
  }
  if (hasLong) {
    out[LONG_FIELD] = long;
    out[LONG_LC_FIELD] = longLc;
  }
  if (keywords.length > 0) out[KEYWORDS_INDEX_FIELD] = keywords;
  return out;
}

/** The event as written, from an indexed document (a no-op for documents that were not rewritten). */
export function restore(src: Event): Event {
  if (src[PRESENT_FIELD] === undefined && src[KEYWORDS_INDEX_FIELD] === undefined && src[LONG_FIELD] === undefined)
    return src;
  const out: Event = Object.create(null);
  const extra = (src[EXTRA_FIELD] ?? {}) as Event;
  for (const k of Object.keys(src)) {
    if (
      k === EXTRA_FIELD ||
      k === PRESENT_FIELD ||
      k === KEYWORDS_INDEX_FIELD ||
      k === LONG_FIELD ||
      k === LONG_LC_FIELD
    )
      continue;
    out[k] = Object.hasOwn(extra, k) ? extra[k] : src[k];
  }
  for (const k of Object.keys(extra)) if (!Object.hasOwn(out, k)) out[k] = extra[k];
  return out;
}
