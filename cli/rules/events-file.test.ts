import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { explainSkip, sharedPath } from '../../core/shared-data.js';
import { loadEventFile } from './events-file.js';

const dir = mkdtempSync(join(tmpdir(), 'canhgac-events-'));
let n = 0;
function file(content: string | Buffer): string {
  const p = join(dir, `f${n++}`);
  writeFileSync(p, content);
  return p;
}

const WIN = '{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\\\a.exe"}';

describe('event file reader', () => {
  it('reads JSON lines, reporting a malformed line by byte offset and line, then going on', async () => {
    const text = `${WIN}\n{"EventID": oops}\n\n${WIN}\n`;
    const r = await loadEventFile(file(text));
    expect(r.events).toHaveLength(2);
    expect(r.events[0]).toMatchObject({ 'logsource.category': 'process_creation', Image: 'C:\\a.exe' });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ offset: WIN.length + 1, line: 2, code: 'CANHGAC_ERR_EVENTS_MALFORMED' });
  });

  it('reads concatenated pretty-printed objects and a top-level array', async () => {
    const pretty = `{\n  "a": "}{",\n  "b": [1, {"c": "\\""}]\n}{"d": 2}\n`;
    const r = await loadEventFile(file(pretty));
    expect(r.events).toEqual([{ a: '}{', b: [1, { c: '"' }] }, { d: 2 }]);
    const arr = await loadEventFile(file(`[${WIN},\n ${WIN}]`));
    expect(arr.events).toHaveLength(2);
    expect(arr.problems).toEqual([]);
  });

  it('reports text between objects and an unterminated object at the end', async () => {
    const r = await loadEventFile(file(`${WIN}\ngarbage here\n${WIN}\n{"x": 1`));
    expect(r.events).toHaveLength(2);
    expect(r.problems.map((p) => [p.offset, p.line])).toEqual([
      [WIN.length + 1, 2],
      [WIN.length + 1 + 13 + WIN.length + 1, 4],
    ]);
  });

  it('reads records that straddle read chunks (files larger than the 1 MiB chunk)', async () => {
    const big = 'x'.repeat(3000);
    const line = `{"EventID":4688,"Channel":"Security","CommandLine":"${big}"}\n`;
    const count = Math.ceil((3 * 1024 * 1024) / line.length);
    const r = await loadEventFile(file(line.repeat(count)));
    expect(r.problems).toEqual([]);
    expect(r.events).toHaveLength(count);
    expect(r.events[count - 1]!.CommandLine).toBe(big);
  });

  it('reads auditd text: each record plus a process_creation per execve group', async () => {
    const lines = [
      'type=SYSCALL msg=audit(1604994496.155:1): arch=c000003e syscall=59 success=yes ppid=2 pid=3 uid=0 exe="/usr/sbin/arp"',
      'type=EXECVE msg=audit(1604994496.155:1): argc=2 a0="arp" a1="-a"',
      'this is not auditd',
      'type=CWD msg=audit(1604994497.000:2): cwd="/"',
    ];
    const r = await loadEventFile(file(`${lines.join('\n')}\n`));
    // A line no decoder reads is still an event (raw, with canhgac.decode_error), as it would be at intake.
    expect(r.events.map((e) => e.type ?? e['logsource.category'] ?? e['canhgac.decoder'])).toEqual([
      'SYSCALL',
      'EXECVE',
      'process_creation',
      'raw',
      'CWD',
    ]);
    expect(r.problems).toEqual([]);
  });

  it('never throws on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        await loadEventFile(file(Buffer.from(bytes)));
      }),
      { numRuns: 100 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.json(), fc.string()), { maxLength: 8 }), async (parts) => {
        await loadEventFile(file(parts.join('\n')));
      }),
      { numRuns: 100 },
    );
  });

  it('reads every OTRF set without problems (../shared)', async () => {
    const base = sharedPath('corpus', 'otrf');
    if (!base) return explainSkip('OTRF event files');
    const r = await loadEventFile(join(base, 'sh_arp_cache', 'sh_arp_cache_2020-11-10074812.log'));
    expect(r.problems).toEqual([]);
    expect(r.events.filter((e) => e['logsource.category'] === 'process_creation')).toHaveLength(2);
  });
});

describe('JSON lines resynchronisation', () => {
  it('an unclosed line does not swallow the lines after it', async () => {
    const r = await loadEventFile(file(`${WIN}\n{"EventID": broken\n${WIN}\n{"a": {"b": 1}\n${WIN}\n`));
    expect(r.events).toHaveLength(3);
    expect(r.problems.map((p) => p.line)).toEqual([2, 4]);
  });
});

describe('other text', () => {
  it('syslog lines go through the intake decoders', async () => {
    const r = await loadEventFile(
      file('<38>Mar  5 10:00:01 web01 sshd[123]: Failed password for root from 10.1.1.1 port 22 ssh2\n'),
    );
    expect(r.events[0]).toMatchObject({
      'logsource.product': 'linux',
      'logsource.service': 'sshd',
      'host.name': 'web01',
      message: 'Failed password for root from 10.1.1.1 port 22 ssh2',
    });
  });
});

describe('chunk boundaries', () => {
  it('any chunk size gives the same events as JSON.parse, in JSON lines and pretty-printed files', async () => {
    const obj = fc.dictionary(
      fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__'),
      fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 })),
      { minKeys: 1, maxKeys: 5 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(obj, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        async (objs, chunk, pretty) => {
          const text = objs.map((o) => (pretty ? JSON.stringify(o, null, 2) : JSON.stringify(o))).join('\n');
          const r = await loadEventFile(file(text), { chunkBytes: chunk });
          expect(r.problems).toEqual([]);
          expect(r.events).toEqual(objs.map((o) => JSON.parse(JSON.stringify(o))));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('text limits and encodings', () => {
  it('an endless text line is reported and skipped; the next lines are read', async () => {
    const long = 'x'.repeat(5000);
    const r = await loadEventFile(
      file(`type=CWD msg=audit(1.0:1): cwd="/"\n${long}\ntype=CWD msg=audit(2.0:2): cwd="/tmp"\n`),
      {
        maxRecordBytes: 1000,
        chunkBytes: 700,
      },
    );
    expect(r.problems).toMatchObject([{ line: 2, offset: 35 }]);
    expect(r.events.map((e) => e.cwd)).toEqual(['/', '/tmp']);
  });

  it('UTF-8 characters cut by a chunk boundary stay whole', async () => {
    const r = await loadEventFile(file('type=CWD msg=audit(1.0:1): cwd="/home/người dùng/tệp"\n'), { chunkBytes: 3 });
    expect(r.events[0]!.cwd).toBe('/home/người dùng/tệp');
  });
});
