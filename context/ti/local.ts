/**
 * The analysts' local indicator list: values added by hand in the console or through the API, each with who added
 * it, why, when, and when it stops matching. Kept in the state store collection `ti_local` (province-wide: the
 * list is the SOC's, not an agency's), matched as the feed `local` beside the configured feeds. Every process
 * (the embedded service, each distributed worker) reads it again when it changes (`version()` is cheap to poll).
 */
import { createHash } from 'node:crypto';
import { listAll } from '../../store/list-all.js';
import { SCOPE_ALL, type StateStore, type Versioned } from '../../store/types.js';
import { normaliseIndicator } from './observable.js';
import { INDICATOR_TYPES, type Indicator, type IndicatorType, TLP_LEVELS, type Tlp } from './types.js';

/** One entry of the local list as stored and shown. */
export interface LocalIndicator {
  id: string;
  type: IndicatorType;
  value: string;
  /** Why it was added (required: the next analyst must know). */
  reason: string;
  addedBy: string;
  addedAt: number;
  /** Epoch ms after which it no longer matches (absent: until removed). */
  expiresAt?: number;
  confidence: number;
  tlp: Tlp;
}

/** A refused field of a request body. */
export interface LocalProblem {
  field: string;
  reason: string;
}

/** The name the local list's indicators carry as their feed. */
export const LOCAL_FEED = 'local';

/** The id of a value: the same value added twice is one entry (the second replaces the first). */
export function localId(type: IndicatorType, value: string): string {
  return createHash('sha256').update(`${type}\u0000${value}`).digest('hex').slice(0, 32);
}

/** Validates an API body: `value` (address, network, domain, URL or hash), `reason`, optional `type`,
 * `expiresAt` (ISO time or epoch ms) or `expireDays`, `confidence` (0-100, default 90), `tlp` (default amber). */
export function validateLocal(
  body: Record<string, unknown>,
  actor: string,
  now: number,
): { entry: LocalIndicator } | { problems: LocalProblem[] } {
  const problems: LocalProblem[] = [];
  const type = body.type;
  if (type !== undefined && !INDICATOR_TYPES.includes(type as IndicatorType))
    problems.push({ field: 'type', reason: `one of ${INDICATOR_TYPES.join(', ')}` });
  const raw = typeof body.value === 'string' ? body.value.trim() : '';
  const n = raw ? normaliseIndicator(raw, type as IndicatorType | undefined) : { error: 'required' };
  if ('error' in n) problems.push({ field: 'value', reason: n.error });
  const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
  if (!reason) problems.push({ field: 'reason', reason: 'required: why this value is added' });
  else if (reason.length > 1000) problems.push({ field: 'reason', reason: 'longer than 1000 characters' });
  let expiresAt: number | undefined;
  if (body.expiresAt !== undefined && body.expiresAt !== null && body.expiresAt !== '') {
    expiresAt = typeof body.expiresAt === 'number' ? body.expiresAt : Date.parse(String(body.expiresAt));
    if (!Number.isFinite(expiresAt)) problems.push({ field: 'expiresAt', reason: 'not a time' });
    else if (expiresAt <= now) problems.push({ field: 'expiresAt', reason: 'already past' });
  } else if (body.expireDays !== undefined && body.expireDays !== null && body.expireDays !== '') {
    const d = Number(body.expireDays);
    if (!Number.isInteger(d) || d < 1 || d > 3650) problems.push({ field: 'expireDays', reason: 'whole days 1-3650' });
    else expiresAt = now + d * 86_400_000;
  }
  const confidence = body.confidence === undefined || body.confidence === '' ? 90 : Number(body.confidence);
  if (!Number.isInteger(confidence) || confidence < 0 || confidence > 100)
    problems.push({ field: 'confidence', reason: 'an integer 0-100' });
  const tlp = (body.tlp ?? 'amber') as Tlp;
  if (!TLP_LEVELS.includes(tlp)) problems.push({ field: 'tlp', reason: `one of ${TLP_LEVELS.join(', ')}` });
  if (problems.length > 0 || 'error' in n) return { problems };
  return {
    entry: {
      id: localId(n.type, n.value),
      type: n.type,
      value: n.value,
      reason,
      addedBy: actor,
      addedAt: now,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      confidence,
      tlp,
    },
  };
}

/** The entry as the matcher's indicator. */
export function toIndicator(e: LocalIndicator): Indicator {
  return {
    type: e.type,
    value: e.value,
    feed: LOCAL_FEED,
    confidence: e.confidence,
    tlp: e.tlp,
    firstSeen: e.addedAt,
    ...(e.expiresAt !== undefined ? { expiresAt: e.expiresAt } : {}),
    description: `${e.reason} (${e.addedBy})`,
  };
}

/** The list on the state store. */
export class LocalList {
  constructor(private readonly state: StateStore) {}

  private get coll() {
    return this.state.collection<LocalIndicator>('ti_local');
  }

  /** Every entry, newest first. */
  async list(): Promise<Versioned<LocalIndicator>[]> {
    return (await listAll(this.coll)).sort((a, b) => b.addedAt - a.addedAt);
  }

  /** The entry with this id. */
  get(id: string): Promise<Versioned<LocalIndicator> | undefined> {
    return this.coll.get(SCOPE_ALL, id);
  }

  /** Adds (or replaces: same type and value) an entry. */
  put(entry: LocalIndicator): Promise<Versioned<LocalIndicator>> {
    return this.coll.put(SCOPE_ALL, entry);
  }

  /** Removes an entry; false when absent. */
  remove(id: string): Promise<boolean> {
    return this.coll.delete(SCOPE_ALL, id);
  }

  /** A fingerprint of the list (ids and versions): changes whenever an entry is added, replaced or removed. */
  static fingerprint(entries: readonly Versioned<LocalIndicator>[]): string {
    return entries
      .map((e) => `${e.id}:${e.version}`)
      .sort()
      .join(',');
  }
}
