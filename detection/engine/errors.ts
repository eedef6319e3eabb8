import { errorFactory } from '../../core/errors.js';
import { ENGINE_ERRORS } from '../../core/catalogue/detection.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { ENGINE_ERRORS };

/** Builds a CanhgacError from ENGINE_ERRORS. */
export const engineError = errorFactory(ENGINE_ERRORS);
