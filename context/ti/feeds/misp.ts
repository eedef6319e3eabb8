/**
 * MISP feeds as MISP publishes and pulls them: `manifest.json` (event uuid -> info, timestamp, tags) beside one
 * `<uuid>.json` per event ({"Event": {..., "Attribute": [...], "Object": [{"Attribute": [...]}], "Tag": [...]}}).
 * Only attributes flagged for detection (to_ids) of the supported types become indicators; the event's TLP tag
 * overrides the feed's marking; an attribute's comment, else the event's info, is the description.
 */

import { contextError } from '../../errors.js';
import type { IndicatorType, Tlp } from '../types.js';
import { type FeedDefaults, IndicatorCollector, type ParseResult, parseFeedTime, parseTlp } from './parse-common.js';

/** One manifest entry: what decides whether an event must be fetched again. */
export interface MispManifestEntry {
  timestamp?: string | number;
  info?: string;
  Tag?: { name?: string }[];
}

/** The manifest: event uuid -> entry. */
export type MispManifest = Record<string, MispManifestEntry>;

interface MispAttribute {
  type?: string;
  value?: string;
  to_ids?: boolean | string | number;
  timestamp?: string | number;
  first_seen?: string;
  comment?: string;
  deleted?: boolean;
  Tag?: { name?: string }[];
}

interface MispEvent {
  uuid?: string;
  info?: string;
  date?: string;
  timestamp?: string | number;
  Attribute?: MispAttribute[];
  Object?: { Attribute?: MispAttribute[] }[];
  Tag?: { name?: string }[];
}

/** MISP attribute type -> indicator type, and which part of a composite (`a|b`) value is the observable. */
const TYPES: Record<string, [IndicatorType | undefined, 0 | 1]> = {
  'ip-src': [undefined, 0],
  'ip-dst': [undefined, 0],
  'ip-src|port': [undefined, 0],
  'ip-dst|port': [undefined, 0],
  domain: ['domain', 0],
  hostname: ['domain', 0],
  'domain|ip': ['domain', 0],
  'hostname|port': ['domain', 0],
  url: ['url', 0],
  md5: ['md5', 0],
  sha1: ['sha1', 0],
  sha256: ['sha256', 0],
  'filename|md5': ['md5', 1],
  'filename|sha1': ['sha1', 1],
  'filename|sha256': ['sha256', 1],
  'x509-fingerprint-sha1': ['sha1', 0],
  'email-src': ['domain', 0],
};

function tlpOf(tags: { name?: string }[] | undefined): Tlp | undefined {
  for (const t of tags ?? []) {
    const v = typeof t.name === 'string' && t.name.toLowerCase().startsWith('tlp:') ? parseTlp(t.name) : undefined;
    if (v) return v;
  }
  return undefined;
}

function isToIds(v: MispAttribute['to_ids']): boolean {
  return v === true || v === 1 || v === '1' || v === 'true';
}

/** Validates a manifest's shape; throws with the reason. */
export function parseMispManifest(json: unknown): MispManifest {
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw contextError('CANHGAC_ERR_TI_FEED', { feed: 'misp', reason: 'manifest.json is not an object of events' });
  return json as MispManifest;
}

/** Parses one MISP event document into `c` (shared across a feed's events). */
export function collectMispEvent(json: unknown, c: IndicatorCollector, name: string): void {
  const ev = (json as { Event?: MispEvent } | undefined)?.Event;
  if (!ev || typeof ev !== 'object') {
    c.problem(name, 'not a MISP event document (no "Event" object)');
    return;
  }
  const eventTlp = tlpOf(ev.Tag);
  const eventTime = parseFeedTime(ev.date) ?? parseFeedTime(ev.timestamp);
  const attrs: MispAttribute[] = [...(ev.Attribute ?? [])];
  for (const o of ev.Object ?? []) attrs.push(...(o.Attribute ?? []));
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    const spec = typeof a.type === 'string' ? TYPES[a.type] : undefined;
    if (!spec || a.deleted || !isToIds(a.to_ids) || typeof a.value !== 'string') {
      c.skipped++;
      continue;
    }
    let value = a.value.split('|')[spec[1]] ?? '';
    if (a.type === 'email-src') value = value.slice(value.lastIndexOf('@') + 1);
    const firstSeen = parseFeedTime(a.first_seen) ?? parseFeedTime(a.timestamp) ?? eventTime;
    const tlp = tlpOf(a.Tag) ?? eventTlp;
    const description = a.comment || ev.info;
    c.add(value, `${name}#${i}`, {
      ...(spec[0] ? { type: spec[0] } : {}),
      ...(firstSeen !== undefined ? { firstSeen } : {}),
      ...(tlp ? { tlp } : {}),
      ...(description ? { description } : {}),
    });
  }
}

/** Parses events already fetched (uuid -> document) into one result. */
export function parseMispEvents(events: Iterable<[string, unknown]>, d: FeedDefaults): ParseResult {
  const c = new IndicatorCollector(d);
  for (const [uuid, doc] of events) collectMispEvent(doc, c, `${uuid}.json`);
  return c.result();
}
