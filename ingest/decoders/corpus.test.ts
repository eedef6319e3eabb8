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
  it('Linux: timestamp, host, program, pid and message of every line', () => {
    const dir = join(corpus!, 'loghub', 'Linux');
    const expected = csv(join(dir, 'Linux_2k.log_structured.csv'));
    const evs = run(lines(join(dir, 'Linux_2k.log')));
    expect(evs).toHaveLength(expected.length);
    expected.forEach((x, i) => {
      const ev = evs[i]!;
      expect({ line: i + 1, ts: ev['@timestamp'], host: ev['host.name'], app: ev['log.syslog.appname'] }).toEqual({
        line: i + 1,
        ts: iso(2005, x.Month!, x.Date!, x.Time!),
        host: x.Level,
        app: x.Component,
      });
      expect(ev['log.syslog.procid']).toBe(x.PID === '' ? undefined : x.PID);
      expect(String(ev.message).trim()).toBe(x.Content!.trim());
      expect(ev['logsource.product']).toBe('linux');
      expect(ev['canhgac.decode_error']).toBeUndefined();
    });
  });

  it('OpenSSH: every line is sshd with host, pid and message', () => {
    const dir = join(corpus!, 'loghub', 'OpenSSH');
    const expected = csv(join(dir, 'OpenSSH_2k.log_structured.csv'));
    const evs = run(lines(join(dir, 'OpenSSH_2k.log')));
    expect(evs).toHaveLength(expected.length);
    expected.forEach((x, i) => {
      const ev = evs[i]!;
      expect(ev['@timestamp']).toBe(iso(2005, x.Date!, x.Day!, x.Time!));
      expect(ev['host.name']).toBe(x.Component);
      expect(ev['log.syslog.appname']).toBe('sshd');
      expect(ev['log.syslog.procid']).toBe(x.Pid);
      expect(String(ev.message).trim()).toBe(x.Content!.trim());
      expect(ev['logsource.service']).toBe('sshd');
    });
  });

  it('Apache error log: time, level and message', () => {
    const dir = join(corpus!, 'loghub', 'Apache');
    const expected = csv(join(dir, 'Apache_2k.log_structured.csv'));
    const evs = run(lines(join(dir, 'Apache_2k.log')));
    expected.forEach((x, i) => {
      const ev = evs[i]!;
      const [, mon, day, time, year] = x.Time!.split(' ');
      expect(ev['@timestamp']).toBe(iso(Number(year), mon!, day!, time!));
      expect(ev['log.level']).toBe(x.Level);
      expect(String(ev.message).trim()).toBe(x.Content!.trim());
      expect(ev['logsource.product']).toBe('apache');
    });
  });

  it('Windows CBS: date, time, level, component and message', () => {
    const dir = join(corpus!, 'loghub', 'Windows');
    const expected = csv(join(dir, 'Windows_2k.log_structured.csv'));
    const evs = run(lines(join(dir, 'Windows_2k.log')));
    expected.forEach((x, i) => {
      const ev = evs[i]!;
      expect(ev['@timestamp']).toBe(`${x.Date}T${x.Time}.000Z`);
      expect(ev['log.level']).toBe(x.Level);
      expect(ev['log.syslog.appname']).toBe(x.Component);
      expect(String(ev.message).trim()).toBe(x.Content!.trim());
    });
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
    data.forEach((line, i) => {
      const ev = evs[i];
      expect(ev).toBeDefined();
      const e = ev!;
      expect(typeof e['@timestamp']).toBe('string');
      expect(Number.isNaN(Date.parse(e['@timestamp'] as string))).toBe(false);
      expect(e['event.original']).toBe(line);
      if (e['canhgac.decode_error'] !== undefined) {
        // Kept raw: the whole line is the message.
        expect(e.message).toBe(line.replace(/[\r\n]+$/, ''));
        return;
      }
      decoded++;
      const m = BSD.exec(line);
      if (m && !line.includes('CEF:')) {
        const [, mon, day, time, host, app, pid] = m;
        const t = new Date(e['@timestamp'] as string);
        // Asia/Ho_Chi_Minh is UTC+7 with no daylight saving.
        const local = new Date(t.getTime() + 7 * 3_600_000);
        expect(MONTHS[local.getUTCMonth()]).toBe(mon);
        expect(local.getUTCDate()).toBe(Number(day));
        expect(local.toISOString().slice(11, 19)).toBe(time);
        expect(e['host.name']).toBe(host);
        expect(e['log.syslog.appname']).toBe(app);
        if (pid) expect(e['log.syslog.procid']).toBe(pid);
      }
    });
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
