/**
 * Renders a report model as email-safe HTML (inline styles, tables, inline SVG charts) and as plain text, in
 * Vietnamese (default) or English. Every untrusted value (rule titles, host names, incident titles, agency
 * names) goes through escapeHtml (notify/templates.ts); dates are d/M/yyyy in Asia/Ho_Chi_Minh.
 */
import { type GlossaryLang, SEVERITY_TERMS, STATE_TERMS } from '../core/glossary.js';
import type { IncidentState, Severity } from '../incidents/types.js';
import { SEVERITIES } from '../incidents/types.js';
import { escapeHtml, oneLine } from '../notify/templates.js';
import type { Language } from '../notify/types.js';
import type { Change, NotableIncident, ReportModel } from './model.js';
import { formatDate, formatDateTime } from './period.js';

type Words = Record<string, string>;

/** State and severity words from core/glossary.ts, keyed by their raw values. */
function glossaryWords(lang: GlossaryLang): Words {
  const out: Words = {};
  for (const [k, v] of Object.entries({ ...STATE_TERMS, ...SEVERITY_TERMS })) out[k] = v[lang];
  return out;
}

const VI: Words = {
  weekly: 'Báo cáo tuần',
  semiannual: 'Báo cáo sáu tháng',
  province: 'Toàn tỉnh',
  scope: 'Phạm vi',
  period: 'Kỳ báo cáo',
  generated: 'Lập lúc',
  headline: 'Tổng quan',
  metric: 'Chỉ số',
  thisWeek: 'Tuần này',
  lastWeek: 'Tuần trước',
  thisHalf: 'Kỳ này',
  lastHalf: 'Kỳ trước',
  change: 'Thay đổi',
  events: 'Sự kiện (log)',
  incidents: 'Sự cố',
  criticalHigh: 'Sự cố nghiêm trọng/cao',
  slaBreaches: 'Vi phạm SLA',
  trendWeek: 'Xu hướng 7 ngày',
  trendHalf: 'Xu hướng theo tháng',
  eventsPer: 'Sự kiện',
  incidentsPer: 'Sự cố mới',
  bySeverity: 'Sự cố theo mức độ',
  byState: 'Sự cố theo trạng thái',
  severity: 'Mức độ',
  state: 'Trạng thái',
  count: 'Số lượng',
  handling: 'Thời gian xử lý',
  mtta: 'Thời gian tiếp nhận trung bình (MTTA)',
  mttr: 'Thời gian khắc phục trung bình (MTTR)',
  over: 'trên {n} sự cố',
  none: 'không có',
  slaAck: 'Quá hạn tiếp nhận',
  slaResolve: 'Quá hạn khắc phục',
  topRules: 'Luật phát hiện nhiều nhất',
  rule: 'Luật',
  alerts: 'Cảnh báo',
  topHosts: 'Máy chủ bị nhắm đến nhiều nhất',
  host: 'Máy chủ',
  agency: 'Đơn vị',
  notable: 'Sự cố đáng chú ý',
  silentHosts: 'Máy chủ ngừng gửi log',
  lastSeen: 'Lần cuối nhận log',
  silentSince: 'Im lặng từ',
  coverage: 'Độ phủ giám sát',
  hostsSending: 'Máy chủ gửi log',
  hostsExpected: 'Máy chủ cần giám sát',
  agenciesSilent: 'Đơn vị không gửi log trong kỳ',
  hostsMissing: 'Máy chủ không gửi log trong kỳ',
  nothing: 'Không có.',
  summary: '{sev}: {title}{host}; {n} cảnh báo; {state}; từ {first} đến {last}',
  onHost: ' trên {host}',
  notes: 'Ghi chú',
  notesText:
    'Sự kiện: log lưu trữ có thời điểm trong kỳ. Sự cố: sự cố tạo trong kỳ. MTTA/MTTR: trung bình thời gian từ lúc tạo đến lúc tiếp nhận/khắc phục của các sự cố trong kỳ. Vi phạm SLA: các mốc tiếp nhận/khắc phục quá hạn trong kỳ. Luật và máy chủ: cảnh báo trong kỳ (không tính cảnh báo đã loại trừ). Giờ Việt Nam (UTC+7).',
  // States and severities: the one glossary shared with the console and the e-mails.
  ...glossaryWords('vi'),
  day: 'ngày',
  hour: 'giờ',
  minute: 'phút',
  page: 'Trang',
};

const EN: Words = {
  weekly: 'Weekly report',
  semiannual: 'Six-monthly report',
  province: 'Province-wide',
  scope: 'Scope',
  period: 'Period',
  generated: 'Generated',
  headline: 'Headline',
  metric: 'Figure',
  thisWeek: 'This week',
  lastWeek: 'Last week',
  thisHalf: 'This period',
  lastHalf: 'Previous period',
  change: 'Change',
  events: 'Events (logs)',
  incidents: 'Incidents',
  criticalHigh: 'Critical/high incidents',
  slaBreaches: 'SLA breaches',
  trendWeek: '7-day trend',
  trendHalf: 'Monthly trend',
  eventsPer: 'Events',
  incidentsPer: 'New incidents',
  bySeverity: 'Incidents by severity',
  byState: 'Incidents by state',
  severity: 'Severity',
  state: 'State',
  count: 'Count',
  handling: 'Response times',
  mtta: 'Mean time to acknowledge (MTTA)',
  mttr: 'Mean time to resolve (MTTR)',
  over: 'over {n} incidents',
  none: 'none',
  slaAck: 'Acknowledge deadline missed',
  slaResolve: 'Resolve deadline missed',
  topRules: 'Top rules',
  rule: 'Rule',
  alerts: 'Alerts',
  topHosts: 'Most targeted hosts',
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
  hostsMissing: 'Expected hosts that sent no logs in the period',
  nothing: 'None.',
  summary: '{sev}: {title}{host}; {n} alerts; {state}; {first} to {last}',
  onHost: ' on {host}',
  notes: 'Notes',
  notesText:
    "Events: stored logs timestamped in the period. Incidents: incidents created in the period. MTTA/MTTR: mean time from creation to acknowledgement/resolution of the period's incidents. SLA breaches: acknowledge/resolve deadlines missed during the period. Rules and hosts: alerts of the period (suppressed alerts left out). Vietnam time (UTC+7).",
  ...glossaryWords('en'),
  day: 'd',
  hour: 'h',
  minute: 'min',
  page: 'Page',
};

/** The words of a language. */
export function words(lang: Language): Words {
  return lang === 'en' ? EN : VI;
}

const SEVERITY_COLOUR: Record<Severity, string> = {
  critical: '#b71c1c',
  high: '#e65100',
  medium: '#f9a825',
  low: '#1565c0',
  informational: '#607d8b',
};
const STATES: readonly IncidentState[] = ['new', 'acknowledged', 'in_progress', 'resolved', 'false_positive'];
const FONT = "'DejaVu Sans','Noto Sans',Arial,sans-serif";

function fill(t: string, v: Record<string, string | number>): string {
  return t.replace(/\{(\w+)\}/g, (m, k: string) => (k in v ? String(v[k]) : m));
}

function num(n: number, lang: Language): string {
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
  if (d) parts.push(`${d} ${w.day}`);
  if (h) parts.push(`${h} ${w.hour}`);
  if (m || parts.length === 0) parts.push(`${m} ${w.minute}`);
  return parts.join(' ');
}

/** Title of the report (`Báo cáo tuần 2026-W47 (16/11/2026 - 22/11/2026)`). */
export function reportTitle(m: ReportModel, lang: Language): string {
  const w = words(lang);
  return `${w[m.kind]} ${m.period.label} (${formatDate(m.period.from)} - ${formatDate(m.period.to - 1)})`;
}

/** Who the report covers: the agency's name and code, or the province. */
export function scopeName(m: ReportModel, lang: Language): string {
  if (!m.agency) return words(lang).province!;
  return m.agency.name ? `${m.agency.name} (${m.agency.id})` : m.agency.id;
}

/** The one-line summary of a notable incident (plain text; escape it for HTML). */
export function summaryLine(i: NotableIncident, lang: Language): string {
  const w = words(lang);
  return oneLine(
    fill(w.summary!, {
      sev: w[i.severity]!,
      title: i.title,
      host: i.host ? fill(w.onHost!, { host: i.host }) : '',
      n: num(i.alertCount, lang),
      state: w[i.state]!,
      first: formatDateTime(i.firstSeen),
      last: formatDateTime(i.lastSeen),
    }),
    300,
  );
}

/** Vertical bars with labels under them and values over them. */
function barChart(data: { label: string; value: number }[], colour: string, title: string): string {
  const width = 640;
  const height = 170;
  const top = 24;
  const bottom = 22;
  const max = Math.max(1, ...data.map((d) => d.value));
  const slot = width / Math.max(1, data.length);
  const bw = Math.min(56, slot * 0.6);
  const bars = data
    .map((d, i) => {
      const h = Math.round(((height - top - bottom) * d.value) / max);
      const x = Math.round(i * slot + (slot - bw) / 2);
      const y = height - bottom - h;
      const cx = Math.round(i * slot + slot / 2);
      return (
        `<rect x="${x}" y="${y}" width="${Math.round(bw)}" height="${h}" fill="${colour}"/>` +
        `<text x="${cx}" y="${y - 4}" font-size="11" text-anchor="middle" fill="#222">${d.value}</text>` +
        `<text x="${cx}" y="${height - 6}" font-size="11" text-anchor="middle" fill="#555">${escapeHtml(d.label)}</text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}" style="font-family:${FONT.replace(/'/g, '')}">` +
    `<line x1="0" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="#999"/>${bars}</svg>`
  );
}

/** Horizontal bars (severity breakdown, top rules). */
function hbarChart(data: { label: string; value: number; colour: string }[], title: string): string {
  const width = 640;
  const row = 22;
  const labelW = 250;
  const height = row * data.length + 4;
  const max = Math.max(1, ...data.map((d) => d.value));
  const rows = data
    .map((d, i) => {
      const y = i * row + 2;
      const w = Math.round(((width - labelW - 60) * d.value) / max);
      const label = d.label.length > 30 ? `${d.label.slice(0, 29)}…` : d.label;
      return (
        `<text x="${labelW - 6}" y="${y + 15}" font-size="12" text-anchor="end" fill="#222">${escapeHtml(label)}</text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${row - 6}" fill="${d.colour}"/>` +
        `<text x="${labelW + w + 6}" y="${y + 15}" font-size="12" fill="#222">${d.value}</text>`
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}" style="font-family:${FONT.replace(/'/g, '')}">${rows}</svg>`;
}

const TH = 'style="text-align:left;border-bottom:1px solid #bbb;padding:4px 8px;background:#f2f4f7"';
const TD = 'style="border-bottom:1px solid #e3e3e3;padding:4px 8px;vertical-align:top"';
const TDN = 'style="border-bottom:1px solid #e3e3e3;padding:4px 8px;text-align:right"';

function table(head: string[], rows: string[][], numeric: number[] = []): string {
  if (rows.length === 0) return '';
  return (
    `<table cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%;font-size:13px;margin:6px 0 12px">` +
    `<tr>${head.map((h, i) => `<th ${numeric.includes(i) ? TH.replace('text-align:left', 'text-align:right') : TH}>${escapeHtml(h)}</th>`).join('')}</tr>` +
    rows
      .map((r) => `<tr>${r.map((c, i) => `<td ${numeric.includes(i) ? TDN : TD}>${c}</td>`).join('')}</tr>`)
      .join('') +
    '</table>'
  );
}

function h2(t: string): string {
  return `<h2 style="font-size:17px;color:#0d3b66;border-bottom:2px solid #0d3b66;padding-bottom:3px;margin:22px 0 8px;page-break-after:avoid">${escapeHtml(t)}</h2>`;
}

function nothing(w: Words): string {
  return `<p style="color:#555;font-size:13px">${escapeHtml(w.nothing!)}</p>`;
}

/** The report as one self-contained HTML document (email body and PDF source). */
export function renderHtml(m: ReportModel, lang: Language = 'vi'): string {
  const w = words(lang);
  const e = escapeHtml;
  const n = (x: number) => num(x, lang);
  const weekly = m.kind === 'weekly';
  const title = reportTitle(m, lang);
  const out: string[] = [];
  out.push(
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${e(title)}</title></head>`,
    `<body style="margin:0;padding:16px;font-family:${FONT};color:#222;background:#fff">`,
    '<div style="max-width:720px;margin:0 auto">',
    `<h1 style="font-size:22px;color:#0d3b66;margin:0 0 4px">${e(title)}</h1>`,
    `<p style="margin:0 0 12px;font-size:13px;color:#444">${e(w.scope!)}: <b>${e(scopeName(m, lang))}</b> · ${e(w.period!)}: ${e(formatDate(m.period.from))} - ${e(formatDate(m.period.to - 1))} · ${e(w.generated!)}: ${e(formatDateTime(m.generatedAt))}</p>`,
  );

  out.push(h2(w.headline!));
  const hl: [string, Change][] = [
    [w.events!, m.headline.events],
    [w.incidents!, m.headline.incidents],
    [w.criticalHigh!, m.headline.criticalHigh],
    [w.slaBreaches!, m.headline.slaBreaches],
  ];
  out.push(
    table(
      [w.metric!, weekly ? w.thisWeek! : w.thisHalf!, weekly ? w.lastWeek! : w.lastHalf!, w.change!],
      hl.map(([k, c]) => [e(k), `<b>${n(c.current)}</b>`, n(c.previous), e(formatChange(c, lang))]),
      [1, 2, 3],
    ),
  );

  out.push(h2(weekly ? w.trendWeek! : w.trendHalf!));
  out.push(`<p style="margin:4px 0;font-size:13px">${e(w.eventsPer!)}</p>`);
  out.push(
    barChart(
      m.trend.map((t) => ({ label: t.label, value: t.events })),
      '#1f77b4',
      w.eventsPer!,
    ),
  );
  out.push(`<p style="margin:4px 0;font-size:13px">${e(w.incidentsPer!)}</p>`);
  out.push(
    barChart(
      m.trend.map((t) => ({ label: t.label, value: t.incidents })),
      '#d62728',
      w.incidentsPer!,
    ),
  );

  out.push(h2(w.bySeverity!));
  const sev = [...SEVERITIES].reverse();
  out.push(
    hbarChart(
      sev.map((s) => ({ label: w[s]!, value: m.bySeverity[s], colour: SEVERITY_COLOUR[s] })),
      w.bySeverity!,
    ),
  );
  out.push(h2(w.byState!));
  out.push(
    table(
      [w.state!, w.count!],
      STATES.map((s) => [e(w[s]!), n(m.byState[s])]),
      [1],
    ),
  );

  out.push(h2(w.handling!));
  const avg = (v: number | undefined, c: number) =>
    v === undefined
      ? e(w.none!)
      : `${e(formatDuration(v, lang))} <span style="color:#666">(${e(fill(w.over!, { n: c }))})</span>`;
  out.push(
    table(
      [w.metric!, ''],
      [
        [e(w.mtta!), avg(m.mtta, m.mttaCount)],
        [e(w.mttr!), avg(m.mttr, m.mttrCount)],
        [e(w.slaAck!), n(m.slaBreaches.acknowledge)],
        [e(w.slaResolve!), n(m.slaBreaches.resolve)],
      ],
    ),
  );

  out.push(h2(w.topRules!));
  if (m.topRules.length) {
    out.push(
      hbarChart(
        m.topRules.map((r) => ({ label: r.title || r.ruleId, value: r.alerts, colour: '#0d3b66' })),
        w.topRules!,
      ),
    );
    out.push(
      table(
        [w.rule!, w.alerts!],
        m.topRules.map((r) => [
          `${e(r.title)}<br><span style="color:#777;font-size:11px">${e(r.ruleId)}</span>`,
          n(r.alerts),
        ]),
        [1],
      ),
    );
  } else out.push(nothing(w));

  out.push(h2(w.topHosts!));
  out.push(
    m.topHosts.length
      ? table(
          [w.host!, w.agency!, w.alerts!],
          m.topHosts.map((h) => [e(h.host), e(h.agencyId), n(h.alerts)]),
          [2],
        )
      : nothing(w),
  );

  out.push(h2(w.notable!));
  out.push(
    m.notable.length
      ? `<ul style="font-size:13px;padding-left:18px;margin:6px 0">${m.notable
          .map(
            (i) =>
              `<li style="margin:3px 0"><span style="display:inline-block;width:10px;height:10px;background:${SEVERITY_COLOUR[i.severity]};margin-right:6px"></span>${e(summaryLine(i, lang))}</li>`,
          )
          .join('')}</ul>`
      : nothing(w),
  );

  out.push(h2(w.silentHosts!));
  out.push(
    m.silentHosts.length
      ? table(
          [w.host!, w.agency!, w.lastSeen!, w.silentSince!],
          m.silentHosts.map((h) => [
            e(h.host),
            e(h.agencyId),
            e(formatDateTime(h.lastSeen)),
            h.silentSince !== undefined ? e(formatDateTime(h.silentSince)) : '',
          ]),
        )
      : nothing(w),
  );

  out.push(h2(w.coverage!));
  out.push(
    `<p style="font-size:13px;margin:4px 0">${e(w.hostsSending!)}: <b>${n(m.coverage.hostsSending)}</b> · ${e(w.hostsExpected!)}: <b>${n(m.coverage.hostsExpected)}</b></p>`,
  );
  out.push(
    table(
      [w.agency!, w.events!, w.hostsSending!, w.hostsExpected!],
      m.coverage.agencies.map((a) => [
        a.name ? `${e(a.name)}<br><span style="color:#777;font-size:11px">${e(a.id)}</span>` : e(a.id),
        n(a.events),
        n(a.hostsSending),
        n(a.hostsExpected),
      ]),
      [1, 2, 3],
    ),
  );
  out.push(`<p style="font-size:13px;margin:8px 0 2px"><b>${e(w.agenciesSilent!)}</b></p>`);
  out.push(
    m.coverage.agenciesSilent.length
      ? `<p style="font-size:13px;margin:2px 0">${m.coverage.agenciesSilent
          .map((id) => {
            const name = m.coverage.agencies.find((a) => a.id === id)?.name;
            return e(name ? `${name} (${id})` : id);
          })
          .join(', ')}</p>`
      : nothing(w),
  );
  out.push(`<p style="font-size:13px;margin:8px 0 2px"><b>${e(w.hostsMissing!)}</b></p>`);
  out.push(
    m.coverage.hostsMissing.length
      ? table(
          [w.host!, w.agency!, w.lastSeen!],
          m.coverage.hostsMissing.map((h) => [e(h.host), e(h.agencyId), e(formatDateTime(h.lastSeen))]),
        )
      : nothing(w),
  );

  out.push(h2(w.notes!));
  out.push(`<p style="font-size:11px;color:#555">${e(w.notesText!)}</p>`);
  out.push('</div></body></html>');
  return out.join('\n');
}

/** The report as plain text (the email's text part). */
export function renderText(m: ReportModel, lang: Language = 'vi'): string {
  const w = words(lang);
  const lines = [
    reportTitle(m, lang),
    `${w.scope}: ${scopeName(m, lang)}`,
    '',
    `${w.events}: ${m.headline.events.current} (${formatChange(m.headline.events, lang)})`,
    `${w.incidents}: ${m.headline.incidents.current} (${formatChange(m.headline.incidents, lang)})`,
    `${w.criticalHigh}: ${m.headline.criticalHigh.current} (${formatChange(m.headline.criticalHigh, lang)})`,
    `${w.slaBreaches}: ${m.headline.slaBreaches.current} (${formatChange(m.headline.slaBreaches, lang)})`,
    '',
    `${w.notable}:`,
    ...m.notable.map((i) => `- ${summaryLine(i, lang)}`),
  ];
  return lines.map((l) => oneLine(l, 400)).join('\n');
}

/** The email subject. */
export function reportSubject(m: ReportModel, lang: Language = 'vi'): string {
  return oneLine(`[canhgac] ${reportTitle(m, lang)} - ${scopeName(m, lang)}`);
}
