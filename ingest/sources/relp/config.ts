import { checkInt, resolveConfig } from '../framing/config.js';
import { checkTlsConfig, type SourceTlsConfig } from '../framing/tls.js';

/** Configuration of the RELP source; with certFile and keyFile it speaks RELP over TLS (omrelp `tls="on"`). */
export interface RelpConfig extends SourceTlsConfig {
  /** Listen address. */
  host: string;
  /** Listen port (0 = any free port, for tests). */
  port: number;
  /** Longer syslog messages are truncated (counted) and still acknowledged. */
  maxMessageBytes: number;
  /** Unacknowledged frames per connection before we stop reading it (the sender's window is usually 128). */
  maxWindow: number;
  /** Close connections silent for this long, ms (0 = never). */
  idleTimeoutMs: number;
  /** Refuse connections beyond this many. */
  maxConnections: number;
  /** Decoder hint for every record; absent = auto. */
  format?: string;
}

/** Defaults: 0.0.0.0:2514, 128 KiB messages, 1024 frames in flight, 10 min idle timeout. */
export const DEFAULT_RELP: RelpConfig = {
  host: '0.0.0.0',
  port: 2514,
  maxMessageBytes: 128 * 1024,
  maxWindow: 1024,
  idleTimeoutMs: 10 * 60 * 1000,
  maxConnections: 10_000,
  requireClientCert: false,
};

/** Defaults merged with `given`, validated. */
export function relpConfig(given?: Partial<RelpConfig>): RelpConfig {
  const c = resolveConfig('relp', DEFAULT_RELP, given);
  checkTlsConfig('relp', c, false);
  checkInt('relp', 'port', c.port, 0, 65535);
  checkInt('relp', 'maxMessageBytes', c.maxMessageBytes, 16, 64 * 1024 * 1024);
  checkInt('relp', 'maxWindow', c.maxWindow, 1, 1_000_000);
  checkInt('relp', 'idleTimeoutMs', c.idleTimeoutMs, 0, 2 ** 31 - 1);
  checkInt('relp', 'maxConnections', c.maxConnections, 1, 1_000_000);
  return c;
}
