/** `lastUsedAt` of API keys: written when a key is used, cheaply (not one write per request under load). */
import { logger } from '../../core/log.js';
import { isStoreConflict } from '../../store/errors.js';
import { type Collection, SCOPE_ALL, type Versioned } from '../../store/types.js';
import type { ApiKeyDoc } from './service.js';

const log = logger('api_auth');

/** lastUsedAt is written at most this often per key (a minute is precise enough to see a dead agent). */
export const KEY_USE_RESOLUTION_MS = 60_000;

/** When this process last wrote lastUsedAt of each key, per key collection. */
const noted = new WeakMap<Collection<ApiKeyDoc>, Map<string, number>>();

/**
 * Records that the key `doc` was just used: at most one write per key per KEY_USE_RESOLUTION_MS, off the request
 * path. The write is conditional on the version read, so a key revoked meanwhile is not written back, and a lost
 * race with another writer is simply skipped.
 */
export function noteKeyUse(keys: Collection<ApiKeyDoc>, doc: Versioned<ApiKeyDoc>, now: number): void {
  const seen = noted.get(keys) ?? new Map<string, number>();
  noted.set(keys, seen);
  const last = Math.max(doc.lastUsedAt ?? 0, seen.get(doc.id) ?? 0);
  if (now - last < KEY_USE_RESOLUTION_MS) return;
  if (seen.size >= 10_000) seen.clear();
  seen.set(doc.id, now);
  const { version, ...rest } = doc;
  keys
    .put(SCOPE_ALL, { ...rest, lastUsedAt: now }, { expectedVersion: version, refresh: false })
    .catch((err: unknown) => {
      if (!isStoreConflict(err)) log.warn({ key: doc.id, err: (err as Error).message }, 'Could not note a key use');
    });
}
