import { describe, expect, it } from '@jest/globals';
import { CanhgacError } from '../../core/errors.js';
import { DECODERS, decodeAuto, decodeContext, getDecoder, safeDecode } from './index.js';
import { decodeRfc3164, decodeRfc5424 } from './syslog.js';
import type { DecodeContext } from './types.js';

const RECV = Date.UTC(2026, 10, 22, 3, 0, 0);

function ctx(tz = 'Asia/Ho_Chi_Minh', receivedAt = RECV): DecodeContext {
  const c = decodeContext(tz);
  c.receivedAt = receivedAt;
  return c;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('RFC 5424', () => {
  it('reads the header, structured data with escapes, BOM and fractional seconds with offsets', () => {
    const line =
      '<165>1 2003-10-11T22:14:15.003+07:00 mymachine.example.com evntslog 1234 ID47 ' +
      '[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][x q="a\\"b\\\\c\\]d"] \uFEFFAn application event';
    const d = decodeRfc5424(line, ctx());
    expect(d.error).toBeUndefined();
    expect(iso(d.time)).toBe('2003-10-11T15:14:15.003Z');
    expect([d.facility, d.severity]).toEqual([20, 5]);
    expect([d.host, d.appname, d.procid, d.msgid]).toEqual(['mymachine.example.com', 'evntslog', '1234', 'ID47']);
    expect(d.structuredData).toEqual({
      'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
      x: { q: 'a"b\\c]d' },
    });
    expect(d.message).toBe('An application event');
  });

  it('handles NILVALUE everywhere, Z times and microseconds', () => {
    const d = decodeRfc5424('<13>1 2024-02-18T02:29:57.123456Z - - - - -', ctx());
    expect(iso(d.time)).toBe('2024-02-18T02:29:57.123Z');
    expect([d.host, d.appname, d.procid, d.msgid, d.structuredData]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(d.message).toBe('');
    expect(decodeRfc5424('<13>1 - host app - - - msg', ctx()).time).toBeNaN();
  });

  it('keeps malformed messages with a reason', () => {
    expect(decodeRfc5424('<13>1 2024-13-18T02:29:57Z h a - - - m', ctx()).error).toBe('rfc5424_bad_timestamp');
    expect(decodeRfc5424('<13>1 2024-02-18T02:29:57Z h a - - [unterminated k="v" m', ctx()).error).toBe(
      'rfc5424_bad_structured_data',
    );
    expect(decodeRfc5424('no pri', ctx()).error).toBe('rfc5424_no_pri');
    expect(decodeRfc5424('<13>1 2024-02-18T02:29:57Z', ctx()).error).toBe('rfc5424_truncated_header');
  });

  it('never lets an SD-ID of __proto__ reach Object.prototype', () => {
    decodeRfc5424('<13>1 - h a - - [__proto__ polluted="yes"] m', ctx());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('RFC 3164 variants', () => {
  it('infers the year near the receive time in the configured zone', () => {
    const d = decodeRfc3164('<34>Oct 11 22:14:15 mymachine su: failed for lonvick on /dev/pts/8', ctx());
    expect(iso(d.time)).toBe('2026-10-11T15:14:15.000Z');
    expect([d.facility, d.severity, d.host, d.appname, d.procid]).toEqual([4, 2, 'mymachine', 'su', undefined]);
    expect(d.message).toBe('failed for lonvick on /dev/pts/8');
    // December lines read in January belong to last year; January lines read on Dec 31 to next year.
    const jan = ctx('UTC', Date.UTC(2027, 0, 2));
    expect(iso(decodeRfc3164('Dec 31 23:59:59 h p: m', jan).time)).toBe('2026-12-31T23:59:59.000Z');
    const dec = ctx('UTC', Date.UTC(2026, 11, 31, 23, 59));
    expect(iso(decodeRfc3164('Jan  1 00:00:05 h p: m', dec).time)).toBe('2027-01-01T00:00:05.000Z');
    expect(iso(decodeRfc3164('Feb 29 10:00:00 h p: m', ctx('UTC')).time)).toBe('2024-02-29T10:00:00.000Z');
  });

  it('uses the per-stream zone (DST zones too)', () => {
    const ny = ctx('America/New_York', Date.UTC(2026, 6, 10));
    expect(iso(decodeRfc3164('Jul  4 12:00:00 h p: m', ny).time)).toBe('2026-07-04T16:00:00.000Z');
    expect(iso(decodeRfc3164('Jan  4 12:00:00 h p: m', ny).time)).toBe('2026-01-04T17:00:00.000Z');
    expect(iso(decodeRfc3164('Jan  4 12:00:00 h p: m', ctx('+05:30', Date.UTC(2026, 6, 10))).time)).toBe(
      '2026-01-04T06:30:00.000Z',
    );
  });

  it('reads with-year, ISO and fractional timestamps', () => {
    expect(iso(decodeRfc3164('<166>Jan 10 2024 10:00:00 fw1 : %ASA-6-302013: Built', ctx('UTC')).time)).toBe(
      '2024-01-10T10:00:00.000Z',
    );
    const d = decodeRfc3164('2013-10-30T14:51:24.140565+01:00 srv sshd[12664]: Failed password', ctx());
    expect(iso(d.time)).toBe('2013-10-30T13:51:24.140Z');
    expect([d.host, d.appname, d.procid]).toEqual(['srv', 'sshd', '12664']);
    expect(iso(decodeRfc3164('<13>Mar  1 10:00:00.250 h p: m', ctx('UTC')).time)).toBe('2026-03-01T10:00:00.250Z');
  });

  it('handles missing host, missing timestamp and odd tags', () => {
    let d = decodeRfc3164('<13>Feb  5 17:32:18 sshd[123]: Accepted password', ctx());
    expect([d.host, d.appname, d.procid, d.message]).toEqual([undefined, 'sshd', '123', 'Accepted password']);
    d = decodeRfc3164('<13>sudo: pam_unix(sudo:session): session opened', ctx());
    expect([d.time, d.appname, d.message]).toEqual([Number.NaN, 'sudo', 'pam_unix(sudo:session): session opened']);
    d = decodeRfc3164('Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown', ctx());
    expect([d.appname, d.procid]).toEqual(['sshd(pam_unix)', '19939']);
    d = decodeRfc3164('Jun 19 04:09:11 combo syslogd 1.4.1: restart.', ctx());
    expect([d.appname, d.message]).toEqual(['syslogd 1.4.1', 'restart.']);
    d = decodeRfc3164('Jun 19 04:09:11 combo some text without a tag', ctx());
    expect([d.host, d.appname, d.message]).toEqual(['combo', undefined, 'some text without a tag']);
    expect(decodeRfc3164('just text', ctx()).error).toBe('rfc3164_no_header');
  });

  it('reads Cisco ASA tags, PAN-OS CSV and FortiGate key=value bodies', () => {
    let d = decodeRfc3164(
      '<166>Jan 10 2024 10:00:00 asa01 : %ASA-6-302013: Built inbound TCP connection 1 for outside:1.2.3.4/5',
      ctx(),
    );
    expect([d.host, d.appname, d.msgid, d.severity, d.product, d.category]).toEqual([
      'asa01',
      'asa',
      '302013',
      6,
      'asa',
      'firewall',
    ]);
    expect(d.message).toBe('Built inbound TCP connection 1 for outside:1.2.3.4/5');
    d = decodeRfc3164(
      '<14>Jan 10 10:00:00 PA-VM 1,2024/01/10 10:00:00,0123,TRAFFIC,end,2560,2024/01/10 10:00:00,10.0.0.5,8.8.8.8,0.0.0.0,0.0.0.0,allow-dns,,,dns,vsys1,trust,untrust,e1/2,e1/1,fwd,2024/01/10 10:00:00,555,1,53211,53,0,0,0x0,udp,allow',
      ctx(),
    );
    expect([d.product, d.category, d.fields?.src_ip, d.fields?.dst_port, d.fields?.action]).toEqual([
      'paloalto',
      'firewall',
      '10.0.0.5',
      53,
      'allow',
    ]);
    d = decodeRfc3164(
      '<189>date=2020-04-23 time=12:17:48 devname="fw 1" devid="FG1" logid="0000000013" type="traffic" tz="+0700" action="deny" msg="x \\"y\\""',
      ctx(),
    );
    expect([iso(d.time), d.host, d.product, d.service, d.fields?.action, d.message]).toEqual([
      '2020-04-23T05:17:48.000Z',
      'fw 1',
      'fortigate',
      'traffic',
      'deny',
      'x "y"',
    ]);
  });

  it('reads Cisco timestamp quirks: colon after the time, IOS sequence numbers, `*` and UTC', () => {
    let d = decodeRfc3164('<166>Jan 10 2024 10:00:00: %ASA-6-302013: Built', ctx());
    expect([d.host, d.appname, d.msgid, d.message]).toEqual([undefined, 'asa', '302013', 'Built']);
    d = decodeRfc3164('<189>45: *Mar  1 18:48:50.483 UTC: %SYS-5-CONFIG_I: Configured from console by vty0', ctx());
    expect([iso(d.time), d.host, d.appname, d.msgid, d.severity, d.product, d.message]).toEqual([
      '2026-03-01T18:48:50.483Z',
      undefined,
      'SYS',
      'CONFIG_I',
      5,
      'cisco',
      'Configured from console by vty0',
    ]);
  });

  it('reads MikroTik RouterOS topics and firewall lines', () => {
    let d = decodeRfc3164(
      '<134>Nov 22 10:00:00 MikroTik firewall,info DROP_WINBOX input: in:ether1 out:(unknown 0), src-mac 00:0c:42:00:00:01, proto TCP (SYN), 203.0.113.5:51234->192.168.88.1:8291, len 52',
      ctx(),
    );
    expect([d.host, d.appname, d.product, d.category]).toEqual(['MikroTik', 'firewall,info', 'mikrotik', 'firewall']);
    expect(d.fields).toMatchObject({
      chain: 'input',
      'mikrotik.prefix': 'DROP_WINBOX',
      'mikrotik.in_interface': 'ether1',
      protocol: 'tcp',
      src_ip: '203.0.113.5',
      src_port: 51234,
      dst_ip: '192.168.88.1',
      dst_port: 8291,
      action: 'drop',
    });
    d = decodeRfc3164(
      '<134>Nov 22 10:00:00 gw system,error,critical login failure for user admin from 1.2.3.4 via winbox',
      ctx(),
    );
    expect([d.appname, d.product, d.message]).toEqual([
      'system,error,critical',
      'mikrotik',
      'login failure for user admin from 1.2.3.4 via winbox',
    ]);
    d = decodeRfc3164('<134>Nov 22 10:00:00 gw some words here', ctx());
    expect([d.appname, d.product]).toEqual([undefined, undefined]);
  });

  it('reads netfilter and filterlog bodies', () => {
    let d = decodeRfc3164(
      'Sep 27 20:56:38 gw kernel: [  203.842973] IPTABLES-DROP: IN=eth0 OUT= SRC=1.2.3.4 DST=10.0.0.1 LEN=76 PROTO=TCP SPT=4000 DPT=22 LEN=56 SYN',
      ctx(),
    );
    expect(d.fields).toMatchObject({
      'netfilter.prefix': 'IPTABLES-DROP:',
      src_ip: '1.2.3.4',
      dst_ip: '10.0.0.1',
      src_port: 4000,
      dst_port: 22,
      protocol: 'tcp',
      action: 'drop',
      LEN: '76',
      'netfilter.flags': 'SYN',
    });
    d = decodeRfc3164(
      '<134>Feb 22 20:23:03 pfSense filterlog[1234]: 5,,,1000000103,em0,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,1.2.3.4,10.0.0.1,5555,22,0,S,1,,64240,,mss',
      ctx(),
    );
    expect([d.product, d.fields?.action, d.fields?.src_ip, d.fields?.dst_port]).toEqual([
      'pfsense',
      'block',
      '1.2.3.4',
      22,
    ]);
  });
});

describe('registry and auto detection', () => {
  it('rejects unknown decoder names with a typed error', () => {
    expect(() => getDecoder('nope')).toThrow(CanhgacError);
    try {
      getDecoder('nope');
    } catch (e) {
      expect((e as CanhgacError).code).toBe('CANHGAC_ERR_DECODER_UNKNOWN');
    }
    expect(getDecoder('rfc5424')).toBe(DECODERS.rfc5424);
  });

  it.each([
    ['<13>1 2024-01-01T00:00:00Z h a - - - m', 'rfc5424'],
    ['<13>Jan  1 00:00:00 h a: m', 'rfc3164'],
    ['Jan  1 00:00:00 h a: m', 'rfc3164'],
    ['CEF:0|V|P|1|100|name|5|src=1.2.3.4', 'cef'],
    ['LEEF:1.0|V|P|1|100|src=1.2.3.4\tdst=5.6.7.8', 'leef'],
    ['{"message":"x"}', 'json'],
    ['1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5', 'access'],
    ['2021/12/01 13:53:33 [error] 31#31: *46 boom', 'error_log'],
    ['[Sun Dec 04 04:47:44 2005] [notice] ok', 'error_log'],
    ['srcip=1.2.3.4 dstip=5.6.7.8 action=deny', 'kv'],
    ['2016-09-28 04:30:30, Info                  CBS    Loaded', 'cbs'],
    ['complete nonsense', 'raw'],
    ['', 'raw'],
  ])('auto: %s -> %s', (line, format) => {
    expect(decodeAuto(line, ctx()).format).toBe(format);
  });

  it('safeDecode strips line ends, keeps huge lines raw and survives throwing decoders', () => {
    expect(safeDecode(DECODERS.auto!, 'Jan  1 00:00:00 h a: m\r\n', ctx()).message).toBe('m');
    expect(safeDecode(DECODERS.auto!, 'x'.repeat((1 << 20) + 1), ctx()).error).toBe('too_long');
    expect(safeDecode(DECODERS.auto!, 'Jan  1 00:00:00 h a: m\0\n', ctx()).message).toBe('m');
    const t0 = Date.now();
    safeDecode(DECODERS.auto!, `${'\n'.repeat(200_000)}x\n`, ctx());
    expect(Date.now() - t0).toBeLessThan(1000);
    const bad = safeDecode(
      () => {
        throw new Error('bug');
      },
      'line',
      ctx(),
    );
    expect([bad.format, bad.error, bad.message]).toEqual(['raw', 'decoder_exception', 'line']);
  });
});
