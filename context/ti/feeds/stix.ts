/**
 * STIX 2.1 indicators (from a bundle file or URL, or TAXII objects): the pattern subset that names one observable
 * of a supported kind, alone or OR-ed: `[ipv4-addr:value = '…']`, `ipv4-addr:value ISSUBSET '…/…'`,
 * `ipv6-addr:value`, `domain-name:value`, `url:value`, `file:hashes.MD5|'SHA-1'|'SHA-256'`, `email-addr:value`
 * (its domain). Patterns with AND, FOLLOWEDBY, qualifiers or other operators cannot be checked one event at a time
 * here and are skipped (counted). valid_from, valid_until, confidence, name/description and TLP markings are kept;
 * revoked indicators are dropped.
 */
import type { IndicatorType, Tlp } from '../types.js';
import { type FeedDefaults, IndicatorCollector, type ParseResult, parseFeedTime } from './parse-common.js';

/** The TLP marking-definition ids of STIX 2.1 (TLP 1.0) and of the TLP 2.0 extension. */
const TLP_MARKINGS: Record<string, Tlp> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'clear',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'green',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'amber',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'red',
  'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487': 'clear',
  'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb': 'green',
  'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421': 'amber',
  'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003': 'amber+strict',
  'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1': 'red',
};

interface StixObject {
  type?: string;
  id?: string;
  pattern?: string;
  pattern_type?: string;
  valid_from?: string;
  valid_until?: string;
  created?: string;
  confidence?: number;
  name?: string;
  description?: string;
  revoked?: boolean;
  object_marking_refs?: string[];
  definition_type?: string;
  definition?: { tlp?: string };
}

const COMPARISON =
  /([a-z0-9-]+):([a-z0-9_.]+|hashes\.'[^']+'|hashes\.[A-Za-z0-9-]+)\s*(=|ISSUBSET)\s*'((?:\\.|[^'\\])*)'/g;

/** The observables of a supported pattern, or the reason it is not supported. */
export function patternObservables(
  pattern: string,
): { value: string; type?: IndicatorType }[] | { unsupported: string } {
  // Outside quoted strings only brackets, OR and whitespace may remain once the comparisons are taken out.
  const rest = pattern.replace(COMPARISON, ' ').replace(/[[\]()]/g, ' ');
  const leftover = rest.replace(/\bOR\b/g, ' ').trim();
  if (leftover.length > 0)
    return { unsupported: `operators or qualifiers not checked per event: ${leftover.slice(0, 60)}` };
  const out: { value: string; type?: IndicatorType }[] = [];
  for (const m of pattern.matchAll(COMPARISON)) {
    const [, object, path, op, quoted] = m;
    const value = quoted!.replace(/\\(.)/g, '$1');
    const p = path!.replace(/'/g, '').toLowerCase();
    if (object === 'ipv4-addr' || object === 'ipv6-addr') {
      if (p !== 'value') return { unsupported: `${object}:${path}` };
      out.push({ value });
    } else if (op === 'ISSUBSET') return { unsupported: `ISSUBSET on ${object}` };
    else if (object === 'domain-name' && p === 'value') out.push({ value, type: 'domain' });
    else if (object === 'url' && p === 'value') out.push({ value, type: 'url' });
    else if (object === 'email-addr' && p === 'value')
      out.push({ value: value.slice(value.lastIndexOf('@') + 1), type: 'domain' });
    else if (
      object === 'file' &&
      (p === 'hashes.md5' ||
        p === 'hashes.sha-1' ||
        p === 'hashes.sha1' ||
        p === 'hashes.sha-256' ||
        p === 'hashes.sha256')
    )
      out.push({ value, type: p.endsWith('md5') ? 'md5' : p.endsWith('256') ? 'sha256' : 'sha1' });
    else return { unsupported: `${object}:${path}` };
  }
  if (out.length === 0) return { unsupported: 'no comparison' };
  return out;
}

/** Collects the indicators of STIX objects (a bundle's objects, a TAXII page) into `c`. */
export function collectStixObjects(
  objects: readonly unknown[],
  c: IndicatorCollector,
  name: string,
  now: number,
): void {
  const markings = new Map<string, Tlp>(Object.entries(TLP_MARKINGS));
  for (const o of objects as StixObject[]) {
    if (o?.type === 'marking-definition' && o.id && o.definition_type === 'tlp' && o.definition?.tlp) {
      const t = o.definition.tlp.toLowerCase();
      markings.set(o.id, t === 'white' ? 'clear' : (t as Tlp));
    }
  }
  for (const o of objects as StixObject[]) {
    if (o?.type !== 'indicator') continue;
    const at = `${name}:${o.id ?? '?'}`;
    if (o.revoked) {
      c.skipped++;
      continue;
    }
    if (o.pattern_type !== undefined && o.pattern_type !== 'stix') {
      c.skipped++;
      continue;
    }
    if (typeof o.pattern !== 'string') {
      c.problem(at, 'indicator without a pattern');
      continue;
    }
    const obs = patternObservables(o.pattern);
    if ('unsupported' in obs) {
      c.skipped++;
      continue;
    }
    const validUntil = parseFeedTime(o.valid_until);
    if (validUntil !== undefined && validUntil <= now) {
      c.skipped++;
      continue;
    }
    const firstSeen = parseFeedTime(o.valid_from) ?? parseFeedTime(o.created);
    let tlp: Tlp | undefined;
    for (const ref of o.object_marking_refs ?? []) tlp ??= markings.get(ref);
    const description = o.description ? (o.name ? `${o.name}: ${o.description}` : o.description) : o.name;
    for (const x of obs)
      c.add(x.value, at, {
        ...(x.type ? { type: x.type } : {}),
        ...(firstSeen !== undefined ? { firstSeen } : {}),
        ...(validUntil !== undefined ? { expiresAt: validUntil } : {}),
        ...(typeof o.confidence === 'number' ? { confidence: o.confidence } : {}),
        ...(tlp ? { tlp } : {}),
        ...(description ? { description } : {}),
      });
  }
}

/** Parses a STIX 2.1 bundle. */
export function parseStixBundle(json: unknown, d: FeedDefaults, name = 'bundle'): ParseResult {
  const c = new IndicatorCollector(d);
  const b = json as { type?: string; objects?: unknown[] } | undefined;
  if (b?.type !== 'bundle' || !Array.isArray(b.objects))
    c.problem(name, 'not a STIX 2.1 bundle (type "bundle" with objects)');
  else collectStixObjects(b.objects, c, name, d.now);
  return c.result();
}
