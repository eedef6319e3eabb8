/**
 * Threat-intel feeds: the configuration file's (read-only here) and the ones an administrator adds, edits,
 * pauses and removes in the console (state store `ti_feeds`). Secrets are written, never returned, never audited.
 * A change is applied without a restart: the manager loads the new feed set (in distributed mode the workers are
 * told on the same channel as a local-list change).
 */
import { ConsoleFeeds, type FeedStatus, publicFeed, validateFeed } from '../../context/index.js';
import type { Ctx, RouteDef } from '../context.js';
import { apiError } from '../errors.js';

const store = (ctx: Ctx) => new ConsoleFeeds(ctx.svc.stores.state);

/** The names in use (the file's and the console's). */
async function names(ctx: Ctx): Promise<Set<string>> {
  const status = ((await ctx.svc.threatIntel?.status()) ?? []) as FeedStatus[];
  const out = new Set(status.map((s) => s.name));
  out.add('local');
  for (const f of await store(ctx).list()) out.add(f.name);
  return out;
}

/** The audit's copy of a feed: whether a secret is set, never its value. */
const auditable = (f: Parameters<typeof publicFeed>[0] | undefined) => (f ? publicFeed(f) : undefined);

async function save(ctx: Ctx, name?: string) {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const feeds = store(ctx);
  const prev = name ? await feeds.get(name) : undefined;
  if (name && !prev) {
    const file = ((await ctx.svc.threatIntel?.status()) ?? []) as FeedStatus[];
    if (file.some((s) => s.name === name && s.origin !== 'console'))
      throw apiError('CANHGAC_ERR_API_VALIDATION', {
        reason: `name: ${name} is defined in the configuration file; change it there`,
      });
    throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'feed', id: name });
  }
  const r = validateFeed(body, ctx.actor, Date.now(), await names(ctx), prev);
  if ('problems' in r)
    throw apiError(
      'CANHGAC_ERR_API_VALIDATION',
      { reason: r.problems.map((p) => `${p.field}: ${p.reason}`).join('; ') },
      { details: { problems: r.problems } },
    );
  const saved = await feeds.put(r.feed);
  const action = !prev
    ? 'feed.create'
    : prev.enabled !== saved.enabled
      ? saved.enabled
        ? 'feed.resume'
        : 'feed.pause'
      : 'feed.update';
  await ctx.svc.auth.writeAudit(
    ctx.actor,
    action,
    'ti_feeds',
    saved.name,
    undefined,
    auditable(prev),
    auditable(saved),
  );
  await ctx.svc.threatIntel?.localChanged?.();
  return { status: prev ? 200 : 201, body: publicFeed(saved) };
}

/** The routes. */
export const tiFeedRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/threat-intel/feeds',
    operationId: 'listThreatIntelFeeds',
    handle: async (ctx) => {
      const status = ((await ctx.svc.threatIntel?.status()) ?? []) as FeedStatus[];
      const byName = new Map(status.map((s) => [s.name, s]));
      const added = await store(ctx).list();
      const items: unknown[] = status.filter((s) => s.origin !== 'console');
      // A console feed: its settings (no secrets) with its status; a paused one has no status.
      for (const f of added)
        items.push({ ...(byName.get(f.name) ?? {}), name: f.name, origin: 'console', config: publicFeed(f) });
      return { body: { items } };
    },
  },
  {
    method: 'post',
    path: '/api/v1/threat-intel/feeds',
    operationId: 'createThreatIntelFeed',
    handle: (ctx) => save(ctx),
  },
  {
    method: 'put',
    path: '/api/v1/threat-intel/feeds/:name',
    operationId: 'updateThreatIntelFeed',
    handle: (ctx) => save(ctx, ctx.params.name!),
  },
  {
    method: 'delete',
    path: '/api/v1/threat-intel/feeds/:name',
    operationId: 'deleteThreatIntelFeed',
    handle: async (ctx) => {
      const feeds = store(ctx);
      const cur = await feeds.get(ctx.params.name!);
      if (!cur || !(await feeds.remove(cur.name)))
        throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'feed', id: ctx.params.name });
      await ctx.svc.auth.writeAudit(
        ctx.actor,
        'feed.delete',
        'ti_feeds',
        cur.name,
        undefined,
        publicFeed(cur),
        undefined,
      );
      await ctx.svc.threatIntel?.localChanged?.();
      return { status: 204 };
    },
  },
];
