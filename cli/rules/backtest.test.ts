import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../core/shared-data.js';
import { agencyScope, openStores } from '../../store/index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fx = join(here, 'fixtures');
const corrRules = join(fx, 'correlation');
const events = join(fx, 'events.jsonl');
const bin = join(projectRoot, 'bin', 'canhgac.js');
const built = existsSync(join(projectRoot, 'dist', 'cli', 'rules', 'backtest.js'));
const tmp = mkdtempSync(join(tmpdir(), 'canhgac-backtest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function canhgac(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err && typeof err.code === 'number' ? err.code : err ? 1 : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end('');
  });
}

const maybe = built ? describe : describe.skip;
if (!built) process.stderr.write('SKIPPED: canhgac rules backtest tests need `npm run build` first.\n');

maybe('canhgac rules backtest', () => {
  it('passes when the alerts the service would raise meet every expectation (JSON)', async () => {
    const r = await canhgac(
      'rules',
      'backtest',
      '--rules',
      corrRules,
      '--events',
      events,
      '--expect',
      join(fx, 'backtest', 'pass.yml'),
      '--json',
    );
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as { events: number; skipped: number; failed: number; cases: unknown[] };
    expect(o).toMatchObject({ events: 3, skipped: 1, failed: 0 });
    expect(o.cases).toEqual([
      expect.objectContaining({ rule: '5e8a1c2b-3d4f-4a6b-8c9d-0e1f2a3b4c05', actual: 1, passed: true }),
      // The base rule matched twice but raises nothing (generate: false): 0 alerts, as in the service.
      expect.objectContaining({ rule: '6f9b2d3c-4e5a-4b7c-9d0e-1f2a3b4c5d06', actual: 0, passed: true }),
    ]);
  });

  it('fails with exit 3 and JUnit XML naming each failed rule; an unknown rule name fails too', async () => {
    const xmlFile = join(tmp, 'junit.xml');
    const r = await canhgac(
      'rules',
      'backtest',
      '--rules',
      corrRules,
      '--events',
      events,
      '--expect',
      join(fx, 'backtest', 'fail.yml'),
      '--junit',
      xmlFile,
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('FAIL Discovery Burst On One Host (5e8a1c2b-3d4f-4a6b-8c9d-0e1f2a3b4c05): 1 alerts');
    expect(r.stdout).toContain('expected at least 2 alerts, got 1');
    expect(r.stdout).toContain('FAIL no_such_rule: 0 alerts (no such rule in the set)');
    const xml = readFileSync(xmlFile, 'utf8');
    expect(xml).toMatch(/<testsuites name="canhgac rules backtest" tests="2" failures="2"/);
    expect(xml).toContain('<failure message="expected at least 2 alerts, got 1"/>');
    expect(xml).toContain('name="no_such_rule"');
  });

  it('an alert of a rule the expectations do not list fails unless others: ignore', async () => {
    const r = await canhgac(
      'rules',
      'backtest',
      '--rules',
      join(fx, 'rules'),
      '--events',
      events,
      '--expect',
      join(fx, 'backtest', 'pass.yml'),
      '--json',
    );
    expect(r.code).toBe(3);
    const o = JSON.parse(r.stdout) as { cases: Array<{ rule: string; expected: unknown; passed: boolean }> };
    expect(o.cases.filter((c) => c.expected === null).map((c) => [c.rule, c.passed])).toEqual([
      ['3c1f9a4e-2b7d-4c55-9a4e-6f0e2d1b7a01', false],
      ['9d2e4f10-6a3b-4e8c-b1d2-7c5a0f3e9b02', false],
    ]);
  });

  it('a malformed expectations file is reported at file:line:col, exit 1; missing options exit 2', async () => {
    const bad = join(fx, 'backtest', 'broken.yml');
    const r = await canhgac('rules', 'backtest', '--rules', corrRules, '--events', events, '--expect', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:2:15: 'whoami_any': expected a count or { min, max }`);
    expect(r.stderr).toContain(`${bad}:3:1: unknown key 'colour' (rules, others)`);
    expect((await canhgac('rules', 'backtest', '--rules', corrRules, '--expect', bad)).code).toBe(2);
  });

  it('replays the stored events (oldest first, one agency) with --stored', async () => {
    const dataDir = join(tmp, 'data');
    const stores = await openStores({ dataDir });
    const ev = (id: string, agency: string, minute: number) => ({
      'event.id': id,
      '@timestamp': new Date(Date.UTC(2026, 11, 1, 8, minute)).toISOString(),
      'agency.id': agency,
      'logsource.product': 'windows',
      'logsource.category': 'process_creation',
      Image: 'C:\\Windows\\System32\\whoami.exe',
      Computer: 'WS1',
    });
    await stores.events.write(agencyScope('000.00.00.H40'), [
      ev('a1', '000.00.00.H40', 1),
      ev('a2', '000.00.00.H40', 2),
    ]);
    await stores.events.write(agencyScope('000.00.01.H40'), [ev('b1', '000.00.01.H40', 3)]);
    await stores.close();
    const run = (agency?: string) =>
      canhgac(
        'rules',
        'backtest',
        '--rules',
        corrRules,
        '--stored',
        '--data-dir',
        dataDir,
        '--from',
        '2026-12-01T00:00:00Z',
        '--to',
        '2026-12-02T00:00:00Z',
        '--expect',
        join(fx, 'backtest', 'pass.yml'),
        '--json',
        ...(agency ? ['--agency', agency] : []),
      );
    const one = await run('000.00.01.H40');
    expect(JSON.parse(one.stdout)).toMatchObject({ events: 1, failed: 1 });
    const all = await run();
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout)).toMatchObject({ events: 3, failed: 0 });
  });
});
