/** The file spool's options and their defaults and checks (FileSpool.open). */
import { spoolError } from './errors.js';

/** When an append is durable: `always` fsyncs before it resolves (safe default, group-committed). */
export type FsyncPolicy = 'always' | 'interval' | 'never';

/** Options of FileSpool.open. */
export interface FileSpoolOptions {
  /** Directory of the segment files (created when missing); one spool per directory. */
  dir: string;
  /** `always` (default): fsync before append resolves; `interval`: every fsyncIntervalMs; `never`: the OS decides. */
  fsync?: FsyncPolicy;
  /** Period of the `interval` policy (default 1000 ms). */
  fsyncIntervalMs?: number;
  /** Bound on uncommitted bytes (default 1 GiB); appends beyond it reject with SpoolFullError. */
  maxBytes?: number;
  /** A segment is closed and a new one started past this size (default 64 MiB, at most maxBytes / 4). */
  segmentBytes?: number;
  /** Retry-After hint carried by SpoolFullError (default 1000 ms). */
  retryAfterMs?: number;
  /** Label of this spool in metrics and logs (default `main`). */
  name?: string;
}

/** The options with defaults applied; refuses contradictory ones (CANHGAC_ERR_SPOOL_BAD_OPTIONS). */
export function resolveOptions(opts: FileSpoolOptions): {
  name: string;
  fsync: FsyncPolicy;
  maxBytes: number;
  segmentBytes: number;
  retryAfter: number;
} {
  const fsync = opts.fsync ?? 'always';
  const maxBytes = opts.maxBytes ?? 1024 * 1024 * 1024;
  if (!['always', 'interval', 'never'].includes(fsync)) {
    throw spoolError('CANHGAC_ERR_SPOOL_BAD_OPTIONS', { reason: `fsync must be always, interval or never` });
  }
  if (!(maxBytes > 0)) throw spoolError('CANHGAC_ERR_SPOOL_BAD_OPTIONS', { reason: 'maxBytes must be > 0' });
  return {
    name: opts.name ?? 'main',
    fsync,
    maxBytes,
    segmentBytes: Math.max(4096, Math.min(opts.segmentBytes ?? 64 * 1024 * 1024, Math.floor(maxBytes / 4))),
    retryAfter: opts.retryAfterMs ?? 1000,
  };
}
