/**
 * Whether anyone hears about incidents: the notification status every console page reads for its banner (no
 * channel or route configured, channels whose last delivery failed), and "send a test" for one channel, which
 * answers with the real outcome (or the error, scrubbed of secrets) and is audited.
 */
import { type ChannelStatus, channelStatuses } from '../../notify/channel-status.js';
import type { ChannelConfig, RouteConfig } from '../../notify/types.js';
import { SCOPE_ALL } from '../../store/types.js';
import type { Ctx, RouteDef } from '../context.js';
import { getOr404 } from './crud.js';

const ALL = { size: 10_000 } as const;

/** The notification status in the caller's view: an agency's callers count only what reaches their agency. */
async function notifyStatus(ctx: Ctx) {
  const state = ctx.svc.stores.state;
  const own = ctx.scope.kind === 'agency' ? ctx.scope.agencyId : undefined;
  const channels = (await state.collection<ChannelConfig>('channels').list(SCOPE_ALL, ALL)).docs;
  const routes = (await state.collection<RouteConfig>('routes').list(SCOPE_ALL, ALL)).docs;
  const reaches = (agencyId: string | undefined) => own === undefined || agencyId === undefined || agencyId === own;
  const enabled = new Map(channels.filter((c) => c.enabled && reaches(c.agencyId)).map((c) => [c.id, c]));
  const live = routes.filter((r) => reaches(r.agencyId) && r.channelIds.some((id) => enabled.has(id)));
  const statuses = (await channelStatuses(state).list(SCOPE_ALL, ALL)).docs;
  const failing = statuses
    .filter((s) => !s.lastOk && enabled.has(s.id))
    .map((s: ChannelStatus) => {
      const c = enabled.get(s.id)!;
      // Province channels are named to agency callers but their errors stay with the province admins.
      const mine = own === undefined || c.agencyId === own;
      return {
        channelId: c.id,
        name: c.name,
        type: c.type,
        failedAt: s.lastFailedAt ?? s.lastAttemptAt,
        failures: s.failures,
        ...(mine && s.lastError ? { error: s.lastError } : {}),
        ...(mine && s.lastErrorCode ? { code: s.lastErrorCode } : {}),
      };
    });
  return {
    configured: live.length > 0,
    channels: enabled.size,
    routes: live.length,
    failing,
  };
}

/** Routes of this file. */
export const notifyAdminRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/notify/status',
    operationId: 'notifyStatus',
    handle: async (ctx) => ({ body: await notifyStatus(ctx) }),
  },
  {
    method: 'post',
    path: '/api/v1/channels/:id/test',
    operationId: 'testChannel',
    handle: async (ctx) => {
      const channel = await getOr404(ctx, ctx.svc.stores.state.collection<ChannelConfig>('channels'), 'channel');
      const language = ctx.query.language === 'en' ? 'en' : 'vi';
      const result = await ctx.svc.notifier.test(channel, language, ctx.actor.replace(/^(user|key):/, ''));
      await ctx.svc.auth.writeAudit(ctx.actor, 'channel.test', 'channels', channel.id, channel.agencyId, undefined, {
        ok: result.ok,
        ...(result.error ? { error: result.error } : {}),
      });
      return { body: result };
    },
  },
];
