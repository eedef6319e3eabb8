/**
 * The threat-intelligence indicator model: one observable (address, network, domain, URL, file hash) with where
 * it came from and how far to trust it. Feeds produce these; the indicator set compiles them for matching.
 */

/** The kinds of observable an indicator can name. */
export type IndicatorType = 'ipv4' | 'ipv6' | 'cidr' | 'domain' | 'url' | 'md5' | 'sha1' | 'sha256';

/** Every indicator type, in a fixed order (used for counts and validation). */
export const INDICATOR_TYPES: readonly IndicatorType[] = [
  'ipv4',
  'ipv6',
  'cidr',
  'domain',
  'url',
  'md5',
  'sha1',
  'sha256',
];

/** Traffic Light Protocol 2.0 marking of an indicator (how far it may be shared). */
export type Tlp = 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';

/** TLP markings from most to least shareable. */
export const TLP_LEVELS: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

/** One indicator as a feed delivers it. */
export interface Indicator {
  type: IndicatorType;
  /** Normalised value (see normaliseIndicator): lower-case domain, canonical address, `addr/len` network... */
  value: string;
  /** The feed's name (source name). */
  feed: string;
  /** 0-100. */
  confidence: number;
  tlp: Tlp;
  /** Epoch ms the feed first saw it (or when it was first loaded). */
  firstSeen: number;
  /** Epoch ms after which it no longer matches (absent: never expires on its own). */
  expiresAt?: number;
  description?: string;
}

/** What a match reports: the indicator and the event field that held the observable. */
export interface IndicatorHit {
  indicator: Indicator;
  /** The event field the observable came from (`destination.ip`, `dns.question.name`...). */
  field: string;
  /** The observable as seen in the event (may differ from indicator.value: a subdomain, an address in a network). */
  observed: string;
}
