/**
 * Plain lists: one indicator per line (TXT, a pasted list) or CSV with a header, as abuse.ch publishes them
 * (Feodo Tracker ip blocklist, URLhaus, ThreatFox, SSL Blacklist) and as CERTs circulate them. Lines starting with
 * `#` or `;` are comments; abuse.ch puts the CSV header in the last comment line before the data.
 */
import { type FeedDefaults, IndicatorCollector, type ParseResult, parseFeedTime } from './parse-common.js';

const VALUE_COLUMNS = [
  'ioc_value',
  'ioc',
  'dst_ip',
  'dstip',
  'url',
  'sha1',
  'sha256_hash',
  'sha256',
  'md5_hash',
  'md5',
  'indicator',
  'value',
  'ip',
  'ip_address',
  'domain',
  'hostname',
];
const TYPE_COLUMNS = ['ioc_type', 'type'];
const FIRST_SEEN_COLUMNS = ['first_seen_utc', 'firstseen', 'first_seen', 'dateadded', 'listingdate', 'date'];
const DESCRIPTION_COLUMNS = [
  'malware_printable',
  'malware',
  'threat',
  'listingreason',
  'threat_type',
  'description',
  'comment',
  'tags',
];
const CONFIDENCE_COLUMNS = ['confidence_level', 'confidence'];

/** Splits one CSV line (double quotes, "" escapes, comma or semicolon separator). */
export function splitCsv(line: string, sep = ','): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += c;
    } else if (c === '"') q = true;
    else if (c === sep) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

function headerOf(line: string): string[] | undefined {
  const cols = splitCsv(line.replace(/^[#;]\s*/, '')).map((c) => c.toLowerCase().replace(/\s+/g, '_'));
  return cols.length > 1 && cols.some((c) => VALUE_COLUMNS.includes(c)) ? cols : undefined;
}

function pick(cols: string[], names: string[]): number {
  for (const n of names) {
    const i = cols.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}

/** ThreatFox ioc_type -> our type (ip:port values lose the port). */
function threatFoxType(t: string): 'ipv4' | 'domain' | 'url' | 'md5' | 'sha1' | 'sha256' | undefined {
  if (t.startsWith('ip')) return 'ipv4';
  if (t === 'domain' || t === 'url') return t;
  if (t === 'md5_hash') return 'md5';
  if (t === 'sha1_hash') return 'sha1';
  if (t === 'sha256_hash') return 'sha256';
  return undefined;
}

/** Parses a plain list or CSV feed. `name` names the source in problems (`file:line`). */
export function parsePlainList(text: string, d: FeedDefaults, name = 'list'): ParseResult {
  const c = new IndicatorCollector(d);
  const lines = text.split(/\r?\n/);
  let header: string[] | undefined;
  let lastComment: string | undefined;
  let sep = ',';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const at = `${name}:${i + 1}`;
    if (line.length === 0) continue;
    if (line.startsWith('#') || line.startsWith(';') || line.startsWith('//')) {
      lastComment = line;
      continue;
    }
    if (!header && lastComment !== undefined) {
      header = headerOf(lastComment);
      lastComment = undefined;
    }
    if (!header) {
      const h = headerOf(line) ?? (line.includes(';') ? headerOf(line.replace(/;/g, ',')) : undefined);
      if (h) {
        header = h;
        if (!line.includes(',')) sep = ';';
        continue;
      }
    }
    if (!header) {
      // A bare list: the first token is the value, the rest (after whitespace, a comma or `#`) its description.
      const m = /^(\S+?)(?:[\s,;]+#?\s*(.*))?$/.exec(line);
      const value = m?.[1] ?? line;
      const rest = m?.[2]?.trim();
      c.add(value, at, rest ? { description: rest } : {});
      continue;
    }
    const cols = splitCsv(line, sep);
    const vi = pick(header, VALUE_COLUMNS);
    let value = cols[vi] ?? '';
    const ti = pick(header, TYPE_COLUMNS);
    const type = ti >= 0 ? threatFoxType((cols[ti] ?? '').toLowerCase()) : undefined;
    if (ti >= 0 && !type) {
      c.skipped++;
      continue;
    }
    if (type === 'ipv4' && /^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
    const fi = pick(header, FIRST_SEEN_COLUMNS);
    const di = pick(header, DESCRIPTION_COLUMNS);
    const ci = pick(header, CONFIDENCE_COLUMNS);
    const firstSeen = fi >= 0 ? parseFeedTime(cols[fi]) : undefined;
    const description = di >= 0 ? cols[di] : undefined;
    const confidence = ci >= 0 && cols[ci] ? Number(cols[ci]) : undefined;
    c.add(value, at, {
      ...(type ? { type } : {}),
      ...(firstSeen !== undefined ? { firstSeen } : {}),
      ...(description ? { description } : {}),
      ...(confidence !== undefined && Number.isFinite(confidence) ? { confidence } : {}),
    });
  }
  return c.result();
}
