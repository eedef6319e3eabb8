import { defineErrors, errorFactory } from '../../../core/errors.js';

/** Error catalogue of the Windows/Linux event shapes, field-mapping pipelines and event files. */
export const WINDOWS_ERRORS = defineErrors({
  CANHGAC_ERR_PIPELINE_INVALID: { status: 400, message: 'Invalid field-mapping pipeline: {reason}' },
  CANHGAC_ERR_PIPELINE_UNREADABLE: { status: 500, message: 'Cannot read field-mapping pipeline {file}: {reason}' },
  CANHGAC_ERR_EVENTS_MALFORMED: { status: 400, message: 'Malformed event record: {reason}' },
  CANHGAC_ERR_EVENTS_UNKNOWN_SHAPE: { status: 400, message: 'Event record has no known shape: {reason}' },
  CANHGAC_ERR_EVENTS_UNREADABLE: { status: 500, message: 'Cannot read events file {file}: {reason}' },
});

/** Throw-helper bound to WINDOWS_ERRORS. */
export const windowsError = errorFactory(WINDOWS_ERRORS);
