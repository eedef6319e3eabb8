import { checkInt, resolveConfig } from '../framing/config.js';
import { sourceError } from '../framing/errors.js';

/** Configuration of the RELP source (rsyslog omrelp: reliable delivery, ack after the spool). */
export interface RelpConfig {
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
  /** RELP over TLS (omrelp `tls="on"`) when set: server certificate chain (PEM text or path). */
  cert?: string;
  /** Server private key (PEM text or path), with `cert`. */
  key?: string;
  /** CA bundle client certificates must chain to (PEM text or path); enables client verification. */
  ca?: string;
  /** Ask clients for a certificate (default: true when `ca` is set). */
  requestClientCert: boolean;
  /** Refuse clients without a valid certificate (default true; only with requestClientCert). */
  rejectUnauthorized: boolean;
  /** Client certificate name (CN or SAN DNS) -> agency id. */
  certAgencies?: Record<string, string>;
}

/** Defaults: 0.0.0.0:2514, 128 KiB messages, 1024 frames in flight, 10 min idle timeout. */
export const DEFAULT_RELP: RelpConfig = {
  host: '0.0.0.0',
  port: 2514,
  maxMessageBytes: 128 * 1024,
  maxWindow: 1024,
  idleTimeoutMs: 10 * 60 * 1000,
  maxConnections: 10_000,
  requestClientCert: false,
  rejectUnauthorized: true,
};

/** Defaults merged with `given`, validated. */
export function relpConfig(given?: Partial<RelpConfig>): RelpConfig {
  const c = resolveConfig('relp', DEFAULT_RELP, given);
  if (given?.ca && given.requestClientCert === undefined) c.requestClientCert = true;
  if (Boolean(c.cert) !== Boolean(c.key)) {
    throw sourceError('CANHGAC_ERR_SOURCE_BAD_CONFIG', { kind: 'relp', reason: 'TLS needs both cert and key' });
  }
  checkInt('relp', 'port', c.port, 0, 65535);
  checkInt('relp', 'maxMessageBytes', c.maxMessageBytes, 16, 64 * 1024 * 1024);
  checkInt('relp', 'maxWindow', c.maxWindow, 1, 1_000_000);
  checkInt('relp', 'idleTimeoutMs', c.idleTimeoutMs, 0, 2 ** 31 - 1);
  checkInt('relp', 'maxConnections', c.maxConnections, 1, 1_000_000);
  return c;
}
