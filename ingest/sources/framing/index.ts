/** Syslog stream framing (RFC 6587/5425) and the connection handling shared by the TCP and TLS sources. */
export { type Framing, type FramerOptions, type FramerSink, SyslogFramer } from './framer.js';
export { StreamIntake, type StreamIntakeOptions } from './connection.js';
export { type SourceTelemetry, sourceTelemetry } from './telemetry.js';
export { SOURCE_ERRORS, sourceError } from './errors.js';
export { senderAddress } from './address.js';
export { checkInt, resolveConfig } from './config.js';
export {
  agencyOfNames,
  type CertAgencyLookup,
  certAgency,
  certAgencyResolver,
  certNames,
  checkTlsConfig,
  loadPem,
  type SourceTlsConfig,
  tlsServerOptions,
} from './tls.js';
