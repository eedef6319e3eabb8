/**
 * Sigma string values: the wildcard and backslash-escape rules of the specification, placeholders for `expand`,
 * and the encodings (base64, base64offset, utf16*) and windash variants applied to resolved patterns.
 */
import { ANY, ONE, type PatternPart } from './model.js';

/** A pattern part while resolving: also a `%placeholder%` when the value carries `expand`. */
export type RawPart = PatternPart | { ph: string };

const PLACEHOLDER_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Parses a Sigma string into parts. A backslash escapes `*`, `?` and itself (and `%` with placeholders on);
 * before any other character it stays a plain backslash. So `\*` is a literal star, `\\*` a backslash then a
 * wildcard, `\\\*` a backslash then a literal star, and three or four backslashes both give two.
 */
export function parseSigmaString(s: string, placeholders: boolean): RawPart[] {
  // Fast path: most values have no special character at all (checked without a regex or allocation).
  if (!hasSpecial(s, placeholders)) return s === '' ? [] : [s];
  const out: RawPart[] = [];
  let lit = '';
  const flush = () => {
    if (lit !== '') {
      out.push(lit);
      lit = '';
    }
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === '*' || n === '?' || n === '\\' || (placeholders && n === '%')) {
        lit += n;
        i++;
      } else {
        lit += '\\';
      }
    } else if (c === '*') {
      flush();
      out.push(ANY);
    } else if (c === '?') {
      flush();
      out.push(ONE);
    } else if (c === '%' && placeholders) {
      const end = s.indexOf('%', i + 1);
      const name = end > i ? s.slice(i + 1, end) : '';
      if (name !== '' && PLACEHOLDER_NAME.test(name)) {
        flush();
        out.push({ ph: name });
        i = end;
      } else {
        lit += c;
      }
    } else {
      lit += c;
    }
  }
  flush();
  return out;
}

function hasSpecial(s: string, placeholders: boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // \\ * ? and, with placeholders, %
    if (c === 0x5c || c === 0x2a || c === 0x3f || (placeholders && c === 0x25)) return true;
  }
  return false;
}

/** Joins adjacent literals and collapses runs of ANY, so every backend sees one canonical pattern. */
export function normalise(parts: readonly PatternPart[]): PatternPart[] {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const last = out.length > 0 ? out[out.length - 1] : undefined;
    if (typeof p === 'string') {
      if (p === '') continue;
      if (typeof last === 'string') out[out.length - 1] = last + p;
      else out.push(p);
    } else if (p === ANY && last === ANY) {
    } else {
      out.push(p);
    }
  }
  return out;
}

/** Whether a pattern has any wildcard. */
export function hasWildcard(parts: readonly PatternPart[]): boolean {
  return parts.some((p) => typeof p !== 'string');
}

/** The literal text of a wildcard-free pattern. */
export function literalOf(parts: readonly PatternPart[]): string {
  return parts.join('');
}

/** The dash characters windash permutes: hyphen, slash, en dash, em dash, horizontal bar. */
export const WINDASH_CHARS = ['-', '/', '\u2013', '\u2014', '\u2015'] as const;
const DASHES = new Set<string>(WINDASH_CHARS);
/** Word characters as Python's Unicode-aware `\\b` sees them (pySigma's windash regex runs in Python). */
const WORD = /[\p{L}\p{N}_]/u;

/**
 * windash: every dash that starts a command-line flag (not preceded by a word character, followed by one; the
 * pySigma rule `\B[-/]\b`, extended to all five dash characters) takes each of the five variants.
 * Returns the permutations (5^n for n flag dashes; the caller bounds the total).
 */
export function windash(parts: readonly PatternPart[], limit: number): PatternPart[][] | null {
  let variants: PatternPart[][] = [[]];
  for (const p of parts) {
    if (typeof p !== 'string') {
      for (const v of variants) v.push(p);
      continue;
    }
    // Split this literal at flag dashes; each gap multiplies the variants by five.
    const pieces: string[] = [];
    let cur = '';
    for (let i = 0; i < p.length; i++) {
      const c = p[i]!;
      const prev = i > 0 ? p[i - 1]! : '';
      const next = p[i + 1] ?? '';
      if (DASHES.has(c) && !WORD.test(prev) && WORD.test(next)) {
        pieces.push(cur);
        cur = '';
      } else {
        cur += c;
      }
    }
    pieces.push(cur);
    for (let k = 0; k < pieces.length; k++) {
      if (k > 0) {
        if (variants.length * WINDASH_CHARS.length > limit) return null;
        const next: PatternPart[][] = [];
        for (const v of variants) for (const d of WINDASH_CHARS) next.push([...v, d]);
        variants = next;
      }
      for (const v of variants) v.push(pieces[k]!);
    }
  }
  return variants.map(normalise);
}

/** UTF-16 code units as a byte string (one char per byte, 0-255), little or big endian, optional BOM. */
export function utf16Bytes(s: string, le: boolean, bom: boolean): string {
  let out = bom ? '\xff\xfe' : '';
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    const lo = String.fromCharCode(u & 0xff);
    const hi = String.fromCharCode(u >> 8);
    out += le ? lo + hi : hi + lo;
  }
  return out;
}

/** Bytes of a value: a byte string as is (after utf16*), otherwise the UTF-8 encoding of the text. */
export function toBytes(s: string, isBytes: boolean): Buffer {
  return isBytes ? Buffer.from(s, 'latin1') : Buffer.from(s, 'utf8');
}

/** base64 of the bytes, padding kept (pySigma keeps it too). */
export function base64(bytes: Buffer): string {
  return bytes.toString('base64');
}

/**
 * base64offset: the three encodings of the value shifted by 0, 1 and 2 bytes, cut to the characters that do
 * not depend on the surrounding bytes (pySigma's start offsets 0,2,3 and end offsets by length mod 3).
 */
export function base64Offsets(bytes: Buffer): string[] {
  const start = [0, 2, 3];
  const end: (number | undefined)[] = [undefined, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const shifted = Buffer.concat([Buffer.alloc(i, 0x20), bytes]);
    const enc = shifted.toString('base64');
    const e = end[(bytes.length + i) % 3];
    out.push(enc.slice(start[i], e));
  }
  return out;
}
