import { errorFactory } from '../../core/errors.js';
import { HUNT_ERRORS } from '../../core/catalogue/detection.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { HUNT_ERRORS };

/** Builds a hunt error. */
export const huntError = errorFactory(HUNT_ERRORS);
