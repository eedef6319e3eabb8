/** Weekly and six-monthly reports: one call from period label to model, HTML and (optionally) PDF. */
export { type GeneratedReport, type GenerateRequest, generateReport, type ReportKind } from './generate.js';
export { buildReport, type ReportModel } from './model.js';
export { htmlToPdf } from './pdf.js';
export { halfOf, parseHalf, parseWeek, previous, weekOf } from './period.js';
export { renderHtml, renderText, reportSubject } from './render.js';
export { startReportScheduler } from './scheduler.js';
