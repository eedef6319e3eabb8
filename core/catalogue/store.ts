/** The error catalogue, part: the stores and the search language. Merged into ERRORS by ./index.ts. */
import { defineErrors } from '../errors.js';

/** Codes of the event and state stores. */
export const STORE_ERRORS = defineErrors({
  CANHGAC_ERR_STORE_CONFLICT: {
    status: 409,
    message: 'Document {collection}/{id} changed meanwhile: expected version {expected}, found {actual}',
    meaning: 'Someone else changed the document between reading and writing it.',
    remedy: 'Reload and apply the change again.',
  },
  CANHGAC_ERR_STORE_SCOPE: {
    status: 403,
    message: 'Document {collection}/{id} belongs to another agency than the caller scope ({agencyId})',
    meaning: "A caller scoped to one agency tried to write another agency's document.",
    remedy: "Act on the agency's own documents, or ask a province-wide user.",
  },
  CANHGAC_ERR_STORE_INVALID: {
    status: 400,
    message: 'Invalid store request: {reason}',
    meaning: 'A store request is malformed (bad size, sort field, collection name).',
    remedy: 'Correct the request as the message says.',
  },
  CANHGAC_ERR_STORE_CURSOR: {
    status: 400,
    message: 'Invalid paging cursor',
    meaning: 'A paging cursor was altered or comes from another query.',
    remedy: 'Start paging again without the cursor.',
  },
  CANHGAC_ERR_STORE_CLOSED: {
    status: 503,
    message: 'The store is closed',
    meaning: 'The store was used after it closed (the service is stopping).',
    remedy: 'None at shutdown; retry after the restart.',
  },
  CANHGAC_ERR_STORE_UNAVAILABLE: {
    status: 503,
    message: 'The store is unavailable: {reason}',
    meaning: 'The store (SQLite file or OpenSearch cluster) cannot answer: disk, network or cluster state.',
    remedy:
      'Check the store (OpenSearch cluster health, disk space); the spool holds events meanwhile and replays them.',
  },
});

/** Codes of the search language. */
export const QUERY_ERRORS = defineErrors({
  CANHGAC_ERR_QUERY_SYNTAX: {
    status: 400,
    message: 'Query syntax error at column {col}: {reason}',
    meaning: 'The search text cannot be parsed.',
    remedy: 'Fix the query at the given column (field:value, AND, OR, NOT, quotes, ranges).',
  },
  CANHGAC_ERR_QUERY_TOO_COMPLEX: {
    status: 400,
    message: 'Query too complex: {reason}',
    meaning: 'The search is deeper or longer than the limit.',
    remedy: 'Simplify the query or split it in two.',
  },
});
