import { defineErrors, errorFactory } from '../../core/errors.js';

/** Error codes of the compiled Sigma matcher (rules rejected at compile time, events that failed to evaluate). */
export const ENGINE_ERRORS = defineErrors({
  CANHGAC_ERR_ENGINE_REGEX: { status: 422, message: 'Rule {rule}: regular expression rejected by RE2: {reason}' },
  CANHGAC_ERR_ENGINE_CIDR: { status: 422, message: 'Rule {rule}: invalid CIDR network {cidr}' },
  CANHGAC_ERR_ENGINE_CONDITION: { status: 422, message: 'Rule {rule}: condition names unknown search {name}' },
  CANHGAC_ERR_ENGINE_COMPILE: { status: 422, message: 'Rule {rule} cannot be compiled: {reason}' },
  CANHGAC_ERR_ENGINE_EVENT: { status: 500, message: 'Rule {rule} failed on an event: {reason}' },
});

/** Builds a CanhgacError from ENGINE_ERRORS. */
export const engineError = errorFactory(ENGINE_ERRORS);
