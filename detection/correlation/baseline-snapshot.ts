/**
 * The embedded service keeps learned baselines across restarts: a JSON file under the data directory written on
 * close and every few minutes (temporary file + rename, so a crash leaves the previous one), read at start. A
 * normal takes hours to learn; without this every restart would begin a new warm-up on the fixed thresholds.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { logger } from '../../core/log.js';
import { type BaselineSnapshot, MemoryBaselineStore } from './baseline.js';

const log = logger('correlation');

/** Reads the file into the store (a missing or unreadable file leaves it empty, logged). */
export function loadBaselines(store: MemoryBaselineStore, file: string): void {
  if (!existsSync(file)) return;
  try {
    store.restore(JSON.parse(readFileSync(file, 'utf8')) as BaselineSnapshot);
    log.info({ file, keys: store.size }, 'Learned correlation baselines read');
  } catch (err) {
    log.warn({ file, err: (err as Error).message }, 'Learned correlation baselines unreadable; learning again');
  }
}

/** Writes the store to the file atomically. */
export function saveBaselines(store: MemoryBaselineStore, file: string): void {
  try {
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(store.snapshot()));
    renameSync(tmp, file);
  } catch (err) {
    log.warn({ file, err: (err as Error).message }, 'Saving learned correlation baselines failed');
  }
}

export { MemoryBaselineStore };
