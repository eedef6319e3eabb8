import { API_ERRORS } from '../core/catalogue/api.js';
import { errorFactory } from '../core/errors.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { API_ERRORS };

/** Throw-helper for the catalogue above. */
export const apiError = errorFactory(API_ERRORS);
