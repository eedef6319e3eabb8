/** What every feed parser returns: the indicators and the lines or objects it refused, with why. */
import { normaliseIndicator, ownString } from '../observable.js';
import type { Indicator, IndicatorType, Tlp } from '../types.js';

/** Per-feed defaults stamped on indicators that do not carry their own. */
export interface FeedDefaults {
  feed: string;
  confidence: number;
  tlp: Tlp;
  /** Indicators expire this long after they were first seen (0: never), unless the feed says otherwise. */
  expireDays: number;
  /** Load time, used as first seen when the feed gives none. */
  now: number;
}

/** One refused entry: where (line or object id) and why. */
export interface ParseProblem {
  at: string;
  reason: string;
}

/** A parser's result. */
export interface ParseResult {
  indicators: Indicator[];
  problems: ParseProblem[];
  /** Entries skipped on purpose (unsupported STIX patterns, MISP attributes not meant for detection). */
  skipped: number;
}

/** Collects indicators with the feed's defaults; strings shared across indicators (descriptions) are interned. */
export class IndicatorCollector {
  readonly indicators: Indicator[] = [];
  readonly problems: ParseProblem[] = [];
  skipped = 0;
  private readonly strings = new Map<string, string>();
  constructor(readonly d: FeedDefaults) {}

  /** Adds one raw value; returns false (and records the problem) when it is not a valid observable. */
  add(
    raw: string,
    at: string,
    o: {
      type?: IndicatorType;
      firstSeen?: number;
      expiresAt?: number;
      confidence?: number;
      tlp?: Tlp;
      description?: string;
    } = {},
  ): boolean {
    const n = normaliseIndicator(raw, o.type);
    if ('error' in n) {
      if (this.problems.length < 1000) this.problems.push({ at, reason: n.error });
      return false;
    }
    const firstSeen = o.firstSeen !== undefined && Number.isFinite(o.firstSeen) ? o.firstSeen : this.d.now;
    const expiresAt =
      o.expiresAt !== undefined && Number.isFinite(o.expiresAt)
        ? o.expiresAt
        : this.d.expireDays > 0
          ? Math.max(firstSeen, this.d.now) + this.d.expireDays * 86_400_000
          : undefined;
    const ind: Indicator = {
      type: n.type,
      value: n.value,
      feed: this.d.feed,
      confidence: clampConfidence(o.confidence ?? this.d.confidence),
      tlp: o.tlp ?? this.d.tlp,
      firstSeen,
    };
    if (expiresAt !== undefined) ind.expiresAt = expiresAt;
    if (o.description) ind.description = this.intern(o.description.slice(0, 500));
    this.indicators.push(ind);
    return true;
  }

  problem(at: string, reason: string): void {
    if (this.problems.length < 1000) this.problems.push({ at, reason });
  }

  private intern(s: string): string {
    let v = this.strings.get(s);
    if (v === undefined) {
      v = ownString(s);
      this.strings.set(v, v);
    }
    return v;
  }

  result(): ParseResult {
    return { indicators: this.indicators, problems: this.problems, skipped: this.skipped };
  }
}

function clampConfidence(c: number): number {
  return Number.isFinite(c) ? Math.max(0, Math.min(100, Math.round(c))) : 50;
}

/** A timestamp in the forms feeds use (ISO 8601, `YYYY-MM-DD HH:mm:ss` taken as UTC, epoch seconds), or undefined. */
export function parseFeedTime(v: unknown): number | undefined {
  if (typeof v === 'number') return v > 1e12 ? v : v * 1000;
  if (typeof v !== 'string' || v.length === 0) return undefined;
  if (/^\d{9,11}$/.test(v)) return Number(v) * 1000;
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(v) ? `${v.replace(' ', 'T')}Z` : v;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

/** A TLP marking from text such as `tlp:amber`, `TLP:AMBER+STRICT`, `white` (TLP 1.0), or undefined. */
export function parseTlp(v: string): Tlp | undefined {
  const t = v
    .trim()
    .toLowerCase()
    .replace(/^tlp:\s*/, '');
  if (t === 'white') return 'clear';
  return t === 'clear' || t === 'green' || t === 'amber' || t === 'amber+strict' || t === 'red' ? t : undefined;
}
