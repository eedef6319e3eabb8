/**
 * Feeds added by an administrator in the console or through the API, beside the configuration file's feeds. Kept
 * in the state store collection `ti_feeds` (province-wide); the same fields as a `threatIntel.feeds[]` entry of the
 * file (core/config/schema-context.ts), checked with the same rules. Secrets (password, token, header values) are
 * written and never read back: the API shows them as set. Every process reads the collection again when it
 * changes (the same poll and change channel as the local list).
 */

import { listAll } from '../../store/list-all.js';
import { SCOPE_ALL, type StateStore, type Versioned } from '../../store/types.js';
import type { FeedConfig } from './feeds/load.js';
import { TLP_LEVELS, type Tlp } from './types.js';

/** A console feed as stored. */
export interface ConsoleFeed extends FeedConfig {
  id: string;
  updatedBy: string;
  updatedAt: number;
}

/** A console feed as the API shows it: secrets replaced by whether they are set. */
export type PublicFeed = Omit<ConsoleFeed, 'password' | 'token' | 'headers'> & {
  passwordSet: boolean;
  tokenSet: boolean;
  /** Header names only. */
  headerNames: string[];
};

/** A refused field of a request body. */
export interface FeedProblem {
  field: string;
  reason: string;
}

const KINDS = ['misp', 'stix', 'taxii', 'list'] as const;
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Integer fields with the schema's bounds. */
const INTS: [keyof FeedConfig, number, number | undefined][] = [
  ['refreshMinutes', 1, undefined],
  ['expireDays', 0, undefined],
  ['confidence', 0, 100],
  ['staleNoticeMinutes', 1, undefined],
  ['timeoutSeconds', 1, undefined],
];

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * Validates a body as a feed. `prev` is the stored feed being edited (its secrets stay when the body leaves them
 * out; an empty string clears one). Local files are not accepted from the API: a console feed is fetched by URL.
 */
export function validateFeed(
  body: Record<string, unknown>,
  actor: string,
  now: number,
  taken: ReadonlySet<string>,
  prev?: ConsoleFeed,
): { feed: ConsoleFeed } | { problems: FeedProblem[] } {
  const problems: FeedProblem[] = [];
  const name = prev ? prev.name : str(body.name);
  if (!name) problems.push({ field: 'name', reason: 'required' });
  else if (!NAME.test(name)) problems.push({ field: 'name', reason: 'letters, digits, _ . - (1-64)' });
  else if (!prev && taken.has(name)) problems.push({ field: 'name', reason: `a feed named ${name} exists` });
  const type = body.type ?? prev?.type;
  if (!KINDS.includes(type as FeedConfig['type']))
    problems.push({ field: 'type', reason: `one of ${KINDS.join(', ')}` });
  if (body.file !== undefined) problems.push({ field: 'file', reason: 'only in the configuration file; give url' });
  const url = str(body.url) ?? (body.url === undefined ? prev?.url : undefined);
  if (!url) problems.push({ field: 'url', reason: 'required (http or https)' });
  else {
    let u: URL | undefined;
    try {
      u = new URL(url);
    } catch {
      problems.push({ field: 'url', reason: 'not a URL' });
    }
    if (u && u.protocol !== 'http:' && u.protocol !== 'https:')
      problems.push({ field: 'url', reason: 'http or https only' });
    else if (u && (u.username || u.password))
      problems.push({ field: 'url', reason: 'no credentials in the URL: use username and password' });
  }
  const out: ConsoleFeed = {
    id: name ?? '',
    name: name ?? '',
    type: type as FeedConfig['type'],
    ...(url ? { url } : {}),
    enabled: body.enabled === undefined ? (prev?.enabled ?? true) : body.enabled === true,
    updatedBy: actor,
    updatedAt: now,
  };
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
    problems.push({ field: 'enabled', reason: 'true or false' });
  for (const [k, min, max] of INTS) {
    const v = body[k] === undefined ? prev?.[k] : body[k];
    if (v === undefined || v === null || v === '') continue;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || (max !== undefined && n > max))
      problems.push({ field: k, reason: `an integer ${min}${max !== undefined ? `-${max}` : ' or more'}` });
    else (out as unknown as Record<string, number>)[k] = n;
  }
  const tlp = body.tlp === undefined || body.tlp === '' ? prev?.tlp : body.tlp;
  if (tlp !== undefined) {
    if (!TLP_LEVELS.includes(tlp as Tlp)) problems.push({ field: 'tlp', reason: `one of ${TLP_LEVELS.join(', ')}` });
    else out.tlp = tlp as Tlp;
  }
  for (const k of ['username', 'apiRoot', 'collection'] as const) {
    const v = body[k] === undefined ? prev?.[k] : body[k];
    if (v === undefined || v === '') continue;
    if (typeof v !== 'string') problems.push({ field: k, reason: 'text' });
    else out[k] = v;
  }
  for (const k of ['password', 'token'] as const) {
    const v = body[k] === undefined ? prev?.[k] : body[k];
    if (v === undefined || v === '' || v === null) continue;
    if (typeof v !== 'string') problems.push({ field: k, reason: 'text' });
    else out[k] = v;
  }
  const headers = body.headers === undefined ? prev?.headers : body.headers;
  if (headers !== undefined && headers !== null) {
    if (typeof headers !== 'object' || Object.values(headers).some((v) => typeof v !== 'string'))
      problems.push({ field: 'headers', reason: 'an object of text values' });
    else if (Object.keys(headers).length > 0) out.headers = headers as Record<string, string>;
  }
  return problems.length > 0 ? { problems } : { feed: out };
}

/** The feed without its secrets. */
export function publicFeed(f: ConsoleFeed): PublicFeed {
  const { password, token, headers, ...rest } = f;
  return { ...rest, passwordSet: !!password, tokenSet: !!token, headerNames: Object.keys(headers ?? {}) };
}

/** The feeds on the state store. */
export class ConsoleFeeds {
  constructor(private readonly state: StateStore) {}

  private get coll() {
    return this.state.collection<ConsoleFeed>('ti_feeds');
  }

  /** Every console feed, by name. */
  async list(): Promise<Versioned<ConsoleFeed>[]> {
    return (await listAll(this.coll)).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): Promise<Versioned<ConsoleFeed> | undefined> {
    return this.coll.get(SCOPE_ALL, name);
  }

  put(f: ConsoleFeed): Promise<Versioned<ConsoleFeed>> {
    return this.coll.put(SCOPE_ALL, f);
  }

  remove(name: string): Promise<boolean> {
    return this.coll.delete(SCOPE_ALL, name);
  }
}
