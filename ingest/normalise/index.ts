/** Normalisation: RawRecord -> flat Sigma event (envelope, logsource, agency attribution). */

export { type Agency, type AgencyConfig, type AgencyTable, agencyTable, UNASSIGNED } from './agency.js';
export { LINUX_SERVICES, linuxService, resolveLogsource } from './logsource.js';
export {
  createNormaliseContext,
  type NormaliseConfig,
  type NormaliseContext,
  type NormaliseOptions,
  normaliseBatch,
  normaliseOptionsFromConfig,
  normaliseRecord,
  streamContext,
} from './normalise.js';
