/**
 * `canhgac rules backtest`: replays an events file or the stored events through a rule set exactly as the service
 * would raise alerts (detection/raise.ts), counts alerts per rule and checks them against per-rule expectations
 * (cli/rules/expectations.ts). Text, JSON (`--json`) and JUnit XML (`--junit FILE`) for a rule repository's CI.
 * Exit 0 when every expectation holds, 3 when one does not, 2 on a usage error, 1 when it could not run.
 */
import { writeFileSync } from 'node:fs';
import { visibleText } from '../../core/text.js';
import { alertRaiser, describeProblem, loadRuleSet } from './common.js';
import { judge, junit, readExpectations } from './expectations.js';
import { type ReplaySource, replayEvents, storeSource } from './replay.js';

/** The options backtest reads (a subset of the rules command's). */
export interface BacktestArgs {
  rules: string[];
  events?: string | undefined;
  stored: boolean;
  from?: string | undefined;
  to?: string | undefined;
  agency?: string | undefined;
  config?: string | undefined;
  'data-dir'?: string | undefined;
  expect?: string | undefined;
  junit?: string | undefined;
  json: boolean;
  disable: string[];
  placeholders?: string | undefined;
}

/** Where output goes. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  usage: (message: string) => number;
}

/** Resolves the event source of backtest and tune (`--events FILE` or `--stored --from ...`). */
export function sourceOf(a: BacktestArgs, io: Io, onSkip: () => void): ReplaySource | number {
  if (a.stored === (a.events !== undefined)) return io.usage('give either --events <file> or --stored --from TIME');
  if (a.events !== undefined) {
    const file = a.events;
    return {
      kind: 'file',
      file,
      onProblem: (pr) => {
        onSkip();
        io.err(`${file}: byte ${pr.offset} (line ${pr.line}): ${pr.message}\n`);
      },
    };
  }
  const s = storeSource(a);
  return typeof s === 'string' ? io.usage(s) : s;
}

/** Runs the backtest; returns the exit code. */
export async function backtest(a: BacktestArgs, io: Io): Promise<number> {
  if (a.rules.length === 0 || !a.expect)
    return io.usage('backtest needs --rules <paths...>, --expect <file> and events');
  let skipped = 0;
  const src = sourceOf(a, io, () => skipped++);
  if (typeof src === 'number') return src;
  const exp = readExpectations(a.expect);
  for (const p of exp.problems) io.err(`${describeProblem(p)}\n`);
  if (!exp.expectations) return 1;
  const set = await loadRuleSet(a.rules, a.placeholders);
  for (const e of set.errors) io.err(`${describeProblem(e)}\n`);
  const { raiser, problems } = alertRaiser(set, new Set(a.disable));
  for (const pr of problems) io.err(`${describeProblem(pr)}\n`);
  const titles = new Map<string, string>();
  const names = new Map<string, string>();
  for (const r of [...set.engine.rules, ...set.engine.correlations]) {
    titles.set(r.id, r.title);
    if (r.name) names.set(r.name, r.id);
  }
  const counts = new Map<string, number>();
  let events = 0;
  const started = process.hrtime.bigint();
  try {
    for await (const ev of replayEvents(src)) {
      for (const al of raiser.process(ev).alerts) counts.set(al.ruleId, (counts.get(al.ruleId) ?? 0) + 1);
      events++;
    }
  } catch (e) {
    io.err(`canhgac rules backtest: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cases = judge(exp.expectations, counts, titles, names);
  const failed = cases.filter((c) => !c.passed).length;
  const label = src.kind === 'file' ? src.file : 'stored events';
  if (a.junit) writeFileSync(a.junit, junit(cases, seconds, label));
  if (a.json) {
    io.out(`${JSON.stringify({ events, skipped, passed: cases.length - failed, failed, cases })}\n`);
  } else {
    for (const c of cases) {
      const name = c.title ? `${visibleText(c.title)} (${c.rule})` : visibleText(c.rule);
      io.out(`${c.passed ? 'PASS' : 'FAIL'} ${name}: ${c.actual} alerts${c.message ? ` (${c.message})` : ''}\n`);
    }
    io.out(`${cases.length - failed} passed, ${failed} failed over ${events} events (${skipped} skipped)\n`);
  }
  return failed ? 3 : 0;
}
