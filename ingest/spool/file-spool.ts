import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, unlink } from 'node:fs/promises';
import { logger } from '../../core/log.js';
import { decodePayload, encodeRecords } from './codec.js';
import { spoolError } from './errors.js';
import { type SpoolMetrics, spoolMetrics } from './metrics.js';
import { type FileSpoolOptions, type FsyncPolicy, resolveOptions } from './options.js';
import { listSegments, scanSegment, segmentPath, syncDir } from './segment-io.js';
import type { Segment } from './spool-dir.js';
import * as sd from './spool-dir.js';
import {
  type EncodedRecords,
  type RawRecord,
  type Spool,
  type SpoolBatch,
  type SpoolCursor,
  SpoolFullError,
  type SpoolRawBatch,
} from './types.js';

export type { FileSpoolOptions, FsyncPolicy } from './options.js';

/** Receives one CRC-checked payload (JSON of a RawRecord) found at `offset` of segment `segment`. */
type Take = (buf: Buffer, start: number, end: number, segment: number, offset: number) => void;

type Waiter = { resolve: () => void; reject: (e: unknown) => void };

const READ_CHUNK = 1024 * 1024;

/**
 * The durable spool: append-only segment files of length-prefixed, CRC-checked records, a durably persisted
 * committed position, group commit (concurrent appends share one write and one fsync) and a bound on
 * uncommitted bytes. After a crash, open() truncates a torn tail and replays everything after the last commit.
 * Use `await FileSpool.open({ dir })`.
 */
export class FileSpool implements Spool {
  private readonly log;
  private readonly m: SpoolMetrics;
  private readonly fsync: FsyncPolicy;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly retryAfterMs: number;
  private segments: Segment[] = [];
  private active!: FileHandle;
  private committed: SpoolCursor = { segment: 0, offset: 0 };
  private totalBytes = 0;
  private totalRecords = 0;
  // Writer: batches waiting for the next group write.
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private pendingRecords = 0;
  private pendingWaiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  // Reader.
  private readSeg = 0;
  private readOff = 0;
  private readRecordsSeen = 0;
  private readFh: FileHandle | undefined;
  private readFhSeg = -1;
  private readChain: Promise<unknown> = Promise.resolve();
  private dataWaiters: Array<() => void> = [];
  private readonly cursorCounts = new Map<string, number>();
  private committedRecordsSeen = 0;
  private commitChain: Promise<void> = Promise.resolve();
  private roomWaiters: Array<() => void> = [];
  private closed = false;
  private finished = false;

  private constructor(private readonly opts: FileSpoolOptions) {
    const o = resolveOptions(opts);
    this.log = logger('spool').child({ spool: o.name });
    this.m = spoolMetrics(o.name);
    [this.fsync, this.maxBytes, this.segmentBytes, this.retryAfterMs] = [
      o.fsync,
      o.maxBytes,
      o.segmentBytes,
      o.retryAfter,
    ];
  }

  /** Opens (or creates) the spool in `opts.dir`, recovering after a crash: torn tails are truncated. */
  static async open(opts: FileSpoolOptions): Promise<FileSpool> {
    const s = new FileSpool(opts);
    try {
      await s.recover();
    } catch (e) {
      // A failed open must not leave the directory marked as open in this process.
      if (!(e instanceof Error && 'code' in e && e.code === 'CANHGAC_ERR_SPOOL_LOCKED')) sd.releaseDir(opts.dir);
      throw e;
    }
    return s;
  }

  private async recover(): Promise<void> {
    const dir = this.opts.dir;
    await mkdir(dir, { recursive: true });
    await sd.lockDir(dir);
    this.committed = await sd.readCommit(dir, () =>
      this.log.warn({ file: sd.COMMIT_FILE }, 'Ignoring an unreadable spool commit file: replaying from the start'),
    );
    let ids = await listSegments(dir);
    // Segments wholly behind the commit survive when a crash hit between commit and delete.
    for (const id of ids) if (id < this.committed.segment) await unlink(segmentPath(dir, id));
    ids = ids.filter((id) => id >= this.committed.segment);
    // Segment ids only grow: an empty directory continues after the committed segment, so a stale commit
    // file can never make the next open delete new segments as "behind the commit".
    if (ids.length === 0 || ids[0]! > this.committed.segment) {
      this.committed = { segment: ids[0] ?? this.committed.segment + 1, offset: 0 };
    }
    const found = await sd.scanSegments(dir, ids, this.committed, (f) => {
      this.log.warn(f, 'Truncating a torn or corrupt spool tail left by a crash');
      this.m.tornBytes.inc(f.tornBytes);
    });
    this.segments.push(...found.segments);
    this.totalBytes += found.bytes;
    this.totalRecords += found.records;
    if (this.segments.length > 0 && this.committed.offset > this.segments[0]!.size) {
      // Only possible without fsync: the committed tail was lost with the crash.
      this.committed = { segment: this.segments[0]!.id, offset: this.segments[0]!.size };
    }
    if (this.segments.length === 0) {
      await this.newSegment(this.committed.segment);
    } else {
      const last = this.segments[this.segments.length - 1]!;
      this.active = await open(segmentPath(dir, last.id), 'r+');
    }
    this.readSeg = this.committed.segment;
    this.readOff = this.committed.offset;
    if (this.fsync === 'interval') {
      this.timer = setInterval(() => void this.intervalSync(), this.opts.fsyncIntervalMs ?? 1000);
      this.timer.unref();
    }
    this.updateGauges();
    if (this.totalRecords > 0) {
      this.log.info(
        { records: this.totalRecords, bytes: this.uncommittedBytes(), segments: this.segments.length },
        'Replaying uncommitted spool records',
      );
    }
  }

  private async newSegment(id: number): Promise<void> {
    this.active = await open(segmentPath(this.opts.dir, id), 'wx+');
    if (this.fsync !== 'never') await syncDir(this.opts.dir);
    this.segments.push({ id, size: 0, records: 0 });
    this.m.segmentsCreated.inc();
  }

  private uncommittedBytes(): number {
    const first = this.segments[0];
    const behind = first && first.id === this.committed.segment ? this.committed.offset : 0;
    return this.totalBytes - behind;
  }

  /** {@inheritDoc Spool.hasRoom} Always true for an empty spool, so one oversized append cannot wedge intake. */
  hasRoom(bytes = 0): boolean {
    const used = this.uncommittedBytes() + this.pendingBytes;
    return used === 0 || used + bytes <= this.maxBytes;
  }

  /** {@inheritDoc Spool.onceRoom} */
  onceRoom(cb: () => void): void {
    if (this.hasRoom(this.slack())) setImmediate(cb);
    else this.roomWaiters.push(cb);
  }

  // Wake blocked sources only once a useful amount is free, so they do not thrash at the boundary.
  private slack(): number {
    return Math.min(1024 * 1024, Math.floor(this.maxBytes / 10));
  }

  private wakeRoom(): void {
    if (this.roomWaiters.length === 0 || !this.hasRoom(this.slack())) return;
    const ws = this.roomWaiters;
    this.roomWaiters = [];
    for (const cb of ws) cb();
  }

  /** {@inheritDoc Spool.append} */
  append(records: RawRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(spoolError('CANHGAC_ERR_SPOOL_CLOSED'));
    if (records.length === 0) return Promise.resolve();
    return this.appendEncoded({ buf: encodeRecords(records), count: records.length });
  }

  /** {@inheritDoc Spool.appendEncoded} */
  appendEncoded(batch: EncodedRecords): Promise<void> {
    if (this.closed) return Promise.reject(spoolError('CANHGAC_ERR_SPOOL_CLOSED'));
    if (batch.count === 0) return Promise.resolve();
    const { buf, count } = batch;
    const bytes = buf.length;
    if (!this.hasRoom(bytes)) {
      this.m.fullRejections.inc();
      return Promise.reject(new SpoolFullError(this.retryAfterMs));
    }
    this.pending.push(buf);
    this.pendingBytes += bytes;
    this.pendingRecords += count;
    this.m.appends.inc();
    return new Promise<void>((resolve, reject) => {
      this.pendingWaiters.push({ resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  // Group commit: whatever accumulated while the previous write+fsync ran goes out in one write and one fsync.
  // `flushing` clears in the same synchronous step as the final emptiness check, so no append is stranded.
  private async flushLoop(): Promise<void> {
    while (this.pending.length > 0) {
      const bufs = this.pending;
      const bytes = this.pendingBytes;
      const nrec = this.pendingRecords;
      const waiters = this.pendingWaiters;
      this.pending = [];
      this.pendingWaiters = [];
      try {
        let seg = this.segments[this.segments.length - 1]!;
        if (seg.size > 0 && seg.size + bytes > this.segmentBytes) {
          await this.rotate();
          seg = this.segments[this.segments.length - 1]!;
        }
        let done = 0;
        try {
          // One writev of every append's buffer (no copy); a short write (e.g. beyond IOV_MAX buffers)
          // finishes from a concatenated copy.
          if (bufs.length > 1) done = (await this.active.writev(bufs, seg.size)).bytesWritten;
          if (done < bytes) {
            const data = bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs, bytes);
            while (done < bytes) {
              const { bytesWritten } = await this.active.write(data, done, bytes - done, seg.size + done);
              done += bytesWritten;
            }
          }
        } catch (e) {
          // Leave no partial record behind: the next write starts at seg.size again.
          await this.active.truncate(seg.size).catch(() => undefined);
          throw e;
        }
        if (this.fsync === 'always') {
          await this.active.datasync();
          this.m.fsyncs.inc();
        } else this.dirty = true;
        seg.size += bytes;
        seg.records += nrec;
        this.totalBytes += bytes;
        this.totalRecords += nrec;
        this.pendingBytes -= bytes;
        this.pendingRecords -= nrec;
        this.m.appendedRecords.inc(nrec);
        this.m.appendedBytes.inc(bytes);
        this.updateGauges();
        for (const w of waiters) w.resolve();
        this.wakeReaders();
      } catch (e) {
        this.pendingBytes -= bytes;
        this.pendingRecords -= nrec;
        this.m.ioErrors.inc();
        this.log.error({ err: e }, 'Spool write failed: rejecting the appends of this group');
        const err = spoolError('CANHGAC_ERR_SPOOL_IO', { op: 'append', reason: (e as Error).message }, { cause: e });
        for (const w of waiters) w.reject(err);
        // The refused bytes no longer count against the bound.
        this.wakeRoom();
      }
    }
    this.flushing = undefined;
  }

  private async rotate(): Promise<void> {
    if (this.fsync !== 'never') {
      await this.active.datasync();
      this.m.fsyncs.inc();
    }
    await this.active.close();
    await this.newSegment(this.segments[this.segments.length - 1]!.id + 1);
    this.updateGauges();
  }

  private async intervalSync(): Promise<void> {
    if (!this.dirty || this.closed) return;
    this.dirty = false;
    try {
      await this.active.datasync();
      this.m.fsyncs.inc();
    } catch (e) {
      this.dirty = true;
      this.log.error({ err: e }, 'Spool interval fsync failed');
    }
  }

  private wakeReaders(): void {
    const ws = this.dataWaiters;
    this.dataWaiters = [];
    for (const w of ws) w();
  }

  /** {@inheritDoc Spool.read} */
  read(max: number, waitMs = 0): Promise<SpoolBatch | undefined> {
    return this.serialRead(async () => {
      const records: RawRecord[] = [];
      const cursor = await this.readWaiting(max, waitMs, (buf, s, e, seg, off) => {
        const r = decodePayload(buf, s, e);
        if (r) records.push(r);
        else {
          this.m.corruptRecords.inc();
          this.log.warn({ segment: seg, offset: off }, 'Skipping a spool record that is not a RawRecord');
        }
      });
      return cursor && records.length > 0 ? { records, cursor } : undefined;
    });
  }

  /** {@inheritDoc Spool.readNdjson} CRC-checked payloads copied out as lines, not parsed. */
  readNdjson(max: number, waitMs = 0): Promise<SpoolRawBatch | undefined> {
    return this.serialRead(async () => {
      let out = Buffer.allocUnsafe(64 * 1024);
      let len = 0;
      let count = 0;
      const cursor = await this.readWaiting(max, waitMs, (buf, s, e) => {
        const need = len + (e - s) + 1;
        if (need > out.length) {
          const bigger = Buffer.allocUnsafe(Math.max(need, out.length * 2));
          out.copy(bigger, 0, 0, len);
          out = bigger;
        }
        len += buf.copy(out, len, s, e);
        out[len++] = 0x0a;
        count++;
      });
      return cursor && count > 0 ? { ndjson: out.subarray(0, len), count, cursor } : undefined;
    });
  }

  private serialRead<T>(f: () => Promise<T>): Promise<T> {
    const p = this.readChain.then(f);
    this.readChain = p.catch(() => undefined);
    return p;
  }

  private async readWaiting(max: number, waitMs: number, take: Take): Promise<SpoolCursor | undefined> {
    let cursor = await this.readAvailable(max, take);
    if (!cursor && waitMs > 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, waitMs);
        function done(): void {
          clearTimeout(t);
          resolve();
        }
        this.dataWaiters.push(done);
      });
      cursor = await this.readAvailable(max, take);
    }
    return cursor;
  }

  /** Feeds up to `max` records after the read position to `take`; the cursor after them, or undefined. */
  private async readAvailable(max: number, take: Take): Promise<SpoolCursor | undefined> {
    let n = 0;
    while (n < max && !this.closed) {
      const idx = this.segments.findIndex((s) => s.id === this.readSeg);
      if (idx < 0) {
        // The read segment was deleted (committed); continue at the first live one.
        const first = this.segments[0];
        if (!first || first.id < this.readSeg) break;
        this.readSeg = first.id;
        this.readOff = 0;
        continue;
      }
      const seg = this.segments[idx]!;
      if (this.readOff >= seg.size) {
        if (idx === this.segments.length - 1) break;
        this.readSeg = this.segments[idx + 1]!.id;
        this.readOff = 0;
        continue;
      }
      const fh = await this.readHandle(seg.id);
      // Size the read to the request: a read of a few records should not pull a whole megabyte.
      const chunk = Math.min(READ_CHUNK, Math.max(4096, (max - n) * 512));
      const limit = Math.min(seg.size, this.readOff + chunk);
      const end = await scanSegment(
        fh,
        this.readOff,
        seg.size,
        (f) => {
          take(f.buf, f.payloadStart, f.payloadEnd, seg.id, this.readOff);
          this.readOff = f.next;
          this.readRecordsSeen++;
          n++;
          return n < max && f.next < limit;
        },
        chunk,
      );
      if (end.bad) {
        // Cannot happen without disk corruption: what we wrote was checked. Skip the rest of the segment, loudly.
        this.m.corruptRecords.inc();
        this.log.error({ segment: seg.id, offset: end.end, reason: end.bad }, 'Corrupt spool segment: skipping');
        this.readOff = seg.size;
      }
    }
    if (n === 0) return undefined;
    this.m.readRecords.inc(n);
    const cursor = { segment: this.readSeg, offset: this.readOff };
    this.cursorCounts.set(`${cursor.segment}:${cursor.offset}`, this.readRecordsSeen);
    return cursor;
  }

  private async readHandle(id: number): Promise<FileHandle> {
    if (this.readFh && this.readFhSeg === id) return this.readFh;
    await this.readFh?.close();
    this.readFh = await open(segmentPath(this.opts.dir, id), 'r');
    this.readFhSeg = id;
    return this.readFh;
  }

  /** {@inheritDoc Spool.commit} Commits are persisted (fsynced) in order; an older cursor is a no-op. */
  commit(cursor: SpoolCursor): Promise<void> {
    const p = this.commitChain.then(() => this.commitNow(cursor));
    this.commitChain = p.catch(() => undefined);
    return p;
  }

  private async commitNow(c: SpoolCursor): Promise<void> {
    if (this.finished) throw spoolError('CANHGAC_ERR_SPOOL_CLOSED');
    if (sd.before(c, this.committed) || sd.equal(c, this.committed)) return;
    if (sd.before({ segment: this.readSeg, offset: this.readOff }, c)) {
      throw spoolError('CANHGAC_ERR_SPOOL_BAD_CURSOR', {
        segment: c.segment,
        offset: c.offset,
        readSegment: this.readSeg,
        readOffset: this.readOff,
      });
    }
    const dir = this.opts.dir;
    await sd.writeCommit(dir, c, this.fsync !== 'never');
    this.committed = { segment: c.segment, offset: c.offset };
    this.m.commits.inc();
    // Records behind the cursor: exact when the cursor came from read(); otherwise (a cursor from an earlier
    // process) the count stays approximate until the spool drains.
    const key = `${c.segment}:${c.offset}`;
    const seen = this.cursorCounts.get(key);
    if (seen !== undefined) {
      this.totalRecords -= seen - this.committedRecordsSeen;
      this.committedRecordsSeen = seen;
      for (const k of this.cursorCounts.keys()) {
        this.cursorCounts.delete(k);
        if (k === key) break;
      }
    }
    const activeId = this.segments[this.segments.length - 1]!.id;
    while (this.segments.length > 0) {
      const s = this.segments[0]!;
      const wholly = s.id < c.segment || (s.id === c.segment && c.offset >= s.size && s.id !== activeId);
      if (!wholly) break;
      this.segments.shift();
      this.totalBytes -= s.size;
      if (this.readFhSeg === s.id) {
        await this.readFh?.close();
        this.readFh = undefined;
        this.readFhSeg = -1;
      }
      await unlink(segmentPath(dir, s.id)).catch((e) => this.log.warn({ err: e }, 'Could not delete a segment'));
      this.m.segmentsDeleted.inc();
    }
    if (this.segments[0] && this.segments[0].id > this.committed.segment) {
      this.committed = { segment: this.segments[0].id, offset: 0 };
    }
    if (this.totalBytes === 0 || this.uncommittedBytes() === 0) this.totalRecords = 0;
    this.updateGauges();
    this.wakeRoom();
  }

  /** {@inheritDoc Spool.stats} Uncommitted bytes and records, and live segment files. */
  stats(): { bytes: number; records: number; segments: number } {
    return { bytes: this.uncommittedBytes(), records: this.totalRecords, segments: this.segments.length };
  }

  private updateGauges(): void {
    this.m.bytes.set(this.uncommittedBytes());
    this.m.records.set(this.totalRecords);
    this.m.segments.set(this.segments.length);
  }

  /** Flushes pending appends (fsynced unless the policy is `never`), then closes files; reads return undefined. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.flushing) await this.flushing;
    if (this.timer) clearInterval(this.timer);
    this.wakeReaders();
    await this.readChain;
    // Commits asked for before close() still land; later ones are refused.
    await this.commitChain;
    this.finished = true;
    if (this.fsync !== 'never') await this.active.datasync();
    await this.active.close();
    await this.readFh?.close();
    await sd.unlockDir(this.opts.dir);
  }
}
