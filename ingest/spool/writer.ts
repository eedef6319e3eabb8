import { isUtf8 } from 'node:buffer';
import { crc32 } from 'node:zlib';
import { writeEventId } from '../../core/ids.js';
import { checkFrame, decodePayload, HEADER_BYTES } from './codec.js';
import type { EncodedRecords, RawRecord, Transport } from './types.js';

/** Records of an encoded batch as objects (for spools that keep objects, and for tests). */
export function decodeRecords(e: EncodedRecords): RawRecord[] {
  const out: RawRecord[] = [];
  let p = 0;
  while (p < e.buf.length) {
    const f = checkFrame(e.buf, p, e.buf.length);
    if (f.kind !== 'ok') break;
    const r = decodePayload(e.buf, p + HEADER_BYTES, f.end);
    if (r) out.push(r);
    p = f.end;
  }
  return out;
}

const SLAB_BYTES = 1024 * 1024;
const ID_OPEN = Buffer.from('{"id":"');
const ID_BYTES = 36;
const QUOTE = 0x22;

/** What every record of one connection shares. */
export interface WriterFixed {
  transport: Transport;
  /** The sender's address. */
  source: string;
  /** Decoder hint. */
  format?: string | undefined;
}

/**
 * Encodes a stream source's messages straight from the bytes it framed into the spool's record framing, the
 * same JSON a RawRecord gives (`{"id","receivedAt","transport","source","agency"?,"format"?,"data"}`), without
 * decoding the message into a string, building an object and stringifying it: the intake's hot path (a
 * profile of TCP intake spent 40 % of its time in JSON.stringify and its garbage). A message whose bytes are
 * valid UTF-8 with nothing JSON escapes (quote, backslash, control characters) is copied as it is; any other
 * goes through toString + JSON.stringify, exactly as before, so what is stored never differs.
 *
 * Records go into a slab shared by successive batches: take() hands the batch out as a view of it and the next
 * records go after it, never over it (a batch stays in the spool's queue until written).
 */
export class RecordWriter {
  private slab: Buffer = Buffer.allocUnsafe(SLAB_BYTES);
  private start = 0;
  private pos = 0;
  private n = 0;
  private mid: Buffer = Buffer.alloc(0);
  private midAt = -1;
  private midAgency: string | undefined;
  private midSource = '';

  constructor(private readonly fixed: WriterFixed) {}

  /** Records encoded since the last take(). */
  get count(): number {
    return this.n;
  }

  /** Bytes encoded since the last take(). */
  get bytes(): number {
    return this.pos - this.start;
  }

  // `","receivedAt":N,"transport":…,"source":…[,"agency":…][,"format":…],"data":` — rebuilt when the
  // millisecond or the agency changes (once per read in practice).
  private midFor(now: number, agency: string | undefined, source: string): Buffer {
    if (now !== this.midAt || agency !== this.midAgency || source !== this.midSource) {
      const f = this.fixed;
      let s = `","receivedAt":${now},"transport":${JSON.stringify(f.transport)},"source":${JSON.stringify(source)}`;
      if (agency !== undefined) s += `,"agency":${JSON.stringify(agency)}`;
      if (f.format !== undefined) s += `,"format":${JSON.stringify(f.format)}`;
      this.mid = Buffer.from(`${s},"data":`);
      this.midAt = now;
      this.midAgency = agency;
      this.midSource = source;
    }
    return this.mid;
  }

  private ensure(need: number): void {
    if (this.pos + need <= this.slab.length) return;
    const used = this.pos - this.start;
    const next = Buffer.allocUnsafe(Math.max(SLAB_BYTES, 2 * (used + need)));
    this.slab.copy(next, 0, this.start, this.pos);
    this.slab = next;
    this.start = 0;
    this.pos = used;
  }

  /**
   * Encodes the message `d[s, e)` received at `now` (ms) as one record with a new event id (`source`: the
   * sender when it differs per message, UDP).
   */
  add(d: Buffer, s: number, e: number, now: number, agency?: string, source = this.fixed.source): void {
    const mid = this.midFor(now, agency, source);
    const len = e - s;
    // Worst case of the slow path: each byte escaped as \u00XX (6 bytes).
    this.ensure(HEADER_BYTES + ID_OPEN.length + ID_BYTES + mid.length + 6 * len + 4);
    const slab = this.slab;
    const at = this.pos;
    let p = at + HEADER_BYTES;
    for (let i = 0; i < ID_OPEN.length; i++) slab[p++] = ID_OPEN[i]!;
    p = writeEventId(slab, p, now);
    slab.set(mid, p);
    p += mid.length;
    if (plainJson(d, s, e)) {
      slab[p++] = QUOTE;
      p += d.copy(slab, p, s, e);
      slab[p++] = QUOTE;
    } else {
      p += slab.write(JSON.stringify(d.toString('utf8', s, e)), p, 'utf8');
    }
    slab[p++] = 0x7d; // '}'
    const bodyLen = p - at - HEADER_BYTES;
    slab.writeUInt32LE(bodyLen, at);
    slab.writeUInt32LE(crc32(slab.subarray(at + HEADER_BYTES, p)), at + 4);
    this.pos = p;
    this.n++;
  }

  /** The records encoded since the last take(), or undefined when there are none. */
  take(): EncodedRecords | undefined {
    if (this.n === 0) return undefined;
    const out = { buf: this.slab.subarray(this.start, this.pos), count: this.n };
    this.n = 0;
    // Little room left: the next batch starts a new slab (this one lives until its batches are written).
    if (this.slab.length - this.pos < 64 * 1024) {
      this.slab = Buffer.allocUnsafe(SLAB_BYTES);
      this.pos = 0;
    }
    this.start = this.pos;
    return out;
  }
}

// Per byte: 1 when JSON escapes it (control characters, quote, backslash), 2 when it is not ASCII.
const CLASS = new Uint8Array(256).map((_, b) => (b < 0x20 || b === 0x22 || b === 0x5c ? 1 : b >= 0x80 ? 2 : 0));

/** Whether `d[s, e)` is valid UTF-8 that JSON writes as it is (no quote, backslash or control character). */
function plainJson(d: Buffer, s: number, e: number): boolean {
  // One table load per byte and no branch: the common message has nothing to escape.
  let c = 0;
  for (let i = s; i < e; i++) c |= CLASS[d[i]!]!;
  return c === 0 || (c === 2 && isUtf8(d.subarray(s, e)));
}
