/**
 * `canhgac rules tune --rule ID`: proposes a Sigma filter from the events of a rule's false-positive incidents
 * (analysts' dispositions), proves on the stored events that it hides no true-positive incident (the alerts the
 * service would raise with and without it, detection/raise.ts), and writes it only with `--apply` after review.
 * A hand-edited filter is proven the same way with `--filter FILE`. Exit 0 proven (and applied when asked),
 * 3 refused (it would hide a true positive, or no filter could be proposed), 2 usage, 1 could not run.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../core/shared-data.js';
import { visibleText } from '../../core/text.js';
import { parseRuleText } from '../../detection/sigma/load.js';
import type { SigmaEvent } from '../../detection/sigma/model.js';
import { verdictOf } from '../../incidents/dispositions.js';
import type { Alert, AuditEntry, Incident } from '../../incidents/types.js';
import type { Io } from './backtest.js';
import { alertRaiser, describeProblem, loadRuleSet } from './common.js';
import { filterYaml, proposeFields } from './propose.js';
import { replayEvents } from './replay.js';

/** The options tune reads. */
export interface TuneArgs {
  rule?: string | undefined;
  rules: string[];
  from?: string | undefined;
  to?: string | undefined;
  agency?: string | undefined;
  config?: string | undefined;
  'data-dir'?: string | undefined;
  filter?: string | undefined;
  apply?: string | undefined;
  json: boolean;
}

const DAY = 86_400_000;

/** Per event id, the rule ids raising an alert that includes it (a correlation's alert includes its window). */
async function alertsByEvent(
  set: Awaited<ReturnType<typeof loadRuleSet>>,
  src: Parameters<typeof replayEvents>[0],
  ruleId: string,
): Promise<{ byEvent: Map<string, number>; alerts: number; events: number }> {
  const { raiser } = alertRaiser(set);
  const byEvent = new Map<string, number>();
  let alerts = 0;
  let events = 0;
  for await (const ev of replayEvents(src)) {
    events++;
    for (const a of raiser.process(ev).alerts) {
      if (a.ruleId !== ruleId && a.ruleName !== ruleId) continue;
      alerts++;
      const ids = a.correlation ? a.correlation.eventIds : [String(ev['event.id'])];
      for (const id of ids) byEvent.set(id, (byEvent.get(id) ?? 0) + 1);
    }
  }
  return { byEvent, alerts, events };
}

/** Runs `canhgac rules tune`; returns the exit code. */
export async function tune(a: TuneArgs, io: Io): Promise<number> {
  if (!a.rule) return io.usage('tune needs --rule <id>');
  const { loadConfig } = await import('../../core/config/load.js');
  const store = await import('../../store/index.js');
  const config = loadConfig({ ...(a.config ? { file: a.config } : {}), overrides: { dataDir: a['data-dir'] } });
  if (config.store?.kind !== 'opensearch' && !existsSync(store.sqlitePath(config.dataDir))) {
    io.err(`canhgac rules tune: no event store at ${store.sqlitePath(config.dataDir)} (check --data-dir)\n`);
    return 1;
  }
  const uploaded = join(config.dataDir, 'rules-uploaded');
  const rulePaths = a.rules.length
    ? a.rules
    : [
        join(projectRoot, 'rules', 'sigma'),
        ...config.rules.dirs,
        join(config.dataDir, 'rules-sigmahq'),
        uploaded,
      ].filter((p) => existsSync(p));
  const base = await loadRuleSet(rulePaths);
  const rule = base.engine.rules.find((r) => r.id === a.rule || r.name === a.rule);
  if (!rule) {
    io.err(`canhgac rules tune: no detection rule ${visibleText(a.rule)} in ${rulePaths.join(', ')}\n`);
    return 1;
  }
  const stores = await store.openStores(config, { retention: false });
  const scope = a.agency ? store.agencyScope(a.agency) : store.SCOPE_ALL;
  const incidents: Incident[] = [];
  const eventsOf = new Map<string, Set<string>>();
  const fpEvents: SigmaEvent[] = [];
  const tpEvents: SigmaEvent[] = [];
  const categories = new Set<string>();
  try {
    const col = stores.state.collection<Incident>('incidents');
    const alertCol = stores.state.collection<Alert>('alerts');
    for (let after: string | undefined, first = true; first || after; first = false) {
      const page = await col.list(scope, { filter: { ruleId: rule.id }, size: 1000, ...(after ? { after } : {}) });
      incidents.push(...page.docs);
      after = page.next;
    }
    for (const inc of incidents) {
      const ids = new Set(inc.eventIds);
      const alerts = await alertCol.list(scope, { filter: { incidentId: inc.id }, size: 1000 });
      for (const al of alerts.docs) for (const id of al.eventIds) ids.add(id);
      eventsOf.set(inc.id, ids);
      const verdict = verdictOf(inc);
      if (verdict !== 'false_positive' && verdict !== 'true_positive') continue;
      if (verdict === 'false_positive' && inc.disposition?.category) categories.add(inc.disposition.category);
      for (const id of ids) {
        const ev = await stores.events.get(scope, id);
        if (ev) (verdict === 'false_positive' ? fpEvents : tpEvents).push(ev as SigmaEvent);
      }
    }
    const fps = incidents.filter((i) => verdictOf(i) === 'false_positive');
    const tps = incidents.filter((i) => verdictOf(i) === 'true_positive');
    const report: Record<string, unknown> = {
      rule: { id: rule.id, title: rule.title },
      falsePositiveIncidents: fps.length,
      falsePositiveEvents: fpEvents.length,
      truePositiveIncidents: tps.length,
      unjudgedIncidents: incidents.length - fps.length - tps.length,
    };
    // The filter: the operator's (--filter) or the proposal.
    let filter: { id: string; yaml: string };
    if (a.filter) {
      const text = readFileSync(a.filter, 'utf8');
      const parsed = parseRuleText(text, a.filter);
      const doc = parsed.documents[0];
      const bad = parsed.problems.filter((p) => p.severity === 'error');
      for (const p of bad) io.err(`${describeProblem(p)}\n`);
      if (bad.length || !doc || doc.kind !== 'filter') {
        if (!bad.length) io.err(`${a.filter}: not a Sigma filter document\n`);
        return 1;
      }
      filter = { id: doc.id, yaml: text };
    } else {
      const fields = proposeFields(fpEvents, tpEvents);
      if (fields.length === 0) {
        const reason =
          fps.length === 0
            ? 'no incident of this rule is judged a false positive (set dispositions first)'
            : 'the false-positive events share no field value that the true positives lack';
        return refuse(io, a.json, { ...report, refused: reason });
      }
      filter = filterYaml(rule, fields, {
        falsePositives: fps.length,
        events: fpEvents.length,
        categories: [...categories],
      });
    }
    report.filter = filter.yaml;
    // The proof: every stored event of the window through the rule set without and with the filter.
    const firstSeen = Math.min(...incidents.map((i) => i.firstSeen), Date.now());
    const { storeSource } = await import('./replay.js');
    const src = storeSource({
      from: a.from ?? new Date(firstSeen - DAY).toISOString(),
      to: a.to,
      agency: a.agency,
      config: a.config,
      'data-dir': a['data-dir'],
    });
    if (typeof src === 'string') return io.usage(src);
    const withFilter = await loadRuleSet(rulePaths);
    const extra = parseRuleText(filter.yaml, a.filter ?? '(proposed filter)');
    const { Engine } = await import('../../detection/engine/index.js');
    withFilter.engine = new Engine([...withFilter.load.documents, ...extra.documents]);
    const before = await alertsByEvent(base, src, rule.id);
    const after = await alertsByEvent(withFilter, src, rule.id);
    const hidden = (inc: Incident) =>
      [...(eventsOf.get(inc.id) ?? [])].some((id) => before.byEvent.has(id) && !after.byEvent.has(id));
    const hiddenTp = tps.filter(hidden).map((i) => i.id);
    const hiddenFp = fps.filter(hidden).map((i) => i.id);
    const hiddenOther = incidents.filter((i) => verdictOf(i) === undefined || verdictOf(i) === 'benign').filter(hidden);
    report.proof = {
      from: new Date(src.kind === 'store' ? src.from : 0).toISOString(),
      to: new Date(src.kind === 'store' ? src.to : 0).toISOString(),
      events: before.events,
      alertsWithout: before.alerts,
      alertsWith: after.alerts,
      hiddenFalsePositives: hiddenFp,
      hiddenTruePositives: hiddenTp,
      hiddenOther: hiddenOther.map((i) => i.id),
    };
    if (hiddenTp.length > 0)
      return refuse(io, a.json, {
        ...report,
        refused: `the filter would hide ${hiddenTp.length} true-positive incidents`,
      });
    if (a.apply) {
      const target =
        existsSync(a.apply) && statSync(a.apply).isDirectory() ? join(a.apply, `tune-${filter.id}.yml`) : a.apply;
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, filter.yaml);
      report.applied = target;
      const { writeAudit } = await import('../../incidents/audit.js');
      await writeAudit(stores.state.collection<AuditEntry>('audit'), Date.now(), {
        actor: 'cli:rules-tune',
        action: 'rule.tune',
        collection: 'rules',
        targetId: rule.id,
        after: { filter: filter.id, file: target, hiddenFalsePositives: hiddenFp.length },
      });
    }
    out(io, a.json, report);
    return 0;
  } finally {
    await stores.close();
  }
}

function refuse(io: Io, json: boolean, report: Record<string, unknown>): number {
  out(io, json, report);
  return 3;
}

function out(io: Io, json: boolean, r: Record<string, unknown>): void {
  if (json) {
    io.out(`${JSON.stringify(r)}\n`);
    return;
  }
  const rule = r.rule as { id: string; title: string };
  const lines = [
    `Rule: ${visibleText(rule.title)} (${rule.id})`,
    `Incidents: ${r.falsePositiveIncidents} false positive (${r.falsePositiveEvents} events), ${r.truePositiveIncidents} true positive, ${r.unjudgedIncidents} other`,
  ];
  if (r.filter) lines.push('Filter:', '---', String(r.filter).trimEnd(), '---');
  const p = r.proof as Record<string, unknown> | undefined;
  if (p) {
    const n = (k: string) => (p[k] as string[]).length;
    lines.push(
      `Proof over ${p.events} stored events (${p.from} .. ${p.to}): ${p.alertsWithout} alerts of the rule without the filter, ${p.alertsWith} with it`,
      `Hidden: ${n('hiddenFalsePositives')} of ${r.falsePositiveIncidents} false-positive incidents, ${n('hiddenTruePositives')} true-positive, ${n('hiddenOther')} other (${(p.hiddenOther as string[]).join(', ') || 'none'})`,
    );
  }
  if (r.refused) lines.push(`REFUSED: ${r.refused}`);
  else if (r.applied) lines.push(`Applied: ${r.applied} (the service loads it with its rules)`);
  else lines.push('Review the filter, then run again with --apply <rules folder or file> to write it.');
  io.out(`${lines.join('\n')}\n`);
}
