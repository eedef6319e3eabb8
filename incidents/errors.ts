import { errorFactory } from '../core/errors.js';
import { INCIDENT_ERRORS } from '../core/catalogue/incidents.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { INCIDENT_ERRORS };

/** Throw-helper for the catalogue above. */
export const incidentError = errorFactory(INCIDENT_ERRORS);
