/**
 * `canhgac rules validate|test|match`: check rules, see why a rule matches sample events, and run a rule set over
 * an event file. Exit codes: 0 when the command ran (even if rules were rejected or nothing matched), 2 on a
 * usage error, 1 when it could not run (unreadable files and the like).
 */
import { parseArgs } from 'node:util';
import { explain } from '../../detection/engine/index.js';
import type { RaisedAlert } from '../../detection/raise.js';
import type { DetectionRule, SigmaEvent } from '../../detection/sigma/model.js';
import { backtest } from './backtest.js';
import { alertRaiser, describeProblem, loadRuleSet, matchEvent } from './common.js';
import { type EventFileProblem, readEventFile } from './events-file.js';
import { tune } from './tune.js';
import { update } from './update.js';

const USAGE = `Usage:
  canhgac rules validate <paths...> [--placeholders FILE] [--json]
  canhgac rules test <rule.yml> <events> [--placeholders FILE] [--json]
  canhgac rules match --rules <paths...> --events <file> [--disable ID...] [--all-matches] [--placeholders FILE] [--json]
  canhgac rules backtest --rules <paths...> --expect FILE (--events FILE | --stored --from T [--to T] [--agency ID]
                         [--config FILE] [--data-dir DIR]) [--disable ID...] [--json] [--junit FILE]
  canhgac rules tune --rule ID [--rules <paths...>] [--from T] [--to T] [--agency ID] [--config FILE] [--data-dir DIR]
                     [--filter FILE] [--apply DIR|FILE] [--json]
  canhgac rules update [--package core|core+|core++|emerging-threats|all] [--source URL|FILE|MIRROR-DIR]
                       (--sha256 HEX | --checksums FILE|URL) [--dest DIR] [--all] [--dry-run] [--json]

match prints exactly the alerts the service raises: a rule that a correlation references with generate: false
raises nothing of its own (--all-matches lists its matches too, marked "no alert"); --disable switches a rule off as
the console does. backtest counts those alerts per rule against an expectations file (rules: {id-or-name: count
or {min, max}}, others: fail|ignore) and exits 3 when one does not hold. tune proposes a Sigma filter from the
rule's false-positive incidents, proves on the stored events that it hides no true-positive incident (exit 3 when
it would) and writes it only with --apply. update installs a SigmaHQ release package after checking its SHA-256,
keeps its licence, and by default only the rules for what provinces send (Linux, Windows, web servers, firewalls,
proxies; stable or test; medium and above) into <dataDir>/rules-sigmahq, which the service loads.

Events files (- for stdin): JSON lines or concatenated JSON (Windows NXLog/Winlogbeat/EVTX shapes, Azure Syslog rows,
already-normalised flat events) or text lines (auditd, syslog, CEF, LEEF, W3C...).
`;

function out(s: string): void {
  process.stdout.write(s);
}
function err(s: string): void {
  process.stderr.write(s);
}

function usage(message?: string): number {
  if (message) err(`canhgac rules: ${message}\n\n`);
  err(USAGE);
  return 2;
}

/** Runs `canhgac rules <sub-command> ...`; returns the exit code. */
export async function runRules(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    out(USAGE);
    return sub ? 0 : 2;
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (e) {
    return usage(e instanceof Error ? e.message : String(e));
  }
  switch (sub) {
    case 'validate':
      return validate(parsed);
    case 'test':
      return test(parsed);
    case 'match':
      return match(parsed);
    case 'backtest':
      return backtest(
        {
          rules: [...(parsed.values.rules ?? []), ...parsed.positionals],
          events: parsed.values.events,
          stored: parsed.values.stored === true,
          from: parsed.values.from,
          to: parsed.values.to,
          agency: parsed.values.agency,
          config: parsed.values.config,
          'data-dir': parsed.values['data-dir'],
          expect: parsed.values.expect,
          junit: parsed.values.junit,
          json: parsed.values.json === true,
          disable: parsed.values.disable ?? [],
          placeholders: parsed.values.placeholders,
        },
        { out, err, usage },
      );
    case 'tune':
      return tune(
        {
          rule: parsed.values.rule,
          rules: [...(parsed.values.rules ?? []), ...parsed.positionals],
          from: parsed.values.from,
          to: parsed.values.to,
          agency: parsed.values.agency,
          config: parsed.values.config,
          'data-dir': parsed.values['data-dir'],
          filter: parsed.values.filter,
          apply: parsed.values.apply,
          json: parsed.values.json === true,
        },
        { out, err, usage },
      );
    case 'update':
      return update(
        {
          source: parsed.values.source ?? parsed.positionals[0],
          package: parsed.values.package ?? 'core',
          sha256: parsed.values.sha256,
          checksums: parsed.values.checksums,
          dest: parsed.values.dest,
          dataDir: parsed.values['data-dir'],
          config: parsed.values.config,
          all: parsed.values.all === true,
          dryRun: parsed.values['dry-run'] === true,
          json: parsed.values.json === true,
        },
        { out, err, usage },
      );
    default:
      return usage(`unknown sub-command '${sub}'`);
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      placeholders: { type: 'string' },
      rules: { type: 'string', multiple: true },
      events: { type: 'string' },
      disable: { type: 'string', multiple: true },
      'all-matches': { type: 'boolean', default: false },
      stored: { type: 'boolean', default: false },
      from: { type: 'string' },
      to: { type: 'string' },
      agency: { type: 'string' },
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      expect: { type: 'string' },
      junit: { type: 'string' },
      rule: { type: 'string' },
      filter: { type: 'string' },
      apply: { type: 'string' },
      source: { type: 'string' },
      package: { type: 'string' },
      sha256: { type: 'string' },
      checksums: { type: 'string' },
      dest: { type: 'string' },
      all: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
  });
}

type Parsed = ReturnType<typeof parse>;

async function validate(p: Parsed): Promise<number> {
  const paths = [...(p.values.rules ?? []), ...p.positionals];
  if (paths.length === 0) return usage('validate needs at least one rule file or directory');
  const set = await loadRuleSet(paths, p.values.placeholders);
  if (p.values.json) {
    out(`${JSON.stringify({ loaded: set.loaded, rejected: set.rejected, errors: set.errors })}\n`);
    return 0;
  }
  for (const e of set.errors) out(`${describeProblem(e)}\n`);
  for (const w of set.warnings) out(`${describeProblem(w)} (warning)\n`);
  out(`${set.loaded} loaded, ${set.rejected} rejected, ${set.warnings.length} warnings\n`);
  return 0;
}

/** Logsource applicability honouring `logsource.categories` (an event may be in several categories). */
function appliesTo(rule: DetectionRule, ev: SigmaEvent): boolean {
  const ls = rule.logsource;
  const eq = (a: unknown, b: string): boolean => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
  if (ls.product !== undefined && !eq(ev['logsource.product'], ls.product)) return false;
  if (ls.service !== undefined && !eq(ev['logsource.service'], ls.service)) return false;
  if (ls.category !== undefined) {
    const cats = ev['logsource.categories'];
    const c = ls.category;
    if (!eq(ev['logsource.category'], c) && !(Array.isArray(cats) && cats.some((x) => eq(x, c)))) return false;
  }
  return true;
}

function reportEventProblem(file: string, pr: EventFileProblem): void {
  err(`${file}: byte ${pr.offset} (line ${pr.line}): ${pr.message}\n`);
}

async function test(p: Parsed): Promise<number> {
  const [ruleFile, eventsFile, ...extra] = p.positionals;
  if (!ruleFile || !eventsFile || extra.length) return usage('test needs <rule.yml> <events>');
  const set = await loadRuleSet([ruleFile], p.values.placeholders);
  for (const e of set.errors) err(`${describeProblem(e)}\n`);
  const rules = set.engine.rules;
  if (rules.length === 0) {
    err('canhgac rules test: no usable detection rule in that file\n');
    return 1;
  }
  let index = 0;
  let matchedEvents = 0;
  let skipped = 0;
  for await (const ev of readEventFile(eventsFile, {
    onProblem: (pr) => {
      skipped++;
      reportEventProblem(eventsFile, pr);
    },
  })) {
    const hits = new Set(matchEvent(set.engine, ev).map((m) => m.rule));
    let any = false;
    for (const rule of rules) {
      const applies = appliesTo(rule, ev);
      const x = explain(rule, ev, set.engine.filters);
      const matched = hits.has(rule);
      if (matched) any = true;
      if (p.values.json) {
        if (matched || x.searches.length) {
          out(
            `${JSON.stringify({ event: index, rule_id: rule.id, matched, logsource_applies: applies, searches: x.searches, filtered_by: x.filters })}\n`,
          );
        }
      } else if (matched) {
        out(`event ${index}: MATCH ${rule.title} (${rule.id}) by ${x.searches.join(', ') || '(condition)'}\n`);
      } else if (x.searches.length && applies) {
        const why = x.filters.length ? `excluded by filter ${x.filters.join(', ')}` : 'condition not met';
        out(`event ${index}: no match ${rule.title}: ${x.searches.join(', ')} held, ${why}\n`);
      }
    }
    if (any) matchedEvents++;
    index++;
  }
  err(`${matchedEvents} of ${index} events matched; ${skipped} records skipped\n`);
  return 0;
}

async function match(p: Parsed): Promise<number> {
  const rulePaths = [...(p.values.rules ?? []), ...p.positionals];
  const eventsFile = p.values.events;
  if (rulePaths.length === 0 || !eventsFile) return usage('match needs --rules <paths...> and --events <file>');
  const set = await loadRuleSet(rulePaths, p.values.placeholders);
  if (set.errors.length) err(`${set.errors.length} rule problems (run 'canhgac rules validate' for details)\n`);
  // Exactly what the service raises (detection/raise.ts): correlations run over the base matches in file order
  // (event time from @timestamp); a base rule a correlation references with generate: false raises nothing.
  const disabled = new Set(p.values.disable ?? []);
  const { raiser, problems } = alertRaiser(set, disabled);
  for (const pr of problems) err(`${describeProblem(pr)}\n`);
  const all = p.values['all-matches'] === true;
  let index = 0;
  let matches = 0;
  let alerts = 0;
  let correlationAlerts = 0;
  let skipped = 0;
  const perRule = new Map<string, number>();
  const started = process.hrtime.bigint();
  for await (const ev of readEventFile(eventsFile, {
    onProblem: (pr) => {
      skipped++;
      reportEventProblem(eventsFile, pr);
    },
  })) {
    const outcome = raiser.process(ev);
    matches += outcome.matches.length;
    for (const a of outcome.alerts) {
      alerts++;
      if (a.kind === 'correlation') correlationAlerts++;
      perRule.set(a.ruleId, (perRule.get(a.ruleId) ?? 0) + 1);
      out(describeAlert(index, ev, a, p.values.json === true));
    }
    if (all) {
      for (const m of outcome.silent) {
        const silent: RaisedAlert = { kind: 'rule', ruleId: m.id, title: m.title, level: m.level };
        out(describeAlert(index, ev, silent, p.values.json === true, false));
      }
    }
    index++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = {
    rules: set.loaded,
    rejected: set.rejected,
    events: index,
    skipped,
    matches,
    alerts,
    correlation_alerts: correlationAlerts,
    rules_alerting: perRule.size,
    seconds: Math.round(seconds * 1000) / 1000,
  };
  err(
    p.values.json
      ? `${JSON.stringify(summary)}\n`
      : `${alerts} alerts (${correlationAlerts} from correlations) of ${perRule.size} rules, ${matches} rule matches in ${index} events (${skipped} skipped, ${set.loaded} rules, ${summary.seconds} s)\n`,
  );
  return 0;
}

/** One output line: an alert the service raises, or (with --all-matches) a match that raises nothing. */
function describeAlert(index: number, ev: SigmaEvent, a: RaisedAlert, json: boolean, raised = true): string {
  const c = a.correlation;
  if (json) {
    const o: Record<string, unknown> = { event: index, rule_id: a.ruleId, rule_title: a.title, level: a.level ?? null };
    if (c) o.correlation = { type: c.type, group: c.group, value: c.value, count: c.count, rule_ids: c.ruleIds };
    if (!raised) o.raised = false;
    return `${JSON.stringify(o)}\n`;
  }
  const ts = typeof ev['@timestamp'] === 'string' ? ` ${ev['@timestamp']}` : '';
  if (c)
    return `event ${index}${ts}: CORRELATION [${a.level ?? '-'}] ${a.title} (${a.ruleId}) ${c.type} ${JSON.stringify(c.group)} = ${c.value}\n`;
  const note = raised ? '' : ' (no alert: referenced by a correlation with generate: false)';
  return `event ${index}${ts}: [${a.level ?? '-'}] ${a.title} (${a.ruleId})${note}\n`;
}
