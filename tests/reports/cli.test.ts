/**
 * `canhgac report` end to end: a seeded SQLite file, the built CLI (dist/, run `npm run build` first), an HTML and
 * a PDF file out, and clear errors for a bad week and a missing store.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../core/shared-data.js';
import { sqlitePath } from '../../store/index.js';
import { openSqliteStores } from '../../store/sqlite/index.js';
import { A, B_MARK, C, NAMES, seed } from './seed.js';

let dir: string;
const bin = join(projectRoot, 'bin', 'canhgac.js');

function canhgac(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CANHGAC_LOG_LEVEL: 'warn' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'canhgac-report-cli-'));
  const stores = openSqliteStores({ path: sqlitePath(dir) });
  await seed(stores);
  await stores.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('canhgac report', () => {
  it('writes the weekly HTML of an agency and the province-wide one', () => {
    const out = join(dir, 'a.html');
    const r = canhgac('report', 'weekly', '--agency', A, '--week', '2026-W47', '--out', out, '--data-dir', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${out}: 2026-W47 ${A}: 44 events, 5 incidents (3 critical/high), 3 SLA breaches\n`);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Báo cáo tuần 47/2026');
    expect(html).toContain(NAMES[A]);
    expect(html).not.toContain(B_MARK);
    const all = join(dir, 'all.html');
    const p = canhgac(
      'report',
      'weekly',
      '--agency',
      'all',
      '--week',
      '2026-W47',
      '--out',
      all,
      '--lang',
      'en',
      '--data-dir',
      dir,
    );
    expect(p.code).toBe(0);
    const text = readFileSync(all, 'utf8');
    expect(text).toContain('Province-wide');
    expect(text).toContain(B_MARK);
    expect(text).toContain(NAMES[C]); // the silent agency, by name
  }, 90_000);

  const tools = existsSync('/usr/bin/chromium') && existsSync('/usr/bin/pdftotext');
  (tools ? it : it.skip)(
    'writes the six-monthly PDF',
    () => {
      const out = join(dir, 'h2.pdf');
      const r = canhgac('report', 'semiannual', '--agency', A, '--half', '2026-H2', '--out', out, '--data-dir', dir);
      expect(r.code).toBe(0);
      const text = execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' });
      // The current half-year (the clock is real) is reported up to today.
      expect(text).toMatch(
        /6 tháng cuối năm 2026 \(từ ngày 1\/7\/2026(, tính đến ngày \d+\/\d+\/2026| đến ngày 31\/12\/2026)\)/,
      );
      expect(text).toContain('Diễn biến theo tháng');
    },
    60_000,
  );

  it('refuses a week the year does not have, and a data directory without a store', () => {
    const r = canhgac(
      'report',
      'weekly',
      '--agency',
      A,
      '--week',
      '2027-W53',
      '--out',
      join(dir, 'x.html'),
      '--data-dir',
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "'2027-W53' is not a week: expected YYYY-Www with a week the year has (e.g. 2026-W47; 2027 has 52 weeks)",
    );
    const empty = mkdtempSync(join(tmpdir(), 'canhgac-empty-'));
    const s = canhgac(
      'report',
      'weekly',
      '--agency',
      A,
      '--week',
      '2026-W47',
      '--out',
      join(empty, 'x.html'),
      '--data-dir',
      empty,
    );
    rmSync(empty, { recursive: true, force: true });
    expect(s.code).toBe(1);
    expect(s.err).toContain('no store at');
    expect(canhgac('report', 'weekly', '--week', '2026-W47', '--out', 'x.html').err).toContain('--agency is required');
  }, 90_000);
});
