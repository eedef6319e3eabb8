/**
 * `canhgac bench detect --rules <paths...> --events <file> [--seconds N] [--json]`: loads the rules (timed),
 * loads and normalises the events into memory, then replays them through the engine on this one thread for at
 * least N seconds (default 10) and prints one comparable figure set:
 * `{"rules", "events_per_s", "rule_load_s", "rules_evaluated_per_event", "rss_mb"}`.
 * Normalisation is outside the timed loop: this measures matching only. Rule load goes through the compiled-rule
 * cache (cli/rules/common.ts); --no-cache parses every file.
 */
import { parseArgs } from 'node:util';
import { windowsError } from '../../ingest/decoders/windows/errors.js';
import { loadRuleSet, matchEvent } from './common.js';
import { loadEventFile } from './events-file.js';

const USAGE =
  'Usage: canhgac bench detect --rules <paths...> --events <file> [--seconds N] [--placeholders FILE] [--no-cache] [--json]\n';

/** The figures `bench detect` prints. */
export interface DetectBenchResult {
  rules: number;
  events_per_s: number;
  rule_load_s: number;
  rules_evaluated_per_event: number;
  rss_mb: number;
}

function parseBenchArgs(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      rules: { type: 'string', multiple: true },
      events: { type: 'string' },
      seconds: { type: 'string' },
      placeholders: { type: 'string' },
      json: { type: 'boolean' },
      'no-cache': { type: 'boolean' },
    },
  });
}

/** Runs `canhgac bench <name> ...`; only `detect` lives here. */
export async function runBench(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name !== 'detect') {
    process.stderr.write(`canhgac bench: unknown benchmark '${name ?? ''}'\n${USAGE}`);
    return 2;
  }
  let p: ReturnType<typeof parseBenchArgs>;
  try {
    p = parseBenchArgs(rest);
  } catch (e) {
    process.stderr.write(`canhgac bench detect: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const rules = [...(p.values.rules ?? []), ...p.positionals];
  const seconds = p.values.seconds === undefined ? 10 : Number(p.values.seconds);
  if (rules.length === 0 || !p.values.events || !(seconds > 0)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const r = await benchDetect(rules, p.values.events, {
    seconds,
    placeholders: p.values.placeholders,
    cache: !p.values['no-cache'],
  });
  if (p.values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else {
    process.stdout.write(
      `rules ${r.rules}, rule load ${r.rule_load_s} s, ${r.events_per_s} events/s, ` +
        `${r.rules_evaluated_per_event} rules evaluated per event, rss ${r.rss_mb} MB\n${JSON.stringify(r)}\n`,
    );
  }
  return 0;
}

/** Measures detection throughput; events are replayed in order, round after round, until `seconds` pass. */
export async function benchDetect(
  rulePaths: string[],
  eventsFile: string,
  opts: { seconds?: number; placeholders?: string | undefined; cache?: boolean } = {},
): Promise<DetectBenchResult> {
  const t0 = process.hrtime.bigint();
  const set = await loadRuleSet(rulePaths, opts.placeholders, { cache: opts.cache !== false });
  const ruleLoad = Number(process.hrtime.bigint() - t0) / 1e9;
  const { events, problems } = await loadEventFile(eventsFile);
  if (events.length === 0)
    throw windowsError('CANHGAC_ERR_EVENTS_EMPTY', { file: eventsFile, malformed: problems.length });
  const engine = set.engine;
  const before = engine.stats;
  const budgetNs = BigInt(Math.round((opts.seconds ?? 10) * 1e9));
  let n = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  let now = start;
  // Check the clock once per round of the file (or every 4096 events), not per event.
  while (now - start < budgetNs) {
    for (let i = 0; i < events.length; i++) {
      sink += matchEvent(engine, events[i]!).length;
      if ((++n & 4095) === 0 && process.hrtime.bigint() - start >= budgetNs) break;
    }
    now = process.hrtime.bigint();
  }
  const elapsed = Number(now - start) / 1e9;
  const after = engine.stats;
  const evals = after.rulesEvaluated - before.rulesEvaluated;
  const engineEvents = after.events - before.events;
  if (sink < 0) process.stderr.write('');
  return {
    rules: set.loaded,
    events_per_s: Math.round(n / elapsed),
    rule_load_s: Math.round(ruleLoad * 1000) / 1000,
    rules_evaluated_per_event: engineEvents ? Math.round((evals / n) * 100) / 100 : 0,
    rss_mb: Math.round(process.memoryUsage().rss / 1048576),
  };
}
