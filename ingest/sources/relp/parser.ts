/**
 * RELP frame parser (librelp's protocol, as spoken by rsyslog omrelp): `TXNR SP COMMAND SP DATALEN [SP DATA] LF`.
 * Chunks may split frames anywhere. Bad framing cannot be resynchronised (DATA may hold anything), so the
 * parser reports the byte offset and stops; the connection is then closed.
 */

/** One RELP frame. */
export interface RelpFrame {
  txnr: number;
  command: string;
  data: string;
  /** DATA was longer than the limit and was cut. */
  truncated: boolean;
}

/** Where parsed frames and the first framing error go. */
export interface RelpSink {
  frame(f: RelpFrame): void;
  error(offset: number, reason: string): void;
}

const SP = 0x20;
const LF = 0x0a;
const MAX_TXNR_DIGITS = 9;
const MAX_COMMAND = 32;
const MAX_LEN_DIGITS = 9;

/** Parses one connection's RELP byte stream. */
export class RelpParser {
  private carry: Buffer | undefined;
  private base = 0;
  private failed = false;
  /** Bytes of an oversized DATA still to skip before the trailer. */
  private skip = 0;
  private pendingFrame: RelpFrame | undefined;

  constructor(
    private readonly sink: RelpSink,
    private readonly maxDataBytes = 128 * 1024,
  ) {}

  /** Whether a framing error stopped the parser. */
  get broken(): boolean {
    return this.failed;
  }

  /** Feeds the next chunk. */
  push(chunk: Buffer): void {
    if (this.failed) return;
    let d: Buffer;
    if (this.carry) {
      d = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    } else d = chunk;
    const used = this.process(d);
    if (!this.failed && used < d.length) this.carry = Buffer.from(d.subarray(used));
    this.base += used;
  }

  private fail(offset: number, reason: string): number {
    this.failed = true;
    this.sink.error(this.base + offset, reason);
    return offset;
  }

  private process(d: Buffer): number {
    let p = 0;
    const n = d.length;
    while (p < n && !this.failed) {
      if (this.pendingFrame) {
        // Skipping the rest of an oversized DATA, then its trailer.
        const k = Math.min(this.skip, n - p);
        this.skip -= k;
        p += k;
        if (this.skip > 0) return p;
        if (p >= n) return p;
        if (d[p] !== LF) return this.fail(p, 'missing LF trailer');
        p++;
        const f = this.pendingFrame;
        this.pendingFrame = undefined;
        this.sink.frame(f);
        continue;
      }
      // Stray LFs between frames are tolerated (some clients end frames with CRLF-ish noise).
      if (d[p] === LF) {
        p++;
        continue;
      }
      const start = p;
      let q = p;
      const txnr = readNumber(d, q, MAX_TXNR_DIGITS);
      if (txnr.kind === 'incomplete') return start;
      if (txnr.kind === 'bad') return this.fail(q, 'bad transaction number');
      q = txnr.next;
      if (q >= n) return start;
      if (d[q] !== SP) return this.fail(q, 'expected a space after the transaction number');
      q++;
      let c = q;
      while (c < n && d[c] !== SP && d[c] !== LF && c - q <= MAX_COMMAND) {
        const b = d[c]!;
        if (!((b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || b === 0x5f)) {
          return this.fail(c, 'bad byte in command');
        }
        c++;
      }
      if (c - q > MAX_COMMAND) return this.fail(q, 'command too long');
      if (c >= n) return start;
      if (d[c] !== SP || c === q) return this.fail(c, 'expected a command and a space');
      const command = d.toString('latin1', q, c);
      q = c + 1;
      const len = readNumber(d, q, MAX_LEN_DIGITS);
      if (len.kind === 'incomplete') return start;
      if (len.kind === 'bad') return this.fail(q, 'bad data length');
      q = len.next;
      if (q >= n) return start;
      if (d[q] === LF) {
        if (len.value !== 0) return this.fail(q, 'data length without data');
        this.sink.frame({ txnr: txnr.value, command, data: '', truncated: false });
        p = q + 1;
        continue;
      }
      if (d[q] !== SP) return this.fail(q, 'expected a space or LF after the data length');
      q++;
      const keep = Math.min(len.value, this.maxDataBytes);
      if (len.value > this.maxDataBytes) {
        if (n - q < keep) return start;
        this.pendingFrame = { txnr: txnr.value, command, data: stripLf(d, q, q + keep), truncated: true };
        this.skip = len.value - keep;
        p = q + keep;
        continue;
      }
      if (n - q < keep + 1) return start;
      if (d[q + keep] !== LF) return this.fail(q + keep, 'missing LF trailer');
      this.sink.frame({ txnr: txnr.value, command, data: stripLf(d, q, q + keep), truncated: false });
      p = q + keep + 1;
    }
    return p;
  }
}

// rsyslog puts a LF at the end of the syslog DATA of some templates: it is not part of the message.
function stripLf(d: Buffer, s: number, e: number): string {
  while (e > s && (d[e - 1] === LF || d[e - 1] === 0x0d)) e--;
  return d.toString('utf8', s, e);
}

type Num = { kind: 'ok'; value: number; next: number } | { kind: 'incomplete' } | { kind: 'bad' };

function readNumber(d: Buffer, p: number, maxDigits: number): Num {
  let v = 0;
  let i = p;
  while (i < d.length) {
    const c = d[i]!;
    if (c < 0x30 || c > 0x39) {
      if (i === p) return { kind: 'bad' };
      return { kind: 'ok', value: v, next: i };
    }
    if (i - p >= maxDigits) return { kind: 'bad' };
    v = v * 10 + (c - 0x30);
    i++;
  }
  return { kind: 'incomplete' };
}

/** Encodes one RELP frame (responses, and the test client's commands). */
export function encodeRelp(txnr: number, command: string, data: string): Buffer {
  if (data.length === 0) return Buffer.from(`${txnr} ${command} 0\n`);
  const body = Buffer.from(data);
  return Buffer.concat([Buffer.from(`${txnr} ${command} ${body.length} `), body, Buffer.from('\n')]);
}
