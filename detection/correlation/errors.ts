import { errorFactory } from '../../core/errors.js';
import { CORRELATION_ERRORS } from '../../core/catalogue/detection.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { CORRELATION_ERRORS };

/** Builds a CanhgacError from CORRELATION_ERRORS. */
export const correlationError = errorFactory(CORRELATION_ERRORS);

/** One of the correlation error codes. */
export type CorrelationErrorCode = keyof typeof CORRELATION_ERRORS;
