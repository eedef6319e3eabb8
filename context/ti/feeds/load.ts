/**
 * Loading one feed of each kind into indicators. Loaders keep state between refreshes where the format allows
 * fetching less: a MISP feed re-reads only events whose manifest timestamp changed, a TAXII collection asks only
 * for objects added after the last page it saw.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configError } from '../../../core/config/errors.js';
import { contextError } from '../../errors.js';
import type { Indicator, Tlp } from '../types.js';
import { type FeedHttpOptions, feedGetOk } from './http.js';
import { collectMispEvent, parseMispManifest } from './misp.js';
import { type FeedDefaults, IndicatorCollector, type ParseProblem, type ParseResult } from './parse-common.js';
import { parsePlainList } from './plain.js';
import { collectStixObjects, parseStixBundle } from './stix.js';
import { taxiiReadObjects } from './taxii.js';

/** A feed as configured (threatIntel.feeds[] in the schema). */
export interface FeedConfig {
  name: string;
  type: 'misp' | 'stix' | 'taxii' | 'list';
  url?: string;
  file?: string;
  enabled?: boolean;
  refreshMinutes?: number;
  expireDays?: number;
  confidence?: number;
  tlp?: Tlp;
  staleNoticeMinutes?: number;
  timeoutSeconds?: number;
  username?: string;
  password?: string;
  token?: string;
  headers?: Record<string, string>;
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  apiRoot?: string;
  collection?: string;
}

/** A loader: `load(now)` returns the feed's whole current indicator list (or throws: the feed failed). */
export interface FeedLoader {
  load(now: number): Promise<ParseResult>;
}

function httpOptions(f: FeedConfig): FeedHttpOptions {
  return {
    ...(f.username !== undefined ? { username: f.username } : {}),
    ...(f.password !== undefined ? { password: f.password } : {}),
    ...(f.token !== undefined ? { token: f.token } : {}),
    ...(f.certFile ? { certFile: f.certFile } : {}),
    ...(f.keyFile ? { keyFile: f.keyFile } : {}),
    ...(f.caFile ? { caFile: f.caFile } : {}),
    ...(f.headers ? { headers: f.headers } : {}),
    timeoutMs: (f.timeoutSeconds ?? 60) * 1000,
  };
}

function defaults(f: FeedConfig, now: number): FeedDefaults {
  return {
    feed: f.name,
    confidence: f.confidence ?? 70,
    tlp: f.tlp ?? 'amber',
    expireDays: f.expireDays ?? 30,
    now,
  };
}

async function readText(f: FeedConfig, path?: string): Promise<string> {
  if (f.file) return readFileSync(path ? join(f.file, path) : f.file, 'utf8');
  if (!f.url)
    throw configError('CANHGAC_ERR_CONFIG_INVALID', {
      problems: `threatIntel.feeds: ${f.name} has neither url nor file`,
    });
  const url = path ? new URL(path, f.url.endsWith('/') ? f.url : `${f.url}/`).toString() : f.url;
  return (await feedGetOk(url, httpOptions(f))).body;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw contextError('CANHGAC_ERR_TI_FEED', { feed: what, reason: `not JSON: ${(err as Error).message}` });
  }
}

/** The loader of one configured feed. */
export function feedLoader(f: FeedConfig): FeedLoader {
  switch (f.type) {
    case 'list':
      return { load: async (now) => parsePlainList(await readText(f), defaults(f, now), f.name) };
    case 'stix':
      return {
        load: async (now) => parseStixBundle(parseJson(await readText(f), 'the STIX bundle'), defaults(f, now), f.name),
      };
    case 'misp':
      return mispLoader(f);
    case 'taxii':
      return taxiiLoader(f);
  }
}

function mispLoader(f: FeedConfig): FeedLoader {
  // Per event: the manifest timestamp it was read at and what it gave.
  const events = new Map<string, { ts: string; indicators: Indicator[]; problems: ParseProblem[]; skipped: number }>();
  return {
    async load(now) {
      const manifest = parseMispManifest(parseJson(await readText(f, 'manifest.json'), 'manifest.json'));
      const keep = new Set<string>();
      for (const [uuid, entry] of Object.entries(manifest)) {
        if (!/^[0-9a-f-]{36}$/i.test(uuid)) continue;
        keep.add(uuid);
        const ts = String(entry.timestamp ?? '');
        if (events.get(uuid)?.ts === ts) continue;
        const c = new IndicatorCollector(defaults(f, now));
        collectMispEvent(parseJson(await readText(f, `${uuid}.json`), `${uuid}.json`), c, `${uuid}.json`);
        events.set(uuid, { ts, indicators: c.indicators, problems: c.problems, skipped: c.skipped });
      }
      for (const uuid of [...events.keys()]) if (!keep.has(uuid)) events.delete(uuid);
      const out: ParseResult = { indicators: [], problems: [], skipped: 0 };
      for (const e of events.values()) {
        for (const i of e.indicators) out.indicators.push(i);
        out.problems.push(...e.problems.slice(0, 1000 - out.problems.length));
        out.skipped += e.skipped;
      }
      return out;
    },
  };
}

function taxiiLoader(f: FeedConfig): FeedLoader {
  if (!f.url || !f.collection)
    throw configError('CANHGAC_ERR_CONFIG_INVALID', {
      problems: `threatIntel.feeds: ${f.name}: taxii needs url and collection`,
    });
  const source = {
    url: f.url,
    collection: f.collection,
    ...(f.apiRoot ? { apiRoot: f.apiRoot } : {}),
  };
  // Indicators by STIX object id: a newer version of an object replaces the older one.
  const byObject = new Map<string, Indicator[]>();
  let addedAfter: string | undefined;
  let skipped = 0;
  return {
    async load(now) {
      const read = await taxiiReadObjects(source, httpOptions(f), addedAfter);
      const c = new IndicatorCollector(defaults(f, now));
      for (const o of read.objects) {
        const id = (o as { id?: string }).id ?? '';
        const before = c.indicators.length;
        collectStixObjects([o], c, f.name, now);
        if ((o as { type?: string }).type === 'indicator') byObject.set(id, c.indicators.slice(before));
      }
      skipped += c.skipped;
      addedAfter = read.addedAfter;
      const indicators: Indicator[] = [];
      for (const list of byObject.values()) for (const i of list) indicators.push(i);
      return { indicators, problems: c.problems, skipped };
    },
  };
}
