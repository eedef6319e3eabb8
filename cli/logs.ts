import { pino } from 'pino';
import { REDACT_PATHS, setRootLogger } from '../core/log.js';

/**
 * Sends the CLI's structured logs to stderr (stdout carries the command's output, e.g. exactly one JSON object
 * for `rules validate --json`), at level error unless CANHGAC_LOG_LEVEL says otherwise. Must run before the
 * modules that create their loggers at import time are loaded, hence the CLI's dynamic imports.
 */
export function cliLogsToStderr(): void {
  const level = process.env.CANHGAC_LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'error');
  setRootLogger(
    pino(
      { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'canhgac' } },
      pino.destination(2),
    ),
  );
}
