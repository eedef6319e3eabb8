/**
 * Export to a monitoring centre in the console (reports/export): GET /api/v1/export (the target without its
 * secrets, the sharing policy resolved per agency, the outbox and the delivery log: what, to whom, when, result,
 * retries), GET /api/v1/export/dry-run (exactly the bundle the next run would send, sent nowhere) and
 * POST /api/v1/export/outbox/{id}/retry (a given-up bundle back into the outbox). Province-wide: the export is the
 * province's, so these need settings.read / settings.write.
 */
import { type DeliveryLogEntry, MonitoringExport, type OutboxEntry } from '../../reports/export/exporter.js';
import { type ExportConfig, exportSetup } from '../../reports/export/start.js';
import { resolvePolicy, type SharingPolicy, type StixObject } from '../../reports/export/stix.js';
import type { ExportTarget } from '../../reports/export/transport.js';
import { SCOPE_ALL } from '../../store/types.js';
import type { Ctx, RouteDef } from '../context.js';
import { apiError } from '../errors.js';

/** The `export` configuration section (the service sets it). */
export const exportRouteOptions: { config?: ExportConfig } = {};

function setup(): { target: ExportTarget; policy: SharingPolicy; enabled: boolean } | undefined {
  const c = exportRouteOptions.config;
  if (!c) return undefined;
  try {
    return { ...exportSetup(c), enabled: c.enabled };
  } catch {
    // No endpoint configured: the policy can still be shown and dry-run.
    return {
      enabled: false,
      target: { kind: 'https', name: c.target.name, url: '' },
      policy: {
        producer: c.producer,
        defaultProfile: c.defaultProfile,
        defaultTlp: c.defaultTlp,
        maxTlp: c.maxTlp,
        ...(c.agencies ? { agencies: c.agencies } : {}),
      },
    };
  }
}

const publicTarget = (t: ExportTarget) =>
  t.kind === 'https'
    ? { kind: t.kind, name: t.name, url: t.url, mutualTls: Boolean(t.certFile && t.keyFile) }
    : { kind: t.kind, name: t.name, apiRoot: t.apiRoot, collectionId: t.collectionId, mutualTls: Boolean(t.certFile) };

async function status(ctx: Ctx) {
  const s = setup();
  const state = ctx.svc.stores.state;
  const agencies = await state.collection<{ id: string; name?: string }>('agencies').list(SCOPE_ALL, { size: 1000 });
  const ids = new Set([...agencies.docs.map((a) => a.id), ...Object.keys(s?.policy.agencies ?? {})]);
  const names = new Map(agencies.docs.map((a) => [a.id, a.name]));
  const outbox = await state.collection<OutboxEntry>('export_outbox').list(SCOPE_ALL, {
    sort: { field: 'createdAt', order: 'desc' },
    size: 100,
  });
  const deliveries = await state.collection<DeliveryLogEntry>('export_deliveries').list(SCOPE_ALL, {
    sort: { field: 'at', order: 'desc' },
    size: 200,
  });
  return {
    body: {
      configured: s !== undefined,
      enabled: s?.enabled ?? false,
      ...(s ? { target: publicTarget(s.target) } : {}),
      ...(s
        ? {
            policy: {
              producer: s.policy.producer,
              defaultProfile: s.policy.defaultProfile,
              defaultTlp: s.policy.defaultTlp,
              maxTlp: s.policy.maxTlp,
              agencies: [...ids].sort().map((id) => {
                const r = resolvePolicy(s.policy, id);
                const level = s.policy.agencies?.[id]?.securityLevel;
                return {
                  id,
                  name: names.get(id) ?? r.name ?? id,
                  profile: r.profile,
                  tlp: r.tlp,
                  ...(level !== undefined ? { securityLevel: level } : {}),
                };
              }),
            },
          }
        : {}),
      outbox: outbox.docs.map(({ bundle, version, ...e }) => e),
      deliveries: deliveries.docs.map(({ version, ...d }) => d),
    },
  };
}

async function dryRun(ctx: Ctx) {
  const s = setup();
  // No export section: nothing would leave.
  if (!s) return { body: { configured: false, incidents: 0, objects: 0, byType: {}, bundle: null } };
  const x = new MonitoringExport(ctx.svc.stores, { target: s.target, policy: s.policy });
  const r = await x.dryRun();
  const objects = (r.bundle?.objects as StixObject[] | undefined) ?? [];
  const byType: Record<string, number> = {};
  for (const o of objects) byType[String(o.type)] = (byType[String(o.type)] ?? 0) + 1;
  return {
    body: {
      target: publicTarget(s.target),
      incidents: r.incidents,
      objects: objects.length,
      byType,
      bundle: r.bundle ?? null,
    },
  };
}

async function retry(ctx: Ctx) {
  const box = ctx.svc.stores.state.collection<OutboxEntry>('export_outbox');
  const e = await box.get(SCOPE_ALL, ctx.params.id!);
  if (!e) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'outbox entry', id: ctx.params.id });
  if (e.state === 'sent')
    throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'id: this bundle was delivered already' });
  const { version, ...body } = e;
  const saved = await box.put(
    SCOPE_ALL,
    { ...body, state: 'pending', nextAt: Date.now(), attempts: 0 },
    { expectedVersion: version },
  );
  await ctx.svc.auth.writeAudit(
    ctx.actor,
    'export.retry',
    'export_outbox',
    e.id,
    undefined,
    { state: e.state },
    { state: 'pending' },
  );
  const { bundle, version: v, ...out } = saved;
  return { body: out };
}

/** Routes of this file. */
export const exportRoutes: RouteDef[] = [
  { method: 'get', path: '/api/v1/export', operationId: 'getExport', handle: status },
  { method: 'get', path: '/api/v1/export/dry-run', operationId: 'exportDryRun', handle: dryRun },
  { method: 'post', path: '/api/v1/export/outbox/:id/retry', operationId: 'retryExport', handle: retry },
];
