import { SEVERITY_TERMS } from '../core/glossary.js';
import { DEFAULT_SETTINGS, onSettingsRead } from '../core/settings.js';
import type { Language, Notice, RenderedMessage } from './types.js';

let fallbackLanguage: Language = DEFAULT_SETTINGS.defaultLanguage;
// The `defaultLanguage` setting (core/settings.ts): every read of the settings keeps this in step.
onSettingsRead((s) => {
  fallbackLanguage = s.defaultLanguage ?? DEFAULT_SETTINGS.defaultLanguage;
});

/** The language of messages whose route names none: the `defaultLanguage` setting (Vietnamese unless changed). */
export function defaultLanguage(): Language {
  return fallbackLanguage;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes untrusted text for HTML (log content, rule titles, host names). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Removes control characters (including CR/LF) from text that goes into a header such as a mail subject. */
export function oneLine(s: string, max = 200): string {
  const flat = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const TZ = 'Asia/Ho_Chi_Minh';

/** d/M/yyyy HH:mm in Asia/Ho_Chi_Minh, the format users read. */
export function formatTime(ms: number): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TZ,
    day: 'numeric',
    month: 'numeric',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('day')}/${get('month')}/${get('year')} ${get('hour')}:${get('minute')}`;
}

const WORDS: Record<Language, Record<string, string>> = {
  vi: {
    'incident.created': 'Sự cố mới',
    'incident.reopened': 'Sự cố tái diễn',
    'incident.recurring': 'Sự cố tiếp diễn',
    'incident.escalated': 'Sự cố tăng mức độ',
    'incident.resolved': 'Sự cố đã đóng',
    'sla.breach': 'Quá hạn xử lý (SLA)',
    'host.silent': 'Máy chủ ngừng gửi log',
    'host.resumed': 'Máy chủ gửi log trở lại',
    clock: 'Hạn',
    acknowledge: 'Tiếp nhận',
    resolve: 'Xử lý xong',
    due: 'Hạn lúc',
    'pipeline.stalled': 'canhgac ngừng xử lý sự kiện',
    'feed.stale': 'Nguồn tin tình báo mối đe dọa không cập nhật được',
    digest: 'Tổng hợp cảnh báo',
    test: 'Thông báo thử',
    severity: 'Mức độ',
    agency: 'Đơn vị',
    host: 'Máy chủ',
    rule: 'Luật',
    count: 'Số cảnh báo',
    first: 'Lần đầu',
    last: 'Lần cuối',
    open: 'Mở sự cố',
    // Severities: the one glossary shared with the console and the reports.
    ...Object.fromEntries(Object.entries(SEVERITY_TERMS).map(([k, v]) => [k, v.vi])),
  },
  en: {
    'incident.created': 'New incident',
    'incident.reopened': 'Incident reopened',
    'incident.recurring': 'Incident recurring',
    'incident.escalated': 'Incident escalated',
    'incident.resolved': 'Incident closed',
    'sla.breach': 'SLA breached',
    'host.silent': 'Host stopped sending logs',
    'host.resumed': 'Host sends logs again',
    clock: 'Deadline',
    acknowledge: 'Acknowledge',
    resolve: 'Resolve',
    due: 'Due at',
    'pipeline.stalled': 'canhgac stopped processing events',
    'feed.stale': 'Threat-intel feed not updating',
    digest: 'Alert digest',
    test: 'Test notification',
    severity: 'Severity',
    agency: 'Agency',
    host: 'Host',
    rule: 'Rule',
    count: 'Alerts',
    first: 'First seen',
    last: 'Last seen',
    open: 'Open the incident',
    // Severities: the one glossary shared with the console and the reports.
    ...Object.fromEntries(Object.entries(SEVERITY_TERMS).map(([k, v]) => [k, v.en])),
  },
};

function rows(n: Notice, lang: Language): [string, string][] {
  const w = WORDS[lang];
  const r: [string, string][] = [[w.severity!, w[n.severity]!]];
  r.push([w.agency!, n.agencyName ? `${n.agencyName} (${n.agencyId})` : n.agencyId]);
  if (n.host) r.push([w.host!, n.host]);
  if (n.ruleId) r.push([w.rule!, n.ruleId]);
  if (n.count !== undefined) r.push([w.count!, String(n.count)]);
  if (n.firstSeen !== undefined) r.push([w.first!, formatTime(n.firstSeen)]);
  if (n.lastSeen !== undefined) r.push([w.last!, formatTime(n.lastSeen)]);
  if (n.clock) r.push([w.clock!, w[n.clock]!]);
  if (n.dueAt !== undefined) r.push([w.due!, formatTime(n.dueAt)]);
  return r;
}

/**
 * Renders a notice as subject, text, HTML (every untrusted value escaped) and a JSON payload; without a (known)
 * language, in the default language (defaultLanguage()).
 */
export function render(n: Notice, language?: Language): RenderedMessage {
  const lang: Language = language !== undefined && Object.hasOwn(WORDS, language) ? language : fallbackLanguage;
  const w = WORDS[lang];
  const head = w[n.kind] ?? n.kind;
  const subject = oneLine(`[canhgac][${w[n.severity]}] ${head}: ${n.title}`);
  const lines = rows(n, lang);
  const items = n.items ?? [];
  const text = [
    `${head}: ${n.title}`,
    '',
    ...lines.map(([k, v]) => `${k}: ${v}`),
    ...items.map((i) => `- [${w[i.severity]}] ${i.title}${i.host ? ` (${i.host})` : ''}`),
    ...(n.link ? ['', `${w.open}: ${n.link}`] : []),
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(head)}: ${escapeHtml(n.title)}</h2>`,
    '<table>',
    ...lines.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    items.length
      ? `<ul>${items.map((i) => `<li>[${escapeHtml(w[i.severity]!)}] ${escapeHtml(i.title)}${i.host ? ` (${escapeHtml(i.host)})` : ''}</li>`).join('')}</ul>`
      : '',
    n.link && /^https?:\/\//.test(n.link) ? `<p><a href="${escapeHtml(n.link)}">${escapeHtml(w.open!)}</a></p>` : '',
    '</body></html>',
  ].join('');
  const payload: Record<string, unknown> = {
    id: n.id,
    kind: n.kind,
    agency_id: n.agencyId,
    severity: n.severity,
    title: n.title,
    ...(n.incidentId ? { incident_id: n.incidentId } : {}),
    ...(n.host ? { host: n.host } : {}),
    ...(n.ruleId ? { rule_id: n.ruleId } : {}),
    ...(n.count !== undefined ? { count: n.count } : {}),
    ...(n.clock ? { clock: n.clock } : {}),
    ...(n.dueAt !== undefined ? { due_at: new Date(n.dueAt).toISOString() } : {}),
    ...(n.state ? { state: n.state } : {}),
    ...(n.link ? { link: n.link } : {}),
    at: new Date(n.at).toISOString(),
    ...(items.length
      ? { items: items.map((i) => ({ id: i.id, severity: i.severity, title: i.title, host: i.host })) }
      : {}),
  };
  return { subject, text, html, payload };
}
