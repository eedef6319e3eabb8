import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { explainSkip, sharedPath } from '../../core/shared-data.js';
import {
  auditExecveEvent,
  auditRecordEvent,
  isAzureSyslogRow,
  normaliseAzureSyslogRow,
  parseAuditLine,
} from './otrf-linux.js';

const SYSCALL =
  'type=SYSCALL msg=audit(1604994496.155:92733): arch=c000003e syscall=59 success=yes exit=0 a0=558e251634a0 items=2 ppid=29002 pid=1631 auid=1000 uid=1000 comm="arp" exe="/usr/sbin/arp" key=(null)';
const EXECVE = 'type=EXECVE msg=audit(1604994496.155:92733): argc=3 a0="ls" a1="-la" a2=2F746D702F6D7920646972';
const CWD = 'type=CWD msg=audit(1604994496.155:92733): cwd="/home/wardog"';

describe('auditd text', () => {
  it('parses a record: quoted values unquoted, hex pointers left alone, hex text decoded', () => {
    const r = parseAuditLine(SYSCALL)!;
    expect(r).toMatchObject({ type: 'SYSCALL', serial: '92733', time: 1604994496.155 });
    expect(r.fields).toMatchObject({
      syscall: '59',
      a0: '558e251634a0',
      comm: 'arp',
      exe: '/usr/sbin/arp',
      key: '(null)',
    });
    expect(parseAuditLine(EXECVE)!.fields.a2).toBe('/tmp/my dir');
    expect(parseAuditLine('type=PROCTITLE msg=audit(1.0:1): proctitle=617270002D61')!.fields.proctitle).toBe('arp -a');
    expect(parseAuditLine('not audit')).toBeUndefined();
  });

  it('a record becomes a flat auditd event', () => {
    const e = auditRecordEvent(parseAuditLine(SYSCALL)!);
    expect(e).toMatchObject({
      '@timestamp': '2020-11-10T07:48:16.155Z',
      'logsource.product': 'linux',
      'logsource.service': 'auditd',
      type: 'SYSCALL',
      exe: '/usr/sbin/arp',
    });
  });

  it('an execve group also becomes a process_creation event', () => {
    const g = [SYSCALL, EXECVE, CWD].map((l) => parseAuditLine(l)!);
    expect(auditExecveEvent(g)).toMatchObject({
      'logsource.product': 'linux',
      'logsource.category': 'process_creation',
      Image: '/usr/sbin/arp',
      CommandLine: 'ls -la /tmp/my dir',
      ProcessId: '1631',
      ParentProcessId: '29002',
      CurrentDirectory: '/home/wardog',
    });
    expect(auditExecveEvent([parseAuditLine(CWD)!])).toBeUndefined();
  });

  it('never throws on arbitrary lines', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parseAuditLine(s);
        const r = parseAuditLine(`type=EXECVE msg=audit(1.5:7): ${s}`);
        expect(r).toBeDefined();
        auditExecveEvent([r!, parseAuditLine(`type=SYSCALL msg=audit(1.5:7): syscall=59 ${s}`)!]);
      }),
      { numRuns: 400 },
    );
  });
});

describe('Azure Syslog rows', () => {
  it('Sysmon for Linux XML becomes a Sysmon event of product linux', () => {
    const row = {
      Computer: 'UBUNTU5',
      HostName: 'UBUNTU5',
      EventTime: '2022-05-11T18:10:20Z',
      ProcessName: 'sysmon',
      SyslogMessage:
        '<Event><System><Provider Name="Linux-Sysmon"/><EventID>3</EventID><TimeCreated SystemTime="2022-05-11T18:10:20.399931000Z"/><Channel>Linux-Sysmon/Operational</Channel><Computer>UBUNTU5</Computer></System><EventData><Data Name="Image">/usr/bin/java</Data><Data Name="DestinationIp">192.168.2.6</Data><Data Name="DestinationPort">1389</Data></EventData></Event>',
    };
    expect(isAzureSyslogRow(row)).toBe(true);
    expect(normaliseAzureSyslogRow(row)).toMatchObject({
      '@timestamp': '2022-05-11T18:10:20.399Z',
      'logsource.product': 'linux',
      'logsource.service': 'sysmon',
      'logsource.category': 'network_connection',
      EventID: 3,
      Image: '/usr/bin/java',
      DestinationPort: '1389',
    });
  });

  it('plain syslog messages keep their text and program', () => {
    const e = normaliseAzureSyslogRow({ Computer: 'h', SyslogMessage: 'Accepted password for x', ProcessName: 'sshd' });
    expect(e).toMatchObject({ 'logsource.service': 'sshd', message: 'Accepted password for x', 'host.name': 'h' });
  });

  it('facility and severity names become the numeric codes the syslog decoders store', () => {
    const e = normaliseAzureSyslogRow({
      Computer: 'h',
      SyslogMessage: 'x',
      ProcessName: 'sshd',
      Facility: 'authpriv',
      SeverityLevel: 'Warning',
    });
    expect([e['log.syslog.facility'], e['log.syslog.severity']]).toEqual([10, 4]);
    expect(
      normaliseAzureSyslogRow({ Computer: 'h', SyslogMessage: 'x', Facility: 'bogus' })['log.syslog.facility'],
    ).toBeUndefined();
  });

  it('every row of the OTRF log4shell set is a Sysmon for Linux event (../shared)', () => {
    const dir = sharedPath('corpus', 'otrf', 'syslog_sysmon_log4shell_cve2021_44228_jndi_reference');
    if (!dir) return explainSkip('OTRF Sysmon for Linux rows');
    const f = join(dir, 'syslog_sysmon_log4shell_cve2021_44228_jndi_reference_2022-05-11181020.json');
    const rows = readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    for (const l of rows) {
      const e = normaliseAzureSyslogRow(JSON.parse(l));
      expect(e['logsource.service']).toBe('sysmon');
      expect(typeof e.EventID).toBe('number');
    }
  });
});

describe('truncated Sysmon XML', () => {
  it('keeps the fields read before the cut and says it was cut', () => {
    const e = normaliseAzureSyslogRow({
      Computer: 'u',
      SyslogMessage:
        '<Event><System><EventID>1</EventID><Channel>Linux-Sysmon/Operational</Channel></System><EventData><Data Name="Image">/bin/bash</Data><Data Name="ParentCommandLine">java -Dx=1 -',
    });
    expect(e).toMatchObject({
      'logsource.category': 'process_creation',
      Image: '/bin/bash',
      ParentCommandLine: 'java -Dx=1 -',
      'log.truncated': true,
    });
  });
});
