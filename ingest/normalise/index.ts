/** Normalisation: RawRecord -> flat Sigma event (envelope, logsource, agency attribution). */
export {
  createNormaliseContext,
  type NormaliseContext,
  type NormaliseOptions,
  type NormaliseConfig,
  normaliseBatch,
  normaliseOptionsFromConfig,
  normaliseRecord,
  streamContext,
} from './normalise.js';
export { type Agency, type AgencyConfig, type AgencyTable, agencyTable, UNASSIGNED } from './agency.js';
export { LINUX_SERVICES, linuxService, resolveLogsource } from './logsource.js';
