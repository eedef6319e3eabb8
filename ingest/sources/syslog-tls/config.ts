import { resolveConfig } from '../framing/config.js';
import { checkTlsConfig, type SourceTlsConfig } from '../framing/tls.js';
import { checkStreamConfig, DEFAULT_SYSLOG_TCP, type SyslogTcpConfig } from '../syslog-tcp/config.js';

/** Configuration of the syslog TLS source (RFC 5425): the TCP settings plus certificates. */
export interface SyslogTlsConfig extends SyslogTcpConfig, SourceTlsConfig {}

/** Defaults: the TCP ones on port 6514; client certificates asked for when caFile is set, not required. */
export const DEFAULT_SYSLOG_TLS: SyslogTlsConfig = {
  ...DEFAULT_SYSLOG_TCP,
  port: 6514,
  requireClientCert: false,
};

/** Defaults merged with `given`, validated (certFile and keyFile are required). */
export function syslogTlsConfig(given?: Partial<SyslogTlsConfig>): SyslogTlsConfig {
  const c = resolveConfig('syslog_tls', DEFAULT_SYSLOG_TLS, given);
  checkStreamConfig('syslog_tls', c);
  checkTlsConfig('syslog_tls', c, true);
  return c;
}
