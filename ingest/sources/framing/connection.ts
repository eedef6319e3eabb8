import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { type EncodedRecords, type Spool, SpoolFullError, type Transport } from '../../spool/types.js';
import { decodeRecords, RecordWriter } from '../../spool/writer.js';
import type { SenderGate } from '../gate.js';
import { senderAddress } from './address.js';
import { type FramerSink, type Framing, SyslogFramer } from './framer.js';
import type { SourceTelemetry } from './telemetry.js';

/** What every stream (TCP, TLS) connection handler needs. */
export interface StreamIntakeOptions {
  transport: Transport;
  spool: Spool;
  telemetry: SourceTelemetry;
  log: Logger;
  framing: Framing;
  maxMessageBytes: number;
  /** Close a connection silent for this long (0 = never). Never applied while we are the ones pausing it. */
  idleTimeoutMs: number;
  /** Pause reading a connection while this many of its bytes wait for the spool. */
  maxInflightBytes: number;
  /** Decoder hint copied into each record. */
  format?: string;
  /**
   * Agency known from the connection (TLS client certificate): a per-connection resolver asked for each record,
   * so a live mapping (agencies changed through the API) applies to connections already open.
   */
  agencyOf?: (socket: Socket) => (() => string | undefined) | undefined;
  /** What to do with senders no agency claims: decided once per connection, at accept (after the TLS handshake). */
  gate?: SenderGate;
}

/** One connection: frames its bytes, appends records to the spool, pauses the socket instead of dropping. */
class Connection implements FramerSink {
  private readonly framer: SyslogFramer;
  readonly source: string;
  readonly agency: (() => string | undefined) | undefined;
  /** Admitted although no agency claims the sender (accept / quarantine): its records are counted. */
  unclaimed = false;
  /** Records framed since the last flush, encoded for the spool as they come (no string, no object). */
  private readonly writer: RecordWriter;
  private inflight = 0;
  private waitingRoom = false;
  private readonly retries: EncodedRecords[] = [];
  private paused = false;
  closed = false;

  constructor(
    readonly socket: Socket,
    private readonly o: StreamIntakeOptions,
    private readonly owner: StreamIntake,
  ) {
    this.framer = new SyslogFramer(this, { framing: o.framing, maxMessageBytes: o.maxMessageBytes });
    this.source = senderAddress(socket.remoteAddress);
    this.agency = o.agencyOf?.(socket);
    this.writer = new RecordWriter({ transport: o.transport, source: this.source, format: o.format });
  }

  message(d: Buffer, start: number, end: number, truncated: boolean): void {
    if (truncated) this.o.telemetry.truncated.inc();
    this.writer.add(d, start, end, Date.now(), this.agency?.());
  }

  framingError(offset: number, reason: string): void {
    this.o.telemetry.framingErrors.inc();
    this.o.telemetry.error('receiving', 'framing');
    this.o.log.warn({ source: this.source, offset, reason }, 'Bad syslog framing: resyncing at the next delimiter');
  }

  onData(chunk: Buffer): void {
    this.o.telemetry.bytes.inc(chunk.length);
    this.framer.push(chunk);
    this.flush();
  }

  onEnd(): void {
    this.framer.end();
    this.flush();
  }

  /** Sends the framed batch to the spool (one append per chunk read; the spool group-commits across sockets). */
  flush(): void {
    const batch = this.writer.take();
    if (!batch) return;
    this.o.telemetry.received(batch.count);
    if (this.unclaimed) this.o.gate?.countAdmitted(this.o.transport, batch.count);
    if (this.retries.length > 0) {
      // Keep order behind records already waiting for room.
      this.retries.push(batch);
      this.inflight += batch.buf.length;
      this.updateFlow();
      return;
    }
    this.submit(batch, false);
  }

  private submit(batch: EncodedRecords, isRetry: boolean): void {
    const bytes = batch.buf.length;
    const n = batch.count;
    if (!isRetry) this.inflight += bytes;
    const spool = this.o.spool;
    const appended = spool.appendEncoded ? spool.appendEncoded(batch) : spool.append(decodeRecords(batch));
    const p = appended.then(
      () => {
        this.inflight -= bytes;
        this.o.telemetry.sent(n);
        this.updateFlow();
        if (this.closed && !this.busy) this.owner.lingering.delete(this);
      },
      (e: unknown) => {
        if (e instanceof SpoolFullError) {
          this.retries.push(batch);
          this.waitForRoom();
        } else if ((e as { code?: string }).code === 'CANHGAC_ERR_SPOOL_CLOSED') {
          this.inflight -= bytes;
          this.o.telemetry.dropped('spool_closed', n);
          this.o.log.error({ records: n, source: this.source }, 'Dropped records: the spool is closed');
        } else {
          // A failing disk (ENOSPC, EIO) may recover: hold the records, keep the socket paused, retry in 1 s.
          this.o.telemetry.error('sending', 'spool_append');
          this.o.log.error(
            { err: e, records: n, source: this.source },
            'Spool append failed: pausing the connection and retrying in 1 s',
          );
          this.retries.push(batch);
          this.waitForRoom(1000);
        }
        this.updateFlow();
      },
    );
    this.owner.track(p);
  }

  private waitForRoom(delayMs = 5): void {
    if (this.waitingRoom) return;
    this.waitingRoom = true;
    // onceRoom fires when some room is free, maybe less than a waiting batch needs: a short delay keeps a
    // retry that fails again from spinning.
    this.o.spool.onceRoom(() =>
      setTimeout(() => {
        this.waitingRoom = false;
        const rs = this.retries.splice(0);
        for (const r of rs) this.submit(r, true);
        this.updateFlow();
      }, delayMs),
    );
  }

  /** Pauses the socket while the spool is full or too much of this connection is in flight; resumes after. */
  updateFlow(): void {
    if (!this.o.spool.hasRoom() && !this.closed) this.waitForRoom();
    const stop =
      this.owner.stopping || this.waitingRoom || this.retries.length > 0 || this.inflight > this.o.maxInflightBytes;
    if (stop && !this.paused) {
      this.paused = true;
      this.socket.pause();
      if (this.waitingRoom) this.o.telemetry.pauses.inc();
    } else if (!stop && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** Whether records of this connection still wait for the spool. */
  get busy(): boolean {
    return this.inflight > 0 || this.retries.length > 0;
  }

  /** Counts what can no longer reach the spool (shutdown with a full spool). */
  abandon(): void {
    let n = 0;
    for (const r of this.retries.splice(0)) n += r.count;
    if (n > 0) {
      this.o.telemetry.dropped('shutdown_spool_full', n);
      this.o.log.error({ records: n, source: this.source }, 'Dropped records at shutdown: the spool stayed full');
    }
  }

  get isPaused(): boolean {
    return this.paused;
  }
}

/** Handles accepted stream sockets for a TCP or TLS source. */
export class StreamIntake {
  private readonly conns = new Set<Connection>();
  private readonly pending = new Set<Promise<void>>();
  /** Closed connections whose records still wait for the spool. */
  readonly lingering = new Set<Connection>();
  stopping = false;

  constructor(private readonly o: StreamIntakeOptions) {}

  /** Open connections. */
  get connections(): number {
    return this.conns.size;
  }

  /** Adopts one accepted socket. */
  handle(socket: Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const c = new Connection(socket, this.o, this);
    const gate = this.o.gate;
    if (gate !== undefined) {
      const agency = c.agency?.();
      if (!gate.admitConnection(this.o.transport, c.source, agency)) {
        socket.destroy();
        return;
      }
      c.unclaimed = gate.unclaimed(c.source, agency);
    }
    this.conns.add(c);
    this.o.telemetry.connections.inc();
    socket.setNoDelay(true);
    if (this.o.idleTimeoutMs > 0) {
      socket.setTimeout(this.o.idleTimeoutMs, () => {
        if (c.isPaused) return; // our own back-pressure, not an idle sender
        this.o.telemetry.idleClosed.inc();
        this.o.log.info({ source: socket.remoteAddress }, 'Closing an idle syslog connection');
        socket.end();
      });
    }
    socket.on('data', (chunk: Buffer) => c.onData(chunk));
    socket.on('end', () => c.onEnd());
    socket.on('error', (e) => {
      this.o.telemetry.error('receiving', 'socket');
      this.o.log.debug({ err: e, source: socket.remoteAddress }, 'Syslog connection error');
    });
    socket.on('close', () => {
      c.closed = true;
      this.conns.delete(c);
      // A closed sender may still have records waiting for room: stop() must wait for (or count) them.
      if (c.busy) this.lingering.add(c);
      this.o.telemetry.connections.dec();
    });
  }

  /** Remembers an append so stop() can wait for it. */
  track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Stops reading every connection, waits (up to `graceMs`) for what was read to reach the spool, closes all. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    for (const c of this.conns) {
      c.updateFlow();
      c.flush();
    }
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      if (this.pending.size > 0) await Promise.race([Promise.all(this.pending), sleep(50)]);
      else if ([...this.conns, ...this.lingering].some((c) => c.busy)) await sleep(20);
      else break;
    }
    const closing: Promise<unknown>[] = [];
    for (const c of [...this.conns, ...this.lingering]) {
      c.abandon();
      if (!c.socket.destroyed) closing.push(new Promise((r) => c.socket.once('close', r)));
      c.socket.destroy();
    }
    this.lingering.clear();
    await Promise.all(closing);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
