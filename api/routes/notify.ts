/** Notification channels and routes (an agency admin manages its own agency's, through its Scope). */
import { newEventId } from '../../core/ids.js';
import { channelStatuses, SECRET_SETTINGS } from '../../notify/channel-status.js';
import { routeKinds } from '../../notify/kinds.js';
import type { ChannelConfig, RouteConfig } from '../../notify/types.js';
import type { Versioned } from '../../store/types.js';
import type { Ctx, RouteDef } from '../context.js';
import { pageBody, paging } from '../context.js';
import { apiError } from '../errors.js';
import { createDoc, deleteDoc, getOr404, updateDoc } from './crud.js';

const HIDDEN = '[hidden]';

/** A channel as the API shows it: secrets (tokens, webhook URLs) never leave the server. */
export function publicChannel(c: Versioned<ChannelConfig>): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.settings ?? {})) settings[k] = SECRET_SETTINGS.has(k) ? HIDDEN : v;
  return { ...c, settings };
}

const channels = (ctx: Ctx) => ctx.svc.stores.state.collection<ChannelConfig>('channels');
const routes = (ctx: Ctx) => ctx.svc.stores.state.collection<RouteConfig>('routes');

/** A route may only name channels its caller can see (else an agency could send its notices to another's). */
async function checkChannels(ctx: Ctx, ids: readonly string[] | undefined): Promise<void> {
  for (const [i, id] of (ids ?? []).entries()) {
    if (!(await channels(ctx).get(ctx.scope, id)))
      throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: `body/channelIds/${i}: no channel ${id}` });
  }
}

/** Routes of this file. */
export const notifyRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/channels',
    operationId: 'listChannels',
    handle: async (ctx) => {
      const page = await channels(ctx).list(ctx.scope, paging(ctx.query));
      // Each channel with its last outcome (the console marks a channel whose last delivery failed).
      const status = channelStatuses(ctx.svc.stores.state);
      const withStatus = await Promise.all(
        page.docs.map(async (c) => {
          const s = await status.get(ctx.scope, c.id);
          const { id: _i, version: _v, agencyId: _a, ...last } = s ?? ({} as Record<string, unknown>);
          return { ...publicChannel(c), ...(s ? { status: last } : {}) };
        }),
      );
      return { body: { items: withStatus, ...(page.next ? { next: page.next } : {}) } };
    },
  },
  {
    method: 'post',
    path: '/api/v1/channels',
    operationId: 'createChannel',
    handle: async (ctx) => {
      const b = ctx.body as Omit<ChannelConfig, 'id'>;
      const doc = { ...b, id: newEventId(), enabled: b.enabled ?? true };
      return {
        status: 201,
        body: publicChannel(await createDoc(ctx, channels(ctx), 'channel', 'channels', doc, publicChannel)),
      };
    },
  },
  {
    method: 'get',
    path: '/api/v1/channels/:id',
    operationId: 'getChannel',
    handle: async (ctx) => ({ body: publicChannel(await getOr404(ctx, channels(ctx), 'channel')) }),
  },
  {
    method: 'patch',
    path: '/api/v1/channels/:id',
    operationId: 'updateChannel',
    handle: async (ctx) => {
      const b = ctx.body as Partial<ChannelConfig>;
      const saved = await updateDoc(
        ctx,
        channels(ctx),
        'channel',
        'channels',
        (d) => {
          if (b.name !== undefined) d.name = b.name;
          // A form sends back "[hidden]" for secrets it never saw: keep the stored value for those.
          if (b.settings !== undefined) {
            const next: Record<string, unknown> = {};
            for (const [k, v] of Object.entries(b.settings)) next[k] = v === HIDDEN ? d.settings?.[k] : v;
            d.settings = next;
          }
          if (b.enabled !== undefined) d.enabled = b.enabled;
        },
        publicChannel,
      );
      return { body: publicChannel(saved) };
    },
  },
  {
    method: 'delete',
    path: '/api/v1/channels/:id',
    operationId: 'deleteChannel',
    handle: async (ctx) => {
      await deleteDoc(ctx, channels(ctx), 'channel', 'channels', publicChannel);
      return { status: 204 };
    },
  },
  {
    method: 'get',
    path: '/api/v1/routes',
    operationId: 'listRoutes',
    handle: async (ctx) => pageBody(await routes(ctx).list(ctx.scope, paging(ctx.query))),
  },
  {
    method: 'post',
    path: '/api/v1/routes',
    operationId: 'createRoute',
    handle: async (ctx) => {
      const b = ctx.body as Omit<RouteConfig, 'id'>;
      await checkChannels(ctx, b.channelIds);
      // No language named: none is stored, and each notice goes out in the `defaultLanguage` setting of the day.
      // Kinds are stored as notice kinds (older names expanded), the names the notifier matches.
      const doc: RouteConfig = { ...b, ...(b.kinds ? { kinds: routeKinds(b.kinds) } : {}), id: newEventId() };
      return { status: 201, body: await createDoc(ctx, routes(ctx), 'route', 'routes', doc) };
    },
  },
  {
    method: 'get',
    path: '/api/v1/routes/:id',
    operationId: 'getRoute',
    handle: async (ctx) => ({ body: await getOr404(ctx, routes(ctx), 'route') }),
  },
  {
    method: 'patch',
    path: '/api/v1/routes/:id',
    operationId: 'updateRoute',
    handle: async (ctx) => {
      const b = ctx.body as Partial<Omit<RouteConfig, 'language' | 'kinds'>> & {
        language?: RouteConfig['language'] | null;
        kinds?: string[] | null;
      };
      await checkChannels(ctx, b.channelIds);
      return {
        body: await updateDoc(ctx, routes(ctx), 'route', 'routes', (d) => {
          if (b.minSeverity !== undefined) d.minSeverity = b.minSeverity;
          if (b.channelIds !== undefined) d.channelIds = b.channelIds;
          if (b.language === null) delete d.language;
          else if (b.language !== undefined) d.language = b.language;
          if (b.realertMinutes !== undefined) d.realertMinutes = b.realertMinutes;
          if (b.kinds === null) delete d.kinds;
          else if (b.kinds !== undefined) d.kinds = routeKinds(b.kinds);
        }),
      };
    },
  },
  {
    method: 'delete',
    path: '/api/v1/routes/:id',
    operationId: 'deleteRoute',
    handle: async (ctx) => {
      await deleteDoc(ctx, routes(ctx), 'route', 'routes');
      return { status: 204 };
    },
  },
];
