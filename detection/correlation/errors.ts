import { defineErrors, errorFactory } from '../../core/errors.js';

/** Error codes of the correlation engine: rules rejected when the engine is built, misuse of the store seam. */
export const CORRELATION_ERRORS = defineErrors({
  CANHGAC_ERR_CORRELATION_TIMESPAN: {
    status: 422,
    message: 'Correlation {rule}: timespan must be a positive number of milliseconds, got {value}',
  },
  CANHGAC_ERR_CORRELATION_CONDITION: { status: 422, message: 'Correlation {rule}: {reason}' },
  CANHGAC_ERR_CORRELATION_FIELD: {
    status: 422,
    message: 'Correlation {rule}: type {type} needs condition.field (the field the value is taken from)',
  },
  CANHGAC_ERR_CORRELATION_PERCENTILE: {
    status: 422,
    message: 'Correlation {rule}: condition.percentile must be between 0 and 100, got {value}',
  },
  CANHGAC_ERR_CORRELATION_RULES: { status: 422, message: 'Correlation {rule}: {reason}' },
  CANHGAC_ERR_CORRELATION_UNKNOWN_RULE: {
    status: 422,
    message: 'Correlation {rule}: referenced rule {ref} is neither a known rule nor a correlation (by id or name)',
  },
  CANHGAC_ERR_CORRELATION_CYCLE: {
    status: 422,
    message: 'Correlation {rule}: chained correlations form a cycle: {path}',
  },
  CANHGAC_ERR_CORRELATION_DUPLICATE: {
    status: 422,
    message: 'Correlation {rule}: id or name {key} is already used by correlation {other}',
  },
  CANHGAC_ERR_CORRELATION_ALIAS: { status: 422, message: 'Correlation {rule}: alias {alias}: {reason}' },
  CANHGAC_ERR_CORRELATION_CAP: {
    status: 422,
    message:
      'Correlation {rule}: threshold {threshold} needs more than {cap} events per group, the per-group entry cap; it can never fire',
  },
  CANHGAC_ERR_CORRELATION_ASYNC_STORE: {
    status: 500,
    message: 'The correlation store answered asynchronously; use processAsync() with this store',
  },
});

/** Builds a CanhgacError from CORRELATION_ERRORS. */
export const correlationError = errorFactory(CORRELATION_ERRORS);

/** One of the correlation error codes. */
export type CorrelationErrorCode = keyof typeof CORRELATION_ERRORS;
