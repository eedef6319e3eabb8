/**
 * Weekly and six-monthly reports on demand, as HTML or PDF. Province-wide callers may ask for any agency (the
 * report then runs in that agency's store scope) or `all`; an agency-bound caller's report is always of its own
 * agency and scope, whatever agencyId it names.
 */
import { CanhgacError } from '../../core/errors.js';
import { DEFAULT_SETTINGS, settingsFor } from '../../core/settings.js';
import { generateReport, type ReportKind } from '../../reports/index.js';
import { halfOf, previous, weekOf } from '../../reports/period.js';
import { agencyScope, type Scope } from '../../store/types.js';
import type { Ctx, RouteDef } from '../context.js';
import { apiError } from '../errors.js';

/** Where chromium is (the service sets it from `reports.chromiumPath`; default /usr/bin/chromium). */
export const reportRouteOptions: { chromiumPath?: string; topN?: number; retentionDays?: number } = {};

async function handle(ctx: Ctx, kind: ReportKind) {
  const q = ctx.query;
  const requested = typeof q.agencyId === 'string' && q.agencyId !== '' ? q.agencyId : undefined;
  let scope: Scope = ctx.scope;
  let agencyId: string | undefined;
  if (ctx.scope.kind === 'agency') {
    // Always its own agency (in its own store scope): naming another agency cannot widen it.
    agencyId = ctx.scope.agencyId;
  } else if (requested !== undefined && requested !== 'all') {
    agencyId = requested;
    scope = agencyScope(requested);
  }
  const label =
    kind === 'weekly'
      ? typeof q.week === 'string'
        ? q.week
        : previous(weekOf(Date.now())).label
      : typeof q.half === 'string'
        ? q.half
        : previous(halfOf(Date.now())).label;
  const pdf = q.format === 'pdf';
  const lang =
    q.lang === 'en' || q.lang === 'vi'
      ? q.lang
      : ((await settingsFor(ctx.svc.stores.state).get()).defaultLanguage ?? DEFAULT_SETTINGS.defaultLanguage);
  let r: Awaited<ReturnType<typeof generateReport>>;
  try {
    r = await generateReport(ctx.svc.stores, {
      kind,
      period: label,
      scope,
      ...(agencyId !== undefined ? { agencyId } : {}),
      lang,
      pdf,
      ...(reportRouteOptions.chromiumPath ? { chromiumPath: reportRouteOptions.chromiumPath } : {}),
      ...(reportRouteOptions.topN ? { topN: reportRouteOptions.topN } : {}),
      ...(reportRouteOptions.retentionDays ? { configuredRetentionDays: reportRouteOptions.retentionDays } : {}),
    });
  } catch (err) {
    if (err instanceof CanhgacError && err.code === 'CANHGAC_ERR_REPORT_PERIOD')
      throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: err.message });
    if (err instanceof CanhgacError && err.code === 'CANHGAC_ERR_REPORT_CHROMIUM')
      throw apiError('CANHGAC_ERR_API_UNAVAILABLE', { what: 'PDF rendering (chromium)' }, { cause: err });
    if (err instanceof CanhgacError && err.code === 'CANHGAC_ERR_REPORT_BUSY') {
      ctx.res.setHeader('Retry-After', '30');
      throw apiError('CANHGAC_ERR_API_UNAVAILABLE', { what: 'PDF rendering (too many waiting, retry later)' });
    }
    throw err;
  }
  const file = `${r.baseName}.${pdf ? 'pdf' : 'html'}`;
  ctx.res.setHeader('Content-Disposition', `${pdf ? 'attachment' : 'inline'}; filename="${file}"`);
  if (pdf) ctx.res.status(200).type('application/pdf').send(r.pdf);
  else {
    // The report is static: no script may run in it even if a stored value escaped the escaping.
    ctx.res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    ctx.res.status(200).type('text/html; charset=utf-8').send(r.html);
  }
  return undefined;
}

/** Routes of this file. */
export const reportRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/reports/weekly',
    operationId: 'weeklyReport',
    handle: (ctx) => handle(ctx, 'weekly'),
  },
  {
    method: 'get',
    path: '/api/v1/reports/semiannual',
    operationId: 'semiannualReport',
    handle: (ctx) => handle(ctx, 'semiannual'),
  },
];
