/**
 * Reading observables where they stand in an event's text, without building strings: the parts of a URL as
 * normaliseUrl and urlHost would cut them, and the host name of a DNS/SNI/e-mail field as the matcher compares it.
 * Anything unusual (surrounding blanks, non-ASCII host, a bracketed or bare IPv6 host) is left to the string
 * functions of observable.ts, which stay the definition; the property test holds the two ways equal.
 */
import { hashRange, step } from './bloom.js';

/** What scanUrl found. */
export const NOT_URL = 0;
export const URL_OK = 1;
export const URL_SLOW = 2;

/** The parts of one URL (reused: one per matcher). */
export class UrlParts {
  /** Length of the scheme (before `://`). */
  schemeEnd = 0;
  /** The host as it stands in the normalised URL: after any user info, without a default port. */
  hostStart = 0;
  hostEnd = 0;
  /** The host as urlHost gives it (without any port). */
  nameEnd = 0;
  /** Path and query, up to the fragment; pathStart === pathEnd: none (the normalised URL has `/`). */
  pathStart = 0;
  pathEnd = 0;

  /**
   * Finds the parts of `s` as normaliseUrl(s) would: NOT_URL when normaliseUrl gives undefined, URL_SLOW when the
   * text needs the string functions (blanks to trim, non-ASCII host, IPv6 or several colons in the host).
   */
  scan(s: string): number {
    const n = s.length;
    if (n === 0) return NOT_URL;
    const c0 = s.charCodeAt(0);
    const cl = s.charCodeAt(n - 1);
    if (c0 <= 32 || c0 >= 127 || cl <= 32 || cl >= 127) return URL_SLOW;
    const sep = s.indexOf('://');
    if (sep < 3 || sep > 5) return NOT_URL;
    const scheme = schemeOf(s, sep);
    if (scheme === 0) return NOT_URL;
    let end = s.indexOf('#', sep + 3);
    if (end < 0) end = n;
    let pathAt = end;
    let colons = 0;
    let lastColon = -1;
    let at = -1;
    for (let i = sep + 3; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === 47 || c === 63) {
        pathAt = i;
        break;
      }
      if (c >= 128) return URL_SLOW;
      if (c === 64) {
        at = i;
        colons = 0;
        lastColon = -1;
      } else if (c === 58) {
        colons++;
        lastColon = i;
      }
    }
    const hostStart = at >= 0 ? at + 1 : sep + 3;
    if (hostStart === pathAt) return NOT_URL;
    if (s.charCodeAt(hostStart) === 91 || colons > 1) return URL_SLOW;
    let hostEnd = pathAt;
    if (lastColon >= 0) {
      const port = pathAt - lastColon;
      if (
        (scheme === HTTP && port === 3 && s.charCodeAt(lastColon + 1) === 56 && s.charCodeAt(lastColon + 2) === 48) ||
        (scheme === HTTPS &&
          port === 4 &&
          s.charCodeAt(lastColon + 1) === 52 &&
          s.charCodeAt(lastColon + 2) === 52 &&
          s.charCodeAt(lastColon + 3) === 51)
      )
        hostEnd = lastColon;
    }
    this.schemeEnd = sep;
    this.hostStart = hostStart;
    this.hostEnd = hostEnd;
    this.nameEnd = lastColon >= 0 && lastColon < hostEnd ? lastColon : hostEnd;
    this.pathStart = pathAt;
    this.pathEnd = end;
    return URL_OK;
  }

  /** hashText of the normalised URL, from the parts (right to left, as the text would be). */
  hash(s: string): number {
    let h = 0x811c9dc5 | 0;
    if (this.pathStart < this.pathEnd) {
      h = hashRange(h, s, this.pathStart, this.pathEnd, false);
      if (s.charCodeAt(this.pathStart) === 63) h = step(h, 47);
    } else h = step(h, 47);
    h = hashRange(h, s, this.hostStart, this.hostEnd, true);
    h = step(step(step(h, 47), 47), 58);
    return hashRange(h, s, 0, this.schemeEnd, true);
  }
}

const HTTP = 1;
const HTTPS = 2;
const FTP = 3;

/** Which of http, https, ftp (any case) `s[0, len)` is, or 0. */
function schemeOf(s: string, len: number): number {
  const l = (i: number) => s.charCodeAt(i) | 32;
  if (len === 3) return l(0) === 102 && l(1) === 116 && l(2) === 112 ? FTP : 0;
  if (l(0) !== 104 || l(1) !== 116 || l(2) !== 116 || l(3) !== 112) return 0;
  if (len === 4) return HTTP;
  return len === 5 && l(4) === 115 ? HTTPS : 0;
}

/**
 * The end of the host name in a DNS/SNI field's `s[from, to)` as the matcher compares it: a port after a single
 * colon dropped, then one trailing dot (the string form is lowerHost in matcher.ts).
 */
export function hostEndIn(s: string, from: number, to: number): number {
  let end = to;
  const colon = s.lastIndexOf(':', to - 1);
  if (colon > from && colon < to && s.indexOf(':', from) === colon) end = colon;
  if (end > from && s.charCodeAt(end - 1) === 46) end--;
  return end;
}
