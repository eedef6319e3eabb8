/**
 * JSON documents of a shape no reader knows (no program, no log source: detection is blind to them) are kept,
 * marked and counted, so a misconfigured shipper is seen on the first day: the decoder marks the event
 * (`canhgac.decode_error = json_unknown_shape`, `canhgac.shape`: a fingerprint of its key names,
 * `canhgac.shape_keys`), and the pipeline counts stored ones in `canhgac_intake_unknown_shape_total{shape}` on the
 * main thread (once per stored event, whichever worker decoded it), with at most
 * MAX_SHAPES distinct label values per process (later shapes count under `other`), so a noisy sender cannot blow
 * up /metrics.
 */
import { counter } from '../../core/metrics.js';

/** The decode error that marks an event of an unknown JSON shape. */
export const UNKNOWN_SHAPE = 'json_unknown_shape';

/** Distinct shape labels kept per process before the rest count as `other`. */
export const MAX_SHAPES = 50;

const MAX_KEYS = 24;

const shapes = counter(
  'canhgac_intake_unknown_shape_total',
  'JSON documents with no field usable as program or log source (stored, not detected on), by shape fingerprint',
  ['shape'],
);

const seen = new Set<string>();

/** Key names as they may appear in a label or the console: printable, short. */
function cleanKey(k: string): string {
  return k.replace(/[^\w.@-]/g, '_').slice(0, 40);
}

/** The sorted top-level key names (nested objects as `key{a,b}`), at most MAX_KEYS of them. */
export function shapeKeys(o: Record<string, unknown>): string {
  const keys = Object.keys(o).sort().slice(0, MAX_KEYS);
  return keys
    .map((k) => {
      const v = o[k];
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        const inner = Object.keys(v).sort().slice(0, 8).map(cleanKey).join(',');
        return `${cleanKey(k)}{${inner}}`;
      }
      return cleanKey(k);
    })
    .join(',');
}

/** FNV-1a of the key list: 8 hex digits, the same for every document of one shape. */
export function shapeFingerprint(keys: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < keys.length; i++) {
    h ^= keys.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The fingerprint and key list of a document of an unknown shape, for the stored event. */
export function unknownShape(o: Record<string, unknown>): { shape: string; keys: string } {
  const keys = shapeKeys(o);
  return { shape: shapeFingerprint(keys), keys };
}

/** Counts the events of an unknown shape among stored events, by their fingerprint (capped label set). */
export function countUnknownShapes(events: readonly Record<string, unknown>[]): void {
  for (const e of events) {
    if (e['canhgac.decode_error'] !== UNKNOWN_SHAPE) continue;
    const shape = typeof e['canhgac.shape'] === 'string' ? e['canhgac.shape'] : 'none';
    let label = shape;
    if (!seen.has(shape)) {
      if (seen.size < MAX_SHAPES) seen.add(shape);
      else label = 'other';
    }
    shapes.labels(label).inc();
  }
}
