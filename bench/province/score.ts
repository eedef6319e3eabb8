/**
 * Scores what the service raised against the ground truth. An alert belongs to an attack when it is of the
 * attack's agency, on its host (host names compared on their first label, case-insensitively; an alert without a
 * host is compared on the agency alone), its time falls in [attack start - 1 min, attack end + 10 min]
 * (correlations fire at the end of their window), and one of its events holds one of the attack's indicators
 * (its address, or the account it uses or makes): background on the same host at the same time is not counted
 * as the attack's. An incident is an attack's when any of its alerts belongs to
 * the attack; an incident none of whose alerts belongs to any attack is a false incident. Silent-host alerts are
 * left out (the bench stops sending at the end).
 */
import { type Attack, EXPECTED } from './attacks.js';

/** The fields of an alert the score reads (GET /api/v1/alerts). */
export interface AlertView {
  id: string;
  kind: string;
  ruleId: string;
  ruleTitle: string;
  agencyId: string;
  host?: string;
  ts: number;
  incidentId?: string;
  suppressedBy?: string;
  eventIds: string[];
  fields?: Record<string, unknown>;
}

/** The fields of an incident the score reads (GET /api/v1/incidents). */
export interface IncidentView {
  id: string;
  title: string;
  ruleId: string;
  agencyId: string;
  host?: string;
}

/** Rule id -> name, to report the pack's names. */
export type RuleNames = Map<string, string>;

/** The figures the bench prints. */
export interface Score {
  attacks: number;
  raised: number;
  recall: number;
  covered: number;
  coveredRaised: number;
  coveredRecall: number;
  incidents: number;
  attackIncidents: number;
  incidentsPerAttack: number;
  falseIncidents: number;
  backgroundEvents: number;
  falsePer100k: number;
  simulatedDays: number;
  analystMinutesPerDay: number;
  falseByRule: Record<string, number>;
  perAttack: {
    index: number;
    kind: string;
    agency: string;
    host: string;
    attacker: string;
    raised: boolean;
    incidents: number;
    rules: string[];
    missingExpected: string[];
  }[];
}

const SLACK_BEFORE = 60_000;
const SLACK_AFTER = 600_000;
const short = (h: string | undefined) => (h ?? '').split('.')[0]!.toLowerCase();

/** The attacks an alert could belong to by agency, host and time (before looking at its events). */
export function candidates(alert: AlertView, attacks: readonly Attack[]): Attack[] {
  return attacks.filter(
    (a) =>
      alert.agencyId === a.agencyId &&
      (alert.host === undefined || short(alert.host) === short(a.host)) &&
      alert.ts >= a.start - SLACK_BEFORE &&
      alert.ts <= a.end + SLACK_AFTER,
  );
}

/** Which attack an alert belongs to (index), or -1; `text` is its events' text (JSON of the stored events). */
export function attribute(alert: AlertView, attacks: readonly Attack[], text: string): number {
  for (const a of candidates(alert, attacks)) if (a.indicators.some((i) => text.includes(i))) return a.index;
  return -1;
}

/** The bench's figures from the alerts and incidents read back. */
export function score(
  attacks: readonly Attack[],
  alerts: readonly AlertView[],
  incidents: readonly IncidentView[],
  names: RuleNames,
  /** Alert id -> the text of its events (only alerts with candidates need one). */
  texts: ReadonlyMap<string, string>,
  backgroundEvents: number,
  simulatedMs: number,
  coveredKinds: ReadonlySet<string>,
): Score {
  const byAttack = attacks.map(() => ({ incidents: new Set<string>(), rules: new Set<string>() }));
  const attackIncidents = new Set<string>();
  // Incidents of rule alerts (silent-host incidents are left out).
  const ids = new Set<string>();
  for (const al of alerts) if (al.kind !== 'silent_host' && al.incidentId) ids.add(al.incidentId);
  const counted = incidents.filter((i) => ids.has(i.id));
  for (const al of alerts) {
    if (al.kind === 'silent_host' || al.suppressedBy || !al.incidentId) continue;
    const k = attribute(al, attacks, texts.get(al.id) ?? '');
    if (k < 0) continue;
    byAttack[k]!.incidents.add(al.incidentId);
    byAttack[k]!.rules.add(names.get(al.ruleId) ?? al.ruleId);
    attackIncidents.add(al.incidentId);
  }
  const falseByRule: Record<string, number> = {};
  for (const i of counted) {
    if (attackIncidents.has(i.id)) continue;
    const n = names.get(i.ruleId) ?? i.ruleId;
    falseByRule[n] = (falseByRule[n] ?? 0) + 1;
  }
  const falseIncidents = counted.length - attackIncidents.size;
  const raised = byAttack.filter((b) => b.incidents.size > 0).length;
  const covered = attacks.filter((a) => coveredKinds.has(a.kind));
  const coveredRaised = covered.filter((a) => byAttack[a.index]!.incidents.size > 0).length;
  const days = simulatedMs / 86_400_000;
  const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    attacks: attacks.length,
    raised,
    recall: attacks.length ? round(raised / attacks.length, 4) : 1,
    covered: covered.length,
    coveredRaised,
    coveredRecall: covered.length ? round(coveredRaised / covered.length, 4) : 1,
    incidents: counted.length,
    attackIncidents: attackIncidents.size,
    incidentsPerAttack: raised ? round(byAttack.reduce((s, b) => s + b.incidents.size, 0) / raised) : 0,
    falseIncidents,
    backgroundEvents,
    falsePer100k: backgroundEvents ? round((falseIncidents * 100_000) / backgroundEvents) : 0,
    simulatedDays: round(days, 3),
    analystMinutesPerDay: days > 0 ? round((counted.length * 3) / days, 1) : 0,
    falseByRule,
    perAttack: attacks.map((a) => ({
      index: a.index,
      kind: a.kind,
      agency: a.agencyId,
      host: a.host,
      attacker: a.attacker,
      raised: byAttack[a.index]!.incidents.size > 0,
      incidents: byAttack[a.index]!.incidents.size,
      rules: [...byAttack[a.index]!.rules].sort(),
      missingExpected: EXPECTED[a.kind].filter((r) => !byAttack[a.index]!.rules.has(r)),
    })),
  };
}
