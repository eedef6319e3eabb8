import { checkInt, resolveConfig } from '../framing/config.js';
import type { Framing } from '../framing/framer.js';
import { sourceError } from '../framing/errors.js';

/** Configuration of the syslog TCP source (RFC 6587). */
export interface SyslogTcpConfig {
  /** Listen address. */
  host: string;
  /** Listen port (0 = any free port, for tests). */
  port: number;
  /** `auto` (default) detects octet-counted vs LF/NUL-delimited per message. */
  framing: Framing;
  /** Longer messages are truncated (counted) and the stream resyncs. */
  maxMessageBytes: number;
  /** Close connections silent for this long, ms (0 = never). */
  idleTimeoutMs: number;
  /** Refuse connections beyond this many. */
  maxConnections: number;
  /** Pause a connection while this many of its bytes wait for the spool. */
  maxInflightBytes: number;
  /** Decoder hint for every record (e.g. `rfc5424`); absent = auto. */
  format?: string;
}

/** Defaults: 0.0.0.0:5514, auto framing, 64 KiB messages, 5 min idle timeout, 10,000 connections. */
export const DEFAULT_SYSLOG_TCP: SyslogTcpConfig = {
  host: '0.0.0.0',
  port: 5514,
  framing: 'auto',
  maxMessageBytes: 64 * 1024,
  idleTimeoutMs: 5 * 60 * 1000,
  maxConnections: 10_000,
  maxInflightBytes: 1024 * 1024,
};

const FRAMINGS: readonly Framing[] = ['auto', 'octet-counted', 'lf', 'nul'];

/** Validates a stream source's common settings. */
export function checkStreamConfig(kind: string, c: SyslogTcpConfig): void {
  checkInt(kind, 'port', c.port, 0, 65535);
  checkInt(kind, 'maxMessageBytes', c.maxMessageBytes, 16, 64 * 1024 * 1024);
  checkInt(kind, 'idleTimeoutMs', c.idleTimeoutMs, 0, 2 ** 31 - 1);
  checkInt(kind, 'maxConnections', c.maxConnections, 1, 1_000_000);
  checkInt(kind, 'maxInflightBytes', c.maxInflightBytes, 1024, 2 ** 31 - 1);
  if (!FRAMINGS.includes(c.framing)) {
    throw sourceError('CANHGAC_ERR_SOURCE_BAD_CONFIG', {
      kind,
      reason: `framing must be one of ${FRAMINGS.join(', ')}`,
    });
  }
}

/** Defaults merged with `given`, validated. */
export function syslogTcpConfig(given?: Partial<SyslogTcpConfig>): SyslogTcpConfig {
  const c = resolveConfig('syslog_tcp', DEFAULT_SYSLOG_TCP, given);
  checkStreamConfig('syslog_tcp', c);
  return c;
}
