/** Syslog over TCP (RFC 6587). */
export { checkStreamConfig, DEFAULT_SYSLOG_TCP, type SyslogTcpConfig, syslogTcpConfig } from './config.js';
export { StreamSource, SyslogTcpSource } from './source.js';
