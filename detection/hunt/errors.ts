import { defineErrors, errorFactory } from '../../core/errors.js';

/** Error catalogue of the retro-hunt. */
export const HUNT_ERRORS = defineErrors({
  CANHGAC_ERR_HUNT_UNSUPPORTED: { status: 422, message: 'Rule {rule} cannot be hunted: {reasons}' },
  CANHGAC_ERR_HUNT_RANGE: { status: 400, message: 'Invalid hunt time range: {reason}' },
});

/** Builds a hunt error. */
export const huntError = errorFactory(HUNT_ERRORS);
