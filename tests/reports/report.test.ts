/**
 * The weekly report of a seeded fortnight (tests/reports/seed.ts) over the real SQLite stores: every figure of
 * the model equals what the seeded data says (computed here from the seed arrays, not by the report code), an
 * agency's report holds nothing of another agency, untrusted text is escaped, and the PDF that Debian's chromium
 * renders reads back (pdftotext) with its Vietnamese diacritics intact.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { escapeHtml } from '../../notify/templates.js';
import { generateReport } from '../../reports/index.js';
import { buildReport } from '../../reports/model.js';
import { htmlToPdf } from '../../reports/pdf.js';
import { parseWeek } from '../../reports/period.js';
import { renderHtml } from '../../reports/render.js';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { agencyScope, SCOPE_ALL } from '../../store/types.js';
import { check } from './expect.js';
import { A, B, B_MARK, C, NAMES, SCRIPT_TITLE, seed } from './seed.js';

let stores: SqliteStores;
let dir: string;

beforeAll(async () => {
  stores = openSqliteStores({ path: ':memory:' });
  await seed(stores);
  dir = mkdtempSync(join(tmpdir(), 'canhgac-report-'));
});
afterAll(async () => {
  await stores.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('weekly report model', () => {
  it("agency A's report equals the seeded data, in A's store scope", async () => {
    const m = await buildReport(stores, {
      kind: 'weekly',
      period: parseWeek('2026-W47'),
      scope: agencyScope(A),
      agencyId: A,
    });
    check(m, A);
    // The hand-counted figures, so a shared mistake in both computations cannot pass.
    expect(m.headline.events).toEqual({ current: 44, previous: 29 });
    expect(m.headline.incidents).toEqual({ current: 5, previous: 2 });
    expect(m.headline.criticalHigh).toEqual({ current: 3, previous: 2 });
    expect(m.slaBreaches).toEqual({ acknowledge: 1, resolve: 2 });
    expect(m.mtta).toBe(15 * 60_000);
    expect(m.mttr).toBe(70 * 60_000);
    expect(m.trend.map((t) => t.events)).toEqual([4, 4, 5, 6, 7, 8, 10]);
    expect(m.topRules.map((r) => [r.ruleId, r.alerts])).toEqual([
      ['r-ssh', 6],
      ['r-web', 5],
      ['r-login', 1],
    ]);
    expect(m.silentHosts.map((h) => [h.host, h.silentSince !== undefined])).toEqual([['db-a3', true]]);
    expect(m.agency).toEqual({ id: A, name: NAMES[A] });
    expect(JSON.stringify(m)).not.toContain(B_MARK);
    expect(JSON.stringify(m)).not.toContain(B);
  });

  it('the province-wide report equals the seeded data of every agency', async () => {
    const m = await buildReport(stores, { kind: 'weekly', period: parseWeek('2026-W47'), scope: SCOPE_ALL });
    check(m, undefined);
    expect(m.coverage.agenciesSilent).toEqual([C]);
    expect(renderHtml(m, 'vi')).toMatch(new RegExp(`Đơn vị không gửi log trong kỳ</b></p><p[^>]*>${NAMES[C]}</p>`));
    expect(m.agency).toBeUndefined();
  });

  it("agency B's report in B's scope, and A's scope asked for B sees nothing of B", async () => {
    check(
      await buildReport(stores, { kind: 'weekly', period: parseWeek('2026-W47'), scope: agencyScope(B), agencyId: B }),
      B,
    );
    const leak = await buildReport(stores, {
      kind: 'weekly',
      period: parseWeek('2026-W47'),
      scope: agencyScope(A),
      agencyId: B,
    });
    expect(leak.headline.events.current).toBe(0);
    expect(leak.headline.incidents.current).toBe(0);
    expect(JSON.stringify(leak)).not.toContain(B_MARK);
  });
});

describe('weekly report rendering', () => {
  it('HTML: Vietnamese by default, English on request, untrusted text escaped, nothing of another agency', async () => {
    const vi = await generateReport(stores, { kind: 'weekly', period: '2026-W47', scope: agencyScope(A), agencyId: A });
    expect(vi.html).toContain('<title>Báo cáo tuần 47/2026 (từ ngày 16/11/2026 đến ngày 22/11/2026)</title>');
    expect(vi.html).toContain('Sự cố theo mức độ');
    expect(vi.html).toContain('Tuần 47/2026 (từ ngày 16/11/2026 đến ngày 22/11/2026)');
    expect(vi.html).toContain(NAMES[A]);
    expect(vi.html).not.toContain('<script>');
    expect(vi.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(vi.html).not.toContain(B_MARK);
    expect(vi.html).not.toContain(B);
    // E-mail: charts as tables (clients drop SVG); the PDF's source draws them as SVG.
    expect(vi.html).not.toContain('<svg');
    expect((vi.printHtml.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(vi.html).toContain('15 phút'); // MTTA
    expect(vi.html).toContain('1 giờ 10 phút'); // MTTR
    const en = await generateReport(stores, {
      kind: 'weekly',
      period: '2026-W47',
      scope: agencyScope(A),
      agencyId: A,
      lang: 'en',
    });
    expect(en.html).toContain('Week 47/2026 (16/11/2026 to 22/11/2026)');
    expect(en.html).toContain('Mean time to acknowledge');
    expect(en.subject).toBe(`[canhgac] Weekly report: Week 47/2026 (16/11/2026 to 22/11/2026) - ${NAMES[A]} (${A})`);
    // A stored title may hold every kind of markup: none survives as markup.
    const m = await buildReport(stores, {
      kind: 'weekly',
      period: parseWeek('2026-W47'),
      scope: agencyScope(A),
      agencyId: A,
    });
    m.notable[0]!.title = '"><img src=x onerror=alert(1)>';
    m.topRules[0]!.title = '</text><script>x</script>';
    const html = renderHtml(m, 'vi');
    expect(html).not.toMatch(/<img|<script|onerror=alert\(1\)>/);
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/text&gt;&lt;script&gt;x&lt;/script&gt;');
    expect(vi.html).toContain(escapeHtml(SCRIPT_TITLE));
  });

  const chromium = '/usr/bin/chromium';
  const haveTools = existsSync(chromium) && existsSync('/usr/bin/pdftotext');
  if (!haveTools)
    process.stdout.write('Skipping the PDF test: needs /usr/bin/chromium and pdftotext (bash tools/deps.sh)\n');
  (haveTools ? it : it.skip)(
    'PDF: A4, page numbers, Vietnamese diacritics read back exactly',
    async () => {
      const r = await generateReport(stores, {
        kind: 'weekly',
        period: '2026-W47',
        scope: agencyScope(A),
        agencyId: A,
        pdf: true,
      });
      expect(r.pdf!.subarray(0, 5).toString()).toBe('%PDF-');
      const file = join(dir, 'w47.pdf');
      writeFileSync(file, r.pdf!);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      for (const w of [
        'Tuần 47/2026 (từ ngày 16/11/2026 đến ngày 22/11/2026)',
        'Đánh giá chung',
        'Sự cố',
        'Nghiêm trọng',
        'Máy chủ ngừng gửi log',
        'Độ phủ giám sát',
        NAMES[A]!,
      ])
        expect([w, text.includes(w)]).toEqual([w, true]);
      expect(text).toMatch(/Trang 1\/\d/);
      expect(text).toContain('<script>alert(1)</script>'); // shown as text, exactly
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      expect(info).toMatch(/Page size:\s+59\d\.\d+ x 84\d\.\d+ pts \(A4\)/);
      const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
      expect(fonts).toMatch(/DejaVuSans|NotoSans/);
    },
    90_000,
  );

  it('renders queue one at a time and a flood is refused rather than piled up', async () => {
    const calls = Array.from({ length: 10 }, () =>
      htmlToPdf('<p>x</p>', { chromiumPath: '/nonexistent/chromium' }).then(
        () => 'ok',
        (e: Error & { code?: string }) => e.code,
      ),
    );
    const codes = await Promise.all(calls);
    expect(codes.filter((c) => c === 'CANHGAC_ERR_REPORT_CHROMIUM')).toHaveLength(8);
    expect(codes.slice(8)).toEqual(['CANHGAC_ERR_REPORT_BUSY', 'CANHGAC_ERR_REPORT_BUSY']);
  });

  it('a missing chromium is a clear error', async () => {
    await expect(htmlToPdf('<p>x</p>', { chromiumPath: '/nonexistent/chromium' })).rejects.toThrow(
      /Cannot render the PDF: chromium at \/nonexistent\/chromium is missing or not executable \(set reports\.chromiumPath/,
    );
  });
});
