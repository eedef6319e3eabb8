/** Error catalogue of the detection area (Sigma parsing and validation, engine, correlation). */
import { defineErrors, errorFactory } from '../core/errors.js';

/** Every CANHGAC_ERR_SIGMA_* / CANHGAC_ERR_DETECTION_* code, its HTTP status and message template. */
export const DETECTION_ERRORS = defineErrors({
  CANHGAC_ERR_SIGMA_FILE_READ: { status: 400, message: 'Cannot read rule file: {reason}' },
  CANHGAC_ERR_SIGMA_FILE_TOO_LARGE: {
    status: 413,
    message: 'Rule file is {size} bytes, more than the limit of {limit}',
  },
  CANHGAC_ERR_SIGMA_DOC_TOO_LARGE: {
    status: 413,
    message: 'YAML document is {size} bytes, more than the limit of {limit}',
  },
  CANHGAC_ERR_SIGMA_TOO_MANY_DOCS: { status: 413, message: 'More than {limit} YAML documents in one file' },
  CANHGAC_ERR_SIGMA_INVALID_UTF8: {
    status: 400,
    message: 'Rule file is not valid UTF-8 (first bad byte at offset {offset})',
  },
  CANHGAC_ERR_SIGMA_YAML_SYNTAX: { status: 400, message: 'YAML syntax error: {reason}' },
  CANHGAC_ERR_SIGMA_YAML_ALIASES: {
    status: 400,
    message: 'Too many YAML alias expansions (limit {limit}): alias bomb?',
  },
  CANHGAC_ERR_SIGMA_YAML_DEPTH: { status: 400, message: 'YAML nesting deeper than {limit} levels' },
  CANHGAC_ERR_SIGMA_YAML_NODES: { status: 400, message: 'YAML document has more than {limit} nodes' },
  CANHGAC_ERR_SIGMA_NOT_A_MAP: { status: 400, message: 'A Sigma document must be a YAML map, found {found}' },
  CANHGAC_ERR_SIGMA_UNKNOWN_KIND: {
    status: 400,
    message: 'Document is neither a rule (detection), a correlation nor a filter',
  },
  CANHGAC_ERR_SIGMA_MISSING_FIELD: { status: 400, message: 'Missing required field {field}' },
  CANHGAC_ERR_SIGMA_FIELD_TYPE: { status: 400, message: 'Field {field} must be {expected}, found {found}' },
  CANHGAC_ERR_SIGMA_FIELD_VALUE: { status: 400, message: 'Field {field}: {reason}' },
  CANHGAC_ERR_SIGMA_FIELD_FORMAT: { status: 400, message: 'Field {field} is not well formed: {reason}' },
  CANHGAC_ERR_SIGMA_DEPRECATED: { status: 400, message: '{what} is deprecated: {reason}' },
  CANHGAC_ERR_SIGMA_DUPLICATE_ID: { status: 409, message: 'Duplicate rule {id} (first defined at {first})' },
  CANHGAC_ERR_SIGMA_UNKNOWN_MODIFIER: { status: 400, message: 'Unknown modifier {modifier}' },
  CANHGAC_ERR_SIGMA_MODIFIER_CHAIN: { status: 400, message: 'Modifier chain not allowed: {reason}' },
  CANHGAC_ERR_SIGMA_ALL_SINGLE: { status: 400, message: "Modifier 'all' on a single value" },
  CANHGAC_ERR_SIGMA_NULL_IN_LIST: { status: 400, message: 'null inside a list of values' },
  CANHGAC_ERR_SIGMA_VALUE_TYPE: { status: 400, message: 'Value of {field}: {reason}' },
  CANHGAC_ERR_SIGMA_REGEX: { status: 400, message: 'Invalid regular expression: {reason}' },
  CANHGAC_ERR_SIGMA_CIDR: { status: 400, message: 'Invalid CIDR network {value}' },
  CANHGAC_ERR_SIGMA_NUMBER: { status: 400, message: 'Modifier {modifier} needs a number, found {value}' },
  CANHGAC_ERR_SIGMA_EXPANSION: { status: 400, message: 'Value expands to more than {limit} alternatives' },
  CANHGAC_ERR_SIGMA_PLACEHOLDER: { status: 400, message: 'Placeholder %{name}% has no value (placeholders file)' },
  CANHGAC_ERR_SIGMA_SEARCH: { status: 400, message: 'Search identifier {name}: {reason}' },
  CANHGAC_ERR_SIGMA_CONDITION_SYNTAX: { status: 400, message: 'Condition syntax error: {reason}' },
  CANHGAC_ERR_SIGMA_CONDITION_UNDEFINED: { status: 400, message: 'Condition refers to undefined search {name}' },
  CANHGAC_ERR_SIGMA_CONDITION_EMPTY_PATTERN: { status: 400, message: 'Pattern {pattern} matches no search identifier' },
  CANHGAC_ERR_SIGMA_UNSUPPORTED: { status: 400, message: 'Unsupported construct: {reason}' },
  CANHGAC_ERR_SIGMA_TIMESPAN: {
    status: 400,
    message: 'Invalid timespan {value}: use a number and s, m, h, d (or w, M, y)',
  },
  CANHGAC_ERR_SIGMA_CORRELATION: { status: 400, message: 'Correlation: {reason}' },
  CANHGAC_ERR_SIGMA_REFERENCE: { status: 400, message: 'Referenced rule {ref} is not loaded' },
  CANHGAC_ERR_SIGMA_FILTER: { status: 400, message: 'Filter: {reason}' },
  CANHGAC_ERR_SIGMA_PLACEHOLDERS_FILE: { status: 400, message: 'Placeholders file {file}: {reason}' },
});

/** A code of the detection catalogue. */
export type DetectionErrorCode = keyof typeof DETECTION_ERRORS;

/** Builds a CanhgacError from the detection catalogue. */
export const detectionError = errorFactory(DETECTION_ERRORS);
