/** Operations the web console needs beyond the resources: per-rule hit counts and false-positive rates. */
import { verdictOf } from '../../incidents/dispositions.js';
import type { Incident } from '../../incidents/types.js';
import type { RouteDef } from '../context.js';

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

/** Routes of this file. */
export const consoleRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/rule-stats',
    operationId: 'ruleStats',
    handle: async ({ svc, scope, query }) => {
      const since = typeof query.since === 'string' ? Date.parse(query.since) : 0;
      const by = new Map<string, RuleStat>();
      let scanned = 0;
      let after: string | undefined;
      let truncated = false;
      do {
        const page = await svc.incidents.incidents.list(scope, { size: 1000, ...(after ? { after } : {}) });
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
      const items = [...by.values()]
        .map((s) => ({ ...s, falsePositiveRate: s.incidents ? s.falsePositives / s.incidents : 0 }))
        .sort((a, b) => b.alerts - a.alerts || a.ruleId.localeCompare(b.ruleId));
      return { body: { items, scanned, truncated } };
    },
  },
];
