/** One call from period label to model, HTML, text and (optionally) PDF. */
import type { Language } from '../notify/types.js';
import type { Scope, Stores } from '../store/types.js';
import { buildCompliance, type ComplianceModel } from './compliance/compliance.js';
import { complianceHtml } from './compliance/render.js';
import { buildReport, type ReportModel } from './model.js';
import { loadTemplate } from './notification/notification.js';
import { buildForm05, type Form05, form05Html } from './notification/summary.js';
import { htmlToPdf } from './pdf.js';
import { parseHalf, parseWeek } from './period.js';
import { renderHtml, renderText, reportSubject, words } from './render.js';

/** Report kinds. */
export type ReportKind = 'weekly' | 'semiannual';

/** What to generate. */
export interface GenerateRequest {
  kind: ReportKind;
  /** `2026-W47` (weekly) or `2026-H2` (semiannual). */
  period: string;
  scope: Scope;
  agencyId?: string;
  lang?: Language;
  pdf?: boolean;
  chromiumPath?: string;
  topN?: number;
  now?: number;
  /** `store.retentionDays` of the configuration (shown in the compliance view). */
  configuredRetentionDays?: number;
}

/** A generated report. */
export interface GeneratedReport {
  model: ReportModel;
  /** The six-monthly report's compliance view (Circular 12/2022/TT-BTTTT). */
  compliance?: ComplianceModel;
  /** The six-monthly report's appendix in the table of Mẫu số 05 (Circular 20/2017/TT-BTTTT). */
  form05?: Form05;
  subject: string;
  /** The e-mail body (charts as tables). */
  html: string;
  /** The PDF's source (SVG charts, page breaks). */
  printHtml: string;
  text: string;
  pdf?: Buffer;
  /** A file name for the PDF/HTML (`canhgac-2026-W47-000.00.31.H40`). */
  baseName: string;
}

/** Builds the model, renders HTML and text, and the PDF when asked. */
export async function generateReport(stores: Stores, r: GenerateRequest): Promise<GeneratedReport> {
  const period = r.kind === 'weekly' ? parseWeek(r.period) : parseHalf(r.period);
  const lang = r.lang ?? 'vi';
  const model = await buildReport(stores, {
    kind: r.kind,
    period,
    scope: r.scope,
    ...(r.agencyId !== undefined ? { agencyId: r.agencyId } : {}),
    ...(r.topN !== undefined ? { topN: r.topN } : {}),
    ...(r.now !== undefined ? { now: r.now } : {}),
  });
  // The six-monthly report includes the compliance view of the same period (up to where its figures stop).
  const compliance =
    r.kind === 'semiannual'
      ? await buildCompliance(stores, {
          scope: r.scope,
          ...(r.agencyId !== undefined ? { agencyId: r.agencyId } : {}),
          from: period.from,
          to: model.asOf,
          ...(r.configuredRetentionDays !== undefined ? { configuredRetentionDays: r.configuredRetentionDays } : {}),
        })
      : undefined;
  // ... and the incidents of the period in the table of Mẫu số 05 (Circular 20/2017/TT-BTTTT), as an appendix.
  const template = r.kind === 'semiannual' ? loadTemplate() : undefined;
  const form05 = template
    ? await buildForm05(stores, template, {
        scope: r.scope,
        ...(r.agencyId !== undefined ? { agencyId: r.agencyId } : {}),
        ...(model.agency?.name ? { agencyName: model.agency.name } : {}),
        from: period.from,
        to: model.asOf,
      })
    : undefined;
  const extra = compliance ? complianceHtml(compliance, lang) : '';
  // The appendix comes last, after the report's notes (a form to complete and send, not part of the figures).
  const appendix = (doc: string, target: 'email' | 'pdf') =>
    form05 && template
      ? doc.replace(/<\/div><\/body><\/html>$/, `${form05Html(form05, template, lang, target)}</div></body></html>`)
      : doc;
  const html = appendix(renderHtml(model, lang, 'email', extra), 'email');
  const printHtml = appendix(renderHtml(model, lang, 'pdf', extra), 'pdf');
  const out: GeneratedReport = {
    model,
    ...(compliance ? { compliance } : {}),
    ...(form05 ? { form05 } : {}),
    subject: reportSubject(model, lang),
    html,
    printHtml,
    text: renderText(model, lang),
    baseName: `canhgac-${period.label}-${(r.agencyId ?? 'all').replace(/[^A-Za-z0-9.-]/g, '_')}`,
  };
  if (r.pdf)
    out.pdf = await htmlToPdf(printHtml, {
      pageWord: words(lang).page!,
      ...(r.chromiumPath ? { chromiumPath: r.chromiumPath } : {}),
    });
  return out;
}
