/** Sigma parsing and validation: the entry points other components call. */
export {
  checkReferences,
  DEFAULT_MAX_FILE_BYTES,
  type LoadOptions,
  listRuleFiles,
  loadPlaceholders,
  loadRules,
  parsePlaceholders,
  parseRuleText,
} from './load.js';
export { parseCondition, patternMatches, selectSearches } from './condition.js';
export { isModifier, MODIFIERS, type ModifierSpec } from './modifiers.js';
export { parseTimespan } from './correlation.js';
export * from './model.js';
