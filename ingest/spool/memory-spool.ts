import { recordBytes } from './codec.js';
import {
  type EncodedRecords,
  type RawRecord,
  type Spool,
  type SpoolBatch,
  type SpoolCursor,
  SpoolFullError,
  type SpoolRawBatch,
} from './types.js';
import { decodeRecords } from './writer.js';

/**
 * An in-memory Spool with the same contract as FileSpool (bounded, onceRoom, read/commit cursors) but no
 * durability: for unit tests of sources and the pipeline. `segment` is always 0 and `offset` a record index.
 */
export class MemorySpool implements Spool {
  private readonly items: Array<{ r: RawRecord; bytes: number }> = [];
  /** Index (absolute) of items[0]. */
  private base = 0;
  private readPos = 0;
  private bytes = 0;
  private roomWaiters: Array<() => void> = [];
  private dataWaiters: Array<() => void> = [];
  private closed = false;
  /** Every append() call, for assertions. */
  appendCalls = 0;

  /** `maxBytes` bounds uncommitted bytes (as FileSpool would count them). */
  constructor(private readonly opts: { maxBytes?: number; retryAfterMs?: number } = {}) {}

  /** {@inheritDoc Spool.append} */
  append(records: RawRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The spool is closed'));
    let b = 0;
    const sized = records.map((r) => {
      const n = recordBytes(r);
      b += n;
      return { r, bytes: n };
    });
    if (!this.hasRoom(b)) return Promise.reject(new SpoolFullError(this.opts.retryAfterMs ?? 1000));
    this.appendCalls++;
    for (const s of sized) this.items.push(s);
    this.bytes += b;
    const ws = this.dataWaiters;
    this.dataWaiters = [];
    for (const w of ws) w();
    return Promise.resolve();
  }

  /** {@inheritDoc Spool.appendEncoded} */
  appendEncoded(batch: EncodedRecords): Promise<void> {
    return this.append(decodeRecords(batch));
  }

  /** {@inheritDoc Spool.hasRoom} */
  hasRoom(bytes = 0): boolean {
    const max = this.opts.maxBytes ?? Number.POSITIVE_INFINITY;
    return this.bytes === 0 || this.bytes + bytes <= max;
  }

  /** {@inheritDoc Spool.onceRoom} */
  onceRoom(cb: () => void): void {
    if (this.hasRoom(this.slack())) setImmediate(cb);
    else this.roomWaiters.push(cb);
  }

  // As FileSpool: wake blocked sources only once a useful amount is free.
  private slack(): number {
    return Math.min(1024 * 1024, Math.floor((this.opts.maxBytes ?? 0) / 10));
  }

  /** {@inheritDoc Spool.read} */
  async read(max: number, waitMs = 0): Promise<SpoolBatch | undefined> {
    if (this.readPos >= this.base + this.items.length && waitMs > 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, waitMs);
        this.dataWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    const start = this.readPos - this.base;
    const slice = this.items.slice(start, start + max);
    if (slice.length === 0) return undefined;
    this.readPos += slice.length;
    return { records: slice.map((s) => s.r), cursor: { segment: 0, offset: this.readPos } };
  }

  /** {@inheritDoc Spool.readNdjson} */
  async readNdjson(max: number, waitMs = 0): Promise<SpoolRawBatch | undefined> {
    const b = await this.read(max, waitMs);
    if (!b) return undefined;
    const ndjson = Buffer.from(b.records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    return { ndjson, count: b.records.length, cursor: b.cursor };
  }

  /** {@inheritDoc Spool.commit} */
  async commit(cursor: SpoolCursor): Promise<void> {
    const n = Math.min(cursor.offset, this.readPos) - this.base;
    if (n <= 0) return;
    for (const s of this.items.splice(0, n)) this.bytes -= s.bytes;
    this.base += n;
    if (this.roomWaiters.length > 0 && this.hasRoom(this.slack())) {
      const ws = this.roomWaiters;
      this.roomWaiters = [];
      for (const w of ws) w();
    }
  }

  /** {@inheritDoc Spool.stats} */
  stats(): { bytes: number; records: number; segments: number } {
    return { bytes: this.bytes, records: this.items.length, segments: 1 };
  }

  /** Every uncommitted record (tests). */
  peek(): RawRecord[] {
    return this.items.map((s) => s.r);
  }

  /** {@inheritDoc Spool.close} */
  async close(): Promise<void> {
    this.closed = true;
    const ws = this.dataWaiters;
    this.dataWaiters = [];
    for (const w of ws) w();
  }
}
