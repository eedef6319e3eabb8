/**
 * Runs the shipped rule samples (rules/samples/) through the real path: RawRecords -> normaliseRecord (decoders +
 * normalisation, what normaliseBatch runs per record) -> the compiled engine -> the correlation engine, alerting
 * as the service does (a base match alerts when `shouldAlert` says so, a correlation alert when standalone).
 *
 * Sample files hold raw lines exactly as they arrive (syslog lines, access-log lines, one Windows event JSON per
 * line). Lines starting with `###` are not data: `### match` and `### miss` say whether the following lines must
 * or must not match the sample's own detection rule; any other `###` line is a comment.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RuleSet } from '../../cli/rules/common.js';
import type { NormalisedEvent as SigmaEvent } from '../../core/event/event.js';
import { projectRoot } from '../../core/shared-data.js';
import {
  type BaselineStore,
  type CorrelationAlert,
  CorrelationEngine,
  type CorrelationStore,
} from '../../detection/correlation/index.js';
import type { RuleMatch } from '../../detection/engine/index.js';
import { createNormaliseContext, normaliseRecord } from '../../ingest/normalise/index.js';
import type { RawRecord } from '../../ingest/spool/types.js';

export const RULES_DIR = join(projectRoot, 'rules', 'sigma');
export const SAMPLES_DIR = join(projectRoot, 'rules', 'samples');

/** The samples' receive time: the day they were written, 10:20 in Hanoi (BSD syslog years are inferred from it). */
export const SAMPLE_RECEIVED_AT = Date.parse('2026-11-22T03:20:00Z');

/** One data line of a sample. */
export interface SampleLine {
  line: number;
  text: string;
  expect: 'match' | 'miss' | undefined;
}

/** Sample files, relative to rules/samples (`linux/sshd_brute_force.log`). */
export function listSamples(dir = SAMPLES_DIR): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.(log|jsonl)$/.test(e.name)) out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

/** Rule files relative to rules/sigma, without extension (`linux/sshd_brute_force`). */
export function listRuleStems(dir = RULES_DIR): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.ya?ml$/.test(e.name)) out.push(relative(dir, join(d, e.name)).replace(/\.ya?ml$/, ''));
    }
  };
  walk(dir);
  return out.sort();
}

/** The data lines of a sample with the expectation in force for each. */
export function readSample(file: string): SampleLine[] {
  const out: SampleLine[] = [];
  let expect: SampleLine['expect'];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (text === '') continue;
    if (text.startsWith('###')) {
      const c = text.slice(3).trim();
      if (c === 'match' || c === 'miss') expect = c;
      continue;
    }
    out.push({ line: i + 1, text, expect });
  }
  return out;
}

/** One alert as the service would raise it. */
export interface SampleAlert {
  rule: string;
  correlation: boolean;
  /** Sample line of the event that raised it. */
  line: number;
  group?: Record<string, unknown>;
}

/** What a sample produced. */
export interface SampleRun {
  events: Array<{ line: SampleLine; event: SigmaEvent; matched: string[] }>;
  alerts: SampleAlert[];
}

/** Data lines through normalisation and the engine: each event with its line and matches. */
function prepare(set: RuleSet, lines: readonly SampleLine[], source: string) {
  const ctx = createNormaliseContext({});
  // normaliseRecord is what normaliseBatch runs per record; called one by one so each event keeps its line
  // (W3C `#Fields:` header lines carry stream state and no event).
  const out: Array<{ line: SampleLine; event: SigmaEvent; matches: readonly RuleMatch[] }> = [];
  lines.forEach((l, i) => {
    const record: RawRecord = {
      id: `sample-${i}`,
      receivedAt: SAMPLE_RECEIVED_AT,
      transport: 'tcp',
      source,
      data: l.text,
    };
    const event = normaliseRecord(record, ctx);
    if (event === undefined) {
      if (!l.text.startsWith('#')) throw new Error(`line ${l.line} gave no event`);
      return;
    }
    out.push({ line: l, event, matches: set.engine.match(event) });
  });
  return out;
}

function correlationEngine(set: RuleSet, store?: CorrelationStore, baselines?: BaselineStore): CorrelationEngine {
  const corr = new CorrelationEngine(set.engine.correlations, {
    knownRules: set.engine.rules,
    now: () => SAMPLE_RECEIVED_AT + 3_600_000,
    ...(store ? { store } : {}),
    ...(baselines ? { baselines } : {}),
  });
  if (corr.problems.length) throw new Error(`correlation problems: ${JSON.stringify(corr.problems)}`);
  return corr;
}

function collect(
  run: SampleRun,
  corr: CorrelationEngine,
  p: { line: SampleLine; event: SigmaEvent; matches: readonly RuleMatch[] },
  alerts: readonly CorrelationAlert[],
): void {
  run.events.push({ line: p.line, event: p.event, matched: p.matches.map((m) => m.name ?? m.id) });
  for (const m of p.matches)
    if (corr.shouldAlert(m)) run.alerts.push({ rule: m.name ?? m.id, correlation: false, line: p.line.line });
  for (const a of alerts)
    if (a.standalone)
      run.alerts.push({
        rule: a.correlation.name ?? a.correlation.id,
        correlation: true,
        line: p.line.line,
        group: a.group,
      });
}

/** Runs data lines through normalisation, the engine and a fresh in-memory correlation engine. */
export function runLines(set: RuleSet, lines: readonly SampleLine[], source = '10.20.0.5'): SampleRun {
  const corr = correlationEngine(set);
  const run: SampleRun = { events: [], alerts: [] };
  for (const p of prepare(set, lines, source)) collect(run, corr, p, corr.process(p.event, p.matches));
  return run;
}

/** The same with a given correlation store and baseline store (Redis: distributed mode), through processAsync. */
export async function runLinesAsync(
  set: RuleSet,
  lines: readonly SampleLine[],
  store: CorrelationStore,
  source = '10.20.0.5',
  baselines?: BaselineStore,
): Promise<SampleRun> {
  const corr = correlationEngine(set, store, baselines);
  const run: SampleRun = { events: [], alerts: [] };
  for (const p of prepare(set, lines, source)) collect(run, corr, p, await corr.processAsync(p.event, p.matches));
  return run;
}

/** Alerts counted by rule name. */
export function countAlerts(alerts: readonly SampleAlert[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of alerts) out[a.rule] = (out[a.rule] ?? 0) + 1;
  return out;
}
