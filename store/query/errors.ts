import { errorFactory } from '../../core/errors.js';
import { QUERY_ERRORS } from '../../core/catalogue/store.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { QUERY_ERRORS };

/** Builds a query error. */
export const queryError = errorFactory(QUERY_ERRORS);
