import { defineErrors, errorFactory } from '../../../core/errors.js';

/** Errors of the syslog and RELP sources (configuration; runtime problems are counted, not thrown). */
export const SOURCE_ERRORS = defineErrors({
  CANHGAC_ERR_SOURCE_UNKNOWN_KIND: { status: 400, message: 'Unknown source kind {kind} (known: {known})' },
  CANHGAC_ERR_SOURCE_BAD_CONFIG: { status: 400, message: 'Invalid {kind} source configuration: {reason}' },
  CANHGAC_ERR_SOURCE_LISTEN: { status: 500, message: 'The {kind} source cannot listen on {host}:{port}: {reason}' },
});

/** Throw-helper for the catalogue above. */
export const sourceError = errorFactory(SOURCE_ERRORS);
