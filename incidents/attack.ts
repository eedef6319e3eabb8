/**
 * What an incident shows of its attack (issue 15): its entities, the kill chain (one step per rule, in order of
 * first sight, with the rule's ATT&CK tactics, count and time span: a timeline of rules, not a list of identical
 * lines) and its risk: why it opened and through which entity each alert joined.
 */
import type { RiskVerdict } from './risk.js';
import { tacticsOf } from './risk.js';
import type { Alert, AttackStep, Incident } from './types.js';
import { SEVERITIES } from './types.js';

/** What the intake knows about an alert when it applies it to an incident. */
export interface AttackNote {
  /** The alert's joining entity keys (stop-values removed). */
  entities: readonly string[];
  /** The entity through which it joined an existing incident. */
  via?: string;
  /** Its risk verdict (why an incident opened). */
  risk?: RiskVerdict;
  /** Entities an incident holds at most. */
  maxEntities: number;
}

const MAX_STEPS = 40;

/** Merges one alert into the incident's entities, kill chain and risk (in place, on the next version). */
export function mergeAttack(next: Incident, alert: Alert, note: AttackNote | undefined, prev?: Incident): void {
  const created = prev === undefined;
  if (!note) return;
  const ents = next.entities ? [...next.entities] : [];
  let dropped = next.entitiesDropped ?? 0;
  for (const k of note.entities) {
    if (ents.includes(k)) continue;
    if (ents.length >= note.maxEntities) dropped++;
    else ents.push(k);
  }
  next.entities = ents;
  if (dropped > 0) next.entitiesDropped = dropped;
  const chain = next.chain ? next.chain.map((s) => ({ ...s })) : [];
  const step = chain.find((s) => s.ruleId === alert.ruleId);
  if (step) {
    step.count += 1;
    step.firstTs = Math.min(step.firstTs, alert.ts);
    step.lastTs = Math.max(step.lastTs, alert.ts);
    // A rule's alerts may differ in level (asset weighing): the step shows its highest, whatever came first.
    if (SEVERITIES.indexOf(alert.level) > SEVERITIES.indexOf(step.level)) step.level = alert.level;
  } else if (chain.length < MAX_STEPS) {
    chain.push({
      ruleId: alert.ruleId,
      ruleTitle: alert.ruleTitle,
      level: alert.level,
      kind: alert.kind,
      tactics: tacticsOf(alert.tags),
      count: 1,
      firstTs: alert.ts,
      lastTs: alert.ts,
      ...(note.via ? { via: note.via } : {}),
    });
  }
  chain.sort(byTime);
  next.chain = chain;
  // The ATT&CK panel shows every technique and tactic the attack's rules carry, not only the first rule's.
  const tags = alert.tags.filter((t) => t.toLowerCase().startsWith('attack.'));
  if (prev) next.attack = [...new Set([...(next.attack ?? []), ...tags])];
  // Named after its most severe rule; on a tie it keeps the name it opened (and was notified) with.
  if (prev && SEVERITIES.indexOf(alert.level) > SEVERITIES.indexOf(prev.severity)) {
    next.title = alert.ruleTitle;
    next.ruleId = alert.ruleId;
  }
  if (note.risk && (created || !next.risk || note.risk.score > next.risk.score)) {
    const r = note.risk;
    next.risk = {
      entity: r.entity,
      score: r.score,
      rules: r.rules,
      tactics: r.tactics,
      ...(r.reason ? { reason: r.reason } : {}),
      contributions: r.contributions.map((c) => ({ ...c })),
    };
  }
}

const byTime = (a: AttackStep, b: AttackStep) => a.firstTs - b.firstTs || (a.ruleId < b.ruleId ? -1 : 1);

/** Two kill chains as one (merged incidents): a rule's steps add up; in time order, bounded. */
export function mergeChains(a: readonly AttackStep[], b: readonly AttackStep[]): AttackStep[] {
  const out = a.map((s) => ({ ...s, tactics: [...s.tactics] }));
  for (const t of b) {
    const s = out.find((x) => x.ruleId === t.ruleId);
    if (!s) {
      out.push({ ...t, tactics: [...t.tactics] });
      continue;
    }
    s.count += t.count;
    if (t.firstTs < s.firstTs && t.via === undefined) delete s.via;
    else if (t.firstTs < s.firstTs && t.via !== undefined) s.via = t.via;
    s.firstTs = Math.min(s.firstTs, t.firstTs);
    s.lastTs = Math.max(s.lastTs, t.lastTs);
    if (SEVERITIES.indexOf(t.level) > SEVERITIES.indexOf(s.level)) s.level = t.level;
  }
  return out.sort(byTime).slice(0, MAX_STEPS);
}
