import { readFileSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import type { Spool } from '../../spool/types.js';
import { sourceError } from '../framing/errors.js';
import { StreamSource } from '../syslog-tcp/source.js';
import { type SyslogTlsConfig, syslogTlsConfig } from './config.js';

/** PEM text as is, anything else read as a file path. */
export function loadPem(kind: string, what: string, v: string): string {
  if (v.includes('-----BEGIN')) return v;
  try {
    return readFileSync(v, 'utf8');
  } catch (e) {
    throw sourceError('CANHGAC_ERR_SOURCE_BAD_CONFIG', { kind, reason: `cannot read ${what} ${v}` }, { cause: e });
  }
}

/**
 * The agency a verified client certificate names: the subject CN, then each SAN DNS name, looked up in
 * `map`. Unverified certificates name nobody (an attacker could present any CN).
 */
export function certAgency(sock: TLSSocket, map: Record<string, string> | undefined): string | undefined {
  if (!map || !sock.authorized) return undefined;
  const cert = sock.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return undefined;
  const names: string[] = [];
  const cn = cert.subject?.CN;
  if (typeof cn === 'string') names.push(cn);
  else if (Array.isArray(cn)) names.push(...(cn as string[]));
  for (const part of (cert.subjectaltname ?? '').split(',')) {
    const m = /^\s*DNS:(.+)$/.exec(part);
    if (m) names.push(m[1]!.trim());
  }
  for (const n of names) {
    const a = Object.hasOwn(map, n) ? map[n] : undefined;
    if (a) return a;
  }
  return undefined;
}

/** The syslog TLS source (RFC 5425): the TCP source's framing and back-pressure over TLS, agency from certificates. */
export class SyslogTlsSource extends StreamSource {
  private readonly tlsConfig: SyslogTlsConfig;

  constructor(config: Partial<SyslogTlsConfig>, spool: Spool) {
    const c = syslogTlsConfig(config);
    super('syslog_tls', 'tls', c, spool, (s: Socket) => certAgency(s as TLSSocket, c.certAgencies));
    this.tlsConfig = c;
  }

  protected createServer(): Server {
    const c = this.tlsConfig;
    const server = createServer(
      {
        cert: loadPem(this.kind, 'cert', c.cert!),
        key: loadPem(this.kind, 'key', c.key!),
        ...(c.ca ? { ca: loadPem(this.kind, 'ca', c.ca) } : {}),
        requestCert: c.requestClientCert,
        rejectUnauthorized: c.requestClientCert && c.rejectUnauthorized,
        minVersion: 'TLSv1.2',
        handshakeTimeout: 30_000,
      },
      (sock) => this.intake.handle(sock),
    );
    server.on('tlsClientError', (e, sock) => {
      this.telemetry.error('receiving', 'tls_handshake');
      this.log.warn({ err: e.message, source: sock.remoteAddress }, 'TLS handshake with a syslog client failed');
    });
    return server;
  }
}
