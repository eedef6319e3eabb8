import type { Server, Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import type { Spool } from '../../spool/types.js';
import { type CertAgencyLookup, certAgencyResolver, tlsServerOptions } from '../framing/tls.js';
import type { SenderGate } from '../gate.js';
import { StreamSource } from '../syslog-tcp/source.js';
import { type SyslogTlsConfig, syslogTlsConfig } from './config.js';

/** The syslog TLS source (RFC 5425): the TCP source's framing and back-pressure over TLS, agency from certificates. */
export class SyslogTlsSource extends StreamSource {
  private readonly tlsConfig: SyslogTlsConfig;

  /**
   * `opts.certAgency`: a live lookup (the agency directory) asked after the configured `certAgencies`, for each
   * record, so certificate names given to agencies through the API count without a restart.
   */
  constructor(
    config: Partial<SyslogTlsConfig>,
    spool: Spool,
    opts: { certAgency?: CertAgencyLookup; gate?: SenderGate } = {},
  ) {
    const c = syslogTlsConfig(config);
    const resolver = certAgencyResolver(c.certAgencies, opts.certAgency);
    super('syslog_tls', 'tls', c, spool, (s: Socket) => resolver(s as TLSSocket), opts.gate);
    this.tlsConfig = c;
  }

  protected createServer(): Server {
    const server = createServer(tlsServerOptions(this.kind, this.tlsConfig), (sock) => this.intake.handle(sock));
    server.on('tlsClientError', (e, sock) => {
      this.telemetry.error('receiving', 'tls_handshake');
      this.log.warn({ err: e.message, source: sock.remoteAddress }, 'TLS handshake with a syslog client failed');
    });
    return server;
  }
}
