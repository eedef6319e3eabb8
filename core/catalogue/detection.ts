/** The error catalogue, part: the detection library: engine, correlations, retro-hunts. Merged into ERRORS by ./index.ts. */
import { defineErrors } from '../errors.js';

/** Codes of the compiled Sigma engine. */
export const ENGINE_ERRORS = defineErrors({
  CANHGAC_ERR_ENGINE_REGEX: {
    status: 422,
    message: 'Rule {rule}: regular expression rejected by RE2: {reason}',
    meaning:
      "A rule's regular expression is rejected by RE2 (back-references, look-around) and the rule is not loaded.",
    remedy: 'Rewrite the expression without RE2-unsupported constructs.',
  },
  CANHGAC_ERR_ENGINE_CIDR: {
    status: 422,
    message: 'Rule {rule}: invalid CIDR network {cidr}',
    meaning: "A rule's |cidr value is not a network, so the rule is not loaded.",
    remedy: 'Correct the value (for example 10.0.0.0/8).',
  },
  CANHGAC_ERR_ENGINE_CONDITION: {
    status: 422,
    message: 'Rule {rule}: condition names unknown search {name}',
    meaning: "A rule's condition cannot be compiled (refers to nothing usable).",
    remedy: 'Correct the condition (canhgac rules validate shows where).',
  },
  CANHGAC_ERR_ENGINE_COMPILE: {
    status: 422,
    message: 'Rule {rule} cannot be compiled: {reason}',
    meaning: 'A rule could not be compiled into a matcher and is not loaded.',
    remedy: 'Run `canhgac rules validate` on the file; report the rule if it validates.',
  },
  CANHGAC_ERR_ENGINE_EVENT: {
    status: 500,
    message: 'Rule {rule} failed on an event: {reason}',
    meaning: 'A rule failed on one event; the event is treated as not matching that rule and the failure is counted.',
    remedy: 'Report the rule and the event (canhgac_engine_errors_total counts these); matching goes on.',
  },
});

/** Codes of Sigma correlations. */
export const CORRELATION_ERRORS = defineErrors({
  CANHGAC_ERR_CORRELATION_TIMESPAN: {
    status: 422,
    message: 'Correlation {rule}: timespan must be a positive number of milliseconds, got {value}',
    meaning: "A correlation's timespan is missing, zero or too long for its window store.",
    remedy: 'Give a timespan such as 5m or 1h within the documented bound.',
  },
  CANHGAC_ERR_CORRELATION_CONDITION: {
    status: 422,
    message: 'Correlation {rule}: {reason}',
    meaning: "A correlation's condition is missing or contradicts its type.",
    remedy: 'Give gt/gte/lt/lte/eq bounds that a count can meet.',
  },
  CANHGAC_ERR_CORRELATION_FIELD: {
    status: 422,
    message: 'Correlation {rule}: type {type} needs condition.field (the field the value is taken from)',
    meaning: 'A value_* correlation lacks the field it measures, or names one the rules do not have.',
    remedy: 'Name the field in condition.field.',
  },
  CANHGAC_ERR_CORRELATION_PERCENTILE: {
    status: 422,
    message: 'Correlation {rule}: condition.percentile must be between 0 and 100, got {value}',
    meaning: 'A value_percentile correlation has no percentile between 0 and 100.',
    remedy: 'Give condition.percentile between 0 and 100.',
  },
  CANHGAC_ERR_CORRELATION_RULES: {
    status: 422,
    message: 'Correlation {rule}: {reason}',
    meaning: 'A correlation names no rules, or too few for its type (temporal needs two).',
    remedy: 'List the referenced rules by id or name.',
  },
  CANHGAC_ERR_CORRELATION_UNKNOWN_RULE: {
    status: 422,
    message: 'Correlation {rule}: referenced rule {ref} is neither a known rule nor a correlation (by id or name)',
    meaning: 'A correlation refers to a rule that is not loaded.',
    remedy: 'Load the referenced rule too, or correct the reference.',
  },
  CANHGAC_ERR_CORRELATION_CYCLE: {
    status: 422,
    message: 'Correlation {rule}: chained correlations form a cycle: {path}',
    meaning: 'Correlations refer to each other in a loop.',
    remedy: 'Break the loop: a correlation may build on others only in one direction.',
  },
  CANHGAC_ERR_CORRELATION_DUPLICATE: {
    status: 422,
    message: 'Correlation {rule}: id or name {key} is already used by correlation {other}',
    meaning: 'Two correlations share an id or name.',
    remedy: 'Give each correlation its own id and name.',
  },
  CANHGAC_ERR_CORRELATION_ALIAS: {
    status: 422,
    message: 'Correlation {rule}: alias {alias}: {reason}',
    meaning: 'A field alias of a correlation does not map every referenced rule, or clashes with a group-by field.',
    remedy: 'Map the alias for each referenced rule.',
  },
  CANHGAC_ERR_CORRELATION_CAP: {
    status: 422,
    message:
      'Correlation {rule}: threshold {threshold} needs more than {cap} events per group, the per-group entry cap; it can never fire',
    meaning: "A correlation's window would hold more distinct groups or values than the limit.",
    remedy: 'Narrow group-by or the timespan; the limit protects memory.',
  },
  CANHGAC_ERR_CORRELATION_ASYNC_STORE: {
    status: 500,
    message: 'The correlation store answered asynchronously; use processAsync() with this store',
    meaning:
      'The correlation engine was driven synchronously with a store that answers asynchronously (Redis): a programming error.',
    remedy: 'Report it; the engine must use processAsync() with that store.',
  },
});

/** Codes of retro-hunts. */
export const HUNT_ERRORS = defineErrors({
  CANHGAC_ERR_HUNT_UNSUPPORTED: {
    status: 422,
    message: 'Rule {rule} cannot be hunted: {reasons}',
    meaning: "The rule uses a construct the store's query engine cannot run over history (the reasons are listed).",
    remedy: 'Hunt with a rule without those constructs, or use `canhgac rules match` on an exported events file.',
  },
  CANHGAC_ERR_HUNT_RANGE: {
    status: 400,
    message: 'Invalid hunt time range: {reason}',
    meaning: "The hunt's time range is not valid (not times, or from after to).",
    remedy: 'Give --from and --to as ISO times with from before to.',
  },
});
