/** Syslog over TLS (RFC 5425) with optional client certificates naming the agency. */
export { certAgency, loadPem, type SourceTlsConfig, tlsServerOptions } from '../framing/tls.js';
export { DEFAULT_SYSLOG_TLS, type SyslogTlsConfig, syslogTlsConfig } from './config.js';
export { SyslogTlsSource } from './source.js';
