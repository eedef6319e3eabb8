/**
 * The indicator search in distributed mode. The feeds are loaded and matched by the workers; the API runs in
 * `canhgac ingest`, which holds no indicators (a second copy of a million indicators there would double their
 * memory for a search an analyst makes now and then). So the API asks the workers over Redis: it publishes the
 * request on `<queue>:ti` and the first answer on `<queue>:ti-replies` carrying its id is the answer (every
 * worker answers from the same feeds; the others are dropped). The answer is from the very set that matches
 * events. A change to the analysts' local list is announced on the same channel, before any later search, so a
 * worker reads the list again before it answers a search made after the change (read your own write). Asset
 * inventory changes are announced there too (workers weigh alerts with the new inventory at once).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { type Indicator, normaliseIndicator } from '../context/index.js';
import { logger } from '../core/log.js';
import { counter } from '../core/metrics.js';

const log = logger('ti-search');
const requests = counter('canhgac_ti_remote_searches_total', 'Indicator searches asked of the workers, by outcome', [
  'outcome',
]);

/** What a search answers (as ThreatIntel.search), or that no worker answered. */
export type SearchAnswer =
  | { type: string; value: string; hits: Indicator[] }
  | { error: string }
  | { unavailable: true };

/** What a worker answers with. */
export interface SearchServer {
  search(value: string): { type: string; value: string; hits: Indicator[] } | { error: string };
  /** Read the local list again (another process changed it). */
  syncLocal(): Promise<void>;
  /** Settles when the reads asked for so far are done. */
  localSettled(): Promise<void>;
  /** Read the asset inventory again (another process changed it). */
  refreshAssets?(): Promise<void>;
}

const requestChannel = (queue: string) => `${queue}:ti`;
const replyChannel = (queue: string) => `${queue}:ti-replies`;

/** A worker answers searches and takes local-list changes; returns the closer. */
export async function serveIndicatorSearch(
  connection: object,
  pub: Pick<Redis, 'publish'>,
  queue: string,
  server: SearchServer,
): Promise<() => void> {
  const sub = new Redis({ ...connection, lazyConnect: false });
  sub.on('error', (err) => log.warn({ err: err.message }, 'Indicator search subscription error'));
  sub.on('message', (_channel: string, text: string) => {
    let m: { t?: unknown; id?: unknown; value?: unknown };
    try {
      m = JSON.parse(text) as typeof m;
    } catch {
      return;
    }
    if (m.t === 'local') {
      void server.syncLocal();
      return;
    }
    if (m.t === 'assets') {
      void server.refreshAssets?.().catch(() => undefined);
      return;
    }
    if (m.t !== 'search' || typeof m.id !== 'string' || typeof m.value !== 'string') return;
    const { id, value } = m;
    void server
      .localSettled()
      .then(() => pub.publish(replyChannel(queue), JSON.stringify({ id, answer: server.search(value) })))
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'Answering an indicator search failed'));
  });
  await sub.subscribe(requestChannel(queue));
  return () => sub.disconnect();
}

/** The API's side in `canhgac ingest`. */
export interface SearchClient {
  search(value: string): Promise<SearchAnswer>;
  /** Announces a change of the local list (workers read it again before their next answer). */
  localChanged(): Promise<void>;
  /** Announces a change of the asset inventory (workers weigh alerts with it at once, not after their 30 s poll). */
  assetsChanged(): Promise<void>;
  close(): void;
}

/** Subscribes to the answers with its own connection; `pub` sends the requests. */
export async function indicatorSearchClient(
  connection: object,
  pub: Pick<Redis, 'publish'>,
  queue: string,
  timeoutMs = 3000,
): Promise<SearchClient> {
  const pending = new Map<string, (a: SearchAnswer) => void>();
  const sub = new Redis({ ...connection, lazyConnect: false });
  sub.on('error', (err) => log.warn({ err: err.message }, 'Indicator search subscription error'));
  sub.on('message', (_channel: string, text: string) => {
    try {
      const r = JSON.parse(text) as { id?: unknown; answer?: SearchAnswer };
      if (typeof r.id !== 'string' || !r.answer) return;
      pending.get(r.id)?.(r.answer);
    } catch {
      // Not ours.
    }
  });
  await sub.subscribe(replyChannel(queue));
  return {
    async search(value) {
      // Refused here at once, as the embedded search refuses it: no worker is needed to say it is no indicator.
      const n = normaliseIndicator(value.trim());
      if ('error' in n) return { error: n.error };
      const id = randomUUID();
      let timer: NodeJS.Timeout | undefined;
      const answer = new Promise<SearchAnswer>((resolve) => {
        const done = (a: SearchAnswer) => {
          clearTimeout(timer);
          pending.delete(id);
          resolve(a);
        };
        pending.set(id, done);
        timer = setTimeout(() => done({ unavailable: true }), timeoutMs);
      });
      const listeners = await pub.publish(requestChannel(queue), JSON.stringify({ t: 'search', id, value }));
      // Nobody subscribed: no worker runs, so there is no one to wait for.
      if (listeners === 0) pending.get(id)?.({ unavailable: true });
      const a = await answer;
      requests.inc({ outcome: 'unavailable' in a ? 'unanswered' : 'answered' });
      return a;
    },
    async localChanged() {
      await pub.publish(requestChannel(queue), JSON.stringify({ t: 'local' }));
    },
    async assetsChanged() {
      await pub.publish(requestChannel(queue), JSON.stringify({ t: 'assets' }));
    },
    close() {
      sub.disconnect();
      for (const done of [...pending.values()]) done({ unavailable: true });
    },
  };
}
