/** The spool: the durable queue between intake and processing. */

export { SPOOL_ERRORS } from './errors.js';
export { FileSpool, type FileSpoolOptions, type FsyncPolicy } from './file-spool.js';
export { MemorySpool } from './memory-spool.js';
export * from './types.js';
export { decodeRecords, RecordWriter } from './writer.js';
