/** Throw-helper for notification errors (codes in core/catalogue/incidents.ts). */
import { NOTIFY_ERRORS } from '../core/catalogue/incidents.js';
import { errorFactory } from '../core/errors.js';

/** Builds a CANHGAC_ERR_NOTIFY_* error. */
export const notifyError = errorFactory(NOTIFY_ERRORS);
