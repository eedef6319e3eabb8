import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openSqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL } from '../store/types.js';
import { parseTime, run } from './hunt.js';

const RULE = `title: Whoami run
id: 3f4c0d6e-1111-4222-8333-444455556666
level: medium
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    CommandLine|contains: whoami
  condition: sel
`;

describe('canhgac hunt', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'canhgac-hunt-'));
    const s = openSqliteStores({ path: join(dir, 'canhgac.db') });
    const base = { 'logsource.product': 'windows', 'logsource.category': 'process_creation', 'host.name': 'pc1' };
    await s.events.write(SCOPE_ALL, [
      { ...base, '@timestamp': '2026-03-01T01:00:00Z', 'event.id': 'e1', 'agency.id': 'A', CommandLine: 'WHOAMI /all' },
      {
        ...base,
        '@timestamp': '2026-03-01T02:00:00Z',
        'event.id': 'e2',
        'agency.id': 'B',
        CommandLine: 'cmd /c whoami',
      },
      { ...base, '@timestamp': '2026-03-01T03:00:00Z', 'event.id': 'e3', 'agency.id': 'A', CommandLine: 'ipconfig' },
      { ...base, '@timestamp': '2026-03-05T00:00:00Z', 'event.id': 'e4', 'agency.id': 'A', CommandLine: 'whoami' },
    ]);
    await s.close();
    writeFileSync(join(dir, 'rule.yml'), RULE);
    writeFileSync(
      join(dir, 'bad.yml'),
      'title: x\nlogsource: {}\ndetection:\n  sel:\n    a|re: "(?<=x)"\n  condition: sel\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const exec = async (argv: string[]) => {
    let out = '';
    let err = '';
    const code = await run(argv, {
      out: (s) => {
        out += s;
      },
      err: (s) => {
        err += s;
      },
    });
    return { code, out, err };
  };

  it('prints the matching events of the range as JSON lines', async () => {
    const r = await exec([
      '--rule',
      join(dir, 'rule.yml'),
      '--from',
      '2026-03-01T00:00:00Z',
      '--to',
      '2026-03-02T00:00:00Z',
      '--json',
      '--data-dir',
      dir,
    ]);
    expect(r.code).toBe(0);
    if (r.code !== 0 || !r.out) throw new Error(r.err);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { rule: { id: string }; event: Record<string, unknown> });
    expect(lines.map((l) => l.event['event.id'])).toEqual(['e1', 'e2']);
    expect(lines[0]!.rule.id).toBe('3f4c0d6e-1111-4222-8333-444455556666');
    expect(r.err).toContain('2 events');
  });

  it('limits to one agency and prints text lines', async () => {
    const r = await exec([
      '--rule',
      join(dir, 'rule.yml'),
      '--from',
      '2026-03-01T00:00:00Z',
      '--to',
      '2026-03-09T00:00:00Z',
      '--agency',
      'A',
      '--data-dir',
      dir,
    ]);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(2);
    expect(r.out).toContain('[medium] Whoami run');
  });

  it('reports rules it cannot load or hunt, and usage errors', async () => {
    const bad = await exec(['--rule', join(dir, 'bad.yml'), '--from', '7d', '--data-dir', dir]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/bad\.yml/);
    expect((await exec(['--from', '7d'])).code).toBe(2);
    expect((await exec(['--rule', 'x.yml', '--from', 'yesterday'])).code).toBe(2);
    const nostore = await exec(['--rule', join(dir, 'rule.yml'), '--from', '7d', '--data-dir', join(dir, 'none')]);
    expect(nostore.code).toBe(1);
    expect(nostore.err).toContain('no event store');
  });

  it('reads ISO times, epoch ms and ages', () => {
    const now = Date.UTC(2026, 2, 10);
    expect(parseTime('24h', now)).toBe(now - 86_400_000);
    expect(parseTime('2026-03-01T00:00:00Z', now)).toBe(Date.UTC(2026, 2, 1));
    expect(parseTime('1772323200000', now)).toBe(1772323200000);
    expect(parseTime('soon', now)).toBeUndefined();
  });
});

describe('canhgac hunt with hostile log content', () => {
  let dir: string;
  // A title change, a cleared screen and a forged line (OSC, CSI, CR), a one-byte C1 CSI, and a right-to-left override.
  const hostile = 'whoami \u001b]0;pwned\u0007\u001b[2J\rroot OK \u009b31m invoice\u202egpj.exe';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'canhgac-hunt-hostile-'));
    const s = openSqliteStores({ path: join(dir, 'canhgac.db') });
    await s.events.write(SCOPE_ALL, [
      {
        'logsource.product': 'windows',
        'logsource.category': 'process_creation',
        'host.name': 'pc\u001b[1m1',
        '@timestamp': '2026-03-01T01:00:00Z',
        'event.id': 'h1',
        'agency.id': 'A',
        CommandLine: hostile,
        message: hostile,
      },
    ]);
    await s.close();
    writeFileSync(join(dir, 'rule.yml'), RULE);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const unsafe = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
  for (const json of [false, true]) {
    it(`prints controls and bidi characters as visible escapes (${json ? 'JSON' : 'text'})`, async () => {
      let out = '';
      const code = await run(
        [
          '--rule',
          join(dir, 'rule.yml'),
          '--from',
          '2026-03-01T00:00:00Z',
          '--data-dir',
          dir,
          ...(json ? ['--json'] : []),
        ],
        {
          out: (s) => {
            out += s;
          },
          err: () => undefined,
        },
      );
      expect(code).toBe(0);
      expect(out).not.toMatch(unsafe);
      expect(out).toContain('\\u001b]0;pwned\\u0007');
      expect(out).toContain('invoice\\u202egpj.exe');
      if (json) expect((JSON.parse(out) as { event: { message: string } }).event.message).toBe(hostile);
    });
  }
});
