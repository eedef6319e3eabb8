import { defineErrors, errorFactory } from '../../core/errors.js';

/** The spool's error catalogue (CANHGAC_ERR_SPOOL_*). */
export const SPOOL_ERRORS = defineErrors({
  CANHGAC_ERR_SPOOL_LOCKED: {
    status: 500,
    message: 'The spool directory {dir} is in use by process {pid}',
  },
  CANHGAC_ERR_SPOOL_CLOSED: { status: 503, message: 'The spool is closed' },
  CANHGAC_ERR_SPOOL_BAD_CURSOR: {
    status: 500,
    message: 'Cannot commit cursor {segment}:{offset}: it is beyond what was read ({readSegment}:{readOffset})',
  },
  CANHGAC_ERR_SPOOL_BAD_OPTIONS: { status: 500, message: 'Invalid spool options: {reason}' },
  CANHGAC_ERR_SPOOL_IO: { status: 503, message: 'Spool I/O failed during {op}: {reason}' },
});

/** Builds a spool CanhgacError by code. */
export const spoolError = errorFactory(SPOOL_ERRORS);
