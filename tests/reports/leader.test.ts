/**
 * The leader's report over a seeded province (tests/reports/leader-seed.ts) in the real SQLite stores: the figures
 * against the seed, the page-one assessment's sentences against the figures that made them, the administrative
 * period names, the current week "tính đến ngày", hosts judged only after they were first seen, an empty week on one
 * page, and the PDF read back with pdftotext and rendered page by page to PNG (.tmp/screenshots/) to be looked at.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../core/shared-data.js';
import { assess, type Sentence } from '../../reports/assessment.js';
import { generateReport } from '../../reports/index.js';
import { buildReport, type ReportModel } from '../../reports/model.js';
import { parseHalf, parseWeek } from '../../reports/period.js';
import { num } from '../../reports/words.js';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { agencyScope, SCOPE_ALL } from '../../store/types.js';
import {
  AG,
  AGENCY_NAMES,
  alerts,
  events,
  hosts,
  incidentSpecs,
  NOW,
  RULES,
  seedLeader,
  W49,
  W50,
} from './leader-seed.js';

let stores: SqliteStores;
let dir: string;
const shots = join(projectRoot, '.tmp', 'screenshots');
const AFTER_W50 = W50.to + 86_400_000;

beforeAll(async () => {
  stores = openSqliteStores({ path: ':memory:' });
  await seedLeader(stores);
  dir = mkdtempSync(join(tmpdir(), 'canhgac-leader-'));
  mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await stores.close();
  rmSync(dir, { recursive: true, force: true });
});

const inP = (t: number | undefined, p: { from: number; to: number }) => t !== undefined && t >= p.from && t < p.to;
const tsOf = (e: Record<string, unknown>) => Date.parse(String(e['@timestamp']));
const week = (label: string, now: number) =>
  buildReport(stores, { kind: 'weekly', period: parseWeek(label), scope: SCOPE_ALL, now });

describe('figures against the seed', () => {
  it('week 49 (complete): events, incidents, open ones, closed ones, silent hosts judged after first seen', async () => {
    const m = await week('2026-W49', AFTER_W50);
    expect(m.partial).toBe(false);
    expect(m.headline.events.current).toBe(events.filter((e) => inP(tsOf(e), W49)).length);
    const created = incidentSpecs.filter((s) => inP(s.created, W49));
    expect(m.headline.incidents.current).toBe(created.length);
    expect(m.headline.criticalHigh.current).toBe(created.filter((s) => /critical|high/.test(s.severity)).length);
    expect(m.openBySeverity.critical + m.openBySeverity.high).toBe(
      created.filter((s) => /critical|high/.test(s.severity) && !/resolved|false_positive/.test(s.state)).length,
    );
    expect(m.closedInPeriod).toEqual({ resolved: 2, falsePositive: 1 });
    expect(m.alerts).toBe(alerts.filter((a) => inP(a.ts, W49)).length);
    // portal-kh (first seen after the week) is not expected; pacs-yt (first seen on Thursday) sent afterwards.
    expect(m.coverage.hostsExpected).toBe(hosts.filter((h) => h.firstSeen < W49.to).length);
    expect(m.coverage.hostsExpected).toBe(7);
    expect(m.silentHosts.map((h) => h.host)).toEqual(['mail-nv']);
    expect(m.topRules[0]).toMatchObject({ ruleId: RULES.sshBrute.id, alerts: 43, tags: RULES.sshBrute.tags.sort() });
    expect(m.agencyNames[AG.vp]).toBe('Văn phòng UBND tỉnh');
    expect(m.trend.every((t) => !t.future)).toBe(true);
  });

  it('week 50 (current, now Wednesday 10:30): up to now, future days marked, compared with the same days before', async () => {
    const m = await week('2026-W50', NOW);
    expect(m.partial).toBe(true);
    expect(m.asOf).toBe(NOW);
    expect(m.trend.map((t) => Boolean(t.future))).toEqual([false, false, false, true, true, true, true]);
    const cmp = { from: W49.from, to: W49.from + (NOW - W50.from) };
    expect(m.comparedTo).toEqual(cmp);
    expect(m.headline.events).toEqual({
      current: events.filter((e) => inP(tsOf(e), W50)).length,
      previous: events.filter((e) => inP(tsOf(e), cmp)).length,
    });
    expect(m.headline.incidents).toEqual({
      current: incidentSpecs.filter((s) => inP(s.created, W50)).length,
      previous: incidentSpecs.filter((s) => inP(s.created, cmp)).length,
    });
    // portal-kh is first seen tomorrow: not expected yet.
    expect(m.coverage.hostsExpected).toBe(7);
  });
});

/** The figures a sentence may state, from the model. */
function figuresOf(m: ReportModel): Record<string, number> {
  return {
    events: m.headline.events.current,
    hostsSending: m.coverage.hostsSending,
    hostsExpected: m.coverage.hostsExpected,
    incidents: m.headline.incidents.current,
    criticalHigh: m.headline.criticalHigh.current,
    current: m.headline.incidents.current,
    previous: m.headline.incidents.previous,
    openCritical: m.openBySeverity.critical,
    openCriticalHigh: m.openBySeverity.critical + m.openBySeverity.high,
    slaBreaches: m.slaBreaches.acknowledge + m.slaBreaches.resolve,
    acknowledge: m.slaBreaches.acknowledge,
    resolve: m.slaBreaches.resolve,
    silentHosts: m.silentHosts.length,
    acknowledged: m.mttaCount,
    resolved: m.closedInPeriod.resolved,
    falsePositive: m.closedInPeriod.falsePositive,
  };
}

function checkSentences(m: ReportModel, xs: Sentence[]) {
  const fig = figuresOf(m);
  for (const s of xs)
    for (const [k, v] of Object.entries(s.basis ?? {})) expect([s.rule, k, v]).toEqual([s.rule, k, fig[k]]);
  for (const s of xs)
    for (const [k, v] of Object.entries(s.facts)) {
      if (typeof v !== 'number' || !(k in fig)) continue;
      // The fact is the model's figure, and the sentence states it in both languages.
      expect([s.rule, k, v]).toEqual([s.rule, k, fig[k]]);
      expect([s.rule, k, s.vi.includes(num(v, 'vi'))]).toEqual([s.rule, k, true]);
      expect([s.rule, k, s.en.includes(num(v, 'en'))]).toEqual([s.rule, k, true]);
    }
}

describe('page one: the assessment', () => {
  it('week 49: each sentence states the figures that made it; the three points follow the priority rules', async () => {
    const m = await week('2026-W49', AFTER_W50);
    const a = assess(m);
    for (const part of [a.situation, a.keyPoints, a.done, a.recommendations]) checkSentences(m, part);
    // An open critical incident (the web shell on egov-vp): concerning.
    expect(a.verdict).toBe('concerning');
    expect(a.situation[2]!.vi).toBe('Đánh giá: tình hình đáng lo ngại, còn 1 sự cố nghiêm trọng chưa xử lý xong.');
    expect(a.keyPoints.map((s) => s.rule)).toEqual(['open-critical-high', 'sla', 'silent']);
    expect(a.keyPoints[0]!.vi).toBe(
      '2 sự cố mức nghiêm trọng hoặc cao phát sinh trong kỳ chưa được xử lý xong (Sở Y tế và Văn phòng UBND tỉnh).',
    );
    expect(a.keyPoints[1]!.vi).toBe('3 lần quá hạn xử lý (2 quá hạn tiếp nhận, 1 quá hạn khắc phục).');
    expect(a.keyPoints[2]!.vi).toBe(
      '1 máy chủ ngừng gửi log từ ngày 4/12/2026 (Sở Nội vụ): máy này hiện không được giám sát.',
    );
    expect(a.recommendations).toHaveLength(3);
    expect(a.recommendations[2]!.vi).toBe('Yêu cầu Sở Nội vụ kiểm tra và khôi phục việc gửi log của 1 máy chủ.');
    expect(a.done[0]!.facts).toMatchObject({ acknowledged: 4, incidents: 5 });
    expect(a.done[1]!.vi).toMatch(/^Trong kỳ đã khắc phục 2 sự cố và loại 1 cảnh báo nhầm; thời gian khắc phục/);
  });

  it('a quiet week with attacks only: the most frequent attack and its tactic advice make the points', async () => {
    // Week 50 before Tuesday 9:00: nothing open of critical/high, no deadline missed, no silent host.
    const m = await week('2026-W50', NOW);
    m.silentHosts = [];
    const a = assess(m);
    checkSentences(m, [...a.situation, ...a.keyPoints, ...a.recommendations]);
    const top = a.keyPoints.find((s) => s.rule === 'top-attack')!;
    expect(top.vi).toContain('Dò mật khẩu SSH từ một địa chỉ vào một tài khoản');
    expect(top.vi).toContain('T1110.001 Dò mật khẩu (brute force): Đoán mật khẩu');
    expect(a.recommendations.find((s) => s.rule === 'advice-tactic')!.facts.tactic).toBe('credential-access');
  });
});

const haveTools = ['/usr/bin/chromium', '/usr/bin/pdftotext', '/usr/bin/pdftoppm'].every(existsSync);
if (!haveTools) process.stdout.write('Skipping the PDF tests: need chromium and poppler-utils (bash tools/deps.sh)\n');

/** Renders the PDF, reads its text back, and writes one PNG per page into .tmp/screenshots. */
async function pdfOf(name: string, r: Awaited<ReturnType<typeof generateReport>>) {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, r.pdf!);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
  execFileSync('pdftoppm', ['-r', '80', '-png', file, join(shots, name)]);
  return { text, pages };
}

(haveTools ? describe : describe.skip)('the PDF a leader reads', () => {
  it('weekly, province-wide, week 49: Vietnamese throughout, no rule UUID, no week code', async () => {
    const r = await generateReport(stores, {
      kind: 'weekly',
      period: '2026-W49',
      scope: SCOPE_ALL,
      pdf: true,
      now: AFTER_W50,
    });
    const { text, pages } = await pdfOf('report-weekly-w49', r);
    for (const w of [
      'Tuần 49/2026 (từ ngày 30/11/2026 đến ngày 6/12/2026)',
      'I. Đánh giá chung',
      'Những vấn đề cần quan tâm',
      'Kiến nghị',
      'II. Số liệu chi tiết',
      'Dò mật khẩu SSH từ một địa chỉ vào một tài khoản',
      'Truy cập web shell',
      'Đã tiếp nhận',
      'Văn phòng UBND tỉnh',
      'Sở Y tế',
    ])
      expect([w, text.replace(/\s+/g, ' ').includes(w)]).toEqual([w, true]);
    expect(text).not.toContain(RULES.sshBrute.id);
    expect(text).not.toContain('2026-W49');
    expect(text).not.toContain(AG.vp); // agency names, not codes
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(4);
    expect(text.split('\f')[0]).toContain('Kiến nghị'); // the assessment fits page one
  }, 90_000);

  it('weekly, current week 50: "tính đến ngày", future days labelled', async () => {
    const r = await generateReport(stores, {
      kind: 'weekly',
      period: '2026-W50',
      scope: SCOPE_ALL,
      pdf: true,
      now: NOW,
    });
    const { text } = await pdfOf('report-weekly-w50-current', r);
    expect(text).toContain('Tuần 50/2026 (từ ngày 7/12/2026, tính đến ngày 9/12/2026)');
    expect(text).toContain('chưa đến');
    expect(r.html).toContain('chưa đến'); // the e-mail's table chart too
  }, 90_000);

  it('six-monthly 2026-H2 up to now, English on demand', async () => {
    const vi = await generateReport(stores, {
      kind: 'semiannual',
      period: '2026-H2',
      scope: SCOPE_ALL,
      pdf: true,
      now: NOW,
    });
    const { text } = await pdfOf('report-semiannual-h2', vi);
    expect(text).toContain('6 tháng cuối năm 2026 (từ ngày 1/7/2026, tính đến ngày 9/12/2026)');
    // The appendix in the table of Mẫu số 05 (Circular 20/2017/TT-BTTTT) closes the six-monthly report.
    const tail = text.replace(/\s+/g, ' ');
    expect(tail).toContain('BÁO CÁO TỔNG HỢP [06 THÁNG/01 NĂM] VỀ HOẠT ĐỘNG TIẾP NHẬN VÀ XỬ LÝ SỰ CỐ');
    expect(tail.indexOf('Từ chối dịch vụ')).toBeGreaterThan(tail.indexOf('Mẫu số 05')); // -layout wraps the longer kinds
    const en = await generateReport(stores, {
      kind: 'semiannual',
      period: '2026-H2',
      scope: SCOPE_ALL,
      pdf: true,
      now: NOW,
      lang: 'en',
    });
    const t = await pdfOf('report-semiannual-h2-en', en);
    expect(t.text).toContain('Second half of 2026 (from 1/7/2026, as of 9/12/2026)');
    const flat = t.text.replace(/\s+/g, ' ');
    expect(flat).toContain('SSH Brute Force From One Address Against One Account');
    expect(flat).toContain('T1110.001 Brute Force: Password'); // the cell wraps before "Guessing"
    expect(en.html).toContain('T1110.001 Brute Force: Password Guessing');
    expect(parseHalf('2026-H2').label).toBe('2026-H2');
  }, 120_000);

  it("an agency's weekly report: its name, its own figures, nothing of the others", async () => {
    const r = await generateReport(stores, {
      kind: 'weekly',
      period: '2026-W49',
      scope: agencyScope(AG.nv),
      agencyId: AG.nv,
      pdf: true,
      now: AFTER_W50,
    });
    const { text } = await pdfOf('report-weekly-w49-agency', r);
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('Phạm vi: Sở Nội vụ (000.00.32.H40)');
    expect(flat).toContain('1 máy chủ ngừng gửi log từ ngày 4/12/2026 (Sở Nội vụ)');
    expect(flat).toContain('không phát hiện sự cố nào.');
    expect(flat).not.toContain('0 so với 0'); // nothing in either week: no comparison
    for (const other of ['Văn phòng UBND tỉnh', 'Sở Y tế', 'egov-vp', 'his-yt'])
      expect([other, flat.includes(other)]).toEqual([other, false]);
  }, 90_000);

  it('an empty week is one short page', async () => {
    const r = await generateReport(stores, {
      kind: 'weekly',
      period: '2026-W30',
      scope: SCOPE_ALL,
      pdf: true,
      now: NOW,
    });
    const { text, pages } = await pdfOf('report-weekly-empty', r);
    expect(pages).toBe(1);
    expect(text).toContain('Trong kỳ không ghi nhận sự kiện log, cảnh báo hay sự cố nào.');
    expect(text).not.toContain('II. Số liệu chi tiết');
    expect(AGENCY_NAMES[AG.kh]).toBeDefined();
  }, 90_000);
});
