/** HTTP intake source: JSON/NDJSON events and the Elasticsearch-compatible `_bulk`. */
export { agencyForKey, hashApiKey, presentedKey } from './auth.js';
export { bulkResponse, idForClientId, parseBulkBody, parseEventsBody } from './body.js';
export { DEFAULT_HTTP_INTAKE, type HttpIntakeConfig } from './config.js';
export { HTTP_INTAKE_ERRORS } from './errors.js';
export { HttpIntakeSource, lineRanges } from './source.js';
