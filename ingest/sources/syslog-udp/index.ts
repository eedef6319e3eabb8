/** Syslog over UDP (RFC 5426 / legacy BSD syslog): one datagram, one message. */
export { DEFAULT_SYSLOG_UDP, type SyslogUdpConfig, syslogUdpConfig } from './config.js';
export { parseUdpSnmp, readUdpKernelStats, type UdpKernelStats } from './kernel-stats.js';
export { SyslogUdpSource } from './source.js';
