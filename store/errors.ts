import { CanhgacError, errorFactory } from '../core/errors.js';
import { STORE_ERRORS } from '../core/catalogue/store.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { STORE_ERRORS };

/** Builds a store error: `throw storeError('CANHGAC_ERR_STORE_CONFLICT', {...})`. */
export const storeError = errorFactory(STORE_ERRORS);

/** Whether an error is an optimistic-concurrency conflict (someone else wrote the document first). */
export function isStoreConflict(err: unknown): boolean {
  return err instanceof CanhgacError && err.code === 'CANHGAC_ERR_STORE_CONFLICT';
}
