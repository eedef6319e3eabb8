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
import type { Incident } from '../../incidents/types.js';
import { generateReport } from '../../reports/index.js';
import { buildReport, type ReportModel } from '../../reports/model.js';
import { escapeHtml } from '../../notify/templates.js';
import { htmlToPdf } from '../../reports/pdf.js';
import { parseWeek } from '../../reports/period.js';
import { renderHtml } from '../../reports/render.js';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { agencyScope, SCOPE_ALL } from '../../store/types.js';
import {
  A,
  alerts,
  B,
  B_MARK,
  C,
  events,
  hosts,
  incidentDoc,
  incidentSpecs,
  NAMES,
  SCRIPT_TITLE,
  seed,
  W46,
  W47,
} from './seed.js';

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

type P = { from: number; to: number };
const inP = (t: number | undefined, p: P) => t !== undefined && t >= p.from && t < p.to;
const tsOf = (e: Record<string, unknown>) => Date.parse(String(e['@timestamp']));

/** Every figure of the report, from the seed arrays alone. */
function expected(agency: string | undefined) {
  const mine = <T extends { agencyId?: string }>(xs: T[]) => xs.filter((x) => !agency || x.agencyId === agency);
  const evs = events.filter((e) => !agency || e['agency.id'] === agency);
  const incs: Incident[] = mine(incidentSpecs).map(incidentDoc);
  const created = (p: P) => incs.filter((i) => inP(i.createdAt, p));
  const ch = (xs: Incident[]) => xs.filter((i) => i.severity === 'critical' || i.severity === 'high').length;
  const breaches = (p: P) =>
    incs.filter((i) => inP(i.sla.ackBreachedAt, p)).length + incs.filter((i) => inP(i.sla.resolveBreachedAt, p)).length;
  const cur = created(W47);
  const count = <K extends string>(xs: Incident[], f: (i: Incident) => K) => {
    const m: Record<string, number> = {};
    for (const i of xs) m[f(i)] = (m[f(i)] ?? 0) + 1;
    return m;
  };
  const acked = cur.filter((i) => i.acknowledgedAt !== undefined).map((i) => i.acknowledgedAt! - i.createdAt);
  const resolved = cur
    .filter((i) => ['resolved', 'false_positive'].includes(i.state) && i.resolvedAt !== undefined)
    .map((i) => i.resolvedAt! - i.createdAt);
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
  const weekAlerts = mine(alerts).filter((a) => inP(a.ts, W47) && !a.suppressedBy && a.kind !== 'silent_host');
  const tally = (keys: string[]) => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
  };
  const sendingSet = new Set(evs.filter((e) => inP(tsOf(e), W47)).map((e) => `${e['agency.id']}|${e['host.name']}`));
  const expectedHosts = mine(hosts).filter((h) => h.expected);
  const agencies = agency ? [agency] : [A, B, C];
  return {
    events: {
      current: evs.filter((e) => inP(tsOf(e), W47)).length,
      previous: evs.filter((e) => inP(tsOf(e), W46)).length,
    },
    incidents: { current: cur.length, previous: created(W46).length },
    criticalHigh: { current: ch(cur), previous: ch(created(W46)) },
    slaBreaches: { current: breaches(W47), previous: breaches(W46) },
    slaAck: incs.filter((i) => inP(i.sla.ackBreachedAt, W47)).length,
    slaResolve: incs.filter((i) => inP(i.sla.resolveBreachedAt, W47)).length,
    bySeverity: count(cur, (i) => i.severity),
    byState: count(cur, (i) => i.state),
    mtta: avg(acked),
    mttr: avg(resolved),
    trendEvents: [0, 1, 2, 3, 4, 5, 6].map(
      (d) =>
        evs.filter((e) => inP(tsOf(e), { from: W47.from + d * 86_400_000, to: W47.from + (d + 1) * 86_400_000 }))
          .length,
    ),
    topRules: tally(weekAlerts.map((a) => a.ruleId)),
    topHosts: tally(weekAlerts.map((a) => `${a.agencyId}|${a.host}`)),
    coverage: agencies.map((id) => ({
      id,
      events: events.filter((e) => e['agency.id'] === id && inP(tsOf(e), W47)).length,
      hostsSending: [...sendingSet].filter((k) => k.startsWith(`${id}|`)).length,
      hostsExpected: expectedHosts.filter((h) => h.agencyId === id).length,
    })),
    hostsMissing: expectedHosts
      .filter((h) => !sendingSet.has(`${h.agencyId}|${h.host}`))
      .map((h) => h.host)
      .sort(),
    notable: [...cur]
      .sort(
        (x, y) =>
          ['informational', 'low', 'medium', 'high', 'critical'].indexOf(y.severity) -
            ['informational', 'low', 'medium', 'high', 'critical'].indexOf(x.severity) ||
          y.alertCount - x.alertCount ||
          x.firstSeen - y.firstSeen,
      )
      .map((i) => i.id),
  };
}

function check(m: ReportModel, agency: string | undefined) {
  const x = expected(agency);
  expect(m.headline).toEqual({
    events: x.events,
    incidents: x.incidents,
    criticalHigh: x.criticalHigh,
    slaBreaches: x.slaBreaches,
  });
  expect(m.slaBreaches).toEqual({ acknowledge: x.slaAck, resolve: x.slaResolve });
  for (const [k, v] of Object.entries(m.bySeverity)) expect([k, v]).toEqual([k, x.bySeverity[k] ?? 0]);
  for (const [k, v] of Object.entries(m.byState)) expect([k, v]).toEqual([k, x.byState[k] ?? 0]);
  expect(m.mtta).toBe(x.mtta);
  expect(m.mttr).toBe(x.mttr);
  expect(m.trend.map((t) => t.events)).toEqual(x.trendEvents);
  expect(m.trend.map((t) => t.label)).toEqual(['16/11', '17/11', '18/11', '19/11', '20/11', '21/11', '22/11']);
  expect(m.topRules.map((r) => [r.ruleId, r.alerts])).toEqual(x.topRules);
  expect(m.topHosts.map((h) => [`${h.agencyId}|${h.host}`, h.alerts])).toEqual(x.topHosts);
  expect(
    m.coverage.agencies.map((a) => ({
      id: a.id,
      events: a.events,
      hostsSending: a.hostsSending,
      hostsExpected: a.hostsExpected,
    })),
  ).toEqual(x.coverage);
  expect(m.coverage.hostsMissing.map((h) => h.host).sort()).toEqual(x.hostsMissing);
  expect(m.notable.map((i) => i.id)).toEqual(x.notable);
}

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
    expect(vi.html).toContain('Báo cáo tuần 2026-W47 (16/11/2026 - 22/11/2026)');
    expect(vi.html).toContain('Sự cố theo mức độ');
    expect(vi.html).toContain(NAMES[A]);
    expect(vi.html).not.toContain('<script>');
    expect(vi.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(vi.html).not.toContain(B_MARK);
    expect(vi.html).not.toContain(B);
    expect((vi.html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(vi.html).toContain('15 phút'); // MTTA
    expect(vi.html).toContain('1 giờ 10 phút'); // MTTR
    const en = await generateReport(stores, {
      kind: 'weekly',
      period: '2026-W47',
      scope: agencyScope(A),
      agencyId: A,
      lang: 'en',
    });
    expect(en.html).toContain('Weekly report 2026-W47 (16/11/2026 - 22/11/2026)');
    expect(en.html).toContain('Mean time to acknowledge');
    expect(en.subject).toBe(`[canhgac] Weekly report 2026-W47 (16/11/2026 - 22/11/2026) - ${NAMES[A]} (${A})`);
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
      for (const w of ['Báo cáo tuần', 'Sự cố', 'Nghiêm trọng', 'Máy chủ ngừng gửi log', 'Độ phủ giám sát', NAMES[A]!])
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
