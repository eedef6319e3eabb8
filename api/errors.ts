import { defineErrors, errorFactory } from '../core/errors.js';

/** Error catalogue of the REST API (authentication, authorisation, validation, limits). */
export const API_ERRORS = defineErrors({
  CANHGAC_ERR_API_VALIDATION: { status: 400, message: 'The request is invalid: {reason}' },
  CANHGAC_ERR_API_BAD_JSON: { status: 400, message: 'The request body is not valid JSON' },
  CANHGAC_ERR_API_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json' },
  CANHGAC_ERR_API_TOO_LARGE: { status: 413, message: 'The request body is larger than {limit} bytes' },
  CANHGAC_ERR_API_UNAUTHENTICATED: { status: 401, message: 'Authentication is required' },
  CANHGAC_ERR_API_LOGIN_FAILED: { status: 401, message: 'Wrong username or password' },
  CANHGAC_ERR_API_LOCKED: { status: 423, message: 'The account is locked after repeated failures; try again later' },
  CANHGAC_ERR_API_FORBIDDEN: { status: 403, message: 'The caller may not {action}' },
  CANHGAC_ERR_API_CSRF: { status: 403, message: 'Missing or wrong X-CSRF-Token header' },
  CANHGAC_ERR_API_NOT_FOUND: { status: 404, message: 'No {what} {id}' },
  CANHGAC_ERR_API_NO_ROUTE: { status: 404, message: 'No route {method} {path}' },
  CANHGAC_ERR_API_EXISTS: { status: 409, message: '{what} {id} already exists' },
  CANHGAC_ERR_API_RATE_LIMIT: { status: 429, message: 'Too many requests; retry in {retryAfter} s' },
  CANHGAC_ERR_API_RULE_INVALID: { status: 400, message: 'The rule has {count} problem(s)' },
  CANHGAC_ERR_API_UNAVAILABLE: { status: 503, message: '{what} is not available on this server' },
  CANHGAC_ERR_API_INTERNAL: { status: 500, message: 'Internal error (reference {ref})' },
});

/** Throw-helper for the catalogue above. */
export const apiError = errorFactory(API_ERRORS);
