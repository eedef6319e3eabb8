import type { FileHandle } from 'node:fs/promises';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkFrame, HEADER_BYTES } from './codec.js';

/** Segment file names sort by number: `00000000000000000001.seg`. */
export function segmentName(id: number): string {
  return `${String(id).padStart(20, '0')}.seg`;
}

/** The ids of the segment files in `dir`, ascending. */
export async function listSegments(dir: string): Promise<number[]> {
  const ids: number[] = [];
  for (const f of await readdir(dir)) {
    const m = /^(\d{20})\.seg$/.exec(f);
    if (m) ids.push(Number(m[1]));
  }
  return ids.sort((a, b) => a - b);
}

/** Path of a segment file. */
export function segmentPath(dir: string, id: number): string {
  return join(dir, segmentName(id));
}

/** Fsyncs a directory so that created, renamed or deleted entries survive a crash. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** One complete, CRC-checked record found by a scan: payload bounds in `buf`. */
export interface FoundFrame {
  buf: Buffer;
  payloadStart: number;
  payloadEnd: number;
  /** File offset just after this record. */
  next: number;
}

/** What a scan of a segment stopped at. */
export interface ScanEnd {
  /** File offset after the last valid record visited. */
  end: number;
  /** Set when the scan stopped at a torn or corrupt record before `limit`. */
  bad?: 'incomplete' | 'length' | 'crc';
}

const CHUNK = 1024 * 1024;

/**
 * Walks the records of a segment from `start` up to `limit` (file offset), calling `visit` for each valid one
 * until it returns false. Reads in chunks of `chunk` bytes (grown for a larger record) so a 64 MiB segment
 * does not need 64 MiB of memory.
 */
export async function scanSegment(
  fh: FileHandle,
  start: number,
  limit: number,
  visit: (f: FoundFrame) => boolean,
  chunk = CHUNK,
): Promise<ScanEnd> {
  let pos = start;
  let buf = Buffer.allocUnsafe(Math.min(chunk, Math.max(HEADER_BYTES, limit - start)));
  while (pos < limit) {
    const want = Math.min(buf.length, limit - pos);
    const { bytesRead } = await fh.read(buf, 0, want, pos);
    if (bytesRead === 0) return { end: pos, bad: 'incomplete' };
    // A short read means the file is shorter than we were told: its end is the limit.
    if (bytesRead < want) limit = pos + bytesRead;
    let p = 0;
    while (p < bytesRead) {
      const c = checkFrame(buf, p, bytesRead);
      if (c.kind === 'corrupt') return { end: pos + p, bad: c.reason };
      if (c.kind === 'incomplete') {
        if (pos + p + c.need > limit) return { end: pos + p, bad: 'incomplete' };
        // The record straddles the chunk: grow the buffer if one record is larger than it, then re-read.
        if (c.need > buf.length) buf = Buffer.allocUnsafe(c.need);
        break;
      }
      const more = visit({ buf, payloadStart: p + HEADER_BYTES, payloadEnd: c.end, next: pos + c.end });
      p = c.end;
      if (!more) return { end: pos + p };
    }
    pos += p;
  }
  return { end: pos };
}
