/** Operations the web console needs beyond the resources: per-rule hit counts and false-positive rates. */
import { verdictOf } from '../../incidents/dispositions.js';
import type { Incident } from '../../incidents/types.js';
import type { Scope } from '../../store/types.js';
import type { Ctx, RouteDef } from '../context.js';

/** Most incidents read for the statistics (the answer says `truncated` when there were more). */
export const RULE_STATS_MAX_INCIDENTS = 200_000;

/** One rule's figures in the caller's scope. */
export interface RuleStat {
  ruleId: string;
  title: string;
  incidents: number;
  alerts: number;
  open: number;
  resolved: number;
  falsePositives: number;
  /** falsePositives / incidents (analysts' dispositions), 0 when there are none. */
  falsePositiveRate: number;
  lastSeen: number;
}

const OPEN = new Set(['new', 'acknowledged', 'in_progress']);

/** Per-rule figures in a scope: one grouped query where the store offers it, else every incident read and folded. */
export async function ruleStats(
  ctx: Pick<Ctx, 'svc'>,
  scope: Scope,
  since: number,
): Promise<{ items: RuleStat[]; scanned: number; truncated: boolean }> {
  const coll = ctx.svc.incidents.incidents;
  if (coll.groupStats) {
    const rows = await coll.groupStats(scope, {
      by: 'ruleId',
      split: 'state',
      sum: ['alertCount'],
      max: ['lastSeen'],
      first: ['title'],
      ...(since > 0 ? { since: { field: 'lastSeen', from: since } } : {}),
    });
    let scanned = 0;
    const items = rows.map((r) => {
      scanned += r.count;
      const open = [...OPEN].reduce((n, s) => n + (r.split[s] ?? 0), 0);
      const fp = r.split.false_positive ?? 0;
      return {
        ruleId: String(r.key),
        title: String(r.first.title ?? r.key),
        incidents: r.count,
        alerts: r.sum.alertCount ?? 0,
        open,
        resolved: r.split.resolved ?? 0,
        falsePositives: fp,
        falsePositiveRate: r.count ? fp / r.count : 0,
        lastSeen: r.max.lastSeen ?? 0,
      };
    });
    return { items: sortStats(items), scanned, truncated: false };
  }
  return scanStats(ctx, scope, since);
}

function sortStats(items: RuleStat[]): RuleStat[] {
  return items.sort((a, b) => b.alerts - a.alerts || a.ruleId.localeCompare(b.ruleId));
}

/** The figures from every incident of the scope (stores without groupStats). */
async function scanStats(ctx: Pick<Ctx, 'svc'>, scope: Scope, since: number) {
  const by = new Map<string, RuleStat>();
  let scanned = 0;
  let after: string | undefined;
  let truncated = false;
  do {
    const page = await ctx.svc.incidents.incidents.list(scope, { size: 1000, ...(after ? { after } : {}) });
    for (const i of page.docs as Incident[]) {
      scanned++;
      if (i.lastSeen < since) continue;
      let s = by.get(i.ruleId);
      if (!s) {
        s = {
          ruleId: i.ruleId,
          title: i.title,
          incidents: 0,
          alerts: 0,
          open: 0,
          resolved: 0,
          falsePositives: 0,
          falsePositiveRate: 0,
          lastSeen: 0,
        };
        by.set(i.ruleId, s);
      }
      s.incidents++;
      s.alerts += i.alertCount;
      if (OPEN.has(i.state)) s.open++;
      else if (i.state === 'resolved') s.resolved++;
      // The analyst's verdict when given (a resolved incident may be judged a false positive, too).
      if (verdictOf(i) === 'false_positive') s.falsePositives++;
      s.lastSeen = Math.max(s.lastSeen, i.lastSeen);
    }
    after = page.next;
    if (after && scanned >= RULE_STATS_MAX_INCIDENTS) {
      truncated = true;
      break;
    }
  } while (after);
  const items = [...by.values()].map((s) => ({
    ...s,
    falsePositiveRate: s.incidents ? s.falsePositives / s.incidents : 0,
  }));
  return { items: sortStats(items), scanned, truncated };
}

/** Routes of this file. */
export const consoleRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/rule-stats',
    operationId: 'ruleStats',
    handle: async (ctx) => {
      const since = typeof ctx.query.since === 'string' ? Date.parse(ctx.query.since) : 0;
      return { body: await ruleStats(ctx, ctx.scope, since) };
    },
  },
];
