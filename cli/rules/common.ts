/** What `canhgac rules ...` and `canhgac bench detect` share: loading a rule set and matching across categories. */

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { CorrelationEngine } from '../../detection/correlation/index.js';
import { Engine, type RuleMatch } from '../../detection/engine/index.js';
import { AlertRaiser, enabledCorrelations } from '../../detection/raise.js';
import { listRuleFiles, loadPlaceholders, loadRules } from '../../detection/sigma/load.js';
import type { LoadResult, SigmaEvent } from '../../detection/sigma/model.js';
import { parsePipelineText } from '../../ingest/normalise/pipelines.js';

/** A rule problem in the shape the CLI prints (`file:line:col: message`). */
export interface CliProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** Rules loaded and compiled, with every problem of both steps. */
export interface RuleSet {
  load: LoadResult;
  engine: Engine;
  /** Documents accepted by both the loader and the engine. */
  loaded: number;
  /** Documents rejected by the loader or the engine. */
  rejected: number;
  errors: CliProblem[];
  warnings: CliProblem[];
}

/**
 * The command line's compiled-rule cache (detection/sigma/cache.ts): CANHGAC_RULE_CACHE_DIR, else
 * $XDG_CACHE_HOME/canhgac/rules, else ~/.cache/canhgac/rules; CANHGAC_RULE_CACHE_DIR=off or cache false: none.
 */
function cacheOptions(opts: { cache?: boolean }): { cache?: boolean; cacheDir?: string } {
  const env = process.env.CANHGAC_RULE_CACHE_DIR;
  if (opts.cache === false || env === 'off') return { cache: false };
  if (env) return { cacheDir: env };
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return { cacheDir: join(base, 'canhgac', 'rules') };
}

/** Loads rule files/directories (with optional placeholders file) and compiles them. */
export async function loadRuleSet(
  paths: string[],
  placeholdersFile?: string,
  opts: { cache?: boolean } = {},
): Promise<RuleSet> {
  const placeholders = placeholdersFile ? loadPlaceholders(placeholdersFile) : undefined;
  // rules/ ships field-mapping pipelines beside the Sigma rules (rules/pipelines/): those files are checked as
  // pipelines, not reported as broken Sigma rules.
  const files = listRuleFiles(paths);
  const pipelineFiles = files.filter((f) => basename(dirname(f)) === 'pipelines');
  const ruleFiles = files.filter((f) => basename(dirname(f)) !== 'pipelines');
  const load = ruleFiles.length
    ? await loadRules(ruleFiles, { ...(placeholders ? { placeholders } : {}), ...cacheOptions(opts) })
    : { documents: [], problems: [], rejected: 0 };
  const engine = new Engine(load.documents);
  const errors: CliProblem[] = [];
  const warnings: CliProblem[] = [];
  let badPipelines = 0;
  for (const f of pipelineFiles) {
    const r = parsePipelineText(readFileSync(f, 'utf8'), f);
    if (!r.pipeline) badPipelines++;
    for (const p of r.problems) errors.push({ file: p.file, line: p.line, col: p.col, message: p.message });
  }
  for (const p of load.problems) {
    const q = { file: p.file, line: p.line, col: p.col, message: p.message };
    (p.severity === 'error' ? errors : warnings).push(q);
  }
  for (const r of engine.rejected) errors.push({ file: r.file, line: r.line, col: r.col, message: r.message });
  return {
    load,
    engine,
    loaded: load.documents.length - engine.rejected.length,
    rejected: load.rejected + engine.rejected.length + badPipelines,
    errors,
    warnings,
  };
}

/** The rules an event matches (the engine routes on `logsource.category` and every `logsource.categories` entry). */
export function matchEvent(engine: Engine, ev: SigmaEvent): readonly RuleMatch[] {
  return engine.match(ev);
}

/** `file:line:col: message`. */
export function describeProblem(p: CliProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/**
 * What the service would raise over this rule set (detection/raise.ts), correlations included, with rule ids
 * switched off as the service switches them off. Correlation problems are returned for the caller to print.
 */
export function alertRaiser(
  set: RuleSet,
  disabled: ReadonlySet<string> = new Set(),
): {
  raiser: AlertRaiser;
  problems: CliProblem[];
} {
  const correlations = enabledCorrelations(set.engine.correlations, disabled);
  // maxFutureMs off: a file replayed later than it was written is not "in the future" of anything.
  const corr = correlations.length
    ? new CorrelationEngine(correlations, { knownRules: set.engine.rules, maxFutureMs: Number.POSITIVE_INFINITY })
    : undefined;
  const problems = (corr?.problems ?? []).map((p) => ({ file: p.file, line: p.line, col: p.col, message: p.message }));
  return { raiser: new AlertRaiser(set.engine, corr, disabled), problems };
}
