/**
 * Bounds on what a decoder builds from untrusted JSON. A value nested deeper than the depth limit, an object or
 * array wider than the width limit, or a document with more values than the node budget keeps the part beyond
 * the limit as (truncated) JSON text instead of nested values: nested values cross the worker boundary by
 * structured clone, which recurses, and one 7 KB datagram nested 1,500 levels deep overflowed the main thread's
 * stack there (issue 11). Text larger than the size limit is not parsed at all. Each hit is named in the event's
 * `canhgac.limits` field, which the pipeline counts in /metrics (worker threads have no registry of their own).
 */

/** Where the limits hit are recorded on the event (comma-separated: depth, width, size). */
export const LIMITS_FIELD = 'canhgac.limits';

/** The decode limits (fixed: they protect the service, they are not a tuning knob). */
export const JSON_LIMITS = Object.freeze({
  /** Nesting levels kept as values, counted from the document root. */
  depth: 16,
  /** Keys of one object / items of one array kept as values. */
  width: 1000,
  /** Objects, arrays and scalars kept as values in one document. */
  nodes: 10_000,
  /** JSON text longer than this (characters) is not parsed: the message is kept raw. */
  size: 1024 * 1024,
  /** Length of the JSON text that stands in for what is beyond a limit. */
  text: 4096,
});

/** Which limits a document hit (set while bounding it). */
export interface LimitHits {
  depth: boolean;
  width: boolean;
  nodes: number;
}

function asText(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? '';
  } catch {
    // Deeper than JSON.stringify's own stack: keep a marker (the message itself keeps the original).
    s = '[nested too deep to serialise]';
  }
  return s.length > JSON_LIMITS.text ? `${s.slice(0, JSON_LIMITS.text)}…` : s;
}

/** True when `v` is within the limits (walks at most depth levels and the node budget; allocates nothing). */
function within(v: unknown, depth: number, st: { nodes: number }): boolean {
  if (typeof v !== 'object' || v === null) return true;
  if (depth >= JSON_LIMITS.depth) return false;
  if (Array.isArray(v)) {
    if (v.length > JSON_LIMITS.width) return false;
    st.nodes += v.length;
    if (st.nodes > JSON_LIMITS.nodes) return false;
    for (let i = 0; i < v.length; i++) if (!within(v[i], depth + 1, st)) return false;
    return true;
  }
  let n = 0;
  for (const k in v) {
    if (++n > JSON_LIMITS.width || ++st.nodes > JSON_LIMITS.nodes) return false;
    if (!within((v as Record<string, unknown>)[k], depth + 1, st)) return false;
  }
  return true;
}

function bound(v: unknown, depth: number, hits: LimitHits): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (depth >= JSON_LIMITS.depth) {
    hits.depth = true;
    return asText(v);
  }
  if (Array.isArray(v)) {
    const n = Math.min(v.length, JSON_LIMITS.width, Math.max(0, JSON_LIMITS.nodes - hits.nodes));
    const out: unknown[] = new Array(n);
    hits.nodes += n;
    for (let i = 0; i < n; i++) out[i] = bound(v[i], depth + 1, hits);
    if (n < v.length) {
      hits.width = true;
      out.push(asText(v.slice(n)));
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  let rest: Record<string, unknown> | undefined;
  let n = 0;
  for (const k in v) {
    if (!Object.hasOwn(v, k) || k === '__proto__') continue;
    const x = (v as Record<string, unknown>)[k];
    if (rest || ++n > JSON_LIMITS.width || ++hits.nodes > JSON_LIMITS.nodes) {
      rest ??= {};
      rest[k] = x;
    } else out[k] = bound(x, depth + 1, hits);
  }
  if (rest) {
    hits.width = true;
    out['canhgac.rest'] = asText(rest);
  }
  return out;
}

/**
 * `v` (a parsed JSON value) itself when it is within the limits, else a copy whose parts beyond them are JSON
 * text; `hits` says which limits were met. Recursion is bounded by the depth limit.
 */
export function boundJson(v: unknown, hits: LimitHits): unknown {
  if (within(v, 0, { nodes: 0 })) return v;
  return bound(v, 0, hits);
}

/** The `canhgac.limits` value for what `hits` records (undefined when none). */
export function limitsLabel(hits: LimitHits, size = false): string | undefined {
  const parts: string[] = [];
  if (hits.depth) parts.push('depth');
  if (hits.width || hits.nodes > JSON_LIMITS.nodes) parts.push('width');
  if (size) parts.push('size');
  return parts.length ? parts.join(',') : undefined;
}

/** A fresh hit record. */
export function noHits(): LimitHits {
  return { depth: false, width: false, nodes: 0 };
}
