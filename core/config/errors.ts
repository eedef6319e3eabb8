/** Throw-helper for configuration problems found after loading (a mode that needs a key, a value a stage refuses). */
import { CONFIG_ERRORS } from '../catalogue/config.js';
import { errorFactory } from '../errors.js';

/** Builds a CANHGAC_ERR_CONFIG_* error. */
export const configError = errorFactory(CONFIG_ERRORS);
