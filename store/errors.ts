import { CanhgacError, defineErrors, errorFactory } from '../core/errors.js';

/** Error catalogue of the store layer (event store, state store, both backends). */
export const STORE_ERRORS = defineErrors({
  CANHGAC_ERR_STORE_CONFLICT: {
    status: 409,
    message: 'Document {collection}/{id} changed meanwhile: expected version {expected}, found {actual}',
  },
  CANHGAC_ERR_STORE_SCOPE: {
    status: 403,
    message: 'Document {collection}/{id} belongs to another agency than the caller scope ({agencyId})',
  },
  CANHGAC_ERR_STORE_INVALID: { status: 400, message: 'Invalid store request: {reason}' },
  CANHGAC_ERR_STORE_CURSOR: { status: 400, message: 'Invalid paging cursor' },
  CANHGAC_ERR_STORE_CLOSED: { status: 503, message: 'The store is closed' },
  CANHGAC_ERR_STORE_UNAVAILABLE: { status: 503, message: 'The store is unavailable: {reason}' },
});

/** Builds a store error: `throw storeError('CANHGAC_ERR_STORE_CONFLICT', {...})`. */
export const storeError = errorFactory(STORE_ERRORS);

/** Whether an error is an optimistic-concurrency conflict (someone else wrote the document first). */
export function isStoreConflict(err: unknown): boolean {
  return err instanceof CanhgacError && err.code === 'CANHGAC_ERR_STORE_CONFLICT';
}
