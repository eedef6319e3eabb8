/**
 * Incident notification reports (reports/notification) from the console and the API:
 * - GET /api/v1/notification-reports: the incidents that must be reported (high and critical of the last 30 days,
 *   and any with a report on record) with their 5-day clock and what was sent;
 * - GET /api/v1/incidents/{id}/notifications: one incident's clock and records (what, to whom, when, by whom);
 * - POST /api/v1/incidents/{id}/notifications/form: the initial or follow-up form as PDF, DOCX or HTML from the
 *   operator's template (reports.notificationTemplate) and the fields people fill in;
 * - POST /api/v1/incidents/{id}/notifications: records that a form was sent (recipients, content kept).
 * The incident is read in the caller's scope: another agency's incident is not found.
 */
import { createHash } from 'node:crypto';
import { AssetService } from '../../context/assets/assets.js';
import type { Incident } from '../../incidents/types.js';
import {
  DEFAULT_TEMPLATE,
  deadline,
  type FormInput,
  formDocx,
  formHtml,
  formPdf,
  formValues,
  loadTemplate,
  type NotificationRecord,
  recordSent,
  sentReports,
} from '../../reports/notification/notification.js';
import { formatDateTime } from '../../reports/period.js';
import { ruleTitle } from '../../reports/rule-names.js';
import { SCOPE_ALL, type Scope } from '../../store/types.js';
import type { Ctx, RouteDef } from '../context.js';
import { apiError } from '../errors.js';

/** The template file and chromium (the service sets them from `reports`). */
export const notificationRouteOptions: { template?: string; chromiumPath?: string } = {};

const DAY = 86_400_000;

async function incidentOf(ctx: Ctx): Promise<Incident> {
  const inc = await ctx.svc.incidents.incidents.get(ctx.scope, ctx.params.id!);
  if (!inc) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'incident', id: ctx.params.id });
  return inc;
}

function clock(inc: Incident, records: NotificationRecord[], now: number) {
  const first = records.find((r) => r.kind === 'initial');
  const d = deadline(inc, first?.sentAt, now);
  return { dueAt: d.dueAt, state: d.state, ...(first ? { sentAt: first.sentAt } : {}), remainingMs: d.dueAt - now };
}

async function agencyName(ctx: Ctx, id: string): Promise<string | undefined> {
  const a = await ctx.svc.stores.state.collection<{ id: string; name?: string }>('agencies').get(SCOPE_ALL, id);
  return a?.name;
}

/**
 * What the records and the inventory know: the system (inventory role) and level of the incident's host, and
 * for an update the initial report it follows. What the person filled in wins.
 */
async function known(ctx: Ctx, inc: Incident, i: FormInput): Promise<FormInput> {
  const out = { ...i };
  if (inc.host) {
    const host = inc.host.toLowerCase();
    const a = (await new AssetService(ctx.svc.stores.state).list(ctx.scope, inc.agencyId)).find((x) => x.host === host);
    if (a?.role) out.systemName = `${a.role} (${inc.host})`;
    if (out.securityLevel === undefined && a?.securityLevel !== undefined) out.securityLevel = a.securityLevel;
  }
  const first = (await sentReports(ctx.svc.stores, inc.id)).find((r) => r.kind === 'initial');
  if (first) {
    out.previousReport = `gửi lúc ${formatDateTime(first.sentAt)} tới ${first.to.join(', ')}`;
    out.previousReportAt = first.sentAt;
  }
  return out;
}

function input(body: unknown, name: string | undefined): FormInput {
  const b = (body ?? {}) as Record<string, unknown>;
  const str = (k: string) =>
    typeof b[k] === 'string' && (b[k] as string).trim() !== '' ? (b[k] as string) : undefined;
  const out: FormInput = { kind: b.kind === 'followup' ? 'followup' : 'initial' };
  for (const k of ['reporter', 'contact', 'actions', 'proposal', 'progress', 'result'] as const) {
    const v = str(k);
    if (v !== undefined) out[k] = v;
  }
  if (name) out.agencyName = name;
  if (typeof b.securityLevel === 'number') out.securityLevel = b.securityLevel;
  if (Array.isArray(b.to)) out.sentTo = b.to.map(String);
  return out;
}

async function list(ctx: Ctx) {
  const now = Date.now();
  const since = now - 30 * DAY;
  const scope: Scope = ctx.scope;
  const col = ctx.svc.stores.state.collection<Incident>('incidents');
  const out: unknown[] = [];
  for (let after: string | undefined, done = false; !done; ) {
    const p = await col.list(scope, {
      sort: { field: 'createdAt', order: 'desc' },
      size: 500,
      ...(after ? { after } : {}),
    });
    for (const inc of p.docs) {
      if (inc.createdAt < since) {
        done = true;
        break;
      }
      if (inc.severity !== 'high' && inc.severity !== 'critical') continue;
      const records = await sentReports(ctx.svc.stores, inc.id);
      out.push({
        id: inc.id,
        title: inc.title,
        titleVi: ruleTitle(inc.ruleId, inc.title, 'vi'),
        ruleId: inc.ruleId,
        severity: inc.severity,
        state: inc.state,
        agencyId: inc.agencyId,
        ...(inc.host ? { host: inc.host } : {}),
        createdAt: inc.createdAt,
        clock: clock(inc, records, now),
        sent: records.length,
        ...(records.length ? { lastSentAt: records[records.length - 1]!.sentAt } : {}),
      });
      if (out.length >= 500) done = true;
    }
    after = p.next;
    if (!after) done = true;
  }
  // What needs doing first: reports not yet sent, the nearest (or most overdue) deadline first; then the rest.
  const rows = out as { clock: { state: string; dueAt: number }; createdAt: number }[];
  const open = (r: (typeof rows)[number]) => r.clock.state === 'due' || r.clock.state === 'overdue';
  rows.sort(
    (a, b) =>
      Number(open(b)) - Number(open(a)) || (open(a) ? a.clock.dueAt - b.clock.dueAt : b.createdAt - a.createdAt),
  );
  return { body: { items: rows } };
}

async function status(ctx: Ctx) {
  const inc = await incidentOf(ctx);
  const records = await sentReports(ctx.svc.stores, inc.id);
  return { body: { incidentId: inc.id, clock: clock(inc, records, Date.now()), records } };
}

async function form(ctx: Ctx) {
  const inc = await incidentOf(ctx);
  const t = loadTemplate(notificationRouteOptions.template ?? DEFAULT_TEMPLATE);
  const i = await known(ctx, inc, input(ctx.body, await agencyName(ctx, inc.agencyId)));
  const b = (ctx.body ?? {}) as { format?: string };
  const base = `bao-cao-${i.kind === 'initial' ? 'ban-dau' : 'ket-thuc'}-${inc.id}`.replace(/[^A-Za-z0-9._-]/g, '_');
  if (b.format === 'docx') {
    ctx.res.setHeader('Content-Disposition', `attachment; filename="${base}.docx"`);
    ctx.res
      .status(200)
      .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      .send(formDocx(t, inc, i));
  } else if (b.format === 'html') {
    ctx.res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    ctx.res
      .status(200)
      .type('text/html; charset=utf-8')
      .send(formHtml(t, inc, i));
  } else {
    let pdf: Buffer;
    try {
      pdf = await formPdf(t, inc, i, notificationRouteOptions.chromiumPath);
    } catch (err) {
      throw apiError('CANHGAC_ERR_API_UNAVAILABLE', { what: 'PDF rendering (chromium)' }, { cause: err });
    }
    ctx.res.setHeader('Content-Disposition', `attachment; filename="${base}.pdf"`);
    ctx.res.status(200).type('application/pdf').send(pdf);
  }
  return undefined;
}

async function record(ctx: Ctx) {
  const inc = await incidentOf(ctx);
  const b = (ctx.body ?? {}) as { to?: string[] };
  if (!b.to?.length) throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'to: at least one recipient is required' });
  const t = loadTemplate(notificationRouteOptions.template ?? DEFAULT_TEMPLATE);
  const i = await known(ctx, inc, input(ctx.body, await agencyName(ctx, inc.agencyId)));
  // What was sent: the filled values, kept with the record (and their hash, to compare with a file later).
  const content = formValues(inc, i);
  const rec = await recordSent(ctx.svc.stores, inc, {
    kind: i.kind,
    to: b.to,
    sentBy: ctx.actor,
    template: t.id,
    content,
    contentSha256: createHash('sha256').update(JSON.stringify(content)).digest('hex'),
  });
  await ctx.svc.auth.writeAudit(
    ctx.actor,
    'notification.sent',
    'notification_reports',
    rec.id,
    inc.agencyId,
    undefined,
    {
      incidentId: inc.id,
      kind: rec.kind,
      to: rec.to,
    },
  );
  const records = await sentReports(ctx.svc.stores, inc.id);
  return { status: 201, body: { record: rec, clock: clock(inc, records, Date.now()) } };
}

/** Routes of this file. */
export const notificationRoutes: RouteDef[] = [
  { method: 'get', path: '/api/v1/notification-reports', operationId: 'listNotificationReports', handle: list },
  {
    method: 'get',
    path: '/api/v1/incidents/:id/notifications',
    operationId: 'getIncidentNotifications',
    handle: status,
  },
  {
    method: 'post',
    path: '/api/v1/incidents/:id/notifications/form',
    operationId: 'incidentNotificationForm',
    handle: form,
  },
  {
    method: 'post',
    path: '/api/v1/incidents/:id/notifications',
    operationId: 'recordIncidentNotification',
    handle: record,
  },
];
