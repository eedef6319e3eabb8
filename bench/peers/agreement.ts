/**
 * Match agreement between canhgac and rsigma on one pass over the same events: the (event, rule id) pairs each
 * raises, compared as sets. Events are numbered by their line in the file: canhgac reads the file with its event
 * reader (one event per line for NDJSON and syslog text), rsigma gets each JSON event with an added `PeerLine`
 * field (a name no rule uses) and returns it with --include-event; for syslog text rsigma's parsed event carries
 * the line's text, which is matched back to its line.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuleSet, matchEvent } from '../../cli/rules/common.js';
import { loadEventFile } from '../../cli/rules/events-file.js';

export interface Agreement {
  both: number;
  canhgac_only: number;
  rsigma_only: number;
  /** Pairs both raise over pairs either raises. */
  jaccard: number;
  /** The rules behind most one-sided pairs, for reading the difference. */
  top_canhgac_only: [string, number][];
  top_rsigma_only: [string, number][];
  note?: string;
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

/** canhgac's pairs `line\trule`; undefined when the reader gave a different number of events than lines. */
export async function pairsOfCanhgac(rules: string[], file: string): Promise<Set<string> | string> {
  const set = await loadRuleSet(rules);
  const { events } = await loadEventFile(file);
  const n = lines(file).length;
  if (events.length !== n) return `canhgac read ${events.length} events from ${n} lines: no line-by-line agreement`;
  const out = new Set<string>();
  events.forEach((e, i) => {
    for (const m of matchEvent(set.engine, e)) out.add(`${i}\t${m.id}`);
  });
  return out;
}

/** rsigma's pairs on one pass (no logsource routing: rsigma's own default). */
export function pairsOfRsigma(
  bin: string,
  rulesDir: string,
  file: string,
  json: boolean,
  dir: string,
): Set<string> | string {
  const src = lines(file);
  const input = join(dir, 'agreement-input');
  if (json)
    writeFileSync(
      input,
      src.map((l, i) => `${JSON.stringify({ ...(JSON.parse(l) as object), PeerLine: i })}\n`).join(''),
    );
  else writeFileSync(input, `${src.join('\n')}\n`);
  const args = ['engine', 'eval', '-r', rulesDir, '-e', `@${input}`, '--include-event'];
  if (!json) args.push('--input-format', 'syslog');
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 1) return `rsigma failed: ${(r.stderr ?? '').slice(-300)}`;
  const byText = new Map<string, number>();
  src.forEach((l, i) => {
    if (!byText.has(l)) byText.set(l, i);
  });
  const out = new Set<string>();
  let unplaced = 0;
  // rsigma writes matches in event order: a syslog match is placed on the first line at or after the previous
  // match's line that carries its text and has not yet had this rule (repeated lines each get their own).
  let cursor = 0;
  for (const l of (r.stdout ?? '').split('\n')) {
    if (!l.startsWith('{')) continue;
    const m = JSON.parse(l) as { rule_id?: string; rule_title: string; event?: Record<string, unknown> };
    if (!m.rule_id || !m.event) continue;
    let line: number | undefined;
    if (json) line = typeof m.event.PeerLine === 'number' ? m.event.PeerLine : undefined;
    else {
      // The syslog adapter keeps the original line (raw) or its message part (0.23: `_raw`): find the line.
      const raw = [m.event._raw, m.event.raw, m.event.original, m.event.message].find((v) => typeof v === 'string') as
        | string
        | undefined;
      line = raw === undefined ? undefined : placeLine(src, raw, cursor, (i) => out.has(`${i}\t${m.rule_id}`));
      if (line === undefined && raw !== undefined) line = byText.get(raw);
      if (line !== undefined) cursor = line;
    }
    if (line === undefined) unplaced++;
    else out.add(`${line}\t${m.rule_id}`);
  }
  if (unplaced > 0 && out.size === 0) return `rsigma's ${unplaced} matches could not be placed on lines`;
  return out;
}

/** The first line from `from` on that is or ends with `raw` and is not `taken`. */
function placeLine(src: string[], raw: string, from: number, taken: (i: number) => boolean): number | undefined {
  for (let i = from; i < src.length; i++) if ((src[i] === raw || src[i]!.endsWith(raw)) && !taken(i)) return i;
  return undefined;
}

function top(pairs: string[]): [string, number][] {
  const by = new Map<string, number>();
  for (const p of pairs) {
    const rule = p.split('\t')[1]!;
    by.set(rule, (by.get(rule) ?? 0) + 1);
  }
  return [...by].sort((a, b) => b[1] - a[1]).slice(0, 5);
}

/** Compares the two sets (either side may be a reason why it could not be computed). */
export async function agreement(
  a: Promise<Set<string> | string>,
  b: Set<string> | string,
): Promise<Agreement | { skipped: string }> {
  const c = await a;
  if (typeof c === 'string') return { skipped: c };
  if (typeof b === 'string') return { skipped: b };
  const onlyC = [...c].filter((p) => !b.has(p));
  const onlyR = [...b].filter((p) => !c.has(p));
  const both = c.size - onlyC.length;
  const union = both + onlyC.length + onlyR.length;
  return {
    both,
    canhgac_only: onlyC.length,
    rsigma_only: onlyR.length,
    jaccard: union === 0 ? 1 : Math.round((both / union) * 1000) / 1000,
    top_canhgac_only: top(onlyC),
    top_rsigma_only: top(onlyR),
  };
}
