/**
 * Server-sent events for the console's queue and overview: a `incidents` event as soon as the newest incidents of
 * the caller's scope change (created, grouped into, acknowledged, closed), so a page reloads within a fraction of a
 * second instead of polling every few seconds. Each connection watches through the store with its own Scope (the
 * agency filter stays in the store layer); a comment line every 15 s keeps proxies from closing it.
 */
import { SCOPE_ALL } from '../../store/types.js';
import type { Ctx, RouteDef } from '../context.js';

/** How often a connection looks at the newest incidents (ms): a change is pushed within this plus the write. */
export const STREAM_CHECK_MS = 250;
const KEEPALIVE_MS = 15_000;
const WATCHED = 20;

async function fingerprint(ctx: Ctx): Promise<string> {
  const page = await ctx.svc.incidents.incidents.list(ctx.scope ?? SCOPE_ALL, {
    sort: { field: 'lastSeen', order: 'desc' },
    size: WATCHED,
  });
  return page.docs.map((d) => `${d.id}:${d.version}`).join(',');
}

/** Routes of this file. */
export const streamRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/stream',
    operationId: 'streamChanges',
    handle: async (ctx) => {
      const { res, req } = ctx;
      res.status(200);
      res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Accel-Buffering', 'no');
      res.flushHeaders();
      let last = await fingerprint(ctx);
      res.write(`retry: 2000\nevent: ready\ndata: {}\n\n`);
      // A client that did not ask for a stream (no Accept: text/event-stream, as EventSource sends) gets the
      // greeting only: a plain HTTP check of the route never hangs.
      if (!String(req.headers.accept ?? '').includes('text/event-stream')) {
        res.end();
        return undefined;
      }
      let busy = false;
      let closed = false;
      const check = setInterval(async () => {
        if (busy || closed) return;
        busy = true;
        try {
          const now = await fingerprint(ctx);
          if (now !== last && !closed) {
            last = now;
            res.write(`event: incidents\ndata: ${JSON.stringify({ at: Date.now() })}\n\n`);
          }
        } catch {
          // A store hiccup: the next check tries again; the console still polls slowly as a fallback.
        } finally {
          busy = false;
        }
      }, STREAM_CHECK_MS);
      const alive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
      await new Promise<void>((resolve) => {
        const done = () => {
          closed = true;
          clearInterval(check);
          clearInterval(alive);
          resolve();
        };
        req.once('close', done);
        res.once('close', done);
      });
      return undefined;
    },
  },
];
