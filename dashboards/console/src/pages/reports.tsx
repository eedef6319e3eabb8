/**
 * Periodic reports (issue 13 point 6): the leader's weekly and six-monthly reports of the last periods, opened as
 * HTML in a new tab or downloaded as PDF from GET /api/v1/reports/{weekly|semiannual}. Province-wide users choose
 * the province or one agency; an agency admin always gets its own agency's (the API enforces it too).
 */
import { useState } from 'react';
import { useAgencyNames } from '../agency-names.js';
import { qs } from '../api.js';
import { useApp } from '../i18n.js';
import { ReportTabs } from './reports-tabs.js';

const WORDS = {
  vi: {
    title: 'Báo cáo định kỳ',
    intro:
      'Báo cáo tuần và báo cáo 6 tháng cho lãnh đạo: trang đầu là đánh giá tình hình và kiến nghị, sau đó là số liệu. Báo cáo 6 tháng có thêm phần tuân thủ giám sát nhật ký theo cấp độ. Kỳ hiện tại được tính đến thời điểm mở.',
    kind: 'Loại báo cáo',
    weekly: 'Báo cáo tuần',
    semiannual: 'Báo cáo 6 tháng',
    scope: 'Phạm vi',
    province: 'Toàn tỉnh',
    language: 'Ngôn ngữ',
    period: 'Kỳ báo cáo',
    current: 'kỳ hiện tại, tính đến nay',
    open: 'Xem',
    pdf: 'Tải PDF',
    week: 'Tuần {n}/{y}',
    half: '6 tháng {h} năm {y}',
    halfWords: ['đầu', 'cuối'],
    fromTo: 'từ {a} đến {b}',
    pdfNote: 'Tệp PDF được tạo khi tải về (vài giây).',
  },
  en: {
    title: 'Periodic reports',
    intro:
      "The leader's weekly and six-monthly reports: page one is the assessment and recommendations, then the figures. The six-monthly report adds the log monitoring compliance by security level. The current period is counted up to now.",
    kind: 'Report',
    weekly: 'Weekly report',
    semiannual: 'Six-monthly report',
    scope: 'Scope',
    province: 'Whole province',
    language: 'Language',
    period: 'Period',
    current: 'current period, up to now',
    open: 'Open',
    pdf: 'Download PDF',
    week: 'Week {n}/{y}',
    half: '{h} half of {y}',
    halfWords: ['First', 'Second'],
    fromTo: '{a} to {b}',
    pdfNote: 'The PDF is made when downloaded (a few seconds).',
  },
};

const DAY = 86_400_000;
const LOCAL = 7 * 3_600_000;
const fill = (s: string, v: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k) => String(v[k] ?? ''));
const d = (ms: number) => {
  const x = new Date(ms + LOCAL);
  return `${x.getUTCDate()}/${x.getUTCMonth() + 1}/${x.getUTCFullYear()}`;
};

/** A period the reports API names: label (`2026-W50`, `2026-H2`) and its local first and last day. */
export interface ReportPeriod {
  label: string;
  from: number;
  /** Last day (inclusive). */
  last: number;
  n: number;
  year: number;
}

/** The ISO week of a time (Vietnam time), as reports/period.ts counts it. */
export function isoWeek(ms: number): ReportPeriod {
  const local = new Date(ms + LOCAL);
  const day = (local.getUTCDay() + 6) % 7;
  const monday = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - day * DAY;
  const thursday = new Date(monday + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const n = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return {
    label: `${year}-W${String(n).padStart(2, '0')}`,
    from: monday - LOCAL,
    last: monday + 6 * DAY - LOCAL,
    n,
    year,
  };
}

/** The half-year of a time (Vietnam time). */
export function halfYear(ms: number): ReportPeriod {
  const local = new Date(ms + LOCAL);
  const year = local.getUTCFullYear();
  const n = local.getUTCMonth() < 6 ? 1 : 2;
  const from = Date.UTC(year, n === 1 ? 0 : 6, 1) - LOCAL;
  const last = Date.UTC(n === 1 ? year : year + 1, n === 1 ? 6 : 0, 1) - DAY - LOCAL;
  return { label: `${year}-H${n}`, from, last, n, year };
}

/** The current and previous periods, newest first. */
export function periods(kind: 'weekly' | 'semiannual', now: number, count: number): ReportPeriod[] {
  const out: ReportPeriod[] = [];
  let p = kind === 'weekly' ? isoWeek(now) : halfYear(now);
  for (let i = 0; i < count; i++) {
    out.push(p);
    p = kind === 'weekly' ? isoWeek(p.from - DAY) : halfYear(p.from - DAY);
  }
  return out;
}

/** The Reports page. */
export function ReportsPage() {
  const { lang, me } = useApp();
  const w = WORDS[lang];
  const agencies = useAgencyNames();
  const [kind, setKind] = useState<'weekly' | 'semiannual'>('weekly');
  const [agency, setAgency] = useState('all');
  const [reportLang, setReportLang] = useState<'vi' | 'en'>(lang);
  const list = periods(kind, Date.now(), kind === 'weekly' ? 12 : 4);
  const bound = me.agencyId;
  const href = (p: ReportPeriod, format: 'html' | 'pdf') =>
    `/api/v1/reports/${kind}${qs({
      ...(kind === 'weekly' ? { week: p.label } : { half: p.label }),
      agencyId: bound ?? agency,
      lang: reportLang,
      format,
    })}`;
  const name = (p: ReportPeriod) =>
    kind === 'weekly' ? fill(w.week, { n: p.n, y: p.year }) : fill(w.half, { h: w.halfWords[p.n - 1]!, y: p.year });
  return (
    <div className="reports-page">
      <ReportTabs active="/reports" />
      <h1>{w.title}</h1>
      <p className="muted">{w.intro}</p>
      <div className="report-controls">
        <label>
          {w.kind}
          <select
            value={kind}
            onChange={(e) => setKind(e.target.value as 'weekly' | 'semiannual')}
            data-testid="report-kind"
          >
            <option value="weekly">{w.weekly}</option>
            <option value="semiannual">{w.semiannual}</option>
          </select>
        </label>
        {bound ? (
          <div className="label-like">
            {w.scope}
            <span data-testid="report-agency">{agencies.label(bound)}</span>
          </div>
        ) : (
          <label>
            {w.scope}
            <select value={agency} onChange={(e) => setAgency(e.target.value)} data-testid="report-agency">
              <option value="all">{w.province}</option>
              {agencies.list.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name || a.id}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {w.language}
          <select value={reportLang} onChange={(e) => setReportLang(e.target.value as 'vi' | 'en')}>
            <option value="vi">Tiếng Việt</option>
            <option value="en">English</option>
          </select>
        </label>
      </div>
      <table className="grid" data-testid="report-list">
        <thead>
          <tr>
            <th>{w.period}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((p, i) => (
            <tr key={p.label} data-period={p.label}>
              <td>
                <b>{name(p)}</b> <span className="muted">({fill(w.fromTo, { a: d(p.from), b: d(p.last) })})</span>
                {i === 0 ? <span className="muted small"> · {w.current}</span> : null}
              </td>
              <td className="nowrap">
                <a className="button secondary" href={href(p, 'html')} target="_blank" rel="noopener">
                  {w.open}
                </a>{' '}
                <a className="button" href={href(p, 'pdf')} download data-testid="report-pdf">
                  {w.pdf}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{w.pdfNote}</p>
    </div>
  );
}
