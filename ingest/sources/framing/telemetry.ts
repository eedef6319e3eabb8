import type { Counter, Gauge } from 'prom-client';
import { counter, gauge, type StageTelemetry, stageTelemetry } from '../../../core/metrics.js';

/** The telemetry every syslog source reports, bound to its component name (`syslog_tcp`, `syslog_udp`...). */
export interface SourceTelemetry extends StageTelemetry {
  connections: Gauge.Internal<string>;
  bytes: Counter.Internal;
  truncated: Counter.Internal;
  framingErrors: Counter.Internal;
  /** Times a connection was paused because the spool had no room (back-pressure, not loss). */
  pauses: Counter.Internal;
  idleClosed: Counter.Internal;
}

/** Telemetry for one source component. */
export function sourceTelemetry(component: string): SourceTelemetry {
  const l = ['component'];
  return {
    ...stageTelemetry(component),
    connections: gauge('canhgac_source_connections', 'Open connections per source', l).labels(component),
    bytes: counter('canhgac_source_received_bytes_total', 'Bytes read from the network per source', l).labels(
      component,
    ),
    truncated: counter(
      'canhgac_source_truncated_messages_total',
      'Messages cut at maxMessageBytes (delivered truncated)',
      l,
    ).labels(component),
    framingErrors: counter(
      'canhgac_source_framing_errors_total',
      'Framing errors (bad octet counts); the stream resyncs at the next delimiter',
      l,
    ).labels(component),
    pauses: counter(
      'canhgac_source_backpressure_pauses_total',
      'Connections paused because the spool was full (resumed when room frees)',
      l,
    ).labels(component),
    idleClosed: counter('canhgac_source_idle_closed_total', 'Connections closed after the idle timeout', l).labels(
      component,
    ),
  };
}
