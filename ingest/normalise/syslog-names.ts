/**
 * Syslog severity and facility names as shippers write them (numbers, digits, `info`, `AUTHPRIV`...), and the
 * document keys the shipper readers (shippers.ts) turn back into the syslog line.
 */

const SEVERITIES: Record<string, number> = {
  emerg: 0,
  emergency: 0,
  panic: 0,
  alert: 1,
  crit: 2,
  critical: 2,
  err: 3,
  error: 3,
  warning: 4,
  warn: 4,
  notice: 5,
  info: 6,
  informational: 6,
  information: 6,
  debug: 7,
};

const FACILITIES: Record<string, number> = {
  kern: 0,
  kernel: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  daemons: 3,
  auth: 4,
  security: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  clock: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  audit: 13,
  'log audit': 13,
  console: 14,
  'log alert': 14,
  'solaris-cron': 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
};

/** A syslog severity 0..7 from a number, a numeric string or a name (`info`, `Informational`, `WARNING`). */
export function severityOf(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= 7 ? v : -1;
  if (typeof v !== 'string' || v === '') return -1;
  if (/^[0-7]$/.test(v)) return Number(v);
  return SEVERITIES[v.toLowerCase()] ?? -1;
}

/** A syslog facility 0..23 from a number, a numeric string or a name (`authpriv`, `AUTHPRIV`, `local7`). */
export function facilityOf(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= 23 ? v : -1;
  if (typeof v !== 'string' || v === '') return -1;
  if (/^\d{1,2}$/.test(v)) {
    const n = Number(v);
    return n <= 23 ? n : -1;
  }
  return FACILITIES[v.toLowerCase()] ?? -1;
}

/**
 * Document keys the readers of shippers.ts turn into the syslog line (header fields, message, times, the raw line): not
 * copied beside the decoded event, which holds them in its own form. Everything else a shipper adds (custom
 * fields, tags, file path, agent, journald's _SYSTEMD_UNIT...) is kept as a payload field.
 */
const CONSUMED = new Set([
  // syslog-ng macros
  'PROGRAM',
  'PID',
  'HOST',
  'MESSAGE',
  'MSGID',
  'ISODATE',
  'R_ISODATE',
  'DATE',
  'PRIORITY',
  'LEVEL',
  'SEVERITY',
  'FACILITY',
  'SOURCEIP',
  'HOST_FROM',
  'LEGACY_MSGHDR',
  'SOURCE',
  // rsyslog properties, Vector syslog, Logstash legacy
  'msg',
  'message',
  'rawmsg',
  'programname',
  'app-name',
  'program',
  'syslogtag',
  'tag',
  'raw_tag',
  'procid',
  'pid',
  'msgid',
  'hostname',
  'host',
  'sysloghost',
  'fromhost',
  'fromhost-ip',
  'timereported',
  'timegenerated',
  'timestamp',
  'syslogseverity',
  'syslogseverity-text',
  'severity',
  'severity_label',
  'priority',
  'syslogfacility',
  'syslogfacility-text',
  'facility',
  'facility_label',
  'pri',
  'appname',
  'source_ip',
  'logsource',
  'protocol-version',
  'structured-data',
  'inputname',
  'uuid',
  'version',
  // journald, Fluent Bit, NXLog
  'SYSLOG_IDENTIFIER',
  'SYSLOG_PID',
  'SYSLOG_FACILITY',
  'SYSLOG_TIMESTAMP',
  'SYSLOG_RAW',
  '_PID',
  '_COMM',
  '_HOSTNAME',
  'PRIORITY',
  '__REALTIME_TIMESTAMP',
  '_SOURCE_REALTIME_TIMESTAMP',
  '__MONOTONIC_TIMESTAMP',
  '__CURSOR',
  'ident',
  'time',
  'date',
  '@timestamp',
  '@version',
  'log',
  'remote',
  'user',
  'method',
  'path',
  'code',
  'size',
  'referer',
  'agent',
  'Message',
  'SourceName',
  'ProcessID',
  'Hostname',
  'EventTime',
  'EventReceivedTime',
  'SyslogSeverity',
  'SyslogSeverityValue',
  'SyslogFacility',
  'SyslogFacilityValue',
  'Severity',
  'SeverityValue',
  'MessageSourceAddress',
  // ECS (Beats, Elastic Agent, Logstash 8)
  'file',
  'process.name',
  'process.pid',
  'process.program',
  'host.hostname',
  'host.name',
  'event.original',
  'log.source.address',
]);
const CONSUMED_PREFIXES = ['log.syslog.', 'syslog.', '$'];

/** Whether a flattened document key is part of the syslog line a reader rebuilt (so not kept beside it). */
export function consumedKey(k: string): boolean {
  if (CONSUMED.has(k)) return true;
  for (const p of CONSUMED_PREFIXES) if (k.startsWith(p)) return true;
  return false;
}
