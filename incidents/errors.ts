import { defineErrors, errorFactory } from '../core/errors.js';

/** Errors of incident handling. */
export const INCIDENT_ERRORS = defineErrors({
  CANHGAC_ERR_INCIDENT_NOT_FOUND: { status: 404, message: 'No incident {id}' },
  CANHGAC_ERR_INCIDENT_TRANSITION: { status: 409, message: 'An incident cannot go from {from} to {to}' },
  CANHGAC_ERR_INCIDENT_BUSY: { status: 409, message: 'Incident {id} kept changing under this update; try again' },
});

/** Throw-helper for the catalogue above. */
export const incidentError = errorFactory(INCIDENT_ERRORS);
