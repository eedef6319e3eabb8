/**
 * Syslog stream framing (RFC 6587): octet-counted (`LEN SP MSG`, RFC 5425 over TLS), LF-delimited or
 * NUL-delimited. One framer per connection; bytes go in as they arrive, in chunks split anywhere, and whole
 * messages come out (as byte ranges: the intake encodes them for the spool without making strings). Never throws on input: bad framing is reported with its byte offset and the framer
 * resynchronises at the next delimiter. `auto` decides each message on its own, like rsyslog's imtcp and
 * syslog-ng's network(): a leading non-zero digit with a valid count is octet-counted, otherwise LF or NUL ends
 * it. A NUL counts as a frame end only where a new frame starts after it (`<`, a digit, a delimiter) or where the
 * bytes received so far end; elsewhere it is data of an LF line. (So a NUL that happens to be the last byte of a
 * TCP read splits that LF line in two: nothing is lost, one extra event.)
 */

/** How a stream is framed; `auto` decides per message (a leading non-zero digit means octet-counted). */
export type Framing = 'auto' | 'octet-counted' | 'lf' | 'nul';

/** Framer options. */
export interface FramerOptions {
  framing?: Framing;
  /** Longer messages are truncated to this many bytes (counted), the rest skipped. Default 64 KiB. */
  maxMessageBytes?: number;
}

/** Where framed messages and problems go (one object per connection, no per-message closures). */
export interface FramerSink {
  /**
   * One complete message: bytes `d[start, end)`, valid only during the call (copy or decode them there).
   * `truncated` when it was cut at maxMessageBytes.
   */
  message(d: Buffer, start: number, end: number, truncated: boolean): void;
  /** Bad framing at stream byte `offset`; the framer skips to the next delimiter. */
  framingError(offset: number, reason: string): void;
}

// Framer states (plain numbers: the hot path compares small integers).
/** At the start of a message: decide its framing. */
const START = 0;
/** Skipping bytes to the next delimiter (after truncation or a framing error). */
const SKIP_TO_DELIM = 1;
/** Skipping `skip` bytes of an oversized octet-counted message. */
const SKIP_N = 2;

const LF = 0x0a;
const NUL = 0x00;
const SP = 0x20;
const MAX_LEN_DIGITS = 10;

/** Frames one byte stream into syslog messages. */
export class SyslogFramer {
  private readonly framing: Framing;
  private readonly max: number;
  private carry: Buffer | undefined;
  /** Stream offset of the first byte of `carry` (or of the next chunk when there is none). */
  private base = 0;
  private st = START;
  private skip = 0;
  /**
   * auto framing: the first NUL at or after the last search in the buffer being processed (-1: none left, -2: not
   * searched yet). Searched once per buffer, not once per message: a read with no NUL in it (nearly every one)
   * was scanned to its end for every message it held.
   */
  private nulAt = -2;
  /** The delimiter of non-transparent framing when configured (auto: none, decided per message). */
  private readonly delim: number;

  constructor(
    private readonly sink: FramerSink,
    opts: FramerOptions = {},
  ) {
    this.framing = opts.framing ?? 'auto';
    this.max = opts.maxMessageBytes ?? 64 * 1024;
    this.delim = this.framing === 'lf' ? LF : this.framing === 'nul' ? NUL : -1;
  }

  /** Total bytes consumed so far (the stream offset reported in errors). */
  get offset(): number {
    return this.base + (this.carry?.length ?? 0);
  }

  /** Feeds the next chunk of the stream. */
  push(chunk: Buffer): void {
    let data: Buffer;
    if (this.carry) {
      data = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    } else data = chunk;
    const used = this.process(data);
    if (used < data.length) this.carry = Buffer.from(data.subarray(used));
    this.base += used;
  }

  /** The stream ended: an unterminated delimited message still counts; a partial octet frame is an error. */
  end(): void {
    const c = this.carry;
    this.carry = undefined;
    if (!c || this.st !== START) return;
    let p = 0;
    while (p < c.length && (c[p] === LF || c[p] === NUL || c[p] === 0x0d)) p++;
    if (p === c.length) return;
    const octet =
      this.framing === 'octet-counted' ||
      (this.framing === 'auto' && isOctetStart(c[p]!) && parseHeader(c, p).kind !== 'bad');
    if (octet) {
      this.sink.framingError(this.base + p, 'stream ended inside an octet-counted frame');
      return;
    }
    this.emit(c, p, c.length, false, true);
  }

  private process(d: Buffer): number {
    this.nulAt = -2;
    let p = 0;
    const n = d.length;
    while (p < n) {
      if (this.st === SKIP_N) {
        const k = Math.min(this.skip, n - p);
        this.skip -= k;
        p += k;
        if (this.skip === 0) this.st = START;
        continue;
      }
      if (this.st === SKIP_TO_DELIM) {
        const i = this.findDelim(d, p);
        if (i < 0) return n;
        p = i + 1;
        this.st = START;
        continue;
      }
      const b = d[p]!;
      // Stray delimiters between messages (keep-alives, a LF after an octet frame) carry nothing.
      if (b === LF || b === NUL || b === 0x0d) {
        p++;
        continue;
      }
      if (this.framing === 'octet-counted' || (this.framing === 'auto' && isOctetStart(b))) {
        const h = parseHeader(d, p);
        if (h.kind === 'incomplete') return p;
        if (h.kind === 'ok') {
          const start = h.next;
          if (h.len <= this.max) {
            if (n - start < h.len) return p;
            this.emit(d, start, start + h.len, false, false);
            p = start + h.len;
          } else {
            if (n - start < this.max) return p;
            this.emit(d, start, start + this.max, true, false);
            this.skip = h.len - this.max;
            this.st = SKIP_N;
            p = start + this.max;
          }
          continue;
        }
        if (this.framing === 'octet-counted') {
          this.sink.framingError(this.base + p, h.reason);
          this.st = SKIP_TO_DELIM;
          continue;
        }
        // auto: a line that merely starts with a digit ("2024-05-01 ...") is a delimited message.
      }
      const i = this.findDelim(d, p);
      if (i < 0) {
        if (n - p > this.max) {
          this.emit(d, p, p + this.max, true, true);
          this.st = SKIP_TO_DELIM;
          return n;
        }
        return p;
      }
      if (i - p > this.max) {
        this.emit(d, p, p + this.max, true, true);
      } else this.emit(d, p, i, false, true);
      p = i + 1;
    }
    return p;
  }

  private findDelim(d: Buffer, from: number): number {
    if (this.delim >= 0) return d.indexOf(this.delim, from);
    // auto, decided per message as syslog-ng and rsyslog do, never for the whole connection: LF ends a message;
    // a NUL ends it only where it looks like a frame end (another message, a delimiter or the end of what has
    // arrived follows it), otherwise it is data inside an LF line, so one stray NUL cannot turn the rest of the
    // connection into one NUL-framed blob.
    const lf = d.indexOf(LF, from);
    if (this.nulAt === -2 || (this.nulAt >= 0 && this.nulAt < from)) this.nulAt = d.indexOf(NUL, from);
    let nul = this.nulAt;
    while (nul >= 0 && (lf < 0 || nul < lf)) {
      if (nul + 1 >= d.length || isFrameStart(d[nul + 1]!)) return nul;
      // Data inside this LF line: the next search starts after it (the next message starts after the LF).
      nul = this.nulAt = d.indexOf(NUL, nul + 1);
    }
    return lf;
  }

  private emit(d: Buffer, s: number, e: number, truncated: boolean, delimited: boolean): void {
    // CRLF senders: the CR belongs to the delimiter, not the message.
    if (delimited && e > s && d[e - 1] === 0x0d) e--;
    if (e <= s) return;
    this.sink.message(d, s, e, truncated);
  }
}

/** Bytes that start the next frame after a NUL: a syslog PRI, an octet count or another delimiter. */
function isFrameStart(b: number): boolean {
  return b === 0x3c || b === LF || b === NUL || b === 0x0d || isOctetStart(b);
}

function isOctetStart(b: number): boolean {
  return b >= 0x31 && b <= 0x39;
}

type Header = { kind: 'ok'; len: number; next: number } | { kind: 'incomplete' } | { kind: 'bad'; reason: string };

function parseHeader(d: Buffer, p: number): Header {
  let len = 0;
  let i = p;
  while (i < d.length) {
    const c = d[i]!;
    if (c === SP) {
      if (i === p) return { kind: 'bad', reason: 'octet count missing' };
      return { kind: 'ok', len, next: i + 1 };
    }
    if (c < 0x30 || c > 0x39) return { kind: 'bad', reason: `unexpected byte 0x${c.toString(16)} in octet count` };
    if (i - p >= MAX_LEN_DIGITS) return { kind: 'bad', reason: 'octet count too long' };
    len = len * 10 + (c - 0x30);
    i++;
  }
  return { kind: 'incomplete' };
}
