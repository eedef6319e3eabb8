import { errorFactory } from '../../core/errors.js';
import { SPOOL_ERRORS } from '../../core/catalogue/ingest.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { SPOOL_ERRORS };

/** Builds a spool CanhgacError by code. */
export const spoolError = errorFactory(SPOOL_ERRORS);
