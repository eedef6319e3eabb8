/**
 * The filter `canhgac rules tune` proposes: the fields every false-positive event shares (one value, or a few)
 * and no true-positive event has with those values, entities first, as a Sigma filter document (Sigma 2.1 meta
 * filter: its condition names what to leave out, the rule becomes `rule and not selection`) naming the tuned rule.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { LogSource, SigmaEvent } from '../../detection/sigma/model.js';

/** Fields tried first, in this order: who and what the false positives come from and go to. */
const ENTITY_FIELDS = [
  'source.ip',
  'c-ip',
  'client.ip',
  'SRC',
  'IpAddress',
  'user.name',
  'cs-user-agent',
  'user_agent.original',
  'cs-uri-stem',
  'url.original',
  'process.executable',
  'Image',
  'ParentImage',
  'CommandLine',
  'destination.ip',
  'destination.port',
  'host.name',
];

/** Fields that differ per event or describe the delivery, never a reason for a false positive. */
const VOLATILE = /^(@timestamp|event\.|message$|agency\.|log\.|observer\.|canhgac\.|logsource\.|source\.port$|tags$)/;

/** At most this many values of one field in a proposed selection. */
const MAX_VALUES = 5;
/** At most this many fields ANDed in a proposed selection (more is narrower, and safer). */
const MAX_FIELDS = 3;

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 0 && v.length <= 500 ? v : undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** One field of the proposal: the values all false-positive events have there. */
export interface ProposedField {
  field: string;
  values: string[];
}

/**
 * Picks the fields: present in every false-positive event, with at most MAX_VALUES values there, none of which any
 * true-positive event has in that field; entity fields first (then by fewest values). Empty when none qualifies.
 */
export function proposeFields(fp: readonly SigmaEvent[], tp: readonly SigmaEvent[]): ProposedField[] {
  if (fp.length === 0) return [];
  const candidates = new Set<string>();
  for (const k of Object.keys(fp[0]!)) if (!VOLATILE.test(k)) candidates.add(k);
  const out: Array<ProposedField & { rank: number }> = [];
  for (const field of candidates) {
    const values = new Set<string>();
    let ok = true;
    for (const e of fp) {
      const v = scalar(e[field]);
      if (v === undefined) {
        ok = false;
        break;
      }
      values.add(v);
      if (values.size > MAX_VALUES) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    if (tp.some((e) => values.has(scalar(e[field]) ?? '\u0000'))) continue;
    const entity = ENTITY_FIELDS.indexOf(field);
    // A field with one value in many events says more than one with five values in five events.
    out.push({ field, values: [...values].sort(), rank: (entity < 0 ? 100 : entity) * 10 + values.size });
  }
  out.sort((a, b) => a.rank - b.rank || a.field.localeCompare(b.field));
  // Entity fields when there are any; other fields only when no entity field qualifies.
  const entities = out.filter((f) => f.rank < 1000);
  return (entities.length ? entities : out).slice(0, MAX_FIELDS).map(({ field, values }) => ({ field, values }));
}

/** The filter document as YAML (a stable id from the rule and the selection, so a re-run proposes the same). */
export function filterYaml(
  rule: { id: string; title: string; logsource: LogSource },
  fields: readonly ProposedField[],
  why: { falsePositives: number; events: number; categories: string[] },
): { id: string; yaml: string } {
  const selection: Record<string, string | string[]> = {};
  for (const f of fields) selection[f.field] = f.values.length === 1 ? f.values[0]! : f.values;
  const hash = createHash('sha256')
    .update(JSON.stringify([rule.id, selection]))
    .digest('hex');
  const id = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-a${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
  const logsource = Object.fromEntries(
    (['product', 'category', 'service'] as const).filter((k) => rule.logsource[k]).map((k) => [k, rule.logsource[k]]),
  );
  const doc = {
    title: `Tuning: ${rule.title}`,
    id,
    status: 'experimental',
    description:
      `Proposed by canhgac rules tune from ${why.falsePositives} false-positive incidents (${why.events} events)` +
      `${why.categories.length ? `, judged ${why.categories.join(', ')}` : ''}; proven on stored events to hide no true-positive incident.`,
    date: new Date().toISOString().slice(0, 10),
    logsource,
    filter: { rules: [rule.id], selection, condition: 'selection' },
  };
  return { id, yaml: stringify(doc, { lineWidth: 0 }) };
}
