/** Syslog over TLS (RFC 5425) with optional client certificates naming the agency. */
export { DEFAULT_SYSLOG_TLS, type SyslogTlsConfig, syslogTlsConfig } from './config.js';
export { certAgency, loadPem, SyslogTlsSource } from './source.js';
