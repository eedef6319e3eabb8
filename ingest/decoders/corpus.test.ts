import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { explainSkip, sharedPath } from '../../core/shared-data.js';
import { createNormaliseContext, normaliseRecord } from '../normalise/index.js';

const corpus = sharedPath('corpus');
const d = corpus ? describe : describe.skip;
if (!corpus) explainSkip('the decoder corpus tests');

/** Year-less loghub lines are from 2005: receive them on the last day of 2005, in UTC. */
const RECEIVED_2005 = Date.UTC(2005, 11, 31, 12, 0, 0);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function lines(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/** Minimal RFC 4180 CSV reader (quoted fields with "" escapes), enough for loghub's *_structured.csv. */
function csv(file: string): Record<string, string>[] {
  const rows: string[][] = [];
  const text = readFileSync(file, 'utf8');
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  const head = rows.shift()!;
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
}

function run(data: string[], tz = 'UTC', receivedAt = RECEIVED_2005) {
  const ctx = createNormaliseContext({ tz });
  return data.map((line, i) =>
    normaliseRecord({ id: `id-${i}`, receivedAt, transport: 'udp', source: '192.0.2.1', data: line }, ctx),
  );
}

function iso(y: number, mon: string, day: string, time: string): string {
  const [h, m, s] = time.split(':').map(Number);
  return new Date(Date.UTC(y, MONTHS.indexOf(mon), Number(day), h!, m!, s!)).toISOString();
}

d('corpus: loghub (expected split from *_structured.csv)', () => {
  /** Compares each event with the expected values of its CSV row; returns the mismatching lines. */
  function mismatches(
    evs: (Record<string, unknown> | undefined)[],
    rows: Record<string, string>[],
    want: (row: Record<string, string>) => Record<string, unknown>,
  ): unknown[] {
    const bad: unknown[] = [];
    rows.forEach((row, i) => {
      const ev = evs[i] ?? {};
      const w = want(row);
      const got: Record<string, unknown> = {};
      for (const k of Object.keys(w)) got[k] = k === 'message' ? String(ev[k]).trim() : ev[k];
      if (JSON.stringify(got) !== JSON.stringify(w)) bad.push({ line: i + 1, got, want: w });
    });
    return bad.slice(0, 5);
  }

  it('Linux: timestamp, host, program, pid and message of every line', () => {
    const dir = join(corpus!, 'loghub', 'Linux');
    const rows = csv(join(dir, 'Linux_2k.log_structured.csv'));
    const evs = run(lines(join(dir, 'Linux_2k.log')));
    expect(evs).toHaveLength(rows.length);
    const bad = mismatches(evs, rows, (x) => ({
      '@timestamp': iso(2005, x.Month!, x.Date!, x.Time!),
      'host.name': x.Level,
      'log.syslog.appname': x.Component,
      'log.syslog.procid': x.PID === '' ? undefined : x.PID,
      message: x.Content!.trim(),
      'logsource.product': 'linux',
      'canhgac.decode_error': undefined,
    }));
    expect(bad).toEqual([]);
  });

  it('OpenSSH: every line is sshd with host, pid and message', () => {
    const dir = join(corpus!, 'loghub', 'OpenSSH');
    const rows = csv(join(dir, 'OpenSSH_2k.log_structured.csv'));
    const evs = run(lines(join(dir, 'OpenSSH_2k.log')));
    expect(evs).toHaveLength(rows.length);
    const bad = mismatches(evs, rows, (x) => ({
      '@timestamp': iso(2005, x.Date!, x.Day!, x.Time!),
      'host.name': x.Component,
      'log.syslog.appname': 'sshd',
      'log.syslog.procid': x.Pid,
      message: x.Content!.trim(),
      'logsource.service': 'sshd',
    }));
    expect(bad).toEqual([]);
  });

  it('Apache error log: time, level and message', () => {
    const dir = join(corpus!, 'loghub', 'Apache');
    const rows = csv(join(dir, 'Apache_2k.log_structured.csv'));
    const evs = run(lines(join(dir, 'Apache_2k.log')));
    const bad = mismatches(evs, rows, (x) => {
      const [, mon, day, time, year] = x.Time!.split(' ');
      return {
        '@timestamp': iso(Number(year), mon!, day!, time!),
        'log.level': x.Level,
        message: x.Content!.trim(),
        'logsource.product': 'apache',
      };
    });
    expect(bad).toEqual([]);
  });

  it('Windows CBS: date, time, level, component and message', () => {
    const dir = join(corpus!, 'loghub', 'Windows');
    const rows = csv(join(dir, 'Windows_2k.log_structured.csv'));
    const evs = run(lines(join(dir, 'Windows_2k.log')));
    const bad = mismatches(evs, rows, (x) => ({
      '@timestamp': `${x.Date}T${x.Time}.000Z`,
      'log.level': x.Level,
      'log.syslog.appname': x.Component,
      message: x.Content!.trim(),
    }));
    expect(bad).toEqual([]);
  });
});

/** An independent reading of the classic BSD header, to check what the decoders found. */
const BSD = /^(?:<\d{1,3}>)?([A-Z][a-z]{2}) +(\d{1,2}) (\d\d:\d\d:\d\d) (\S+) ([A-Za-z][\w.-]*)(?:\[(\d+)\])?: /;

d('corpus: syslog fixtures', () => {
  const dir = corpus ? join(corpus, 'syslog') : '';
  const files = corpus ? readdirSync(dir).filter((f) => f.endsWith('.log')) : [];

  it.each(files)('%s: every line becomes an event; BSD headers give time, host and program', (file) => {
    const data = lines(join(dir, file));
    const receivedAt = Date.UTC(2025, 11, 31, 12);
    const evs = run(data, 'Asia/Ho_Chi_Minh', receivedAt);
    let decoded = 0;
    // Mismatches are collected and compared once: one expect per line would dominate the run time.
    const bad: unknown[] = [];
    data.forEach((line, i) => {
      const e = evs[i];
      if (e === undefined) {
        bad.push({ line: i + 1, problem: 'no event' });
        return;
      }
      const ts = e['@timestamp'];
      if (typeof ts !== 'string' || Number.isNaN(Date.parse(ts)) || e['event.original'] !== line) {
        bad.push({ line: i + 1, ts });
      }
      if (e['canhgac.decode_error'] !== undefined) {
        // Kept raw: the whole line is the message.
        if (e.message !== line.replace(/[\r\n]+$/, '')) bad.push({ line: i + 1, message: e.message });
        return;
      }
      decoded++;
      const m = BSD.exec(line);
      if (m && !line.includes('CEF:')) {
        const [, mon, day, time, host, app, pid] = m;
        // Asia/Ho_Chi_Minh is UTC+7 with no daylight saving.
        const local = new Date(Date.parse(ts as string) + 7 * 3_600_000);
        const got = [
          MONTHS[local.getUTCMonth()],
          local.getUTCDate(),
          local.toISOString().slice(11, 19),
          e['host.name'],
          e['log.syslog.appname'],
          pid ? e['log.syslog.procid'] : undefined,
        ];
        const want = [mon, Number(day), time, host, app, pid || undefined];
        if (JSON.stringify(got) !== JSON.stringify(want)) bad.push({ line: i + 1, got, want });
      }
    });
    expect(bad).toEqual([]);
    // Most fixtures are well-formed; the few malformed ones must not dominate.
    expect(decoded / data.length).toBeGreaterThan(0.8);
  });

  it('web, firewall and CEF fixtures carry their Sigma fields', () => {
    const access = run(lines(join(dir, 'apache_access_combined.log')).slice(0, 200), 'UTC');
    for (const e of access) {
      expect(e!['logsource.category']).toBe('webserver');
      expect(typeof e!['cs-method']).toBe('string');
      expect(typeof e!['sc-status']).toBe('number');
      expect(typeof e!['c-ip']).toBe('string');
    }
    expect(access[0]!['@timestamp']).toBe('2015-05-17T10:05:03.000Z');
    const fw = run(lines(join(dir, 'iptables_netfilter.log')), 'UTC').filter(
      (e) => e!['canhgac.decode_error'] === undefined,
    );
    expect(fw.filter((e) => e!['logsource.category'] === 'firewall').length).toBeGreaterThan(fw.length * 0.8);
    const forti = run(lines(join(dir, 'fortigate.log')), 'UTC');
    expect(forti.filter((e) => e!['logsource.product'] === 'fortigate').length).toBeGreaterThan(40);
    const cef = run(lines(join(dir, 'cef.log')), 'UTC');
    expect(cef.every((e) => typeof e!['cef.device_vendor'] === 'string')).toBe(true);
  });
});
