/**
 * Config overrides that put every listener (REST API, HTTP intake, syslog UDP and TCP, RELP) on 127.0.0.1 with a
 * port the kernel picks: for tests and benchmarks that start the service beside others on one machine.
 */
export const LOOPBACK_LISTENERS: Readonly<Record<string, unknown>> = Object.freeze({
  'api.port': 0,
  'api.host': '127.0.0.1',
  'intake.port': 0,
  'intake.host': '127.0.0.1',
  'syslog.udp.port': 0,
  'syslog.udp.host': '127.0.0.1',
  'syslog.tcp.port': 0,
  'syslog.tcp.host': '127.0.0.1',
  'syslog.relp.port': 0,
  'syslog.relp.host': '127.0.0.1',
});
