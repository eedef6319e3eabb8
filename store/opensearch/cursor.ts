/** Paging cursors: the sort values of the last hit (search_after), base64url JSON so callers treat them as opaque. */
import { storeError } from '../errors.js';

/** Encodes sort values. */
export function encodeCursor(sort: unknown[]): string {
  return Buffer.from(JSON.stringify(sort)).toString('base64url');
}

/** Decodes a cursor; anything else than an array of scalars is CANHGAC_ERR_STORE_CURSOR. */
export function decodeCursor(cursor: string): unknown[] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length > 0 && v.every((x) => x === null || ['string', 'number'].includes(typeof x))) {
      return v;
    }
  } catch {
    // fall through: a malformed cursor is the caller's error, reported below
  }
  throw storeError('CANHGAC_ERR_STORE_CURSOR');
}
