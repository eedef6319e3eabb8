import { defineErrors, errorFactory } from '../../core/errors.js';

/** Error catalogue of the search language. */
export const QUERY_ERRORS = defineErrors({
  CANHGAC_ERR_QUERY_SYNTAX: { status: 400, message: 'Query syntax error at column {col}: {reason}' },
  CANHGAC_ERR_QUERY_TOO_COMPLEX: { status: 400, message: 'Query too complex: {reason}' },
});

/** Builds a query error. */
export const queryError = errorFactory(QUERY_ERRORS);
