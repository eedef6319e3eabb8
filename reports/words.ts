/**
 * The words of the reports in Vietnamese (default) and English, and the formatting every part of a report shares:
 * numbers, changes, durations, periods the Vietnamese administrative way, agency names, rule titles and ATT&CK
 * techniques in words. State and severity words come from the glossary (core/glossary.ts), the same as the console's.
 */
import { attackLabels, SEVERITY_TERMS, STATE_TERMS } from '../core/glossary.js';
import type { IncidentState, Severity } from '../incidents/types.js';
import { oneLine } from '../notify/templates.js';
import type { Language } from '../notify/types.js';
import type { AssetContext, Change, NotableIncident, ReportModel } from './model.js';
import { formatDate, formatDateTime, localDate, type Period } from './period.js';
import { ruleTitle } from './rule-names.js';

/** A dictionary of one language. */
export type Words = Record<string, string>;

const VI: Words = {
  weekly: 'Báo cáo tuần',
  semiannual: 'Báo cáo sáu tháng',
  heading: 'Báo cáo tình hình giám sát an toàn thông tin',
  province: 'Toàn tỉnh',
  scope: 'Phạm vi',
  generated: 'Lập lúc',
  assessment: 'I. Đánh giá chung',
  situation: 'Tình hình',
  keyPoints: 'Những vấn đề cần quan tâm',
  done: 'Kết quả xử lý',
  recommendations: 'Kiến nghị',
  figures: 'II. Số liệu chi tiết',
  headline: 'Tổng quan',
  metric: 'Chỉ số',
  value: 'Giá trị',
  thisWeek: 'Tuần này',
  lastWeek: 'Tuần trước',
  thisHalf: 'Kỳ này',
  lastHalf: 'Kỳ trước',
  samePartBefore: 'Cùng kỳ tuần trước',
  samePartHalf: 'Cùng kỳ kỳ trước',
  change: 'Thay đổi',
  events: 'Sự kiện (log)',
  incidents: 'Sự cố',
  criticalHigh: 'Sự cố nghiêm trọng/cao',
  slaBreaches: 'Lần quá hạn xử lý',
  trendWeek: 'Diễn biến theo ngày',
  trendHalf: 'Diễn biến theo tháng',
  eventsPer: 'Sự kiện',
  incidentsPer: 'Sự cố mới',
  day: 'Ngày',
  month: 'Tháng',
  notYet: 'chưa đến',
  bySeverity: 'Sự cố theo mức độ',
  byState: 'Sự cố theo trạng thái',
  severity: 'Mức độ',
  state: 'Trạng thái',
  count: 'Số lượng',
  handling: 'Thời gian xử lý',
  mtta: 'Thời gian tiếp nhận trung bình',
  mttr: 'Thời gian khắc phục trung bình',
  over: 'trên {n} sự cố',
  none: 'không có',
  slaAck: 'Quá hạn tiếp nhận',
  slaResolve: 'Quá hạn khắc phục',
  topRules: 'Hình thức tấn công phát hiện nhiều nhất',
  rule: 'Luật phát hiện',
  technique: 'Kỹ thuật tấn công (MITRE ATT&CK)',
  alerts: 'Cảnh báo',
  topHosts: 'Máy chủ bị nhắm đến nhiều nhất',
  asset: 'Tài sản (vai trò, mức quan trọng)',
  notInInventory: 'chưa có trong danh mục tài sản',
  assetLine: '{role}mức quan trọng {c}/5{level}',
  assetLevel: ', cấp độ {l}',
  host: 'Máy chủ',
  agency: 'Đơn vị',
  notable: 'Sự cố đáng chú ý',
  silentHosts: 'Máy chủ ngừng gửi log',
  lastSeen: 'Lần cuối nhận log',
  silentSince: 'Ngừng gửi từ',
  coverage: 'Độ phủ giám sát',
  hostsSending: 'Máy chủ gửi log',
  hostsExpected: 'Máy chủ cần giám sát',
  agenciesSilent: 'Đơn vị không gửi log trong kỳ',
  nothing: 'Không có.',
  summary: '{sev}: {title}{host}; {n} cảnh báo; {state}; từ {first} đến {last}',
  onHost: ' trên {host}',
  notes: 'Ghi chú',
  notesText:
    'Sự kiện: log lưu trữ có thời điểm trong kỳ. Sự cố: sự cố phát sinh trong kỳ. Thời gian tiếp nhận/khắc phục: trung bình từ lúc phát sinh đến lúc tiếp nhận/khắc phục của các sự cố trong kỳ. Quá hạn: các mốc tiếp nhận/khắc phục bị trễ trong kỳ. Máy chủ chỉ bị tính là ngừng gửi log cho phần thời gian sau khi hệ thống biết đến nó. Giờ Việt Nam (UTC+7).',
  emptyTitle: 'Trong kỳ không ghi nhận sự kiện log, cảnh báo hay sự cố nào.',
  emptyExpected: '{n} máy chủ cần giám sát không gửi log trong kỳ: kiểm tra đường truyền log của đơn vị.',
  emptyNone: 'Chưa có máy chủ nào được đăng ký giám sát trong phạm vi này.',
  unitDay: 'ngày',
  unitHour: 'giờ',
  unitMinute: 'phút',
  page: 'Trang',
};

const EN: Words = {
  weekly: 'Weekly report',
  semiannual: 'Six-monthly report',
  heading: 'Information security monitoring report',
  province: 'Province-wide',
  scope: 'Scope',
  generated: 'Generated',
  assessment: 'I. Assessment',
  situation: 'Situation',
  keyPoints: 'What matters',
  done: 'What was done',
  recommendations: 'Recommendations',
  figures: 'II. Figures',
  headline: 'Headline',
  metric: 'Figure',
  value: 'Value',
  thisWeek: 'This week',
  lastWeek: 'Last week',
  thisHalf: 'This period',
  lastHalf: 'Previous period',
  samePartBefore: 'Same days last week',
  samePartHalf: 'Same part of the previous period',
  change: 'Change',
  events: 'Events (logs)',
  incidents: 'Incidents',
  criticalHigh: 'Critical/high incidents',
  slaBreaches: 'Deadlines missed',
  trendWeek: 'By day',
  trendHalf: 'By month',
  eventsPer: 'Events',
  incidentsPer: 'New incidents',
  day: 'Day',
  month: 'Month',
  notYet: 'not yet',
  bySeverity: 'Incidents by severity',
  byState: 'Incidents by state',
  severity: 'Severity',
  state: 'State',
  count: 'Count',
  handling: 'Response times',
  mtta: 'Mean time to acknowledge',
  mttr: 'Mean time to resolve',
  over: 'over {n} incidents',
  none: 'none',
  slaAck: 'Acknowledge deadline missed',
  slaResolve: 'Resolve deadline missed',
  topRules: 'Most frequent attacks detected',
  rule: 'Rule',
  technique: 'Technique (MITRE ATT&CK)',
  alerts: 'Alerts',
  topHosts: 'Most targeted hosts',
  asset: 'Asset (role, criticality)',
  notInInventory: 'not in the asset inventory',
  assetLine: '{role}criticality {c}/5{level}',
  assetLevel: ', security level {l}',
  host: 'Host',
  agency: 'Agency',
  notable: 'Notable incidents',
  silentHosts: 'Silent hosts',
  lastSeen: 'Last log',
  silentSince: 'Silent since',
  coverage: 'Coverage',
  hostsSending: 'Hosts sending logs',
  hostsExpected: 'Hosts expected',
  agenciesSilent: 'Agencies that sent no logs in the period',
  nothing: 'None.',
  summary: '{sev}: {title}{host}; {n} alerts; {state}; {first} to {last}',
  onHost: ' on {host}',
  notes: 'Notes',
  notesText:
    "Events: stored logs timestamped in the period. Incidents: incidents that began in the period. Response times: mean time from the start to acknowledgement/resolution of the period's incidents. Deadlines missed: acknowledge/resolve deadlines that ran out during the period. A host counts as silent only for the time after canhgac first heard from it. Vietnam time (UTC+7).",
  emptyTitle: 'No log event, alert or incident in the period.',
  emptyExpected: "{n} expected hosts sent no logs in the period: check the agency's log forwarding.",
  emptyNone: 'No host is registered for monitoring in this scope yet.',
  unitDay: 'd',
  unitHour: 'h',
  unitMinute: 'min',
  page: 'Page',
};

/** The words of a language. */
export function words(lang: Language): Words {
  return lang === 'en' ? EN : VI;
}

/** A state's word (the glossary's). */
export function stateWord(s: IncidentState, lang: Language): string {
  return STATE_TERMS[s][lang];
}

/** A severity's word (the glossary's). */
export function severityWord(s: Severity, lang: Language): string {
  return SEVERITY_TERMS[s][lang];
}

/** Fills `{name}` placeholders. */
export function fill(t: string, v: Record<string, string | number>): string {
  return t.replace(/\{(\w+)\}/g, (m, k: string) => (k in v ? String(v[k]) : m));
}

/** A number with the language's grouping (1.234 / 1,234). */
export function num(n: number, lang: Language): string {
  return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'vi-VN').format(n);
}

/** A signed change with its percentage (`+12 (+15%)`, `−3 (−50%)`, `0`). */
export function formatChange(c: Change, lang: Language): string {
  const d = c.current - c.previous;
  if (d === 0) return '0';
  const sign = d > 0 ? '+' : '−';
  const pct = c.previous > 0 ? ` (${sign}${Math.round((Math.abs(d) / c.previous) * 100)}%)` : '';
  return `${sign}${num(Math.abs(d), lang)}${pct}`;
}

/** A duration as days, hours and minutes (`1 ngày 2 giờ 5 phút`). */
export function formatDuration(ms: number, lang: Language): string {
  const w = words(lang);
  const mins = Math.round(ms / 60_000);
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  const parts: string[] = [];
  if (d) parts.push(`${d} ${w.unitDay}`);
  if (h) parts.push(`${h} ${w.unitHour}`);
  if (m || parts.length === 0) parts.push(`${m} ${w.unitMinute}`);
  return parts.join(' ');
}

/** The period's name: `Tuần 47/2026`, `6 tháng cuối năm 2026` (`Week 47/2026`, `Second half of 2026`). */
export function periodName(p: Period, lang: Language): string {
  const [year, n] = p.label.split(/-[WH]/).map(Number) as [number, number];
  if (p.kind === 'week') return lang === 'en' ? `Week ${n}/${year}` : `Tuần ${n}/${year}`;
  if (lang === 'en') return `${n === 1 ? 'First' : 'Second'} half of ${year}`;
  return `6 tháng ${n === 1 ? 'đầu' : 'cuối'} năm ${year}`;
}

/**
 * The period the administrative way: `Tuần 50/2026 (từ ngày 7/12/2026 đến ngày 13/12/2026)`; the current period
 * `Tuần 50/2026 (từ ngày 7/12/2026, tính đến ngày 9/12/2026)`.
 */
export function periodTitle(p: Period, lang: Language, asOf?: number): string {
  const from = formatDate(p.from);
  if (asOf !== undefined && asOf < p.to) {
    const upTo = formatDate(Math.max(p.from, asOf - 1));
    return lang === 'en'
      ? `${periodName(p, lang)} (from ${from}, as of ${upTo})`
      : `${periodName(p, lang)} (từ ngày ${from}, tính đến ngày ${upTo})`;
  }
  const to = formatDate(p.to - 1);
  return lang === 'en'
    ? `${periodName(p, lang)} (${from} to ${to})`
    : `${periodName(p, lang)} (từ ngày ${from} đến ngày ${to})`;
}

/** Title of the report: `Báo cáo tuần 47/2026 (từ ngày 16/11/2026 đến ngày 22/11/2026)`. */
export function reportTitle(m: ReportModel, lang: Language): string {
  const t = periodTitle(m.period, lang, m.partial ? m.asOf : undefined);
  if (lang === 'en') return `${words(lang)[m.kind]}: ${t}`;
  return m.kind === 'weekly' ? `Báo cáo ${t.charAt(0).toLowerCase()}${t.slice(1)}` : `Báo cáo ${t}`;
}

/** Who the report covers: the agency's name and code, or the province. */
export function scopeName(m: ReportModel, lang: Language): string {
  if (!m.agency) return words(lang).province!;
  return m.agency.name ? `${m.agency.name} (${m.agency.id})` : m.agency.id;
}

/** An agency's name (its code when the directory has no name). */
export function agencyName(m: ReportModel, id: string): string {
  return m.agencyNames[id] ?? m.agency?.name ?? id;
}

/** A rule's title in the language (rules/vi.yml for the shipped pack). */
export function ruleName(ruleId: string, title: string, lang: Language): string {
  return ruleTitle(ruleId, title, lang);
}

/** The techniques of a rule's tags in words (its tactics when it names no technique); empty when neither. */
export function techniques(tags: readonly string[], lang: Language): string[] {
  const tech = tags.filter((t) => /^attack\.t\d{4}/i.test(t));
  return attackLabels(tech.length ? tech : tags, lang);
}

/** The local month of an instant as `tháng 11/2026` / `11/2026`. */
export function monthName(ms: number, lang: Language): string {
  const d = localDate(ms);
  return lang === 'en' ? `${d.month}/${d.year}` : `tháng ${d.month}/${d.year}`;
}

/** The one-line summary of a notable incident (plain text; escape it for HTML). */
/** An asset's context in words: "Cổng dịch vụ công, mức quan trọng 5/5, cấp độ 3". */
export function assetLine(a: AssetContext, lang: Language): string {
  const w = words(lang);
  return fill(w.assetLine!, {
    role: a.role ? `${a.role}, ` : '',
    c: String(a.criticality),
    level: a.securityLevel ? fill(w.assetLevel!, { l: String(a.securityLevel) }) : '',
  });
}

export function summaryLine(i: NotableIncident, lang: Language): string {
  const w = words(lang);
  const line = oneLine(
    fill(w.summary!, {
      sev: severityWord(i.severity, lang),
      title: ruleTitle(i.ruleId, i.title, lang),
      host: i.host ? fill(w.onHost!, { host: i.host }) : '',
      n: num(i.alertCount, lang),
      state: stateWord(i.state, lang),
      first: formatDateTime(i.firstSeen),
      last: formatDateTime(i.lastSeen),
    }),
    300,
  );
  return i.asset ? `${line} [${assetLine(i.asset, lang)}]` : line;
}
