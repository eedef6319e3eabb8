import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { logger } from '../../../core/log.js';
import type { Spool, Transport } from '../../spool/types.js';
import { StreamIntake } from '../framing/connection.js';
import { sourceError } from '../framing/errors.js';
import { type SourceTelemetry, sourceTelemetry } from '../framing/telemetry.js';
import type { SenderGate } from '../gate.js';
import { type SyslogTcpConfig, syslogTcpConfig } from './config.js';

/** Listens on a stream server and feeds accepted sockets to a StreamIntake (shared by TCP and TLS). */
export abstract class StreamSource {
  protected server: Server | undefined;
  protected readonly intake: StreamIntake;
  protected readonly log: Logger;
  protected readonly telemetry: SourceTelemetry;

  constructor(
    readonly kind: string,
    transport: Transport,
    readonly config: SyslogTcpConfig,
    spool: Spool,
    agencyOf?: (s: Socket) => (() => string | undefined) | undefined,
    gate?: SenderGate,
  ) {
    this.log = logger(kind);
    this.telemetry = sourceTelemetry(kind);
    this.intake = new StreamIntake({
      transport,
      spool,
      telemetry: this.telemetry,
      log: this.log,
      framing: config.framing,
      maxMessageBytes: config.maxMessageBytes,
      idleTimeoutMs: config.idleTimeoutMs,
      maxInflightBytes: config.maxInflightBytes,
      ...(config.format ? { format: config.format } : {}),
      ...(agencyOf ? { agencyOf } : {}),
      ...(gate ? { gate } : {}),
    });
  }

  protected abstract createServer(): Server;

  /** Open connections. */
  get connections(): number {
    return this.intake.connections;
  }

  /** Starts listening; resolves with the bound port (port 0 picks a free one). */
  async start(): Promise<number> {
    const server = this.createServer();
    server.maxConnections = this.config.maxConnections;
    server.on('drop', () => this.telemetry.dropped('max_connections'));
    this.server = server;
    const { host, port } = this.config;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) =>
        reject(
          sourceError('CANHGAC_ERR_SOURCE_LISTEN', { kind: this.kind, host, port, reason: e.message }, { cause: e }),
        ),
      );
      // A large accept backlog: thousands of agents reconnect at once after a restart.
      server.listen({ host, port, backlog: 4096 }, resolve);
    });
    server.on('error', (e) => this.log.error({ err: e }, 'Syslog server error'));
    const bound = (server.address() as { port: number }).port;
    this.log.info({ host, port: bound }, 'Syslog source listening');
    return bound;
  }

  /** Stops accepting, waits for what was read to reach the spool, closes every connection. */
  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    const closed = new Promise<void>((r) => s.close(() => r()));
    await this.intake.stop();
    await closed;
  }
}

/** The syslog TCP source: RFC 6587 framing detected per message, back-pressure instead of loss. */
export class SyslogTcpSource extends StreamSource {
  /** `opts.gate`: what to do with senders no agency claims (decided per connection, at accept). */
  constructor(config: Partial<SyslogTcpConfig>, spool: Spool, opts: { gate?: SenderGate } = {}) {
    super('syslog_tcp', 'tcp', syslogTcpConfig(config), spool, undefined, opts.gate);
  }

  protected createServer(): Server {
    return createServer({ noDelay: true }, (sock) => this.intake.handle(sock));
  }
}
