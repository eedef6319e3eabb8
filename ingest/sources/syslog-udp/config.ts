import { checkInt, resolveConfig } from '../framing/config.js';

/** Configuration of the syslog UDP source (one datagram = one message). */
export interface SyslogUdpConfig {
  /** Listen address (an IPv6 address listens on udp6). */
  host: string;
  /** Listen port (0 = any free port, for tests). */
  port: number;
  /** SO_RCVBUF asked of the kernel, bytes: bursts queue here while the event loop is busy (capped by rmem_max). */
  recvBufferBytes: number;
  /** Longer datagrams are truncated (counted). */
  maxMessageBytes: number;
  /** Records per spool append (datagrams received in one event-loop turn are appended together). */
  batchSize: number;
  /** How often the kernel's UDP receive errors (/proc/net/snmp) are read, ms (0 = never). */
  kernelStatsIntervalMs: number;
  /** Decoder hint for every record; absent = auto. */
  format?: string;
}

/** Defaults: 0.0.0.0:5514, 8 MiB receive buffer, whole datagrams, batches of 512, kernel stats every 5 s. */
export const DEFAULT_SYSLOG_UDP: SyslogUdpConfig = {
  host: '0.0.0.0',
  port: 5514,
  recvBufferBytes: 8 * 1024 * 1024,
  maxMessageBytes: 65535,
  batchSize: 512,
  kernelStatsIntervalMs: 5000,
};

/** Defaults merged with `given`, validated. */
export function syslogUdpConfig(given?: Partial<SyslogUdpConfig>): SyslogUdpConfig {
  const c = resolveConfig('syslog_udp', DEFAULT_SYSLOG_UDP, given);
  checkInt('syslog_udp', 'port', c.port, 0, 65535);
  checkInt('syslog_udp', 'recvBufferBytes', c.recvBufferBytes, 4096, 2 ** 31 - 1);
  checkInt('syslog_udp', 'maxMessageBytes', c.maxMessageBytes, 16, 65535);
  checkInt('syslog_udp', 'batchSize', c.batchSize, 1, 100_000);
  checkInt('syslog_udp', 'kernelStatsIntervalMs', c.kernelStatsIntervalMs, 0, 2 ** 31 - 1);
  return c;
}
