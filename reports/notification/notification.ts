/**
 * Incident notification reports (initial and follow-up) in the structure of an operator-replaceable template
 * (tt20-2017.yml: the forms of Circular 20/2017/TT-BTTTT), generated from the incident as HTML/PDF and DOCX; the
 * 5-day reporting deadline as an SLA clock; and a record (collection `notification_reports`) of what was sent to
 * whom and when. Untrusted values (titles, host names) are escaped in HTML and are plain text runs in DOCX.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SEVERITY_TERMS, STATE_TERMS, TACTIC_TERMS, techniqueName } from '../../core/glossary.js';
import { projectRoot } from '../../core/shared-data.js';
import type { Incident } from '../../incidents/types.js';
import { escapeHtml } from '../../notify/templates.js';
import { SCOPE_ALL, type Stores } from '../../store/types.js';
import { htmlToPdf } from '../pdf.js';
import { formatDateTime, localDate } from '../period.js';
import { ruleTitle } from '../rule-names.js';
import { type Block, docx } from './docx.js';

/** The form template: sections of labelled lines, each filled by one field. */
export interface FormTemplate {
  id: string;
  title: string;
  forms: Record<
    'initial' | 'followup',
    { heading: string; sections: { title: string; lines: { label: string; field: string }[] }[] }
  >;
}

/** The shipped template. */
export const DEFAULT_TEMPLATE = join(projectRoot, 'reports', 'notification', 'tt20-2017.yml');
/** Days from detection within which the report is due. */
export const DEADLINE_DAYS = 5;
const DAY = 86_400_000;

/** Reads a template; a line naming no known field is an error naming it. */
export function loadTemplate(file: string = DEFAULT_TEMPLATE): FormTemplate {
  const t = parse(readFileSync(file, 'utf8')) as FormTemplate;
  for (const kind of ['initial', 'followup'] as const) {
    const f = t?.forms?.[kind];
    if (!f?.heading || !Array.isArray(f.sections))
      throw new Error(`${file}: forms.${kind} needs a heading and sections`);
    for (const s of f.sections)
      for (const l of s.lines ?? [])
        if (!FIELDS.includes(l.field))
          throw new Error(`${file}: forms.${kind} line '${l.label}' names unknown field '${l.field}'`);
  }
  return t;
}

const FIELDS = [
  'agencyName',
  'agencyId',
  'reporter',
  'contact',
  'systemName',
  'securityLevel',
  'incidentId',
  'title',
  'techniques',
  'tactics',
  'severity',
  'state',
  'host',
  'firstSeen',
  'lastSeen',
  'detectedAt',
  'alertCount',
  'dueAt',
  'actions',
  'proposal',
  'progress',
  'result',
  'sentTo',
  'previousReport',
];

/** The 5-day clock of an incident's report: due, overdue, or met by the first sent initial report. */
export function deadline(
  inc: Incident,
  sentAt: number | undefined,
  now: number,
): { dueAt: number; state: 'due' | 'overdue' | 'met' | 'late' } {
  const dueAt = inc.createdAt + DEADLINE_DAYS * DAY;
  if (sentAt !== undefined) return { dueAt, state: sentAt <= dueAt ? 'met' : 'late' };
  return { dueAt, state: now > dueAt ? 'overdue' : 'due' };
}

/** What the people filling the form add (the incident gives the rest). */
export interface FormInput {
  kind: 'initial' | 'followup';
  agencyName?: string;
  reporter?: string;
  contact?: string;
  securityLevel?: number;
  actions?: string;
  proposal?: string;
  progress?: string;
  result?: string;
  sentTo?: string[];
  /** The system (inventory role) the incident's host belongs to. */
  systemName?: string;
  /** The initial report this update follows (when and to whom it went). */
  previousReport?: string;
  now?: number;
}

/** The field values of a form for an incident. */
export function formValues(inc: Incident, input: FormInput): Record<string, string> {
  const tech = inc.attack.filter((t) => /^attack\.t\d{4}/i.test(t)).map((t) => techniqueName(t.slice(7), 'vi'));
  const tactics = inc.attack
    .map((t) => t.slice(7).toLowerCase().replace(/_/g, '-'))
    .filter((t): t is keyof typeof TACTIC_TERMS => t in TACTIC_TERMS)
    .map((t) => TACTIC_TERMS[t].vi);
  const dl = deadline(inc, undefined, input.now ?? Date.now());
  const none = '—';
  return {
    agencyName: input.agencyName ?? inc.agencyId,
    agencyId: inc.agencyId,
    reporter: input.reporter ?? none,
    contact: input.contact ?? none,
    systemName: input.systemName ?? inc.host ?? none,
    securityLevel: input.securityLevel ? `Cấp độ ${input.securityLevel}` : none,
    incidentId: inc.id,
    title: ruleTitle(inc.ruleId, inc.title, 'vi'),
    techniques: tech.join('; ') || none,
    tactics: [...new Set(tactics)].join('; ') || none,
    severity: SEVERITY_TERMS[inc.severity].vi,
    state: STATE_TERMS[inc.state].vi,
    host: inc.host ?? none,
    firstSeen: `từ ${formatDateTime(inc.firstSeen)} đến ${formatDateTime(inc.lastSeen)}`,
    lastSeen: `từ ${formatDateTime(inc.firstSeen)} đến ${formatDateTime(inc.lastSeen)}`,
    detectedAt: formatDateTime(inc.createdAt),
    alertCount: String(inc.alertCount),
    dueAt: formatDateTime(dl.dueAt),
    actions: input.actions ?? none,
    proposal: input.proposal ?? none,
    progress: input.progress ?? none,
    result: input.result ?? none,
    sentTo: input.sentTo?.length ? input.sentTo.join(', ') : none,
    previousReport: input.previousReport ?? none,
  };
}

/** The form as a self-contained HTML document (the PDF's source). */
export function formHtml(t: FormTemplate, inc: Incident, input: FormInput): string {
  const v = formValues(inc, input);
  const f = t.forms[input.kind];
  const e = escapeHtml;
  const rows = f.sections
    .map(
      (s) =>
        `<h2 style="font-size:14px;margin:16px 0 6px;color:#0d3b66">${e(s.title)}</h2><table style="width:100%;border-collapse:collapse;font-size:13px;page-break-inside:avoid">${s.lines
          .map(
            (l) =>
              `<tr><td style="width:38%;padding:4px 8px;border:1px solid #ccc;background:#f5f7fa">${e(l.label)}</td><td style="padding:4px 8px;border:1px solid #ccc">${e(v[l.field] ?? '')}</td></tr>`,
          )
          .join('')}</table>`,
    )
    .join('');
  const when = input.now ?? Date.now();
  const to = input.sentTo?.length ? input.sentTo.join('; ') : '……………………………';
  const cellStyle = 'vertical-align:top;padding:0 6px';
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${e(f.heading)}</title></head><body style="font-family:'DejaVu Sans','Noto Sans',sans-serif;color:#222;padding:10px">
<table style="width:100%;font-size:12px;text-align:center;border-collapse:collapse"><tr><td style="width:42%;${cellStyle}"><b>${e(v.agencyName!)}</b><br><span style="display:inline-block;border-top:1px solid #444;width:40%;margin:2px 0 6px"></span><br>Số: ……/BC-……</td><td style="${cellStyle}"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b><br><span style="display:inline-block;border-top:1px solid #444;width:45%;margin:2px 0 6px"></span><br><i>……, ${e(longDate(when))}</i></td></tr></table>
<h1 style="text-align:center;font-size:15.5px;margin:22px 0 4px">${e(f.heading)}</h1>
<p style="text-align:center;font-size:12px;margin:0 0 10px">(Theo cấu trúc mẫu của ${e(t.title)}; lập lúc ${e(formatDateTime(when))})</p>
<p style="text-align:center;font-size:13px;margin:4px 0 12px">Kính gửi: ${e(to)}</p>
${rows}
<table style="width:100%;font-size:12.5px;margin-top:26px;page-break-inside:avoid;border-collapse:collapse"><tr><td style="width:50%;${cellStyle};text-align:left"><b><i>Nơi nhận:</i></b><br>- Như trên;<br>- Lưu: VT.</td><td style="${cellStyle};text-align:center"><b>NGƯỜI BÁO CÁO</b><br><i>(Ký, ghi rõ họ tên)</i><br><br><br><br>${e(input.reporter ?? '')}</td></tr></table>
</body></html>`;
}

/** "ngày 7 tháng 12 năm 2026" (Vietnam time), the date line of an administrative document. */
export function longDate(ms: number): string {
  const d = localDate(ms);
  return `ngày ${d.day} tháng ${d.month} năm ${d.year}`;
}

/** The form as DOCX bytes (Word, LibreOffice). */
export function formDocx(t: FormTemplate, inc: Incident, input: FormInput): Buffer {
  const v = formValues(inc, input);
  const f = t.forms[input.kind];
  const when = input.now ?? Date.now();
  const blocks: Block[] = [
    { kind: 'para', text: v.agencyName!, bold: true },
    { kind: 'para', text: 'Số: ……/BC-……' },
    { kind: 'para', text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', bold: true, center: true },
    { kind: 'para', text: 'Độc lập - Tự do - Hạnh phúc', bold: true, center: true },
    { kind: 'para', text: `……, ${longDate(when)}`, italic: true, center: true },
    { kind: 'heading', text: f.heading, level: 1, center: true },
    {
      kind: 'para',
      text: `(Theo cấu trúc mẫu của ${t.title}; lập lúc ${formatDateTime(when)})`,
      italic: true,
      center: true,
    },
    {
      kind: 'para',
      text: `Kính gửi: ${input.sentTo?.length ? input.sentTo.join('; ') : '……………………………'}`,
      center: true,
    },
  ];
  for (const s of f.sections) {
    blocks.push({ kind: 'heading', text: s.title, level: 2 });
    blocks.push({ kind: 'table', rows: s.lines.map((l): [string, string] => [l.label, v[l.field] ?? '']) });
  }
  blocks.push(
    { kind: 'para', text: 'NGƯỜI BÁO CÁO', bold: true, center: true },
    { kind: 'para', text: '(Ký, ghi rõ họ tên)', italic: true, center: true },
    { kind: 'para', text: input.reporter ?? '', center: true },
    { kind: 'para', text: 'Nơi nhận:', bold: true, italic: true },
    { kind: 'para', text: '- Như trên;' },
    { kind: 'para', text: '- Lưu: VT.' },
  );
  return docx(f.heading, blocks);
}

/** One sent report, as kept in `notification_reports`. */
export interface NotificationRecord {
  id: string;
  incidentId: string;
  agencyId: string;
  kind: 'initial' | 'followup';
  template: string;
  to: string[];
  sentAt: number;
  sentBy: string;
  /** The deadline and how it ended for this report. */
  dueAt: number;
  deadline: 'met' | 'late' | 'n/a';
  /** The form's filled values as sent, and their SHA-256 (to compare with a file later). */
  content?: Record<string, string>;
  contentSha256?: string;
}

/** Records that a report was sent (to whom, by whom, when) and returns the record. */
export async function recordSent(
  stores: Stores,
  inc: Incident,
  r: {
    kind: 'initial' | 'followup';
    to: string[];
    sentBy: string;
    template?: string;
    now?: number;
    content?: Record<string, string>;
    contentSha256?: string;
  },
): Promise<NotificationRecord> {
  const sentAt = r.now ?? Date.now();
  const col = stores.state.collection<NotificationRecord>('notification_reports');
  const earlier = await col.list(SCOPE_ALL, { filter: { incidentId: inc.id, kind: 'initial' }, size: 1 });
  const dl = deadline(inc, sentAt, sentAt);
  const rec: NotificationRecord = {
    id: `${inc.id}-${r.kind}-${sentAt}`,
    incidentId: inc.id,
    agencyId: inc.agencyId,
    kind: r.kind,
    template: r.template ?? 'tt20-2017',
    to: [...r.to],
    sentAt,
    sentBy: r.sentBy,
    dueAt: dl.dueAt,
    // Only the first initial report meets or misses the deadline.
    deadline: r.kind === 'initial' && earlier.docs.length === 0 ? (dl.state as 'met' | 'late') : 'n/a',
    ...(r.content ? { content: r.content } : {}),
    ...(r.contentSha256 ? { contentSha256: r.contentSha256 } : {}),
  };
  return col.put(SCOPE_ALL, rec);
}

/** The reports sent for an incident, oldest first. */
export async function sentReports(stores: Stores, incidentId: string): Promise<NotificationRecord[]> {
  const p = await stores.state
    .collection<NotificationRecord>('notification_reports')
    .list(SCOPE_ALL, { filter: { incidentId }, sort: { field: 'sentAt', order: 'asc' }, size: 1000 });
  return p.docs;
}

/** The PDF of a form (chromium, reports/pdf.ts). */
export function formPdf(t: FormTemplate, inc: Incident, input: FormInput, chromiumPath?: string): Promise<Buffer> {
  return htmlToPdf(formHtml(t, inc, input), { ...(chromiumPath ? { chromiumPath } : {}) });
}
