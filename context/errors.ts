/** Throw-helper for the context area's errors (codes in core/catalogue/context.ts). */
import { CONTEXT_ERRORS } from '../core/catalogue/context.js';
import { errorFactory } from '../core/errors.js';

/** Builds a CANHGAC_ERR_TI_* error. */
export const contextError = errorFactory(CONTEXT_ERRORS);
