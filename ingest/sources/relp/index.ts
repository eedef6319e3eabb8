/** RELP (rsyslog's reliable event logging protocol): ack after the spool append is durable. */
export { DEFAULT_RELP, type RelpConfig, relpConfig } from './config.js';
export { encodeRelp, type RelpFrame, RelpParser, type RelpSink } from './parser.js';
export { RelpSource } from './source.js';
