/**
 * What fills a notification form: the values of its fields from the incident, the agency, the inventory and what
 * the person filling it typed, and whether a tick-list condition holds. A value nobody knows is absent (the form
 * shows a dotted blank for a person), never guessed.
 */
import { SEVERITY_TERMS, STATE_TERMS, TACTIC_TERMS, techniqueName } from '../../core/glossary.js';
import type { Incident } from '../../incidents/types.js';
import { formatDateTime, localDate } from '../period.js';
import { ruleTitle } from '../rule-names.js';

/** Days from detection within which the report is due. */
export const DEADLINE_DAYS = 5;
const DAY = 86_400_000;

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
  /** initial: Mẫu số 03; followup: the closing report, Mẫu số 04. */
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
  /** The initial report this one follows (when and to whom it went), as the records say it. */
  previousReport?: string;
  /** When that initial report was sent (its date goes on the closing form). */
  previousReportAt?: number;
  now?: number;
}

/** "14 giờ 05 phút" (Vietnam time). */
function clockTime(ms: number): string {
  const [, hm = ''] = formatDateTime(ms).split(' ');
  const [h, m] = hm.split(':');
  return `${h} giờ ${m} phút`;
}

/** "07/12/2026" (Vietnam time), day and month on two digits as the form's dd/mm asks. */
function ddmmyyyy(ms: number): string {
  const d = localDate(ms);
  return `${String(d.day).padStart(2, '0')}/${String(d.month).padStart(2, '0')}/${d.year}`;
}

/** The e-mail addresses and the telephone number in what the person typed as contact ("0912 345 678, a@b.vn"). */
export function contactParts(contact: string | undefined): { contactEmail?: string; contactPhone?: string } {
  if (!contact) return {};
  const emails = contact.match(/[^\s,;()]+@[^\s,;()]+\.[^\s,;()]+/g) ?? [];
  let rest = contact;
  for (const m of emails) rest = rest.replace(m, ' ');
  rest = rest.replace(/^[\s,;.-]+|[\s,;.-]+$/g, '').replace(/\s*[,;]\s*[,;\s]*/g, ', ');
  const phone = (rest.match(/\d/g) ?? []).length >= 6 ? rest : undefined;
  return { ...(emails.length ? { contactEmail: emails.join(', ') } : {}), ...(phone ? { contactPhone: phone } : {}) };
}

/** The field values of a form for an incident; a field nobody knows is absent. */
export function formValues(inc: Incident, input: FormInput): Record<string, string> {
  const tech = inc.attack.filter((t) => /^attack\.t\d{4}/i.test(t)).map((t) => techniqueName(t.slice(7), 'vi'));
  const tactics = [
    ...new Set(
      inc.attack
        .map((t) => t.slice(7).toLowerCase().replace(/_/g, '-'))
        .filter((t): t is keyof typeof TACTIC_TERMS => t in TACTIC_TERMS)
        .map((t) => TACTIC_TERMS[t].vi),
    ),
  ];
  const now = input.now ?? Date.now();
  const title = ruleTitle(inc.ruleId, inc.title, 'vi');
  const seen = `từ ${formatDateTime(inc.firstSeen)} đến ${formatDateTime(inc.lastSeen)}`;
  const v: Record<string, string | undefined> = {
    agencyName: input.agencyName ?? inc.agencyId,
    agencyId: inc.agencyId,
    reporter: input.reporter,
    contact: input.contact,
    systemName: input.systemName ?? inc.host,
    securityLevel: input.securityLevel ? `Cấp độ ${input.securityLevel}` : undefined,
    incidentId: inc.id,
    title,
    techniques: tech.join('; ') || undefined,
    tactics: tactics.join('; ') || undefined,
    severity: SEVERITY_TERMS[inc.severity].vi,
    state: STATE_TERMS[inc.state].vi,
    host: inc.host,
    firstSeen: seen,
    lastSeen: seen,
    detectedAt: formatDateTime(inc.createdAt),
    detectedDate: ddmmyyyy(inc.createdAt),
    detectedTime: clockTime(inc.createdAt),
    reportTime: `${ddmmyyyy(now)} ${clockTime(now)}`,
    ...contactParts(input.contact),
    alertCount: String(inc.alertCount),
    dueAt: formatDateTime(deadline(inc, undefined, now).dueAt),
    actions: input.actions,
    proposal: input.proposal,
    progress: input.progress,
    result: input.result,
    sentTo: input.sentTo?.length ? input.sentTo.join(', ') : undefined,
    previousReport: input.previousReport,
    previousReportDate: input.previousReportAt !== undefined ? ddmmyyyy(input.previousReportAt) : input.previousReport,
  };
  // The description: what the monitoring recorded, in sentences, then what the people did (when they said it).
  v.summary = [
    `${title} (mã sự cố ${inc.id}), mức độ ${v.severity!.toLowerCase()}, ${inc.alertCount} cảnh báo ${seen}${inc.host ? ` trên máy ${inc.host}` : ''}.`,
    v.techniques ? `Kỹ thuật tấn công (MITRE ATT&CK): ${v.techniques}.` : '',
    v.tactics ? `Giai đoạn tấn công: ${v.tactics}.` : '',
    input.actions ? `Biện pháp ban đầu đã thực hiện: ${input.actions}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  const closed = inc.resolvedAt !== undefined ? ` lúc ${formatDateTime(inc.resolvedAt)}` : '';
  v.outcome = [
    input.result,
    input.progress,
    `Trạng thái trên hệ thống giám sát: ${v.state}${inc.state === 'resolved' ? closed : ''}.`,
  ]
    .filter(Boolean)
    .join('\n');
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Whether a tick-list condition (template.ts conditionProblem) holds for the incident. */
export function holds(when: string | undefined, inc: Incident, input: FormInput): boolean {
  if (when === undefined) return false;
  if (when === 'always') return true;
  const [kind, arg = ''] = when.split(':', 2);
  if (kind === 'level') return input.securityLevel === Number(arg);
  if (kind === 'state') return arg.split('|').includes(inc.state);
  return false;
}
