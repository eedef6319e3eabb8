import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let seq = 0;
// Random bytes drawn 16 KiB at a time: one randomBytes(16) call per id cost a quarter of intake CPU.
const POOL = Buffer.alloc(16 * 1024);
let poolPos = POOL.length;
const out = Buffer.alloc(16);
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function random(n: number): number {
  if (poolPos + n > POOL.length) {
    randomFillSync(POOL);
    poolPos = 0;
  }
  const at = poolPos;
  poolPos += n;
  return at;
}

/** Fills `out` with the 16 bytes of a new UUIDv7 for `now`. */
function fill(now: number): void {
  // A 12-bit sequence keeps ids from one millisecond ordered.
  if (now === lastMs) seq = (seq + 1) & 0xfff;
  else {
    lastMs = now;
    const at = random(2);
    seq = ((POOL[at]! << 8) | POOL[at + 1]!) & 0x7ff;
  }
  out.writeUIntBE(now, 0, 6);
  out[6] = 0x70 | (seq >> 8);
  out[7] = seq & 0xff;
  const at = random(8);
  for (let i = 0; i < 8; i++) out[8 + i] = POOL[at + i]!;
  out[8] = (out[8]! & 0x3f) | 0x80;
}

/**
 * A new event id: UUIDv7 (time-ordered, so ids sort by intake time and index well). Assigned once at intake;
 * stable across retries and replays, it is the idempotency key of every store.
 */
export function newEventId(now: number = Date.now()): string {
  fill(now);
  let s = '';
  for (let i = 0; i < 16; i++) {
    s += HEX[out[i]!];
    if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
  }
  return s;
}

const HEX_BYTES = new TextEncoder().encode('0123456789abcdef');

/**
 * Writes a new event id (the 36 ASCII characters newEventId returns) at `pos` of `buf` without making a string:
 * the intake's hot path encodes records straight into the spool's buffer. Returns the position after it.
 */
export function writeEventId(buf: Uint8Array, pos: number, now: number = Date.now()): number {
  fill(now);
  for (let i = 0; i < 16; i++) {
    const b = out[i]!;
    buf[pos++] = HEX_BYTES[b >> 4]!;
    buf[pos++] = HEX_BYTES[b & 15]!;
    if (i === 3 || i === 5 || i === 7 || i === 9) buf[pos++] = 0x2d;
  }
  return pos;
}
