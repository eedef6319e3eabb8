import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CanhgacError } from '../../core/errors.js';
import { registry } from '../../core/metrics.js';
import type { RawRecord } from '../spool/types.js';
import {
  agencyTable,
  createNormaliseContext,
  linuxService,
  normaliseBatch,
  normaliseOptionsFromConfig,
  normaliseRecord,
  UNASSIGNED,
} from './index.js';

const RECV = Date.UTC(2026, 10, 22, 3, 0, 0);

function rec(data: string, extra: Partial<RawRecord> = {}): RawRecord {
  return {
    id: '0193f0c2-0000-7000-8000-000000000001',
    receivedAt: RECV,
    transport: 'udp',
    source: '10.1.2.3',
    data,
    ...extra,
  };
}

const AGENCIES = [
  { id: '000.00.00.H40', name: 'Sở Thông tin và Truyền thông', networks: ['10.1.0.0/16', '2001:db8:1::/48'] },
  { id: '000.00.01.H40', name: 'Phòng máy chủ', networks: ['10.1.2.0/24'], certNames: ['pmc.sotttt.gov.vn'] },
  { id: '000.00.02.H40', name: 'Sở Tài chính', networks: ['10.2.0.0/16', '192.0.2.7'] },
];

async function counterValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) return 0;
  const v = (await m.get()).values.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
  return v?.value ?? 0;
}

describe('normaliseRecord', () => {
  it('builds the envelope of decision 0001 from a syslog record', () => {
    const ctx = createNormaliseContext({ agencies: AGENCIES });
    const line = '<38>Nov 22 09:59:58 web01 sshd[4242]: Failed password for root from 203.0.113.5 port 4000 ssh2';
    const ev = normaliseRecord(rec(line), ctx)!;
    expect(ev).toMatchObject({
      '@timestamp': '2026-11-22T02:59:58.000Z',
      'event.id': '0193f0c2-0000-7000-8000-000000000001',
      'event.ingested': '2026-11-22T03:00:00.000Z',
      'event.original': line,
      'agency.id': '000.00.01.H40',
      'agency.name': 'Phòng máy chủ',
      'host.name': 'web01',
      // One field per entity: the attacker the line names is source.ip; the relay that sent it log.source.address.
      'source.ip': '203.0.113.5',
      'log.source.address': '10.1.2.3',
      'log.syslog.facility': 4,
      'log.syslog.severity': 6,
      'log.syslog.appname': 'sshd',
      'log.syslog.procid': '4242',
      message: 'Failed password for root from 203.0.113.5 port 4000 ssh2',
      'logsource.product': 'linux',
      'logsource.service': 'sshd',
    });
    expect(ev['canhgac.decode_error']).toBeUndefined();
  });

  it('keeps undecodable messages as raw events and counts the reason', async () => {
    const ctx = createNormaliseContext();
    const before = await counterValue('canhgac_decode_failures_total', { reason: 'unrecognised' });
    const ev = normaliseRecord(rec('??? not a log line'), ctx)!;
    expect(ev.message).toBe('??? not a log line');
    expect(ev['event.original']).toBe('??? not a log line');
    expect(ev['canhgac.decode_error']).toBe('unrecognised');
    expect(ev['@timestamp']).toBe('2026-11-22T03:00:00.000Z');
    expect(await counterValue('canhgac_decode_failures_total', { reason: 'unrecognised' })).toBe(before + 1);
  });

  it('honours the format hint, keepOriginal and per-sender zones', () => {
    const ctx = createNormaliseContext({ keepOriginal: false, sourceTz: { '10.9.9.9': 'UTC' } });
    const line = '2021/12/01 13:53:33 [error] 31#31: *46 boom, client: 1.2.3.4';
    const vn = normaliseRecord(rec(line, { format: 'nginx' }), ctx)!;
    expect(vn['@timestamp']).toBe('2021-12-01T06:53:33.000Z');
    expect(vn['event.original']).toBeUndefined();
    const utc = normaliseRecord(rec(line, { source: '10.9.9.9' }), ctx)!;
    expect(utc['@timestamp']).toBe('2021-12-01T13:53:33.000Z');
    // An unknown hint falls back to the context's decoder instead of failing the record.
    expect(normaliseRecord(rec(line, { format: 'bogus' }), ctx)!['logsource.product']).toBe('nginx');
  });

  it('reads zone-less timestamps in the zone of the sender network, else of the agency, else the global one', () => {
    const ctx = createNormaliseContext(
      normaliseOptionsFromConfig({
        agencies: [
          { id: 'utc-agency', name: 'Servers on UTC', networks: ['10.5.0.0/16'], timezone: 'UTC' },
          { id: 'vn-agency', name: 'Servers on Vietnam time', networks: ['10.6.0.0/16'] },
        ],
        senderTimezones: [{ networks: ['10.6.9.0/24', '10.5.7.0/24'], timezone: '+09:00' }],
      }),
    );
    const line = '<13>Nov 22 10:00:00 web01 app: hello';
    const at = (source: string, extra: Partial<RawRecord> = {}) =>
      normaliseRecord(rec(line, { source, ...extra }), ctx)!['@timestamp'];
    expect(at('10.5.1.1')).toBe('2026-11-22T10:00:00.000Z'); // agency on UTC
    expect(at('10.6.1.1')).toBe('2026-11-22T03:00:00.000Z'); // default Asia/Ho_Chi_Minh
    expect(at('10.6.9.1')).toBe('2026-11-22T01:00:00.000Z'); // network zone over the agency's
    expect(at('10.5.7.1')).toBe('2026-11-22T01:00:00.000Z');
    // The same sender stream follows a key-named agency (HTTP intake) per record.
    expect(at('10.7.0.1', { agency: 'utc-agency' })).toBe('2026-11-22T10:00:00.000Z');
    expect(at('10.7.0.1')).toBe('2026-11-22T03:00:00.000Z');
    // Lines that carry their own offset are not touched.
    expect(
      normaliseRecord(rec('<13>1 2026-11-22T10:00:00+07:00 h a - - - x', { source: '10.5.1.1' }), ctx)!['@timestamp'],
    ).toBe('2026-11-22T03:00:00.000Z');
    expect(() =>
      createNormaliseContext({ senderTimezones: [{ networks: ['10.0.0.0/8'], timezone: 'Mars/Olympus' }] }),
    ).toThrow(CanhgacError);
    expect(() => agencyTable([{ id: 'a', name: 'A', timezone: 'Mars/Olympus' }])).toThrow(CanhgacError);
  });

  it('quarantines events of senders no agency claims when unclaimedSenders says so, and only those', () => {
    const ctx = createNormaliseContext(
      normaliseOptionsFromConfig({ agencies: AGENCIES, unclaimedSenders: 'quarantine' }),
    );
    const claimed = normaliseRecord(rec('<13>Nov 22 10:00:00 web01 app: hi'), ctx)!;
    expect(claimed['canhgac.quarantine']).toBeUndefined();
    const stranger = normaliseRecord(rec('<13>Nov 22 10:00:00 web01 app: hi', { source: '203.0.113.9' }), ctx)!;
    expect(stranger['canhgac.quarantine']).toBe('unclaimed_sender');
    expect(stranger['agency.id']).toBe('unassigned');
    // An agent key or certificate names the agency: not quarantined whatever the address.
    const keyed = normaliseRecord(rec('x', { source: '203.0.113.9', agency: '000.00.02.H40' }), ctx)!;
    expect(keyed['canhgac.quarantine']).toBeUndefined();
    // A log line cannot quarantine itself (and so slip past detection) by naming the field.
    const forged = normaliseRecord(rec('{"canhgac.quarantine":"x","message":"m"}', { format: 'json' }), ctx)!;
    expect(forged['canhgac.quarantine']).toBeUndefined();
    const open = createNormaliseContext({ agencies: AGENCIES });
    expect(normaliseRecord(rec('x', { source: '203.0.113.9' }), open)!['canhgac.quarantine']).toBeUndefined();
  });

  it('W3C header lines produce no event but set the stream columns', () => {
    const ctx = createNormaliseContext();
    expect(normaliseRecord(rec('#Fields: date time c-ip cs-method cs-uri-stem sc-status'), ctx)).toBeUndefined();
    const ev = normaliseRecord(rec('2024-01-01 00:00:01 1.2.3.4 GET /x 404'), ctx)!;
    expect(ev).toMatchObject({ 'c-ip': '1.2.3.4', 'cs-method': 'GET', 'sc-status': 404, 'logsource.product': 'iis' });
    // Another sender has its own stream state.
    const other = normaliseRecord(rec('2024-01-01 00:00:01 1.2.3.4 GET /x 404', { source: '10.1.2.4' }), ctx)!;
    expect(other['cs-method']).toBeUndefined();
  });

  it('survives a record whose payload is not a string', () => {
    const ctx = createNormaliseContext();
    const ev = normaliseRecord(rec(undefined as unknown as string), ctx)!;
    expect([ev.message, ev['canhgac.decode_error']]).toEqual(['', 'empty']);
  });

  it('payload fields never overwrite the envelope', () => {
    const ctx = createNormaliseContext();
    const ev = normaliseRecord(
      rec('{"message":"m","source.ip":"6.6.6.6","agency.id":"evil","host":{"name":"h"},"user":"u"}'),
      ctx,
    )!;
    // source.ip is the peer the line names (an ECS document's own source.ip); the sender stays log.source.address.
    expect([ev['log.source.address'], ev['agency.id'], ev['host.name'], ev.user]).toEqual([
      '10.1.2.3',
      'unassigned',
      'h',
      'u',
    ]);
    expect(ev['source.ip']).toBe('6.6.6.6');
    // Not an address: no source.ip at all.
    const bad = normaliseRecord(rec('{"message":"m","source.ip":"not-an-ip"}'), ctx)!;
    expect(bad['source.ip']).toBeUndefined();
  });

  it('puts the attacker of every source in source.ip and keeps the names Sigma rules use', () => {
    const ctx = createNormaliseContext();
    const lines: [string, string, string][] = [
      [
        '<38>Nov 22 09:59:58 web01 sshd[4242]: Failed password for root from 203.0.113.5 port 4000 ssh2',
        'client.ip',
        '203.0.113.5',
      ],
      [
        '<190>Nov 22 09:59:58 web01 nginx: 198.51.100.7 - - [22/Nov/2026:09:59:58 +0700] "GET /a.php?id=1 HTTP/1.1" 404 12 "-" "sqlmap"',
        'c-ip',
        '198.51.100.7',
      ],
      [
        '<4>Nov 22 09:59:58 fw01 kernel: [1.2] DROP IN=eth0 OUT= MAC= SRC=192.0.2.44 DST=10.0.0.5 LEN=40 PROTO=TCP SPT=1 DPT=22 SYN',
        'SRC',
        '192.0.2.44',
      ],
    ];
    for (const [line, field, ip] of lines) {
      const ev = normaliseRecord(rec(line), ctx)!;
      expect({ field, kept: ev[field], attacker: ev['source.ip'], relay: ev['log.source.address'] }).toEqual({
        field,
        kept: ip,
        attacker: ip,
        relay: '10.1.2.3',
      });
    }
    // A line naming no peer has no source.ip.
    expect(
      normaliseRecord(rec('<78>Nov 22 10:00:01 web01 CRON[1]: (root) CMD (true)'), ctx)!['source.ip'],
    ).toBeUndefined();
  });

  it('payload keys that would clash with envelope objects or leaves move under payload.', () => {
    const ctx = createNormaliseContext();
    const ev = normaliseRecord(
      rec('{"message":"m","host":"h1","source":"s","log":{"level":"x"},"message.extra":1,"event":{"code":"4"}}'),
      ctx,
    )!;
    expect(ev['host.name']).toBe('h1');
    expect(ev['payload.host']).toBe('h1');
    expect(ev['payload.source']).toBe('s');
    expect(ev['log.level']).toBe('x');
    expect(ev['payload.message.extra']).toBe(1);
    expect(ev['event.code']).toBe('4');
    expect(ev.host).toBeUndefined();
    expect(ev.source).toBeUndefined();
  });

  it('events share one key order for the envelope (stable shape)', () => {
    const ctx = createNormaliseContext();
    const a = normaliseRecord(rec('<13>Nov 22 09:59:58 h sshd[1]: x'), ctx)!;
    const b = normaliseRecord(rec('CEF:0|V|P|1|2|n|3|src=1.2.3.4'), ctx)!;
    const c = normaliseRecord(rec('garbage'), ctx)!;
    const head = (o: object) => Object.keys(o).slice(0, 21);
    expect(head(b)).toEqual(head(a));
    expect(head(c)).toEqual(head(a));
  });

  it('reads its options from the loaded configuration', () => {
    const ctx = createNormaliseContext(
      normaliseOptionsFromConfig({
        timezone: 'UTC',
        agencies: AGENCIES,
        decode: { format: 'rfc3164', keepOriginal: false, sourceTimezones: { '10.9.9.9': '+07:00' } },
      }),
    );
    expect([ctx.tz, ctx.format, ctx.keepOriginal, ctx.agencies.size, ctx.sourceTz.get('10.9.9.9')]).toEqual([
      'UTC',
      'rfc3164',
      false,
      3,
      '+07:00',
    ]);
  });

  it('rejects a bad configuration with typed errors', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as CanhgacError).code;
      }
      return undefined;
    };
    expect(code(() => createNormaliseContext({ format: 'nope' }))).toBe('CANHGAC_ERR_DECODER_UNKNOWN');
    expect(code(() => createNormaliseContext({ tz: 'Mars/Olympus' }))).toBe('CANHGAC_ERR_DECODER_BAD_TIMEZONE');
    expect(code(() => agencyTable([{ id: 'a', name: 'A', networks: ['10.0.0.0/33'] }]))).toBe(
      'CANHGAC_ERR_NORMALISE_BAD_NETWORK',
    );
    expect(code(() => agencyTable([{ id: 'a', name: 'A', networks: ['not-an-ip/8'] }]))).toBe(
      'CANHGAC_ERR_NORMALISE_BAD_NETWORK',
    );
    expect(() => agencyTable([{ id: '', name: 'A' }])).toThrow(CanhgacError);
  });
});

describe('agency attribution', () => {
  const t = agencyTable(AGENCIES);

  it('longest prefix wins, IPv4 and IPv6, mapped addresses and bare hosts', () => {
    expect(t.lookup('10.1.2.3').id).toBe('000.00.01.H40');
    expect(t.lookup('10.1.3.3').id).toBe('000.00.00.H40');
    expect(t.lookup('::ffff:10.1.2.9').id).toBe('000.00.01.H40');
    expect(t.lookup('2001:db8:1:ff::1').id).toBe('000.00.00.H40');
    expect(t.lookup('[2001:db8:1::5]').id).toBe('000.00.00.H40');
    expect(t.lookup('192.0.2.7').id).toBe('000.00.02.H40');
    expect(t.lookup('192.0.2.8')).toBe(UNASSIGNED);
    expect(t.lookup('not an address')).toBe(UNASSIGNED);
    expect(t.byCertName('PMC.sotttt.gov.vn')?.id).toBe('000.00.01.H40');
  });

  it('record.agency wins; unknown senders are unassigned and counted', async () => {
    const ctx = createNormaliseContext({ agencies: AGENCIES });
    const ev = normaliseRecord(rec('<13>Nov 22 09:59:58 h p: m', { agency: '000.00.02.H40' }), ctx)!;
    expect([ev['agency.id'], ev['agency.name']]).toEqual(['000.00.02.H40', 'Sở Tài chính']);
    const before = await counterValue('canhgac_agency_unassigned_total');
    const un = normaliseRecord(rec('<13>Nov 22 09:59:58 h p: m', { source: '172.16.0.1' }), ctx)!;
    expect([un['agency.id'], un['agency.name']]).toEqual(['unassigned', undefined]);
    expect(await counterValue('canhgac_agency_unassigned_total')).toBe(before + 1);
  });
});

describe('logsource', () => {
  it.each([
    ['sshd', 'sshd'],
    ['sshd(pam_unix)', 'sshd'],
    ['sshd-session', 'sshd'],
    ['CRON', 'cron'],
    ['sudo', 'sudo'],
    ['su', 'su'],
    ['auditd', 'auditd'],
    ['kernel', 'kernel'],
    ['/usr/sbin/cron', 'cron'],
    ['charon', 'syslog'],
  ])('%s -> service %s', (app, svc) => {
    expect(linuxService(app)).toBe(svc);
  });

  it('firewalls, web servers and CEF vendors', () => {
    const ctx = createNormaliseContext();
    const ls = (line: string) => {
      const e = normaliseRecord(rec(line), ctx)!;
      return [e['logsource.product'], e['logsource.category'], e['logsource.service']];
    };
    expect(ls('<190>date=2024-01-01 time=00:00:00 devid=FG1 logid=1 type=event action=Add')).toEqual([
      'fortigate',
      'firewall',
      'event',
    ]);
    expect(ls('<166>%ASA-6-302013: Built')).toEqual(['asa', 'firewall', undefined]);
    expect(
      ls('<190>Nov 22 09:59:58 www nginx: 1.2.3.4 - - [22/Nov/2026:09:59:58 +0700] "GET / HTTP/1.1" 200 1'),
    ).toEqual(['nginx', 'webserver', undefined]);
    expect(ls('CEF:0|Palo Alto Networks|PAN-OS|10|x|y|3|src=1.1.1.1')).toEqual(['paloalto', 'firewall', undefined]);
  });
});

describe('normaliseBatch', () => {
  it('appends events and counts received, sent and header lines', async () => {
    const ctx = createNormaliseContext();
    const labels = { component: 'normalise' };
    const r0 = await counterValue('canhgac_component_received_events_total', labels);
    const s0 = await counterValue('canhgac_component_sent_events_total', labels);
    const out: Record<string, unknown>[] = [];
    const n = normaliseBatch(
      [rec('#Fields: date time c-ip'), rec('2024-01-01 00:00:01 1.2.3.4'), rec('<13>Nov 22 09:59:58 h p: m')],
      ctx,
      out,
    );
    expect(n).toBe(2);
    expect(out).toHaveLength(2);
    expect(await counterValue('canhgac_component_received_events_total', labels)).toBe(r0 + 3);
    expect(await counterValue('canhgac_component_sent_events_total', labels)).toBe(s0 + 2);
    expect(
      await counterValue('canhgac_component_dropped_events_total', { component: 'normalise', reason: 'header_line' }),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe('@timestamp formatting cache', () => {
  it('matches Date#toISOString for interleaved nearby and far times', () => {
    const ctx = createNormaliseContext({ tz: 'UTC' });
    fc.assert(
      fc.property(
        fc.integer({ min: -5e12, max: 5e12 }),
        fc.array(fc.integer({ min: -40_000, max: 40_000 }), { minLength: 1, maxLength: 30 }),
        (base, deltas) => {
          for (const d of deltas) {
            const ms = base + d;
            const ev = normaliseRecord(rec('garbage', { receivedAt: ms }), ctx)!;
            expect([ev['@timestamp'], ev['event.ingested']]).toEqual([
              new Date(ms).toISOString(),
              new Date(ms).toISOString(),
            ]);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('normaliseRecord on arbitrary records', () => {
  it('never throws and always returns an event with the envelope (or nothing for W3C headers)', () => {
    const ctx = createNormaliseContext({ agencies: AGENCIES });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString()),
        ),
        fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 20 })),
        fc.option(fc.constantFrom('auto', 'rfc5424', 'json', 'cef', 'w3c', 'nope', '__proto__', 'constructor'), {
          nil: undefined,
        }),
        fc.oneof(fc.integer({ min: -1e16, max: 1e16 }), fc.constant(Number.NaN)),
        (data, source, format, receivedAt) => {
          const r: RawRecord = { id: 'x', receivedAt, transport: 'tcp', source, data };
          if (format !== undefined) r.format = format;
          const ev = normaliseRecord(r, ctx);
          if (ev === undefined) return;
          expect(typeof ev['@timestamp']).toBe('string');
          expect(typeof ev['event.ingested']).toBe('string');
          expect(ev['log.source.address']).toBe(source);
          expect(typeof ev['agency.id']).toBe('string');
          expect(typeof ev.message).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
  });
});
