import { errorFactory } from '../../../core/errors.js';
import { WINDOWS_ERRORS } from '../../../core/catalogue/ingest.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { WINDOWS_ERRORS };

/** Throw-helper bound to WINDOWS_ERRORS. */
export const windowsError = errorFactory(WINDOWS_ERRORS);
