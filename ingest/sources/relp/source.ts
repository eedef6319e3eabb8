import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { newEventId } from '../../../core/ids.js';
import { logger } from '../../../core/log.js';
import { type RawRecord, type Spool, SpoolFullError } from '../../spool/types.js';
import { senderAddress } from '../framing/address.js';
import { sourceError } from '../framing/errors.js';
import { type SourceTelemetry, sourceTelemetry } from '../framing/telemetry.js';
import { type CertAgencyLookup, certAgencyResolver, tlsServerOptions } from '../framing/tls.js';
import type { SenderGate } from '../gate.js';
import { type RelpConfig, relpConfig } from './config.js';
import { encodeRelp, type RelpFrame, RelpParser, type RelpSink } from './parser.js';

const log = logger('relp');

const OPEN_OFFERS = 'relp_version=0\nrelp_software=canhgac,0.1.0,https://github.com/canhgac\ncommands=syslog';

type Item =
  | { kind: 'syslog'; txnr: number; rec: RawRecord }
  | { kind: 'open'; txnr: number }
  | { kind: 'close'; txnr: number }
  | { kind: 'refuse'; txnr: number; reason: string };

/** One RELP session: frames in, records appended, `rsp 200` written only once the append is durable. */
class RelpConnection implements RelpSink {
  private readonly parser: RelpParser;
  readonly source: string;
  readonly agency: (() => string | undefined) | undefined;
  /** Admitted although no agency claims the sender (accept / quarantine): its records are counted. */
  unclaimed = false;
  private queue: Item[] = [];
  private unacked = 0;
  private busy = false;
  private waitingRoom = false;
  private paused = false;
  private opened = false;
  private ending = false;
  closed = false;

  constructor(
    readonly socket: Socket,
    private readonly src: RelpSource,
    private readonly t: SourceTelemetry,
  ) {
    this.parser = new RelpParser(this, src.config.maxMessageBytes);
    this.source = senderAddress(socket.remoteAddress);
    this.agency = src.tls ? src.certResolver(socket as TLSSocket) : undefined;
  }

  frame(f: RelpFrame): void {
    switch (f.command) {
      case 'syslog': {
        if (!this.opened) {
          this.queue.push({ kind: 'refuse', txnr: f.txnr, reason: '500 session not open' });
          return;
        }
        if (f.truncated) this.t.truncated.inc();
        const now = Date.now();
        this.queue.push({
          kind: 'syslog',
          txnr: f.txnr,
          rec: {
            id: newEventId(now),
            receivedAt: now,
            transport: 'relp',
            source: this.source,
            agency: this.agency?.(),
            format: this.src.config.format,
            data: f.data,
          },
        });
        this.unacked++;
        this.t.received();
        if (this.unclaimed) this.src.gate?.countAdmitted('relp', 1);
        return;
      }
      case 'open':
        this.opened = true;
        this.queue.push({ kind: 'open', txnr: f.txnr });
        return;
      case 'close':
        this.queue.push({ kind: 'close', txnr: f.txnr });
        return;
      default:
        this.queue.push({ kind: 'refuse', txnr: f.txnr, reason: '500 command not supported' });
    }
  }

  error(offset: number, reason: string): void {
    this.t.framingErrors.inc();
    this.t.error('receiving', 'framing');
    log.warn(
      { source: this.source, offset, reason },
      'Bad RELP framing: closing the session after acking what came before',
    );
    this.ending = true;
  }

  onData(chunk: Buffer): void {
    this.t.bytes.inc(chunk.length);
    this.parser.push(chunk);
    void this.pump();
    this.updateFlow();
  }

  /** Processes queued frames in order: one spool append per round, then every response of the round. */
  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const items = this.queue;
        this.queue = [];
        const recs: RawRecord[] = [];
        for (const it of items) if (it.kind === 'syslog') recs.push(it.rec);
        const ok = recs.length === 0 || (await this.appendDurably(recs));
        let out = '';
        for (const it of items) {
          if (it.kind === 'syslog') out += rsp(it.txnr, ok ? '200 OK' : '500 cannot store the message now');
          else if (it.kind === 'open') out += rsp(it.txnr, `200 OK\n${OPEN_OFFERS}`);
          else if (it.kind === 'close') {
            out += rsp(it.txnr, '');
            this.ending = true;
          } else out += rsp(it.txnr, it.reason);
        }
        this.unacked -= recs.length;
        if (ok) this.t.sent(recs.length);
        if (!this.socket.destroyed) this.socket.write(out);
        this.updateFlow();
      }
    } finally {
      this.busy = false;
    }
    if (this.ending && !this.socket.destroyed) this.socket.end();
  }

  private async appendDurably(recs: RawRecord[]): Promise<boolean> {
    for (;;) {
      try {
        await this.src.spool.append(recs);
        return true;
      } catch (e) {
        if (!(e instanceof SpoolFullError)) {
          this.t.error('sending', 'spool_append');
          log.error({ err: e, records: recs.length }, 'RELP messages refused (500): the spool append failed');
          return false;
        }
        if (this.src.stopping || this.closed) return false;
        // Not acking is RELP's back-pressure: the sender's window fills and it waits; we stop reading too.
        this.waitingRoom = true;
        this.t.pauses.inc();
        this.updateFlow();
        await new Promise<void>((r) => this.src.spool.onceRoom(() => setTimeout(r, 5)));
        this.waitingRoom = false;
      }
    }
  }

  updateFlow(): void {
    const stop = this.src.stopping || this.waitingRoom || this.unacked >= this.src.config.maxWindow;
    if (stop && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!stop && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get idle(): boolean {
    return !this.busy && this.queue.length === 0;
  }
}

function rsp(txnr: number, data: string): string {
  if (data.length === 0) return `${txnr} rsp 0\n`;
  return `${txnr} rsp ${Buffer.byteLength(data)} ${data}\n`;
}

/**
 * The RELP source (rsyslog omrelp / imrelp protocol): each `syslog` frame is acknowledged with `rsp 200` only
 * after its spool append resolved, so an acknowledged message survives a crash. A full spool delays acks
 * (and reading) instead of refusing.
 */
export class RelpSource {
  readonly kind = 'relp';
  readonly config: RelpConfig;
  private readonly t = sourceTelemetry('relp');
  private server: Server | undefined;
  private readonly conns = new Set<RelpConnection>();
  stopping = false;

  /** What to do with senders no agency claims (decided per session, at accept). */
  readonly gate: SenderGate | undefined;

  /** Per-connection agency from a verified client certificate: configured `certAgencies`, then the live lookup. */
  readonly certResolver: (sock: TLSSocket) => (() => string | undefined) | undefined;

  /**
   * `opts.certAgency`: a live lookup (the agency directory) asked after the configured `certAgencies`, for each
   * record, so certificate names given to agencies through the API count without a restart.
   */
  constructor(
    config: Partial<RelpConfig>,
    readonly spool: Spool,
    opts: { certAgency?: CertAgencyLookup; gate?: SenderGate } = {},
  ) {
    this.config = relpConfig(config);
    this.gate = opts.gate;
    this.certResolver = certAgencyResolver(this.config.certAgencies, opts.certAgency);
  }

  /** Open sessions. */
  get connections(): number {
    return this.conns.size;
  }

  /** Whether sessions run over TLS (cert and key configured). */
  get tls(): boolean {
    return Boolean(this.config.certFile);
  }

  private createServer(): Server {
    const c = this.config;
    if (!this.tls) return createServer({ noDelay: true }, (s) => this.handle(s));
    const server = createTlsServer(tlsServerOptions('relp', c), (s) => this.handle(s));
    server.on('tlsClientError', (e, sock) => {
      this.t.error('receiving', 'tls_handshake');
      log.warn({ err: e.message, source: sock.remoteAddress }, 'TLS handshake with a RELP client failed');
    });
    return server;
  }

  /** Starts listening; resolves with the bound port. */
  async start(): Promise<number> {
    const server = this.createServer();
    server.maxConnections = this.config.maxConnections;
    server.on('drop', () => this.t.dropped('max_connections'));
    this.server = server;
    const { host, port } = this.config;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) =>
        reject(sourceError('CANHGAC_ERR_SOURCE_LISTEN', { kind: 'relp', host, port, reason: e.message }, { cause: e })),
      );
      server.listen({ host, port, backlog: 4096 }, resolve);
    });
    server.on('error', (e) => log.error({ err: e }, 'RELP server error'));
    const bound = (server.address() as { port: number }).port;
    log.info({ host, port: bound, tls: this.tls }, 'RELP source listening');
    return bound;
  }

  private handle(socket: Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const c = new RelpConnection(socket, this, this.t);
    if (this.gate !== undefined) {
      const agency = c.agency?.();
      if (!this.gate.admitConnection('relp', c.source, agency)) {
        socket.destroy();
        return;
      }
      c.unclaimed = this.gate.unclaimed(c.source, agency);
    }
    this.conns.add(c);
    this.t.connections.inc();
    if (this.config.idleTimeoutMs > 0) {
      socket.setTimeout(this.config.idleTimeoutMs, () => {
        if (c.isPaused || !c.idle) return;
        this.t.idleClosed.inc();
        socket.end();
      });
    }
    socket.on('data', (chunk: Buffer) => c.onData(chunk));
    socket.on('error', (e) => {
      this.t.error('receiving', 'socket');
      log.debug({ err: e, source: socket.remoteAddress }, 'RELP connection error');
    });
    socket.on('close', () => {
      c.closed = true;
      this.conns.delete(c);
      this.t.connections.dec();
    });
  }

  /** Stops accepting and reading, acks what is being stored (up to `graceMs`), tells clients `serverclose`. */
  async stop(graceMs = 5000): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    this.stopping = true;
    const closed = new Promise<void>((r) => s.close(() => r()));
    for (const c of this.conns) c.updateFlow();
    const deadline = Date.now() + graceMs;
    while ([...this.conns].some((c) => !c.idle) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const ends: Promise<unknown>[] = [];
    for (const c of this.conns) {
      if (c.socket.destroyed) continue;
      ends.push(new Promise((r) => c.socket.once('close', r)));
      c.socket.end(encodeRelp(0, 'serverclose', ''));
      setTimeout(() => c.socket.destroy(), 1000).unref();
    }
    await Promise.all(ends);
    await closed;
  }
}
