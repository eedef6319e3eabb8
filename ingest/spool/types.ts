/**
 * The spool seam: sources append raw records (an event is acknowledged only once it is in the spool);
 * the pipeline reads batches, processes them, and commits its position. Replay after a crash re-delivers
 * everything after the last commit; `id` (event.id, assigned once at intake) makes replays idempotent downstream.
 */

/** How a record reached canhgac. */
export type Transport = 'udp' | 'tcp' | 'tls' | 'relp' | 'http';

/** One raw record as received: bytes are decoded, normalised and matched later, in the worker pool. */
export interface RawRecord {
  /** event.id (UUIDv7 from core/ids.ts), assigned at intake. */
  id: string;
  /** Receive time, ms since epoch. */
  receivedAt: number;
  transport: Transport;
  /** The sender's address (source.ip). */
  source: string;
  /** Agency already known at intake (TLS client certificate, API key); address ranges are applied later. */
  agency?: string;
  /** Decoder hint from the source's configuration (`auto` when absent). */
  format?: string;
  /** The raw message (one syslog message, one JSON document, one W3C line...). */
  data: string;
}

/** Records already in the spool's on-disk framing (./codec.ts, made by ./writer.ts), appended as they are. */
export interface EncodedRecords {
  /** `count` records, each `u32le length | u32le crc32 | JSON of a RawRecord`. */
  buf: Buffer;
  count: number;
}

/** A batch read from the spool; commit `cursor` once every record of it is safely downstream. */
export interface SpoolBatch {
  records: RawRecord[];
  cursor: SpoolCursor;
}

/**
 * A batch as bytes: one JSON RawRecord per line (JSON escapes newlines, so LF separates records). Lets the
 * main thread hand a batch to a worker (transfer the buffer) without parsing it: workers decode.
 */
export interface SpoolRawBatch {
  ndjson: Buffer;
  count: number;
  cursor: SpoolCursor;
}

/** An opaque position in the spool. */
export interface SpoolCursor {
  segment: number;
  offset: number;
}

/** Why an append was refused. */
export class SpoolFullError extends Error {
  constructor(readonly retryAfterMs: number) {
    super('The spool is full');
    this.name = 'SpoolFullError';
  }
}

/** The durable queue between intake and processing. */
export interface Spool {
  /**
   * Appends records; resolves once they are durable under the configured fsync policy.
   * Rejects with SpoolFullError (nothing appended) when the spool has no room.
   */
  append(records: RawRecord[]): Promise<void>;
  /**
   * Like append(), for records a source encoded itself (./writer.ts: the stream intake's hot path); optional:
   * a source falls back to append(decodeRecords(batch)) on a spool without it.
   */
  appendEncoded?(batch: EncodedRecords): Promise<void>;
  /** Whether `bytes` more would fit now (sources use it to push back before reading more). */
  hasRoom(bytes?: number): boolean;
  /** Calls `cb` once when room frees up (after a commit removes segments). */
  onceRoom(cb: () => void): void;
  /** Reads up to `max` records after the last read position; waits up to `waitMs` for data. */
  read(max: number, waitMs?: number): Promise<SpoolBatch | undefined>;
  /** Like read(), as NDJSON bytes (optional: FileSpool and MemorySpool have it). Shares read()'s position. */
  readNdjson?(max: number, waitMs?: number): Promise<SpoolRawBatch | undefined>;
  /** Marks everything up to `cursor` as processed (segments wholly behind it are deleted). */
  commit(cursor: SpoolCursor): Promise<void>;
  /** Bytes and records waiting. */
  stats(): { bytes: number; records: number; segments: number };
  close(): Promise<void>;
}
