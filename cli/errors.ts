/** Throw-helper for command-line usage errors (codes in core/catalogue/config.ts). */
import { CLI_ERRORS } from '../core/catalogue/config.js';
import { errorFactory } from '../core/errors.js';

/** Builds a CANHGAC_ERR_CLI_* error. */
export const cliError = errorFactory(CLI_ERRORS);
