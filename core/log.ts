import { pino, type Logger } from 'pino';

/** Paths pino blanks out wherever they appear, so secrets never reach a log line. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'secret',
  '*.secret',
  'pass',
  '*.pass',
  'clientSecret',
  '*.clientSecret',
  '*.*.clientSecret',
];

let root: Logger | undefined;

/** The process-wide structured JSON logger (level from CANHGAC_LOG_LEVEL, default info; silent under jest). */
export function rootLogger(): Logger {
  if (!root) {
    const level = process.env.CANHGAC_LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info');
    root = pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'canhgac' } });
  }
  return root;
}

/** A child logger for one component; log lines are a capitalised sentence plus key/value fields. */
export function logger(component: string): Logger {
  return rootLogger().child({ component });
}

/** Replaces the root logger (tests, CLI `--quiet`). */
export function setRootLogger(l: Logger): void {
  root = l;
}
