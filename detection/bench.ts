/**
 * `canhgac bench detect --rules <paths...> --events <file> [--seconds N] [--json]` (see
 * detection/cli/bench-detect.ts): prints `{"rules", "events_per_s", "rule_load_s", "rules_evaluated_per_event",
 * "rss_mb"}` after replaying the events through the engine on one core for at least N (default 10) seconds.
 */
import { cliLogsToStderr } from './cli/logs.js';
import type { DetectBenchResult } from './cli/bench-detect.js';

export type { DetectBenchResult } from './cli/bench-detect.js';

/**
 * Runs `canhgac bench <name> ...` (`detect`; `e2e [--rate N --seconds N ...]`: bench/e2e-service.ts, which prints
 * its JSON line and exits the process); returns the exit code.
 */
export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'e2e') {
    process.argv.splice(2, Number.POSITIVE_INFINITY, ...argv.slice(1)); // the bench reads its options from argv
    await import('../bench/e2e-service.js');
    return 0;
  }
  cliLogsToStderr();
  const { runBench } = await import('./cli/bench-detect.js');
  return runBench(argv);
}

/** Measures detection throughput programmatically (same figures as the command). */
export async function benchDetect(
  rulePaths: string[],
  eventsFile: string,
  opts: { seconds?: number; placeholders?: string | undefined } = {},
): Promise<DetectBenchResult> {
  const m = await import('./cli/bench-detect.js');
  return m.benchDetect(rulePaths, eventsFile, opts);
}
