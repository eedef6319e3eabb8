/**
 * The ATT&CK matrix: for each tactic (kill-chain order) the techniques the rules name, whether an enabled rule
 * covers them, and the hits (incidents, alerts, open incidents) of their rules over a period in the caller's scope
 * (an agency account: its own agency; a province account may name one agency). Technique names come from the
 * glossary's functions (core/glossary.ts), never from its data directly.
 */
import { TACTIC_TERMS, technique, techniqueId } from '../../core/glossary.js';
import { agencyScope } from '../../store/types.js';
import { can } from '../auth/roles.js';
import type { RouteDef } from '../context.js';
import { ruleStats } from './console.js';

const DAY = 86_400_000;

/** One technique cell of the matrix. */
export interface TechniqueCell {
  id: string;
  name: { vi: string; en: string };
  /** Enabled rules that name it, and all rules that do. */
  enabledRules: number;
  rules: number;
  /** The rules (for callers who may read rules). */
  ruleList?: { id: string; title: string; enabled: boolean }[];
  incidents: number;
  alerts: number;
  open: number;
}

/** Routes of this file. */
export const attackRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/attack-matrix',
    operationId: 'attackMatrix',
    handle: async (ctx) => {
      const days = typeof ctx.query.days === 'number' ? ctx.query.days : 30;
      const since = Date.now() - days * DAY;
      // A province account may look at one agency; an agency account is held to its own scope whatever it asks.
      const asked = typeof ctx.query.agencyId === 'string' ? ctx.query.agencyId : undefined;
      const scope = ctx.scope.kind === 'all' && asked ? agencyScope(asked) : ctx.scope;
      const [rules, stats] = await Promise.all([ctx.svc.rules.list(), ruleStats(ctx, scope, since)]);
      const byRule = new Map(stats.items.map((s) => [s.ruleId, s]));
      const showRules = ctx.principal !== undefined && can(ctx.principal, 'rules.read');
      const cells = new Map<string, TechniqueCell>();
      const tacticsOf = new Map<string, Set<string>>();
      for (const r of rules) {
        const tags = r.tags.filter((t) => /^attack\./i.test(t)).map((t) => t.slice(7));
        const ruleTactics = tags.map((t) => t.toLowerCase().replace(/_/g, '-')).filter((t) => t in TACTIC_TERMS);
        for (const tag of tags) {
          const id = techniqueId(tag);
          const known = id ? technique(id) : undefined;
          if (!id || !known) continue;
          let cell = cells.get(id);
          if (!cell) {
            cell = {
              id,
              name: {
                vi: known.parent ? `${known.parent.vi}: ${known.vi}` : known.vi,
                en: known.parent ? `${known.parent.en}: ${known.en}` : known.en,
              },
              enabledRules: 0,
              rules: 0,
              ...(showRules ? { ruleList: [] } : {}),
              incidents: 0,
              alerts: 0,
              open: 0,
            };
            cells.set(id, cell);
            tacticsOf.set(id, new Set());
          }
          // The technique's tactics that the rule names, else all of the technique's ATT&CK tactics.
          const mine = known.tactics.filter((t) => ruleTactics.includes(t));
          for (const t of mine.length ? mine : known.tactics) tacticsOf.get(id)!.add(t);
          cell.rules++;
          if (r.enabled) cell.enabledRules++;
          cell.ruleList?.push({ id: r.id, title: r.title, enabled: r.enabled });
          const s = byRule.get(r.id);
          if (s) {
            cell.incidents += s.incidents;
            cell.alerts += s.alerts;
            cell.open += s.open;
          }
        }
      }
      const tactics = Object.entries(TACTIC_TERMS).map(([key, term]) => ({
        id: key,
        ta: term.id,
        name: { vi: term.vi, en: term.en },
        techniques: [...cells.values()]
          .filter((c) => tacticsOf.get(c.id)!.has(key))
          .sort((a, b) => b.alerts - a.alerts || a.id.localeCompare(b.id)),
      }));
      const all = [...cells.values()];
      return {
        body: {
          window: { from: since, days },
          ...(scope.kind === 'agency' ? { agencyId: scope.agencyId } : {}),
          techniques: all.length,
          covered: all.filter((c) => c.enabledRules > 0).length,
          hit: all.filter((c) => c.incidents > 0).length,
          rulesEnabled: rules.filter((r) => r.enabled).length,
          tactics,
        },
      };
    },
  },
];
