/**
 * TAXII 2.1 client: discovery (`/taxii2/`), API root, collections, and a collection's objects read page by page
 * with `added_after` (and `next` when the server offers it), so each refresh fetches only what was added since.
 */

import { contextError } from '../../errors.js';
import { type FeedHttpOptions, feedGetOk } from './http.js';

const ACCEPT = 'application/taxii+json;version=2.1';

/** Where to read: a server (discovery) or an API root, and a collection id or title. */
export interface TaxiiSource {
  /** The server (discovery at `<url>/taxii2/`) or an API root URL (ends with `/`). */
  url: string;
  /** API root to use when `url` is the server (default: the discovery's default, else its first). */
  apiRoot?: string;
  /** Collection id or title. */
  collection: string;
  pageSize?: number;
}

/** One read: the objects and the `added_after` to start from next time. */
export interface TaxiiRead {
  objects: unknown[];
  /** X-TAXII-Date-Added-Last of the last page (or the previous value when nothing was added). */
  addedAfter: string | undefined;
  pages: number;
}

async function getJson(url: string, http: FeedHttpOptions): Promise<{ json: unknown; last?: string }> {
  const r = await feedGetOk(url, { ...http, headers: { ...(http.headers ?? {}), accept: ACCEPT } });
  let json: unknown;
  try {
    json = JSON.parse(r.body);
  } catch (err) {
    throw contextError('CANHGAC_ERR_TI_FEED', {
      feed: 'taxii',
      reason: `answer is not JSON: ${(err as Error).message}`,
    });
  }
  const last = r.headers['x-taxii-date-added-last'];
  return { json, ...(typeof last === 'string' ? { last } : {}) };
}

const withSlash = (u: string) => (u.endsWith('/') ? u : `${u}/`);

/** Resolves the API root URL: an explicit one, or through discovery. */
export async function taxiiApiRoot(s: TaxiiSource, http: FeedHttpOptions): Promise<string> {
  if (s.apiRoot) return withSlash(new URL(s.apiRoot, withSlash(s.url)).toString());
  const base = withSlash(s.url);
  let d: { json: unknown };
  try {
    d = await getJson(new URL('taxii2/', base).toString(), http);
  } catch (err) {
    // No discovery there: the URL may be an API root itself (it answers its information document).
    if (!(err as Error).message.startsWith('HTTP 404')) throw err;
    await getJson(base, http);
    return base;
  }
  const disc = d.json as { default?: string; api_roots?: string[] };
  const root = disc.default ?? disc.api_roots?.[0];
  if (!root) throw contextError('CANHGAC_ERR_TI_FEED', { feed: 'taxii', reason: 'discovery lists no API root' });
  return withSlash(new URL(root, base).toString());
}

/** The collection's id from its id or title. */
export async function taxiiCollectionId(root: string, want: string, http: FeedHttpOptions): Promise<string> {
  const { json } = await getJson(new URL('collections/', root).toString(), http);
  const list = (json as { collections?: { id: string; title?: string; can_read?: boolean }[] }).collections ?? [];
  const c = list.find((x) => x.id === want) ?? list.find((x) => x.title === want);
  if (!c)
    throw contextError('CANHGAC_ERR_TI_FEED', {
      feed: 'taxii',
      reason: `collection ${want} not found (${list.length} listed)`,
    });
  if (c.can_read === false)
    throw contextError('CANHGAC_ERR_TI_FEED', {
      feed: 'taxii',
      reason: `collection ${want} is not readable with these credentials`,
    });
  return c.id;
}

/** Reads every object added after `addedAfter` (all when absent), following the pages. */
export async function taxiiReadObjects(
  s: TaxiiSource,
  http: FeedHttpOptions,
  addedAfter: string | undefined,
  maxPages = 10_000,
): Promise<TaxiiRead> {
  const root = await taxiiApiRoot(s, http);
  const id = await taxiiCollectionId(root, s.collection, http);
  const objects: unknown[] = [];
  let after = addedAfter;
  let next: string | undefined;
  let pages = 0;
  for (;;) {
    const q = new URLSearchParams({ limit: String(s.pageSize ?? 1000) });
    if (next) q.set('next', next);
    if (after) q.set('added_after', after);
    const { json, last } = await getJson(new URL(`collections/${id}/objects/?${q}`, root).toString(), http);
    const env = json as { objects?: unknown[]; more?: boolean; next?: string };
    if (env.objects) objects.push(...env.objects);
    pages++;
    const progressed = last !== undefined && last !== after;
    if (last) after = last;
    if (!env.more || pages >= maxPages) break;
    // Servers page with `next`; without it, added_after moves past the last page's newest object.
    if (env.next) next = env.next;
    else if (!progressed) break;
  }
  return { objects, addedAfter: after, pages };
}
