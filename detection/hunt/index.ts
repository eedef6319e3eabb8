/** Retro-hunt: Sigma rules translated to the store query AST and run over stored history. */
export { HUNT_ERRORS, huntError } from './errors.js';
export { type HuntOptions, hunt, huntQuery } from './hunt.js';
export {
  type BackendCapabilities,
  logsourceQuery,
  SQLITE_CAPABILITIES,
  type Translation,
  translateRule,
  unsupportedBy,
} from './translate.js';
