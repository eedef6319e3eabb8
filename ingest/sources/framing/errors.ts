import { errorFactory } from '../../../core/errors.js';
import { SOURCE_ERRORS } from '../../../core/catalogue/ingest.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { SOURCE_ERRORS };

/** Throw-helper for the catalogue above. */
export const sourceError = errorFactory(SOURCE_ERRORS);
