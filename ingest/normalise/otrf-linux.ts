/**
 * Linux event shapes of the OTRF sets, normalised to flat Sigma events with `logsource.product` = linux:
 *  - raw auditd text (`type=SYSCALL msg=audit(1604994496.155:92733): key=value ...`): one event per record with
 *    `logsource.service` = auditd and the record's fields by their auditd names (`type`, `exe`, `comm`, `a0`...),
 *    as SigmaHQ's linux/auditd rules expect; and, for each execve group (SYSCALL + EXECVE + CWD), one extra
 *    synthesised `process_creation` event (Image, CommandLine, ProcessId, ParentProcessId, CurrentDirectory,
 *    User) so linux/process_creation rules apply to hosts that only run auditd.
 *  - Azure Monitor "Syslog" rows (`SyslogMessage`, `Computer`, `ProcessName`, `EventTime`); when the message is
 *    Sysmon for Linux event XML, the event is Sysmon's (service sysmon, category from EventID: 1
 *    process_creation, 3 network_connection, 11 file_event, ...), fields by their EventData names.
 */
import type { NormalisedEvent as SigmaEvent } from '../../core/event/event.js';
import { readEventXml } from '../decoders/windows/index.js';
import { isRecord, put } from '../decoders/windows/shapes.js';
import { toIsoUtc } from '../decoders/windows/time.js';
import { parseXml } from '../decoders/windows/xml.js';
import { sysmonLinuxCategories } from './logsource-windows.js';

/** True for an Azure Monitor Syslog row (the OTRF Linux JSON sets). */
export function isAzureSyslogRow(o: unknown): o is Record<string, unknown> {
  return isRecord(o) && typeof o.SyslogMessage === 'string' && (o.Computer !== undefined || o.HostName !== undefined);
}

/** Syslog program names that are Sigma linux services of their own; the rest are `syslog`. */
const LINUX_SERVICES = new Set(['sshd', 'sudo', 'cron', 'vsftpd', 'clamav', 'guacamole', 'auditd']);

function s(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Normalises an Azure Syslog row; Sysmon-for-Linux XML messages become Sysmon events. Never throws. */
export function normaliseAzureSyslogRow(o: Record<string, unknown>): SigmaEvent {
  const msg = typeof o.SyslogMessage === 'string' ? o.SyslogMessage : '';
  const host = s(o.HostName) ?? s(o.Computer);
  const time = toIsoUtc(o.EventTime) ?? toIsoUtc(o.TimeGenerated);
  const program = s(o.ProcessName);
  if (msg.startsWith('<Event')) {
    const root = parseXml(msg, { lenient: true });
    if (root && root.name === 'Event') {
      const payload: SigmaEvent = {};
      const sys = readEventXml(root, payload);
      const eventId =
        typeof sys.eventId === 'string' && /^\d{1,10}$/.test(sys.eventId) ? Number(sys.eventId) : undefined;
      const cats = eventId === undefined ? undefined : sysmonLinuxCategories(eventId);
      const out: SigmaEvent = {
        '@timestamp': toIsoUtc(sys.time) ?? time,
        'host.name': s(sys.computer) ?? host,
        'host.ip': s(o.HostIP),
        'logsource.product': 'linux',
        'logsource.service': 'sysmon',
        'logsource.category': cats?.[0],
        'logsource.categories': cats,
        EventID: eventId,
        Channel: s(sys.channel),
        Provider_Name: s(sys.provider),
        Computer: s(sys.computer),
      };
      for (const k in payload) if (Object.hasOwn(payload, k) && !Object.hasOwn(out, k)) put(out, k, payload[k]);
      // The relay cut the message (syslog size limit): the fields read are kept, and the cut is said.
      if (root.truncated) out['log.truncated'] = true;
      return out;
    }
  }
  const service = program && LINUX_SERVICES.has(program) ? program : 'syslog';
  return {
    '@timestamp': time,
    'host.name': host,
    'host.ip': s(o.HostIP),
    'logsource.product': 'linux',
    'logsource.service': service,
    'logsource.category': undefined,
    'logsource.categories': undefined,
    message: msg,
    'log.syslog.appname': program,
    'log.syslog.procid': s(o.ProcessID),
    // Numbers, as the syslog decoders store them: one shape per key, or OpenSearch mappings conflict.
    'log.syslog.facility': syslogCode(FACILITIES, s(o.Facility)),
    'log.syslog.severity': syslogCode(SEVERITIES, s(o.SeverityLevel)),
  };
}

/** RFC 5424 facility and severity names (with the common aliases) in code order. */
const FACILITIES = [
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
const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
const SEVERITY_ALIASES: Record<string, string> = {
  emergency: 'emerg',
  critical: 'crit',
  error: 'err',
  warn: 'warning',
  informational: 'info',
};

function syslogCode(names: readonly string[], name: string | undefined): number | undefined {
  if (name === undefined) return undefined;
  const n = name.trim().toLowerCase();
  const i = names.indexOf(SEVERITY_ALIASES[n] ?? n);
  return i >= 0 ? i : undefined;
}

const AUDIT_HEAD = /^(?:node=(\S+) )?type=(\S+) msg=audit\((\d+(?:\.\d+)?):(\d+)\):\s?/;

/** One parsed auditd record: its type, serial, time and fields (quoted values unquoted, hex args decoded). */
export interface AuditRecord {
  type: string;
  serial: string;
  time: number;
  node: string | undefined;
  fields: Record<string, string>;
}

const HEX = /^(?:[0-9A-F]{2})+$/;

/** auditd writes a string field as hex when it holds spaces, quotes or control characters. */
function unhex(v: string): string {
  const bytes = Buffer.from(v, 'hex');
  return bytes.toString('utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
}

/** Fields whose unquoted value is hex-encoded text (`proctitle`, EXECVE args, paths). */
function isHexTextField(type: string, key: string): boolean {
  if (key === 'proctitle' || key === 'cwd' || key === 'name' || key === 'exe' || key === 'comm') return true;
  return type === 'EXECVE' && /^a\d+$/.test(key);
}

/** Parses one auditd text line, or undefined when it is not an audit record. */
export function parseAuditLine(line: string): AuditRecord | undefined {
  const m = AUDIT_HEAD.exec(line);
  if (!m) return undefined;
  const type = m[2]!;
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  let i = m[0].length;
  const n = line.length;
  while (i < n) {
    while (i < n && line[i] === ' ') i++;
    const eq = line.indexOf('=', i);
    if (eq < 0) break;
    const key = line.slice(i, eq);
    let v: string;
    if (line[eq + 1] === '"') {
      const end = line.indexOf('"', eq + 2);
      v = end < 0 ? line.slice(eq + 2) : line.slice(eq + 2, end);
      i = end < 0 ? n : end + 1;
    } else if (line[eq + 1] === "'") {
      // USER_* records nest `msg='op=... res=success'`: keep the inner text and read its pairs too.
      const end = line.indexOf("'", eq + 2);
      v = end < 0 ? line.slice(eq + 2) : line.slice(eq + 2, end);
      i = end < 0 ? n : end + 1;
    } else {
      const sp = line.indexOf(' ', eq + 1);
      const end = sp < 0 ? n : sp;
      v = line.slice(eq + 1, end);
      i = end;
      if (isHexTextField(type, key) && v.length >= 2 && HEX.test(v)) v = unhex(v);
    }
    if (key && key !== '__proto__') fields[key] = v;
  }
  return { type, serial: m[4]!, time: Number(m[3]), node: m[1], fields };
}

/** The flat auditd event of one record (service auditd). */
export function auditRecordEvent(r: AuditRecord, host?: string): SigmaEvent {
  const out: SigmaEvent = {
    '@timestamp': toIsoUtc(r.time),
    'host.name': r.node ?? host,
    'logsource.product': 'linux',
    'logsource.service': 'auditd',
    'logsource.category': undefined,
    'logsource.categories': undefined,
    type: r.type,
    'audit.serial': r.serial,
  };
  for (const k in r.fields) if (!Object.hasOwn(out, k)) out[k] = r.fields[k];
  return out;
}

const PROCESS_CREATION: readonly string[] = ['process_creation'];

/**
 * The process_creation event of an execve group (records sharing one serial), or undefined when the group
 * has no successful execve SYSCALL. x86-64 execve is syscall 59, execveat 322; i386 11; aarch64 221.
 */
export function auditExecveEvent(group: readonly AuditRecord[], host?: string): SigmaEvent | undefined {
  const sc = group.find((r) => r.type === 'SYSCALL');
  const ex = group.find((r) => r.type === 'EXECVE');
  if (!sc || !ex) return undefined;
  const nr = sc.fields.syscall;
  if (nr !== '59' && nr !== '322' && nr !== '11' && nr !== '221' && nr !== 'execve' && nr !== 'execveat')
    return undefined;
  const argc = Number(ex.fields.argc ?? '0');
  const args: string[] = [];
  for (let i = 0; i < argc && i < 4096; i++) {
    const a = ex.fields[`a${i}`];
    if (a === undefined) break;
    args.push(a);
  }
  const cwd = group.find((r) => r.type === 'CWD')?.fields.cwd;
  return {
    '@timestamp': toIsoUtc(sc.time),
    'host.name': sc.node ?? host,
    'logsource.product': 'linux',
    'logsource.service': undefined,
    'logsource.category': 'process_creation',
    'logsource.categories': PROCESS_CREATION,
    'audit.serial': sc.serial,
    Image: sc.fields.exe,
    CommandLine: args.join(' '),
    ProcessId: sc.fields.pid,
    ParentProcessId: sc.fields.ppid,
    CurrentDirectory: cwd,
    User: sc.fields.uid,
    LogonId: sc.fields.auid,
  };
}
