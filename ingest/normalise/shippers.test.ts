/**
 * One fixture per shipper and source kind (fixtures/shippers/, the documents of tests/shippers/shapes.ts for one
 * sshd line, one nginx access line and one 4625 event): each is recognised as its shipper and decoded like the
 * line over syslog. Documents of no known shape are stored, marked and counted by a capped shape fingerprint.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { registry } from '../../core/metrics.js';
import { projectRoot } from '../../core/shared-data.js';
import { decodeJson } from '../decoders/json.js';
import { decodeRfc3164 } from '../decoders/syslog.js';
import { decodeContext } from '../decoders/types.js';
import { createNormaliseContext, normaliseRecord } from './normalise.js';
import { facilityOf, severityOf } from './shippers.js';
import { countUnknownShapes, MAX_SHAPES } from './unknown-shape.js';

const DIR = join(projectRoot, 'ingest', 'normalise', 'fixtures', 'shippers');
const RECEIVED = Date.parse('2026-11-22T03:20:00Z');
const ctx = () => {
  const c = decodeContext();
  c.receivedAt = RECEIVED;
  return c;
};

const SSH =
  '<86>Nov 22 10:15:00 web01.so-tttt.gov.vn sshd[3000]: Failed password for root from 203.0.113.10 port 40000 ssh2';

/** Fixture -> the shipper name it must be recognised as. */
const SHIPPER: Record<string, string> = {
  'syslog-ng--elasticsearch-http.json': 'syslog-ng',
  'syslog-ng--http-nv-pairs.json': 'syslog-ng',
  'rsyslog--jsonmesg.json': 'rsyslog',
  'rsyslog--omhttp.json': 'rsyslog',
  'vector--syslog.json': 'vector-syslog',
  'vector--journald.json': 'vector-journald',
  'vector--file.json': 'vector-file',
  'vector--file-nginx.json': 'vector-file',
  'fluent-bit--syslog.json': 'fluent-bit-syslog',
  'fluent-bit--tail.json': 'fluent-bit-tail',
  'fluent-bit--tail-nginx.json': 'fluent-bit-access',
  'filebeat-7--log.json': 'filebeat',
  'filebeat-8--filestream.json': 'filebeat',
  'filebeat-8--filestream-nginx.json': 'filebeat',
  'filebeat-8--syslog.json': 'filebeat',
  'elastic-agent--system.json': 'filebeat',
  'nxlog--parse_syslog.json': 'nxlog',
  'nxlog--im_file.json': 'nxlog',
  'logstash--syslog-ecs.json': 'logstash',
  'logstash--syslog-legacy.json': 'logstash',
  'journald--json.json': 'journald',
  'winlogbeat-7--wineventlog.json': 'windows',
  'winlogbeat-8--wineventlog.json': 'windows',
  'elastic-agent--windows.json': 'windows',
  'vector--windows_event_log.json': 'vector-windows',
};

async function counterValue(name: string, labels: Record<string, string>): Promise<number> {
  const m = (await registry.getSingleMetric(name)?.get()) as
    | { values: Array<{ value: number; labels: Record<string, string> }> }
    | undefined;
  const hit = m?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return hit?.value ?? 0;
}

describe('shipper fixtures', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

  it('has one fixture per shipper and source kind, each listed here', () => {
    expect(files.sort()).toEqual(Object.keys(SHIPPER).sort());
  });

  const raw = decodeRfc3164(SSH, ctx());
  for (const f of files) {
    it(`${f} is recognised and decoded like the line over syslog`, () => {
      const text = readFileSync(join(DIR, f), 'utf8');
      const d = decodeJson(JSON.stringify(JSON.parse(text)), ctx());
      expect(d.error).toBeUndefined();
      const shipper = SHIPPER[f]!;
      if (shipper.includes('windows')) {
        expect([d.product, d.fields?.EventID, d.fields?.IpAddress]).toEqual(['windows', 4625, '203.0.113.77']);
        if (shipper !== 'windows') expect(d.fields?.['canhgac.shipper']).toBe(shipper);
        return;
      }
      expect(d.fields?.['canhgac.shipper']).toBe(shipper);
      if (f.includes('nginx')) {
        expect([d.category, d.fields?.['c-ip']]).toEqual(['webserver', '203.0.113.88']);
        return;
      }
      expect([d.format, d.appname, d.procid, d.message]).toEqual(['json-syslog', 'sshd', '3000', raw.message]);
      // Lines read from a file have no PRI and a shipper read time: host and program are what matter there.
      if (!/tail|file|im_file|filestream|filebeat-7|elastic-agent/.test(f)) {
        expect([d.host, new Date(d.time).toISOString()]).toEqual([raw.host, new Date(raw.time).toISOString()]);
        expect([d.facility, d.severity]).toEqual([raw.facility, raw.severity]);
      } else expect(d.host).toBe('web01.so-tttt.gov.vn');
    });
  }
});

describe("rsyslog's BSD times", () => {
  it("reads the raw line of %jsonmesg% in the senders' zone, not rsyslog's UTC stamp of it", () => {
    const line =
      '<86>Nov 22 10:15:00 web01.so-tttt.gov.vn sshd[3000]: Failed password for root from 203.0.113.10 port 40000 ssh2';
    const doc = {
      msg: ' Failed password for root from 203.0.113.10 port 40000 ssh2',
      rawmsg: line,
      timereported: '2026-11-22T10:15:00+00:00', // what rsyslogd writes for it, TZ set or not
      hostname: 'web01.so-tttt.gov.vn',
      syslogtag: 'sshd[3000]:',
      programname: 'sshd',
      procid: '3000',
    };
    const d = decodeJson(JSON.stringify(doc), ctx());
    const r = decodeRfc3164(line, ctx());
    expect(new Date(d.time).toISOString()).toBe(new Date(r.time).toISOString());
    expect(new Date(d.time).toISOString()).toBe('2026-11-22T03:15:00.000Z');
    // Without the raw line the document's own time stands.
    const { rawmsg: _, ...bare } = doc;
    expect(new Date(decodeJson(JSON.stringify(bare), ctx()).time).toISOString()).toBe('2026-11-22T10:15:00.000Z');
  });
});

describe('what a shipper adds beyond the line', () => {
  it('keeps custom fields, tags, file path and agent; not the header fields it rebuilt the line from', () => {
    const fb = JSON.parse(readFileSync(join(DIR, 'filebeat-8--filestream.json'), 'utf8')) as Record<string, unknown>;
    const d = decodeJson(JSON.stringify({ ...fb, fields: { env: 'prod' }, tags: ['dmz'] }), ctx());
    expect([d.fields?.['fields.env'], d.fields?.tags, d.fields?.['log.file.path'], d.fields?.['agent.type']]).toEqual([
      'prod',
      ['dmz'],
      '/var/log/auth.log',
      'filebeat',
    ]);
    expect(d.fields?.message).toBeUndefined();
    const j = JSON.parse(readFileSync(join(DIR, 'journald--json.json'), 'utf8')) as Record<string, unknown>;
    const e = decodeJson(JSON.stringify({ ...j, _SYSTEMD_UNIT: 'ssh.service' }), ctx());
    expect([e.fields?._SYSTEMD_UNIT, e.fields?.SYSLOG_IDENTIFIER, e.fields?.MESSAGE]).toEqual([
      'ssh.service',
      undefined,
      undefined,
    ]);
  });
});

describe('syslog names', () => {
  it('reads severities and facilities as numbers, digits or names', () => {
    expect(['info', 'Informational', 'WARNING', '3', 7, 'x'].map(severityOf)).toEqual([6, 6, 4, 3, 7, -1]);
    expect(['authpriv', 'AUTH', 'local7', '10', 23, 24].map(facilityOf)).toEqual([10, 4, 23, 10, 23, -1]);
  });
});

describe('unknown shapes', () => {
  it("stores rsyslog's default StdJSONFmt (no program) as an unknown shape, counted by fingerprint", async () => {
    const doc = {
      message: ' Failed password for root from 203.0.113.10 port 40000 ssh2',
      fromhost: 'web01',
      facility: 'authpriv',
      priority: 'info',
      timereported: '2026-11-22T10:15:00+07:00',
      timegenerated: '2026-11-22T10:15:00+07:00',
    };
    const n = createNormaliseContext({});
    const ev = normaliseRecord(
      {
        id: 'u1',
        receivedAt: RECEIVED,
        transport: 'http',
        source: '10.20.0.5',
        agency: '000.00.31.H40',
        data: JSON.stringify(doc),
      },
      n,
    )!;
    expect(ev['canhgac.decode_error']).toBe('json_unknown_shape');
    expect(ev['canhgac.shape_keys']).toBe('facility,fromhost,message,priority,timegenerated,timereported');
    const shape = ev['canhgac.shape'] as string;
    expect(shape).toMatch(/^[0-9a-f]{8}$/);
    expect(ev['agency.id']).toBe('000.00.31.H40');
    expect(ev.message).toBe(doc.message);
    const before = await counterValue('canhgac_intake_unknown_shape_total', { shape });
    const again = normaliseRecord(
      {
        id: 'u2',
        receivedAt: RECEIVED,
        transport: 'http',
        source: '10.20.0.5',
        data: JSON.stringify({ ...doc, message: 'x' }),
      },
      n,
    )!;
    countUnknownShapes([ev, again, { message: 'a syslog event' }]);
    expect(await counterValue('canhgac_intake_unknown_shape_total', { shape })).toBe(before + 2);
  });

  it(`caps the shape label at ${MAX_SHAPES} distinct values per process, then counts under "other"`, async () => {
    const before = await counterValue('canhgac_intake_unknown_shape_total', { shape: 'other' });
    const n = createNormaliseContext({});
    const events = Array.from(
      { length: MAX_SHAPES + 10 },
      (_, i) =>
        normaliseRecord({ id: `c${i}`, receivedAt: RECEIVED, transport: 'http', source: 'x', data: `{"k${i}":1}` }, n)!,
    );
    countUnknownShapes(events);
    const m = (await registry.getSingleMetric('canhgac_intake_unknown_shape_total')!.get()) as {
      values: unknown[];
    };
    expect(m.values.length).toBeLessThanOrEqual(MAX_SHAPES + 1);
    expect(await counterValue('canhgac_intake_unknown_shape_total', { shape: 'other' })).toBeGreaterThan(before);
  });

  it('does not call a document with a program or a log source unknown', () => {
    for (const doc of [
      { 'logsource.product': 'linux', message: 'x' },
      { message: 'Nov 22 10:15:00 web01 sshd[1]: x' },
      { PROGRAM: 'sshd', MESSAGE: 'x', HOST: 'h' },
    ])
      expect(decodeJson(JSON.stringify(doc), ctx()).error).toBeUndefined();
  });
});
