import { errorFactory } from '../../../core/errors.js';
import { HTTP_INTAKE_ERRORS } from '../../../core/catalogue/ingest.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { HTTP_INTAKE_ERRORS };

/** Throw-helper for the catalogue above. */
export const intakeError = errorFactory(HTTP_INTAKE_ERRORS);
