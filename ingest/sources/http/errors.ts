import { defineErrors, errorFactory } from '../../../core/errors.js';

/** Errors the HTTP intake answers with (the API's one error shape). */
export const HTTP_INTAKE_ERRORS = defineErrors({
  CANHGAC_ERR_INTAKE_UNAUTHORIZED: { status: 401, message: 'A valid agent API key is required' },
  CANHGAC_ERR_INTAKE_NOT_FOUND: { status: 404, message: 'No intake route {method} {path}' },
  CANHGAC_ERR_INTAKE_TOO_LARGE: { status: 413, message: 'Request body larger than {limit} bytes' },
  CANHGAC_ERR_INTAKE_BAD_ENCODING: { status: 400, message: 'Cannot decode the body: {reason}' },
  CANHGAC_ERR_INTAKE_BAD_LINES: {
    status: 400,
    message: '{rejected} of {total} events rejected; the others were accepted',
  },
  CANHGAC_ERR_INTAKE_BAD_BULK: {
    status: 400,
    message: 'Malformed _bulk body at line {line}: {reason}; nothing of the request was accepted',
  },
  CANHGAC_ERR_INTAKE_UNCLAIMED_SENDER: {
    status: 403,
    message: 'No agency claims the sender {source}: use an agent key of your agency',
  },
  CANHGAC_ERR_INTAKE_SPOOL_FULL: { status: 429, message: 'Intake is saturated; retry after {seconds} s' },
  CANHGAC_ERR_INTAKE_UNAVAILABLE: { status: 503, message: 'Intake cannot store events now; retry after {seconds} s' },
});

/** Throw-helper for the catalogue above. */
export const intakeError = errorFactory(HTTP_INTAKE_ERRORS);
