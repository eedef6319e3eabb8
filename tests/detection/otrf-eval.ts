/**
 * The OTRF detection evaluation: every Security-Datasets set under ../shared/corpus/otrf is normalised and run
 * through the engine with all SigmaHQ rules; for the ATT&CK techniques its metadata names, we ask whether a rule
 * tagged with that technique fired, and whether SigmaHQ has any such rule for the set's log sources at all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { matchEvent } from '../../cli/rules/common.js';
import { loadEventFile } from '../../cli/rules/events-file.js';
import type { Engine } from '../../detection/engine/index.js';
import type { DetectionRule, SigmaEvent } from '../../detection/sigma/model.js';

/** One rule that fired on a dataset. */
export interface FiredRule {
  id: string;
  title: string;
  level: string;
  events: number;
  tagged: boolean;
  /** Where the matching events came from (`Security 4688`, `Sysmon 1`, `auditd`, ...). */
  via: string[];
}

/** The outcome for one dataset. */
export interface DatasetResult {
  name: string;
  techniques: string[];
  events: number;
  problems: number;
  logsources: string[];
  fired: FiredRule[];
  /** Rules tagged with the technique whose logsource fits at least one event of the set. */
  candidates: number;
  /** Tagged rules that fired. */
  detectedBy: string[];
}

/** `t1218.005` style ids from the dataset metadata's attack_mappings. */
export function datasetTechniques(meta: unknown): string[] {
  const out: string[] = [];
  const maps = (meta as { attack_mappings?: unknown })?.attack_mappings;
  if (!Array.isArray(maps)) return out;
  for (const m of maps as Array<Record<string, unknown>>) {
    const t = typeof m.technique === 'string' ? m.technique.toLowerCase() : undefined;
    if (!t) continue;
    const sub = m['sub-technique'];
    out.push(sub === undefined || sub === null || sub === '' ? t : `${t}.${String(sub).padStart(3, '0')}`);
  }
  return out;
}

/** ATT&CK technique ids a rule is tagged with (`attack.t1059.001` -> `t1059.001`). */
export function ruleTechniques(rule: DetectionRule): string[] {
  return rule.tags
    .map((t) => t.toLowerCase())
    .filter((t) => /^attack\.t\d{4}(\.\d{3})?$/.test(t))
    .map((t) => t.slice(7));
}

/** Same technique, or one is a sub-technique of the other (a T1218 rule counts for T1218.005 and back). */
export function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

function lsKey(e: SigmaEvent): string {
  const cats = Array.isArray(e['logsource.categories']) ? (e['logsource.categories'] as string[]) : [];
  return [e['logsource.product'], e['logsource.service'], cats.join('+')].map((x) => x ?? '').join('/');
}

function fits(rule: DetectionRule, product: unknown, service: unknown, cats: readonly string[]): boolean {
  const ls = rule.logsource;
  const eq = (a: unknown, b: string): boolean => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
  if (ls.product !== undefined && !eq(product, ls.product)) return false;
  if (ls.service !== undefined && !eq(service, ls.service)) return false;
  if (ls.category !== undefined && !cats.some((c) => eq(c, ls.category!))) return false;
  return true;
}

/** A short name of where an event came from, for the report. */
function sourceName(ev: SigmaEvent): string {
  const ch = typeof ev.Channel === 'string' ? ev.Channel : undefined;
  if (ch === undefined) return String(ev['logsource.service'] ?? ev['logsource.category'] ?? ev['logsource.product']);
  const short = ch.replace(/^Microsoft-Windows-/, '').replace(/\/Operational$/, '');
  return ev.EventID === undefined ? short : `${short} ${String(ev.EventID)}`;
}

/** The dataset folders (each with one metadata YAML and one event file). */
export function listDatasets(otrfDir: string): Array<{ name: string; meta: string; events: string }> {
  const out: Array<{ name: string; meta: string; events: string }> = [];
  for (const name of readdirSync(otrfDir, { withFileTypes: true })) {
    if (!name.isDirectory()) continue;
    const files = readdirSync(join(otrfDir, name.name));
    const meta = files.find((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
    const events = files.find((f) => f.endsWith('.json') || f.endsWith('.log'));
    if (meta && events)
      out.push({ name: name.name, meta: join(otrfDir, name.name, meta), events: join(otrfDir, name.name, events) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Runs one dataset through the engine. */
export async function evaluateDataset(
  engine: Engine,
  ds: { name: string; meta: string; events: string },
): Promise<DatasetResult> {
  const techniques = datasetTechniques(parseYaml(readFileSync(ds.meta, 'utf8')));
  const { events, problems } = await loadEventFile(ds.events);
  const fired = new Map<string, FiredRule>();
  const sources = new Map<string, { product: unknown; service: unknown; cats: string[] }>();
  for (const ev of events) {
    const k = lsKey(ev);
    if (!sources.has(k)) {
      const cats = Array.isArray(ev['logsource.categories']) ? (ev['logsource.categories'] as string[]) : [];
      sources.set(k, { product: ev['logsource.product'], service: ev['logsource.service'], cats });
    }
    for (const m of matchEvent(engine, ev)) {
      let f = fired.get(m.id);
      if (!f) {
        const tagged = ruleTechniques(m.rule).some((t) => techniques.some((d) => related(d, t)));
        f = { id: m.id, title: m.title, level: m.level ?? '-', events: 0, tagged, via: [] };
        fired.set(m.id, f);
      }
      f.events++;
      const src = sourceName(ev);
      if (!f.via.includes(src)) f.via.push(src);
    }
  }
  let candidates = 0;
  for (const rule of engine.rules) {
    if (!ruleTechniques(rule).some((t) => techniques.some((d) => related(d, t)))) continue;
    for (const s of sources.values()) {
      if (fits(rule, s.product, s.service, s.cats)) {
        candidates++;
        break;
      }
    }
  }
  const list = [...fired.values()].sort(
    (a, b) => Number(b.tagged) - Number(a.tagged) || a.title.localeCompare(b.title),
  );
  return {
    name: ds.name,
    techniques,
    events: events.length,
    problems: problems.length,
    logsources: [...sources.keys()].sort(),
    fired: list,
    candidates,
    detectedBy: list.filter((f) => f.tagged).map((f) => f.title),
  };
}

/** Datasets whose technique no SigmaHQ rule tagged with it detects, though tagged rules exist for the log source. */
export const KNOWN_GAPS: Readonly<Record<string, { reason: string; caughtBy: string[] }>> = {
  empire_launcher_vbs: {
    reason:
      'the T1059.005 rules for process_creation target unusual script hosts, extensions or parents; a plain ' +
      '`wscript.exe launcher.vbs` from a user folder matches none. The attack is still caught through its PowerShell stage.',
    caughtBy: [
      'Suspicious PowerShell Invocation From Script Engines',
      'HackTool - Empire PowerShell Launch Parameters',
    ],
  },
  syslog_sysmon_log4shell_cve2021_44228_jndi_reference: {
    reason:
      'the linux rules tagged T1190/T1203 are for OMIGOD, rsync and curl/wget-to-/tmp; none is for a JNDI lookup. ' +
      'The exploitation is still caught through its Java child shell and the reverse shell.',
    caughtBy: ['Suspicious Java Children Processes', 'Linux Reverse Shell Indicator'],
  },
};

/** docs/otrf-detections.md from the results. */
export function renderReport(results: readonly DatasetResult[], rules: number): string {
  const lines: string[] = [
    '# OTRF Security-Datasets: which SigmaHQ rules fire',
    '',
    'Generated by `tests/detection/otrf.test.ts` (run it with `CANHGAC_WRITE_OTRF_DOC=1`, then `npx biome format --write` this page, to refresh it):',
    `every dataset under ../shared/corpus/otrf is read by the event file reader, normalised, and matched by the`,
    `engine against all ${rules} SigmaHQ rules of ../shared/sigma/rules. "Technique" is the ATT&CK technique named in`,
    'the dataset metadata; a rule counts for it when tagged with it, its parent or one of its sub-techniques.',
    '"Candidates" are the rules tagged with the technique whose logsource fits at least one event of the dataset.',
    '',
    '| dataset | technique | events | candidates | detected by a tagged rule |',
    '|---|---|---:|---:|---|',
  ];
  for (const r of results) {
    const verdict = r.detectedBy.length
      ? `yes (${r.detectedBy.length})`
      : r.candidates === 0
        ? 'no tagged SigmaHQ rule for these log sources'
        : 'no (see below)';
    lines.push(`| ${r.name} | ${r.techniques.join(', ').toUpperCase()} | ${r.events} | ${r.candidates} | ${verdict} |`);
  }
  const none = results.filter((r) => r.candidates === 0);
  lines.push('', '## Datasets where SigmaHQ has no rule tagged with the technique for their log sources', '');
  lines.push(
    none.length ? none.map((r) => `- ${r.name} (${r.techniques.join(', ').toUpperCase()})`).join('\n') : '- none',
  );
  lines.push('', '## Known gaps (tagged rules exist for the log source, none fires)', '');
  for (const [name, g] of Object.entries(KNOWN_GAPS)) {
    lines.push(`- **${name}**: ${g.reason} Caught by: ${g.caughtBy.join('; ')}.`);
  }
  lines.push(
    '',
    '## Rules that fired, per dataset',
    '',
    '`*` marks rules tagged with the dataset technique; xN is the number of events, "via" where they came from (Security 4688 events reach process_creation rules through rules/pipelines/windows-security-4688.yml).',
    '',
  );
  for (const r of results) {
    lines.push(`### ${r.name}`, '', `Log sources seen: ${r.logsources.map((l) => `\`${l}\``).join(', ')}`, '');
    for (const f of r.fired) {
      lines.push(
        `- ${f.tagged ? '\\* ' : ''}${f.title} [${f.level}] x${f.events} via ${f.via.join(', ')} (\`${f.id}\`)`,
      );
    }
    if (r.fired.length === 0) lines.push('- none');
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
