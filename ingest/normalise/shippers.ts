/**
 * Log shippers' JSON documents -> the syslog fields they carry (host, program, pid, time, severity, facility,
 * message, the original sender), so ingest/decoders/json.ts can decode them exactly as the same line arriving
 * over syslog. Each shape is taken from the shipper's own documentation or source (cited per reader); one
 * fixture per shipper and source kind lives in ingest/normalise/fixtures/shippers/. A document none of these
 * readers knows goes through the generic JSON path and, without a program or log source, is counted as an
 * unknown shape (unknown-shape.ts).
 */

/** What a shipper's document says about the syslog line it carries. */
export interface SyslogView {
  /** Which reader recognised the document (`syslog-ng`, `rsyslog`, `vector-syslog`, ...). */
  shipper: string;
  host: string | undefined;
  program: string | undefined;
  pid: string | undefined;
  msgid: string | undefined;
  /** Event time as the document has it (ISO text or epoch); undefined -> the receive time. */
  time: unknown;
  /**
   * The zone-less BSD timestamp of the raw line the document was made from (`Nov 22 10:15:00`), when it had one:
   * read in the senders' zone like the line over syslog, before `time` (rsyslog stamps such a time as UTC).
   */
  bsdTime: string | undefined;
  severity: number;
  facility: number;
  /** The message body (what follows `program[pid]: ` on a syslog line). */
  message: string | undefined;
  /** A whole raw log line (Filebeat, Fluent Bit tail, Vector file): decoded as if it had arrived alone. */
  line: string | undefined;
  /** The address the shipper received the line from (syslog-ng SOURCEIP, rsyslog fromhost-ip...). */
  sender: string | undefined;
}

import { facilityOf, severityOf } from './syslog-names.js';

export { consumedKey, facilityOf, severityOf } from './syslog-names.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string or number value as text; anything else undefined. */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' || v === '-' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** `o.a.b` nested or `o["a.b"]` dotted (Beats and Logstash send either). */
export function at(o: Obj, path: string): unknown {
  if (Object.hasOwn(o, path)) return o[path];
  let cur: unknown = o;
  for (const part of path.split('.')) {
    if (!isObj(cur) || !Object.hasOwn(cur, part)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function view(shipper: string): SyslogView {
  return {
    shipper,
    host: undefined,
    program: undefined,
    pid: undefined,
    msgid: undefined,
    time: undefined,
    bsdTime: undefined,
    severity: -1,
    facility: -1,
    message: undefined,
    line: undefined,
    sender: undefined,
  };
}

/** `sshd[3000]:` / `sudo:` (rsyslog's syslogtag) -> program and pid. */
function tagInto(v: SyslogView, tag: string): void {
  const m = /^([^[\]:\s]+)(?:\[([^\]]*)\])?:?$/.exec(tag.trim());
  if (!m) return;
  v.program ??= m[1];
  v.pid ??= m[2] === '' ? undefined : m[2];
}

/** Priority (facility * 8 + severity) as a number or numeric string. */
function priInto(v: SyslogView, pri: unknown): void {
  const n = typeof pri === 'number' ? pri : typeof pri === 'string' && /^\d{1,3}$/.test(pri) ? Number(pri) : -1;
  if (n < 0 || n > 191) return;
  if (v.facility < 0) v.facility = n >> 3;
  if (v.severity < 0) v.severity = n & 7;
}

/**
 * syslog-ng `format-json` (the `elasticsearch-http()` SCL block's default template is
 * `$(format-json --scope rfc5424 --exclude DATE --key ISODATE @timestamp=${ISODATE})`, scl/elasticsearch/
 * elastic-http.conf in syslog-ng-scl; `--scope nv-pairs` / `all-macros` add SOURCE, HOST_FROM, LEGACY_MSGHDR,
 * SOURCEIP...). Macro names are upper case: HOST, PROGRAM, PID, MSGID, MESSAGE, PRIORITY (a severity name),
 * FACILITY (a name), ISODATE.
 */
function syslogNg(o: Obj): SyslogView | undefined {
  if (typeof o.MESSAGE !== 'string' || (o.PROGRAM === undefined && o.LEGACY_MSGHDR === undefined)) return undefined;
  // journald's own JSON also has MESSAGE: it names the program SYSLOG_IDENTIFIER, never PROGRAM.
  if (o.SYSLOG_IDENTIFIER !== undefined) return undefined;
  const v = view('syslog-ng');
  v.host = text(o.HOST);
  v.program = text(o.PROGRAM);
  v.pid = text(o.PID);
  v.msgid = text(o.MSGID);
  v.message = o.MESSAGE;
  v.time = o.ISODATE ?? o['@timestamp'] ?? o.R_ISODATE;
  v.severity = severityOf(o.PRIORITY ?? o.LEVEL ?? o.SEVERITY);
  v.facility = facilityOf(o.FACILITY);
  v.sender = text(o.SOURCEIP) ?? text(o.HOST_FROM);
  if (v.program === undefined && typeof o.LEGACY_MSGHDR === 'string') tagInto(v, o.LEGACY_MSGHDR);
  return v;
}

/**
 * rsyslog JSON templates (omelasticsearch, omhttp): `%jsonmesg%` (msg, hostname, programname, procid,
 * syslogtag, fromhost-ip, syslogfacility, syslogseverity, timereported; rsyslog doc "Message properties"), the
 * list templates of the omelasticsearch guide (`@timestamp`, `host`, `severity`, `facility`, `tag`/`syslogtag`,
 * `programname`, `procid`, `message`) and its default StdJSONFmt (message, fromhost, facility, priority,
 * timereported: no program, so that one stays an unknown shape: the operations guide gives a template).
 */
function rsyslog(o: Obj): SyslogView | undefined {
  // Logstash's legacy syslog documents also say `program`: they carry logsource/@version (read by ecs()).
  if (o.logsource !== undefined || o['@version'] !== undefined) return undefined;
  const program = text(o.programname) ?? text(o['app-name']) ?? text(o.program);
  const tag = text(o.syslogtag) ?? text(o.tag) ?? text(o.raw_tag);
  if (program === undefined && tag === undefined) return undefined;
  const msg = o.msg ?? o.message;
  if (typeof msg !== 'string') return undefined;
  const v = view('rsyslog');
  v.program = program;
  if (tag !== undefined) tagInto(v, tag);
  v.pid ??= text(o.procid) ?? text(o.pid);
  v.msgid = text(o.msgid);
  v.host = text(o.hostname) ?? text(o.host) ?? text(o.sysloghost) ?? text(o.fromhost) ?? text(o.source);
  v.message = msg.charCodeAt(0) === 32 ? msg.slice(1) : msg;
  v.time = o.timereported ?? o['@timestamp'] ?? o.timestamp ?? o.timegenerated;
  // rsyslog reads a BSD timestamp (no zone) as UTC whatever its TZ, so `timereported` of a Vietnamese server's line
  // is 7 hours ahead; `%jsonmesg%` carries the raw line, whose own time canhgac reads as it would over syslog.
  if (typeof o.rawmsg === 'string') v.bsdTime = bsdStamp(o.rawmsg);
  v.severity = severityOf(o.syslogseverity ?? o['syslogseverity-text'] ?? o.severity ?? o.priority);
  v.facility = facilityOf(o.syslogfacility ?? o['syslogfacility-text'] ?? o.facility);
  if (v.severity < 0 || v.facility < 0) priInto(v, o.pri);
  v.sender = text(o['fromhost-ip']);
  return v;
}

const MONTHS = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d/;

/** The BSD timestamp at the head of a raw syslog line (after its PRI), or undefined. */
function bsdStamp(raw: string): string | undefined {
  const i = raw.charCodeAt(0) === 60 ? raw.indexOf('>') + 1 : 0;
  const m = MONTHS.exec(raw.slice(i, i + 15));
  return m ? m[0] : undefined;
}

/**
 * Vector (vector.dev/docs/reference/configuration/sources/): `syslog` source -> appname, hostname, procid,
 * msgid, facility and severity names, timestamp, message, source_ip, `host` = the peer; `journald` source ->
 * the journal fields with `_HOSTNAME` as `host`, `MESSAGE` as `message`; `file` source -> the raw line in
 * `message`, `file`, `host`. Sent as-is by the `elasticsearch` and `http` sinks.
 */
function vector(o: Obj): SyslogView | undefined {
  const kind = o.source_type;
  if (kind === 'syslog' || (kind === undefined && o.appname !== undefined && typeof o.message === 'string')) {
    if (typeof o.message !== 'string') return undefined;
    const v = view('vector-syslog');
    v.program = text(o.appname);
    v.pid = text(o.procid);
    v.msgid = text(o.msgid);
    v.host = text(o.hostname) ?? text(o.host);
    v.message = o.message;
    v.time = o.timestamp;
    v.severity = severityOf(o.severity);
    v.facility = facilityOf(o.facility);
    v.sender = text(o.source_ip);
    return v;
  }
  if (kind === 'file' && typeof o.message === 'string') {
    const v = view('vector-file');
    v.line = o.message;
    v.host = text(o.host);
    v.time = o.timestamp;
    return v;
  }
  return undefined;
}

/**
 * journald JSON (`journalctl -o json`; systemd.journal-fields(7)): MESSAGE, SYSLOG_IDENTIFIER, _PID or
 * SYSLOG_PID, _HOSTNAME, PRIORITY, SYSLOG_FACILITY, __REALTIME_TIMESTAMP (microseconds). Also what Vector's
 * journald source and Fluent Bit's systemd input send (they rename MESSAGE/_HOSTNAME to message/host).
 */
function journald(o: Obj): SyslogView | undefined {
  const ident = text(o.SYSLOG_IDENTIFIER) ?? text(o._COMM);
  const msg = o.MESSAGE ?? o.message;
  if (ident === undefined || typeof msg !== 'string') return undefined;
  const v = view(o.source_type === 'journald' ? 'vector-journald' : 'journald');
  v.program = ident;
  v.pid = text(o.SYSLOG_PID) ?? text(o._PID);
  v.host = text(o._HOSTNAME) ?? text(o.host) ?? text(o.hostname);
  v.message = msg;
  const us = o.__REALTIME_TIMESTAMP ?? o._SOURCE_REALTIME_TIMESTAMP;
  v.time = typeof us === 'string' && /^\d{13,17}$/.test(us) ? Math.floor(Number(us) / 1000) : (o.timestamp ?? o.date);
  v.severity = severityOf(o.PRIORITY);
  v.facility = facilityOf(o.SYSLOG_FACILITY);
  return v;
}

/**
 * Fluent Bit (docs.fluentbit.io; conf/parsers.conf): the `syslog` input and `tail` with the stock
 * `syslog-rfc3164` / `syslog-rfc5424` parsers give pri, time, host, ident, pid, msgid, message; `tail` without a
 * parser gives the raw line in `log`; the `nginx` / `apache2` parsers give remote, host, user, time, method,
 * path, code, size, referer, agent. The `es` output adds `@timestamp`, the `http` output `date` (json_date_key).
 */
function fluentBit(o: Obj): SyslogView | undefined {
  if (o.ident !== undefined && typeof o.message === 'string') {
    const v = view('fluent-bit-syslog');
    v.program = text(o.ident);
    v.pid = text(o.pid);
    v.msgid = text(o.msgid);
    v.host = text(o.host);
    v.message = o.message;
    v.time = o.time ?? o['@timestamp'] ?? o.date;
    priInto(v, o.pri);
    return v;
  }
  if (typeof o.remote === 'string' && typeof o.method === 'string' && typeof o.path === 'string') {
    // The access parsers drop the protocol and keep the fields: rebuild the combined log line the web server
    // wrote so the access-log decoder (and the web rules) read it exactly as from the file.
    const v = view('fluent-bit-access');
    const q = (s: unknown) => (typeof s === 'string' && s !== '' ? s : '-');
    const time = typeof o.time === 'string' ? o.time : undefined;
    if (time === undefined) return undefined;
    v.line = `${o.remote} ${q(o.host)} ${q(o.user)} [${time}] "${o.method} ${o.path} HTTP/1.1" ${q(text(o.code))} ${q(text(o.size))} "${q(o.referer)}" "${q(o.agent)}"`;
    return v;
  }
  if (typeof o.log === 'string' && (o.message === undefined || o.message === null)) {
    const v = view('fluent-bit-tail');
    v.line = o.log;
    v.time = o['@timestamp'] ?? o.date;
    return v;
  }
  return undefined;
}

/**
 * NXLog CE `to_json()` after `parse_syslog()` (xm_syslog fields: Hostname, SourceName, ProcessID, Message,
 * SyslogFacility, SyslogSeverity, EventTime, MessageSourceAddress); without parsing, `Message` is the raw line
 * (im_file). Windows events (im_msvistalog) go to the Windows module before this.
 */
function nxlog(o: Obj): SyslogView | undefined {
  if (typeof o.Message !== 'string' || (o.SourceModuleType === undefined && o.SourceName === undefined))
    return undefined;
  const v = view('nxlog');
  v.sender = text(o.MessageSourceAddress);
  if (o.SourceName === undefined) {
    v.line = o.Message;
    v.host = text(o.Hostname);
    return v;
  }
  v.program = text(o.SourceName);
  v.pid = text(o.ProcessID);
  v.host = text(o.Hostname);
  v.message = o.Message;
  v.time = o.EventTime;
  v.severity = severityOf(o.SyslogSeverityValue ?? o.SyslogSeverity);
  v.facility = facilityOf(o.SyslogFacilityValue ?? o.SyslogFacility);
  return v;
}

/**
 * Elastic ECS (Filebeat/Winlogbeat 7 and 8, Elastic Agent, Logstash 8 with ECS compatibility): the syslog
 * input/processor fill log.syslog.{appname,procid,hostname,msgid,facility.code,severity.code}; Filebeat 7's
 * syslog input fills process.program/process.pid and syslog.*; the Logstash syslog input (legacy) program, pid,
 * logsource. Without them, a `log`/`filestream` input (or Elastic Agent's system integration without an ingest
 * pipeline) ships the raw line in `message`.
 */
function ecs(o: Obj): SyslogView | undefined {
  const agent = text(at(o, 'agent.type'));
  // process.name is the syslog program only in syslog documents (Filebeat's syslog input, Logstash's syslog
  // input); in Auditbeat or endpoint events it names some process, and those are not syslog lines.
  const syslogDoc = at(o, 'log.syslog') !== undefined || o['@version'] !== undefined || agent === 'filebeat';
  const program =
    text(at(o, 'log.syslog.appname')) ??
    (syslogDoc ? (text(at(o, 'process.name')) ?? text(at(o, 'process.program'))) : undefined) ??
    text(o.program);
  const msg = o.message;
  if (typeof msg !== 'string') return undefined;
  const hostName = text(at(o, 'host.hostname')) ?? text(at(o, 'host.name'));
  if (program !== undefined) {
    const v = view(agent ?? (o['@version'] !== undefined ? 'logstash' : 'ecs'));
    v.program = program;
    v.pid = text(at(o, 'log.syslog.procid')) ?? text(at(o, 'process.pid')) ?? text(o.pid);
    v.msgid = text(at(o, 'log.syslog.msgid'));
    v.host = text(at(o, 'log.syslog.hostname')) ?? text(o.logsource) ?? text(o.hostname) ?? hostName;
    v.message = msg;
    v.time = o['@timestamp'] ?? o.timestamp;
    v.severity = severityOf(at(o, 'log.syslog.severity.code') ?? at(o, 'syslog.severity') ?? o.severity);
    v.facility = facilityOf(at(o, 'log.syslog.facility.code') ?? at(o, 'syslog.facility') ?? o.facility);
    if (v.severity < 0 || v.facility < 0) priInto(v, at(o, 'log.syslog.priority') ?? o.priority);
    v.sender = text(at(o, 'log.source.address'));
    return v;
  }
  const raw = agent !== undefined || at(o, 'ecs.version') !== undefined || at(o, 'log.file.path') !== undefined;
  if (!raw) return undefined;
  const v = view(agent ?? 'ecs');
  v.line = msg;
  v.host = hostName;
  v.time = o['@timestamp'];
  v.sender = text(at(o, 'log.source.address'));
  return v;
}

/** The syslog fields a shipper's document carries, or undefined when no reader knows its shape. */
export function shipperView(o: Obj): SyslogView | undefined {
  return syslogNg(o) ?? journald(o) ?? vector(o) ?? fluentBit(o) ?? nxlog(o) ?? rsyslog(o) ?? ecs(o);
}

/**
 * Vector's `windows_event_log` source (website/cue/reference/components/sources/windows_event_log.cue):
 * channel, event_id, provider_name, computer, record_id, level, event_data {...}, user_data, timestamp,
 * message. Rewritten into the flat NXLog-style object the Windows module reads; undefined for anything else.
 */
export function vectorWindowsEvent(o: Obj): Obj | undefined {
  if (o.source_type !== 'windows_event_log' && !(o.event_id !== undefined && isObj(o.event_data))) return undefined;
  if (o.channel === undefined || o.event_id === undefined) return undefined;
  const out: Obj = {};
  const data = isObj(o.event_data) ? o.event_data : {};
  for (const k in data) if (Object.hasOwn(data, k) && k !== '__proto__') out[k] = data[k];
  const user = isObj(o.user_data) ? o.user_data : {};
  for (const k in user) if (Object.hasOwn(user, k) && k !== '__proto__' && !(k in out)) out[k] = user[k];
  out.EventID = o.event_id;
  out.Channel = o.channel;
  out.SourceName = o.provider_name;
  out.ProviderName = o.provider_name;
  out.Hostname = o.computer;
  if (o.record_id !== undefined) out.RecordNumber = o.record_id;
  if (typeof o.message === 'string') out.Message = o.message;
  if (o.timestamp !== undefined) out['@timestamp'] = o.timestamp;
  return out;
}
