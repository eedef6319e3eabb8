import { resolveConfig } from '../framing/config.js';
import { sourceError } from '../framing/errors.js';
import { checkStreamConfig, DEFAULT_SYSLOG_TCP, type SyslogTcpConfig } from '../syslog-tcp/config.js';

/** Configuration of the syslog TLS source (RFC 5425). PEM values may be the PEM text or a file path. */
export interface SyslogTlsConfig extends SyslogTcpConfig {
  /** Server certificate chain (PEM text or path). */
  cert?: string;
  /** Server private key (PEM text or path). */
  key?: string;
  /** CA bundle that client certificates must chain to (PEM text or path); enables client verification. */
  ca?: string;
  /** Ask clients for a certificate (default: true when `ca` is set). */
  requestClientCert: boolean;
  /** Refuse clients without a valid certificate (default true; only meaningful with requestClientCert). */
  rejectUnauthorized: boolean;
  /** Client certificate name (subject CN or a SAN DNS name) -> agency id, for intake-time tenancy. */
  certAgencies?: Record<string, string>;
}

/** Defaults: the TCP ones on port 6514, client certificates required when a CA is configured. */
export const DEFAULT_SYSLOG_TLS: SyslogTlsConfig = {
  ...DEFAULT_SYSLOG_TCP,
  port: 6514,
  requestClientCert: false,
  rejectUnauthorized: true,
};

/** Defaults merged with `given`, validated (cert and key are required). */
export function syslogTlsConfig(given?: Partial<SyslogTlsConfig>): SyslogTlsConfig {
  const c = resolveConfig('syslog_tls', DEFAULT_SYSLOG_TLS, given);
  if (given?.ca && given.requestClientCert === undefined) c.requestClientCert = true;
  checkStreamConfig('syslog_tls', c);
  if (!c.cert || !c.key) {
    throw sourceError('CANHGAC_ERR_SOURCE_BAD_CONFIG', { kind: 'syslog_tls', reason: 'cert and key are required' });
  }
  return c;
}
