/**
 * `canhgac bench detect --rules <paths...> --events <file> [--seconds N] [--json]` (see
 * cli/rules/bench-detect.ts): prints `{"rules", "events_per_s", "rule_load_s", "rules_evaluated_per_event",
 * "rss_mb"}` after replaying the events through the engine on one core for at least N (default 10) seconds.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cliLogsToStderr } from './logs.js';
import type { DetectBenchResult } from './rules/bench-detect.js';

export type { DetectBenchResult } from './rules/bench-detect.js';

/**
 * Runs `canhgac bench <name> ...` (`detect`; `e2e [--rate N --seconds N ...]`: bench/e2e-service.ts, a program
 * of its own that prints its JSON line; it runs as a child process with the user's options, so nothing here
 * rewrites process.argv or imports a module that runs on import); returns the exit code.
 */
export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'e2e') return runProgram(E2E_BENCH, argv.slice(1));
  cliLogsToStderr();
  const { runBench } = await import('./rules/bench-detect.js');
  return runBench(argv);
}

/** Measures detection throughput programmatically (same figures as the command). */
export async function benchDetect(
  rulePaths: string[],
  eventsFile: string,
  opts: { seconds?: number; placeholders?: string | undefined } = {},
): Promise<DetectBenchResult> {
  const m = await import('./rules/bench-detect.js');
  return m.benchDetect(rulePaths, eventsFile, opts);
}

/** The compiled end-to-end bench (bench/ may import anything; nothing in the product imports bench/). */
const E2E_BENCH = fileURLToPath(new URL('../bench/e2e-service.js', import.meta.url));

/** Runs a node program with the given arguments on this terminal; resolves to its exit code. */
function runProgram(script: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
