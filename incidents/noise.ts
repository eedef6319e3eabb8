/**
 * The noise report: per rule and agency, how many incidents a rule opened, how analysts judged them (true
 * positive, benign, false positive), the false-positive ratio and the analyst minutes they cost, noisiest first.
 * Read by GET /api/v1/noise, the console's noise page and the weekly report's tuning section.
 */
import type { Collection, Scope } from '../store/types.js';
import { verdictOf } from './dispositions.js';
import type { Incident, Verdict } from './types.js';

/** Minutes counted for an incident whose disposition gives none (the province simulator's figure). */
export const DEFAULT_MINUTES_PER_INCIDENT = 3;

/** Most incidents read (the answer says `truncated` when there were more). */
export const NOISE_MAX_INCIDENTS = 200_000;

/** One rule in one agency. */
export interface NoiseRow {
  ruleId: string;
  title: string;
  agencyId: string;
  incidents: number;
  alerts: number;
  /** Incidents with a verdict (a disposition, or closed as false positive). */
  judged: number;
  truePositives: number;
  benign: number;
  falsePositives: number;
  /** falsePositives / judged (0 when nothing is judged). */
  falsePositiveRatio: number;
  /** Analyst minutes: the dispositions' minutes, else DEFAULT_MINUTES_PER_INCIDENT per incident. */
  minutes: number;
  /** Minutes spent on benign and false-positive incidents: what tuning the rule could give back. */
  wastedMinutes: number;
  /** False-positive and benign categories with their counts, most frequent first. */
  categories: Array<{ category: string; count: number }>;
}

/** The report over a period. */
export interface NoiseReport {
  from: number;
  to: number;
  rows: NoiseRow[];
  totals: Omit<NoiseRow, 'ruleId' | 'title' | 'agencyId' | 'categories'>;
  scanned: number;
  truncated: boolean;
}

function emptyCounts() {
  return {
    incidents: 0,
    alerts: 0,
    judged: 0,
    truePositives: 0,
    benign: 0,
    falsePositives: 0,
    falsePositiveRatio: 0,
    minutes: 0,
    wastedMinutes: 0,
  };
}

function add(into: ReturnType<typeof emptyCounts>, inc: Incident, verdict: Verdict | undefined, minutes: number): void {
  into.incidents++;
  into.alerts += inc.alertCount;
  into.minutes += minutes;
  if (verdict === undefined) return;
  into.judged++;
  if (verdict === 'true_positive') into.truePositives++;
  else {
    into.wastedMinutes += minutes;
    if (verdict === 'benign') into.benign++;
    else into.falsePositives++;
  }
}

/** Counts incidents into the report's rows (incremental: pages of a listing, or a list already read). */
export class NoiseTally {
  private readonly rows = new Map<string, NoiseRow & { cats: Map<string, number> }>();
  private readonly totals = emptyCounts();

  constructor(private readonly period: { from: number; to: number }) {}

  /** Counts an incident when it was last seen in the period. */
  add(inc: Incident): void {
    if (inc.lastSeen < this.period.from || inc.lastSeen >= this.period.to) return;
    const key = `${inc.ruleId}\u0000${inc.agencyId}`;
    let row = this.rows.get(key);
    if (!row) {
      row = {
        ruleId: inc.ruleId,
        title: inc.title,
        agencyId: inc.agencyId,
        ...emptyCounts(),
        categories: [],
        cats: new Map(),
      };
      this.rows.set(key, row);
    }
    const verdict = verdictOf(inc);
    const minutes = inc.disposition?.minutes ?? DEFAULT_MINUTES_PER_INCIDENT;
    add(row, inc, verdict, minutes);
    add(this.totals, inc, verdict, minutes);
    const cat = inc.disposition?.category ?? (verdict === 'false_positive' ? inc.closure?.category : undefined);
    if (cat && verdict !== 'true_positive') row.cats.set(cat, (row.cats.get(cat) ?? 0) + 1);
  }

  /** The report: rows noisiest first (at most `limit`), totals over every row. */
  result(scanned: number, truncated: boolean, limit?: number): NoiseReport {
    const ratio = (fp: number, judged: number) => (judged ? Math.round((fp / judged) * 1000) / 1000 : 0);
    const list = [...this.rows.values()]
      .map(({ cats, ...r }) => ({
        ...r,
        falsePositiveRatio: ratio(r.falsePositives, r.judged),
        categories: [...cats].map(([category, count]) => ({ category, count })).sort((a, b) => b.count - a.count),
      }))
      .sort(
        (a, b) =>
          b.wastedMinutes - a.wastedMinutes ||
          b.incidents - a.incidents ||
          a.ruleId.localeCompare(b.ruleId) ||
          a.agencyId.localeCompare(b.agencyId),
      );
    return {
      from: this.period.from,
      to: this.period.to,
      rows: limit ? list.slice(0, limit) : list,
      totals: { ...this.totals, falsePositiveRatio: ratio(this.totals.falsePositives, this.totals.judged) },
      scanned,
      truncated,
    };
  }
}

/** Builds the noise report over incidents last seen in [from, to) in the caller's scope. */
export async function noiseReport(
  incidents: Collection<Incident>,
  scope: Scope,
  opts: { from: number; to: number; agencyId?: string | undefined; limit?: number; maxIncidents?: number },
): Promise<NoiseReport> {
  const tally = new NoiseTally(opts);
  const max = opts.maxIncidents ?? NOISE_MAX_INCIDENTS;
  let scanned = 0;
  let truncated = false;
  let after: string | undefined;
  do {
    const page = await incidents.list(scope, {
      size: 1000,
      ...(opts.agencyId ? { filter: { agencyId: opts.agencyId } } : {}),
      ...(after ? { after } : {}),
    });
    for (const inc of page.docs) {
      scanned++;
      tally.add(inc);
    }
    after = page.next;
    if (after && scanned >= max) {
      truncated = true;
      break;
    }
  } while (after);
  return tally.result(scanned, truncated, opts.limit);
}
