/**
 * The spool directory's bookkeeping, apart from the append/read machinery of file-spool.ts: the pid lock (one
 * spool per directory, across and within processes), the committed position file (CRC-checked), and the scan of
 * the segments after a crash (torn tails found and truncated).
 */
import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { spoolError } from './errors.js';
import { scanSegment, segmentPath, syncDir } from './segment-io.js';
import type { SpoolCursor } from './types.js';

/** One segment file as the spool tracks it. */
export interface Segment {
  id: number;
  /** Bytes of complete records written to the file. */
  size: number;
  /** Records in the file at or after the committed position. */
  records: number;
}

// Directories open in this process: the pid lock cannot tell two spools of one process apart.
const openDirs = new Set<string>();

/** The committed position's file name, and the lock's. */
export const COMMIT_FILE = 'commit';
const LOCK_FILE = 'lock';

/** Takes the directory: refused (CANHGAC_ERR_SPOOL_LOCKED) while this process or another live one holds it. */
export async function lockDir(dir: string): Promise<void> {
  const abs = resolve(dir);
  if (openDirs.has(abs)) throw spoolError('CANHGAC_ERR_SPOOL_LOCKED', { dir, pid: process.pid });
  openDirs.add(abs);
  const p = join(dir, LOCK_FILE);
  try {
    const pid = Number((await readFile(p, 'utf8')).trim());
    if (pid && pid !== process.pid && pidAlive(pid)) {
      throw spoolError('CANHGAC_ERR_SPOOL_LOCKED', { dir, pid });
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      openDirs.delete(abs);
      throw e;
    }
  }
  await writeFile(p, `${process.pid}\n`);
}

/** Forgets that this process holds the directory (a failed open). */
export function releaseDir(dir: string): void {
  openDirs.delete(resolve(dir));
}

/** Gives the directory up: removes the lock file. */
export async function unlockDir(dir: string): Promise<void> {
  await unlink(join(dir, LOCK_FILE)).catch(() => undefined);
  releaseDir(dir);
}

/** The committed position; the start when the file is missing or unreadable (`unreadable` is told). */
export async function readCommit(dir: string, unreadable: () => void): Promise<SpoolCursor> {
  let text: string;
  try {
    text = await readFile(join(dir, COMMIT_FILE), 'utf8');
  } catch {
    return { segment: 0, offset: 0 };
  }
  const [seg, off, crc] = text.trim().split(' ').map(Number);
  if (seg === undefined || off === undefined || crc !== crc32(`${seg} ${off}`)) {
    // Replaying more is safe (ids dedupe downstream); skipping records is not.
    unreadable();
    return { segment: 0, offset: 0 };
  }
  return { segment: seg, offset: off };
}

/** Persists the committed position atomically (temporary file, rename; fsynced unless `sync` is false). */
export async function writeCommit(dir: string, c: SpoolCursor, sync: boolean): Promise<void> {
  const text = `${c.segment} ${c.offset} ${crc32(`${c.segment} ${c.offset}`)}\n`;
  const tmp = join(dir, `${COMMIT_FILE}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    if (sync) await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, COMMIT_FILE));
  if (sync) await syncDir(dir);
}

/**
 * Scans the segments `ids` after a (possible) crash: counts the records at or after the committed position and
 * truncates a torn or corrupt tail (told to `torn` first).
 */
export async function scanSegments(
  dir: string,
  ids: number[],
  committed: SpoolCursor,
  torn: (f: { segment: number; offset: number; tornBytes: number; reason: string | undefined }) => void,
): Promise<{ segments: Segment[]; bytes: number; records: number }> {
  const segments: Segment[] = [];
  let bytes = 0;
  let total = 0;
  for (const id of ids) {
    const fh = await open(segmentPath(dir, id), 'r+');
    try {
      const { size } = await fh.stat();
      const from = id === committed.segment ? committed.offset : 0;
      let records = 0;
      const end = await scanSegment(fh, 0, size, (f) => {
        if (f.next > from) records++;
        return true;
      });
      if (end.end < size) {
        torn({ segment: id, offset: end.end, tornBytes: size - end.end, reason: end.bad });
        await fh.truncate(end.end);
        await fh.sync();
      }
      segments.push({ id, size: end.end, records });
      bytes += end.end;
      total += records;
    } finally {
      await fh.close();
    }
  }
  return { segments, bytes, records: total };
}

/** Whether cursor `a` is before `b`. */
export function before(a: SpoolCursor, b: SpoolCursor): boolean {
  return a.segment < b.segment || (a.segment === b.segment && a.offset < b.offset);
}

/** Whether two cursors are the same position. */
export function equal(a: SpoolCursor, b: SpoolCursor): boolean {
  return a.segment === b.segment && a.offset === b.offset;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
