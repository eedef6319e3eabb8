/**
 * The shipper matrix's generators: one raw line (a syslog line, an access-log line or an NXLog Windows event) ->
 * the document each shipper would send for it, in the shape of that shipper's fixture in
 * ingest/normalise/fixtures/shippers/ (shippers.test.ts checks that each generator's keys are its fixture's).
 */

/** The parts of an RFC 3164 line as rsyslog/syslog-ng would parse them. */
export interface SyslogParts {
  pri: number;
  /** ISO 8601 with the sender's +07:00 offset (Vietnam), year of the samples. */
  iso: string;
  /** `Nov 22 10:15:00` */
  bsd: string;
  host: string;
  program: string;
  pid: string | undefined;
  message: string;
  /** The line as a file on the host holds it (no PRI). */
  fileLine: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SEV = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
const FAC = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
];

/** Parses `<PRI>Mmm dd hh:mm:ss host program[pid]: message`; throws on anything else (test data only). */
export function parseSyslog(line: string): SyslogParts {
  const m = /^<(\d+)>(\w{3}) ([ \d]\d) (\d\d:\d\d:\d\d) (\S+) ([^[:\s]+)(?:\[(\d+)\])?: ?(.*)$/.exec(line);
  if (!m) throw new Error(`not a syslog line: ${line}`);
  const month = String(MONTHS.indexOf(m[2]!) + 1).padStart(2, '0');
  const day = m[3]!.trim().padStart(2, '0');
  const bsd = `${m[2]} ${m[3]} ${m[4]}`;
  return {
    pri: Number(m[1]),
    iso: `2026-${month}-${day}T${m[4]}+07:00`,
    bsd,
    host: m[5]!,
    program: m[6]!,
    pid: m[7],
    message: m[8]!,
    fileLine: line.slice(line.indexOf('>') + 1),
  };
}

const utc = (iso: string) => new Date(iso).toISOString();
const sev = (p: SyslogParts) => SEV[p.pri & 7]!;
const fac = (p: SyslogParts) => FAC[p.pri >> 3]!;
const tag = (p: SyslogParts) => `${p.program}${p.pid ? `[${p.pid}]` : ''}:`;
const opt = (k: string, v: string | undefined) => (v === undefined ? {} : { [k]: v });

/** A generator: a syslog line -> the shipper's document. */
export type SyslogShape = (p: SyslogParts) => Record<string, unknown>;

/** Shippers that carry syslog lines, by `shipper/source kind` (the fixture's file name). */
export const SYSLOG_SHAPES: Record<string, SyslogShape> = {
  // elastic-http.conf: $(format-json --scope rfc5424 --exclude DATE --key ISODATE @timestamp=${ISODATE})
  'syslog-ng/elasticsearch-http': (p) => ({
    PROGRAM: p.program,
    PRIORITY: sev(p),
    ...opt('PID', p.pid),
    MESSAGE: p.message,
    ISODATE: p.iso,
    HOST: p.host,
    FACILITY: fac(p),
    '@timestamp': p.iso,
  }),
  // http() with body("$(format-json --scope rfc5424 --scope nv-pairs --key ISODATE)")
  'syslog-ng/http-nv-pairs': (p) => ({
    SOURCE: 's_net',
    PROGRAM: p.program,
    PRIORITY: sev(p),
    ...opt('PID', p.pid),
    MESSAGE: p.message,
    LEGACY_MSGHDR: `${tag(p)} `,
    ISODATE: p.iso,
    HOST_FROM: '10.20.0.5',
    HOST: p.host,
    FACILITY: fac(p),
    DATE: p.bsd,
  }),
  // omelasticsearch / omhttp with template="%jsonmesg%" (the operations guide's template)
  'rsyslog/jsonmesg': (p) => ({
    msg: ` ${p.message}`,
    rawmsg: `<${p.pri}>${p.fileLine}`,
    timereported: p.iso,
    hostname: p.host,
    syslogtag: tag(p),
    inputname: 'imtcp',
    fromhost: '10.20.0.5',
    'fromhost-ip': '10.20.0.5',
    pri: String(p.pri),
    syslogfacility: String(p.pri >> 3),
    syslogseverity: String(p.pri & 7),
    timegenerated: p.iso,
    programname: p.program,
    'protocol-version': '0',
    'structured-data': '-',
    'app-name': p.program,
    procid: p.pid ?? '-',
    msgid: '-',
    uuid: null,
    $: {},
  }),
  // omhttp batch.format="newline" sends the same template documents one per line
  'rsyslog/omhttp': (p) => SYSLOG_SHAPES['rsyslog/jsonmesg']!(p),
  'vector/syslog': (p) => ({
    appname: p.program,
    facility: fac(p),
    host: '10.20.0.5',
    hostname: p.host,
    message: p.message,
    ...(p.pid ? { procid: Number(p.pid) } : {}),
    severity: sev(p),
    source_ip: '10.20.0.5',
    source_type: 'syslog',
    timestamp: utc(p.iso),
  }),
  'vector/journald': (p) => ({
    host: p.host,
    message: p.message,
    source_type: 'journald',
    timestamp: utc(p.iso),
    PRIORITY: String(p.pri & 7),
    SYSLOG_FACILITY: String(p.pri >> 3),
    SYSLOG_IDENTIFIER: p.program,
    ...opt('_PID', p.pid),
    _COMM: p.program,
    _TRANSPORT: 'syslog',
  }),
  'vector/file': (p) => ({
    file: '/var/log/auth.log',
    host: p.host,
    message: p.fileLine,
    source_type: 'file',
    timestamp: new Date().toISOString(),
  }),
  'fluent-bit/syslog': (p) => ({
    '@timestamp': utc(p.iso),
    pri: String(p.pri),
    host: p.host,
    ident: p.program,
    ...opt('pid', p.pid),
    message: p.message,
  }),
  'fluent-bit/tail': (p) => ({ date: Date.now() / 1000, log: p.fileLine }),
  'filebeat-8/filestream': (p) => ({
    '@timestamp': new Date().toISOString(),
    agent: { type: 'filebeat', version: '8.12.0', name: p.host },
    ecs: { version: '8.0.0' },
    host: { name: p.host },
    input: { type: 'filestream' },
    log: { file: { path: '/var/log/auth.log' }, offset: 0 },
    message: p.fileLine,
  }),
  'filebeat-7/log': (p) => ({
    '@timestamp': new Date().toISOString(),
    agent: { type: 'filebeat', version: '7.17.0', hostname: p.host },
    ecs: { version: '1.12.0' },
    host: { name: p.host },
    input: { type: 'log' },
    log: { file: { path: '/var/log/auth.log' }, offset: 0 },
    message: p.fileLine,
  }),
  'filebeat-8/syslog': (p) => ({
    '@timestamp': utc(p.iso),
    agent: { type: 'filebeat', version: '8.12.0' },
    ecs: { version: '8.0.0' },
    input: { type: 'syslog' },
    log: {
      source: { address: '10.20.0.5:514' },
      syslog: {
        appname: p.program,
        hostname: p.host,
        ...opt('procid', p.pid),
        priority: p.pri,
        facility: { code: p.pri >> 3, name: fac(p) },
        severity: { code: p.pri & 7, name: sev(p) },
      },
    },
    message: p.message,
  }),
  'elastic-agent/system': (p) => ({
    '@timestamp': new Date().toISOString(),
    agent: { type: 'filebeat', version: '8.12.0', name: p.host },
    data_stream: { dataset: 'system.auth', namespace: 'default', type: 'logs' },
    ecs: { version: '8.0.0' },
    elastic_agent: { id: 'a1b2c3', snapshot: false, version: '8.12.0' },
    host: { hostname: p.host, name: p.host },
    input: { type: 'log' },
    log: { file: { path: '/var/log/auth.log' }, offset: 0 },
    message: p.fileLine,
  }),
  'nxlog/parse_syslog': (p) => ({
    EventReceivedTime: p.iso.slice(0, 19).replace('T', ' '),
    SourceModuleName: 'in_syslog',
    SourceModuleType: 'im_tcp',
    SyslogFacilityValue: p.pri >> 3,
    SyslogFacility: fac(p).toUpperCase(),
    SyslogSeverityValue: p.pri & 7,
    SyslogSeverity: sev(p).toUpperCase(),
    SeverityValue: 2,
    Severity: 'INFO',
    Hostname: p.host,
    EventTime: p.iso.slice(0, 19).replace('T', ' '),
    SourceName: p.program,
    ...(p.pid ? { ProcessID: Number(p.pid) } : {}),
    Message: p.message,
    MessageSourceAddress: '10.20.0.5',
  }),
  'nxlog/im_file': (p) => ({
    EventReceivedTime: '2026-11-22 10:20:00',
    SourceModuleName: 'in_auth',
    SourceModuleType: 'im_file',
    FileName: '/var/log/auth.log',
    Message: p.fileLine,
  }),
  'logstash/syslog-ecs': (p) => ({
    '@timestamp': utc(p.iso),
    '@version': '1',
    event: { original: `<${p.pri}>${p.fileLine}` },
    host: { hostname: p.host, ip: '10.20.0.5' },
    log: {
      syslog: {
        priority: p.pri,
        facility: { code: p.pri >> 3, name: fac(p) },
        severity: { code: p.pri & 7, name: sev(p) },
      },
    },
    process: { name: p.program, ...(p.pid ? { pid: Number(p.pid) } : {}) },
    service: { type: 'system' },
    message: p.message,
  }),
  'logstash/syslog-legacy': (p) => ({
    '@timestamp': utc(p.iso),
    '@version': '1',
    host: '10.20.0.5',
    logsource: p.host,
    program: p.program,
    ...opt('pid', p.pid),
    priority: p.pri,
    facility: p.pri >> 3,
    facility_label: fac(p),
    severity: p.pri & 7,
    severity_label: sev(p),
    timestamp: p.bsd,
    message: p.message,
  }),
  'journald/json': (p) => ({
    __CURSOR: 's=0;i=1',
    __REALTIME_TIMESTAMP: String(Date.parse(p.iso) * 1000),
    __MONOTONIC_TIMESTAMP: '1',
    _BOOT_ID: '0',
    PRIORITY: String(p.pri & 7),
    SYSLOG_FACILITY: String(p.pri >> 3),
    SYSLOG_IDENTIFIER: p.program,
    ...opt('_PID', p.pid),
    _COMM: p.program,
    _HOSTNAME: p.host,
    _TRANSPORT: 'syslog',
    MESSAGE: p.message,
  }),
};

/** Access-log lines as file shippers read them from nginx's access.log. */
export const ACCESS_SHAPES: Record<string, (line: string) => Record<string, unknown>> = {
  'fluent-bit/tail-nginx': (line) => {
    const m = /^(\S+) (\S+) (\S+) \[([^\]]+)\] "(\S+) (\S+) \S+" (\d+) (\d+) "([^"]*)" "([^"]*)"$/.exec(line);
    if (!m) throw new Error(`not an access line: ${line}`);
    return {
      date: Date.now() / 1000,
      remote: m[1],
      host: m[2],
      user: m[3],
      time: m[4],
      method: m[5],
      path: m[6],
      code: m[7],
      size: m[8],
      referer: m[9],
      agent: m[10],
    };
  },
  'vector/file-nginx': (line) => ({
    file: '/var/log/nginx/access.log',
    host: 'web01',
    message: line,
    source_type: 'file',
    timestamp: new Date().toISOString(),
  }),
  'filebeat-8/filestream-nginx': (line) => ({
    '@timestamp': new Date().toISOString(),
    agent: { type: 'filebeat', version: '8.12.0' },
    ecs: { version: '8.0.0' },
    host: { name: 'web01' },
    log: { file: { path: '/var/log/nginx/access.log' } },
    message: line,
  }),
};

/** NXLog's System keys; everything else of an im_msvistalog event is EventData. */
const NX_SYSTEM = new Set([
  'EventTime',
  'Hostname',
  'Keywords',
  'EventType',
  'SeverityValue',
  'Severity',
  'EventID',
  'SourceName',
  'ProviderGuid',
  'Version',
  'Task',
  'OpcodeValue',
  'RecordNumber',
  'ProcessID',
  'ThreadID',
  'Channel',
  'EventReceivedTime',
  'SourceModuleName',
  'SourceModuleType',
  'Opcode',
  'Category',
  'Message',
]);

function eventData(e: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(e)) if (!NX_SYSTEM.has(k)) out[k] = String(v);
  return out;
}

const winIso = (e: Record<string, unknown>) => utc(`${String(e.EventTime).replace(' ', 'T')}+07:00`);

function winlog(e: Record<string, unknown>, eventIdAsText: boolean): Record<string, unknown> {
  return {
    api: 'wineventlog',
    channel: e.Channel,
    computer_name: e.Hostname,
    event_data: eventData(e),
    event_id: eventIdAsText ? String(e.EventID) : e.EventID,
    provider_name: e.SourceName,
    record_id: e.RecordNumber,
    process: { pid: e.ProcessID, thread: { id: e.ThreadID } },
  };
}

/** Shippers that carry Windows events: NXLog im_msvistalog JSON (the raw baseline) -> their documents. */
export const WINDOWS_SHAPES: Record<string, (e: Record<string, unknown>) => Record<string, unknown>> = {
  'winlogbeat-8/wineventlog': (e) => ({
    '@timestamp': winIso(e),
    agent: { type: 'winlogbeat', version: '8.12.0' },
    ecs: { version: '8.0.0' },
    event: { code: String(e.EventID), kind: 'event', provider: e.SourceName },
    host: { name: String(e.Hostname).split('.')[0]!.toLowerCase() },
    log: { level: 'information' },
    message: 'An account failed to log on.',
    winlog: winlog(e, true),
  }),
  'winlogbeat-7/wineventlog': (e) => ({
    '@timestamp': winIso(e),
    agent: { type: 'winlogbeat', version: '7.17.0' },
    ecs: { version: '1.12.0' },
    event: { code: e.EventID, kind: 'event', provider: e.SourceName },
    host: { name: String(e.Hostname).split('.')[0]!.toLowerCase() },
    winlog: winlog(e, false),
  }),
  'elastic-agent/windows': (e) => ({
    '@timestamp': winIso(e),
    agent: { type: 'filebeat', version: '8.12.0' },
    data_stream: { dataset: 'system.security', namespace: 'default', type: 'logs' },
    elastic_agent: { id: 'a1b2c3', version: '8.12.0' },
    event: { code: String(e.EventID), kind: 'event', provider: e.SourceName },
    host: { name: String(e.Hostname).split('.')[0]!.toLowerCase() },
    winlog: winlog(e, true),
  }),
  'vector/windows_event_log': (e) => ({
    channel: e.Channel,
    computer: e.Hostname,
    event_data: eventData(e),
    event_id: e.EventID,
    level: 'Information',
    provider_name: e.SourceName,
    record_id: e.RecordNumber,
    source_type: 'windows_event_log',
    timestamp: winIso(e),
  }),
};
