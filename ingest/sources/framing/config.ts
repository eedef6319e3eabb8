import { sourceError } from './errors.js';

/**
 * Merges a user's partial source configuration over the defaults, rejecting unknown keys and values of the
 * wrong type (one config schema that rejects unknown keys: a typo must not silently fall back to a default).
 */
export function resolveConfig<T extends object>(kind: string, defaults: T, given: Partial<T> | undefined): T {
  const out = { ...defaults };
  if (!given) return out;
  const known = new Set([...Object.keys(defaults), ...OPTIONAL_KEYS]);
  for (const [k, v] of Object.entries(given)) {
    if (v === undefined) continue;
    if (!known.has(k)) throw sourceError('CANHGAC_ERR_SOURCE_BAD_CONFIG', { kind, reason: `unknown key ${k}` });
    const d = (defaults as Record<string, unknown>)[k];
    if (d !== undefined && d !== null && typeof d !== typeof v) {
      throw sourceError('CANHGAC_ERR_SOURCE_BAD_CONFIG', { kind, reason: `${k} must be a ${typeof d}` });
    }
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

// Keys without a default that any stream source accepts.
// `enabled` belongs to the service's wiring (core/config schema); sources accept and ignore it.
const OPTIONAL_KEYS = ['format', 'name', 'enabled', 'certFile', 'keyFile', 'caFile', 'certAgencies'];

/** Throws unless `v` is an integer in [min, max]. */
export function checkInt(kind: string, key: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw sourceError('CANHGAC_ERR_SOURCE_BAD_CONFIG', {
      kind,
      reason: `${key} must be an integer in [${min}, ${max}]`,
    });
  }
}
