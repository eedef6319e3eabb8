/**
 * Incident notification reports (initial and closing) in the forms of an operator-replaceable template
 * (tt20-2017.yml: Mẫu số 03 and 04 of Circular 20/2017/TT-BTTTT), generated from the incident as HTML/PDF and DOCX
 * (render.ts); the 5-day reporting deadline as an SLA clock (values.ts); and a record (collection
 * `notification_reports`) of what was sent to whom and when. The template (template.ts) is checked line by line.
 */

import type { Incident } from '../../incidents/types.js';
import { SCOPE_ALL, type Stores } from '../../store/types.js';
import { htmlToPdf } from '../pdf.js';
import { formHtml } from './render.js';
import type { FormTemplate } from './template.js';
import { deadline, type FormInput } from './values.js';

export { formDocx, formHtml, formRows } from './render.js';
export { DEFAULT_TEMPLATE, FIELDS, type FormTemplate, loadTemplate } from './template.js';
export { DEADLINE_DAYS, deadline, type FormInput, formValues, holds } from './values.js';

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
