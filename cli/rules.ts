/**
 * `canhgac rules validate|test|match` (see cli/rules/rules.ts). The work is imported only after the logs
 * are pointed at stderr, so that stdout holds nothing but the command's output.
 */
import { cliLogsToStderr } from './logs.js';

/** Runs `canhgac rules <sub-command> ...`; returns the exit code (0 ran, 1 could not run, 2 usage). */
export async function run(argv: string[]): Promise<number> {
  cliLogsToStderr();
  const { runRules } = await import('./rules/rules.js');
  return runRules(argv);
}
