import { crc32 } from 'node:zlib';
import type { RawRecord } from './types.js';

/**
 * On-disk record framing: `u32le length | u32le crc32(payload) | payload` where payload is the record's JSON.
 * The CRC makes a torn tail (a crash in the middle of a write) or a zero-filled tail detectable, so recovery
 * truncates it instead of replaying garbage.
 */
export const HEADER_BYTES = 8;

/** A length above this is corruption, not a record (intake caps single messages far below it). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Encodes one record with its header into a fresh buffer. */
export function encodeRecord(r: RawRecord): Buffer {
  const json = JSON.stringify(r);
  const len = Buffer.byteLength(json);
  const buf = Buffer.allocUnsafe(HEADER_BYTES + len);
  buf.write(json, HEADER_BYTES, len, 'utf8');
  buf.writeUInt32LE(len, 0);
  buf.writeUInt32LE(crc32(buf.subarray(HEADER_BYTES)), 4);
  return buf;
}

/** Encodes records into one buffer (one allocation per append, not one per record). */
export function encodeRecords(rs: readonly RawRecord[]): Buffer {
  if (rs.length === 1) return encodeRecord(rs[0]!);
  const jsons: string[] = new Array(rs.length);
  const lens: number[] = new Array(rs.length);
  let total = 0;
  for (let i = 0; i < rs.length; i++) {
    const j = JSON.stringify(rs[i]);
    jsons[i] = j;
    const n = Buffer.byteLength(j);
    lens[i] = n;
    total += HEADER_BYTES + n;
  }
  const buf = Buffer.allocUnsafe(total);
  let p = 0;
  for (let i = 0; i < rs.length; i++) {
    const n = lens[i]!;
    buf.write(jsons[i]!, p + HEADER_BYTES, n, 'utf8');
    buf.writeUInt32LE(n, p);
    buf.writeUInt32LE(crc32(buf.subarray(p + HEADER_BYTES, p + HEADER_BYTES + n)), p + 4);
    p += HEADER_BYTES + n;
  }
  return buf;
}

/** The result of checking the record that starts at `pos` in `buf`. */
export type FrameCheck =
  | { kind: 'ok'; end: number }
  | { kind: 'incomplete'; need: number }
  | { kind: 'corrupt'; reason: 'length' | 'crc' };

/** Checks the framing and CRC of the record at `pos`; never throws. */
export function checkFrame(buf: Buffer, pos: number, end: number): FrameCheck {
  if (end - pos < HEADER_BYTES) return { kind: 'incomplete', need: HEADER_BYTES };
  const len = buf.readUInt32LE(pos);
  // JSON of an object is at least `{}`: a zero length is a zero-filled tail, not a record.
  if (len < 2 || len > MAX_RECORD_BYTES) return { kind: 'corrupt', reason: 'length' };
  if (end - pos < HEADER_BYTES + len) return { kind: 'incomplete', need: HEADER_BYTES + len };
  const crc = buf.readUInt32LE(pos + 4);
  if (crc32(buf.subarray(pos + HEADER_BYTES, pos + HEADER_BYTES + len)) !== crc) {
    return { kind: 'corrupt', reason: 'crc' };
  }
  return { kind: 'ok', end: pos + HEADER_BYTES + len };
}

/** Parses a checked payload back into a record, or undefined when it is not a RawRecord. */
export function decodePayload(buf: Buffer, start: number, end: number): RawRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8', start, end));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Partial<RawRecord>;
  if (typeof r.id !== 'string' || typeof r.data !== 'string') return undefined;
  return r as RawRecord;
}

/** Serialised size of a record (header included), for room checks before encoding. */
export function recordBytes(r: RawRecord): number {
  return HEADER_BYTES + Buffer.byteLength(JSON.stringify(r));
}
