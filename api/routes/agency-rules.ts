/**
 * Per-agency switches of the SigmaHQ rules `canhgac rules update` installed (detection/agency-rules.ts): an
 * agency's admin or an analyst lists them with their state for one agency and switches some (or all) off or on
 * for that agency only. Audited per change, applied at the pipeline's next reload, which the change signals (no
 * restart). An agency-bound caller sees and changes its own agency only (another agency looks absent).
 */
import { AGENCY_RULES, type AgencyRuleState } from '../../detection/agency-rules.js';
import { isStoreConflict } from '../../store/errors.js';
import { type Ctx, paging, type RouteDef } from '../context.js';
import { apiError } from '../errors.js';
import type { CatalogRule } from '../rule-catalog.js';
import { searchText } from '../rule-catalog.js';

const states = (ctx: Ctx) => ctx.svc.stores.state.collection<AgencyRuleState>(AGENCY_RULES);

/** The agency a request is about, in the caller's scope (404 when absent or another agency's). */
async function agencyOf(ctx: Ctx, id: string | undefined): Promise<string | undefined> {
  if (ctx.scope.kind === 'agency' && (id === undefined || id === ctx.scope.agencyId)) return ctx.scope.agencyId;
  if (id === undefined) return undefined;
  const found = await ctx.svc.stores.state.collection('agencies').get(ctx.scope, id);
  if (!found) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'agency', id });
  return id;
}

/** The installed package's rules (what may be switched per agency). */
async function installed(ctx: Ctx): Promise<CatalogRule[]> {
  return (await ctx.svc.rules.list()).filter((r) => r.package === 'sigmahq');
}

function item(r: CatalogRule, off: ReadonlySet<string>, offFor?: readonly string[]) {
  return {
    id: r.id,
    title: r.title,
    ...(r.level ? { level: r.level } : {}),
    ...(r.logsource ? { logsource: r.logsource } : {}),
    tags: r.tags,
    ...(r.file ? { file: r.file } : {}),
    // On for the province (a province-wide switch wins) and for this agency.
    provinceEnabled: r.enabled,
    agencyEnabled: !off.has(r.id),
    enabled: r.enabled && !off.has(r.id),
    // Without an agency (province callers): the agencies that switched it off.
    ...(offFor ? { disabledFor: offFor } : {}),
  };
}

/** Routes of this file. */
export const agencyRuleRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/agency-rules',
    operationId: 'listAgencyRules',
    handle: async (ctx) => {
      const agencyId = await agencyOf(ctx, typeof ctx.query.agency === 'string' ? ctx.query.agency : undefined);
      const off = new Set(agencyId ? ((await states(ctx).get(ctx.scope, agencyId))?.disabled ?? []) : []);
      // A province caller without an agency: for each rule, the agencies that switched it off.
      const byRule = new Map<string, string[]>();
      if (!agencyId)
        for (const st of (await states(ctx).list(ctx.scope, { size: 1000 })).docs)
          for (const id of st.disabled) byRule.set(id, [...(byRule.get(id) ?? []), st.agencyId]);
      const q = typeof ctx.query.q === 'string' ? ctx.query.q.toLowerCase().split(/\s+/).filter(Boolean) : [];
      const all = (await installed(ctx))
        .filter((r) => q.every((w) => searchText(r).includes(w)))
        .map((r) => item(r, off, agencyId ? undefined : (byRule.get(r.id) ?? [])))
        .filter((r) => typeof ctx.query.enabled !== 'boolean' || r.agencyEnabled === ctx.query.enabled)
        .sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
      const size = paging(ctx.query).size ?? 50;
      const from = typeof ctx.query.cursor === 'string' ? Number.parseInt(ctx.query.cursor, 10) || 0 : 0;
      const next = from + size < all.length ? String(from + size) : undefined;
      return {
        body: {
          ...(agencyId ? { agencyId } : {}),
          disabled: agencyId ? off.size : byRule.size,
          total: all.length,
          items: all.slice(from, from + size),
          ...(next ? { next } : {}),
        },
      };
    },
  },
  {
    method: 'patch',
    path: '/api/v1/agency-rules/:agency',
    operationId: 'updateAgencyRules',
    handle: async (ctx) => {
      const agencyId = (await agencyOf(ctx, ctx.params.agency)) as string;
      const b = ctx.body as { enabled: boolean; ids?: string[] };
      const known = new Set((await installed(ctx)).map((r) => r.id));
      for (const [i, id] of (b.ids ?? []).entries())
        if (!known.has(id))
          throw apiError('CANHGAC_ERR_API_VALIDATION', {
            reason: `body/ids/${i}: ${id} is not a rule of an installed package (canhgac rules update)`,
          });
      const ids = b.ids ?? [...known];
      for (let attempt = 0; ; attempt++) {
        const cur = await states(ctx).get(ctx.scope, agencyId);
        const before = cur?.disabled ?? [];
        const set = new Set(before);
        for (const id of ids) b.enabled ? set.delete(id) : set.add(id);
        // Rules no longer installed drop out of the list when it is next written.
        const disabled = [...set].filter((id) => known.has(id)).sort();
        const changed = ids.filter((id) => before.includes(id) === b.enabled);
        if (changed.length === 0 && cur) return { body: { agencyId, enabled: b.enabled, changed: [] } };
        const doc: AgencyRuleState = { id: agencyId, agencyId, disabled, updatedAt: Date.now(), updatedBy: ctx.actor };
        try {
          await states(ctx).put(ctx.scope, doc, { expectedVersion: cur?.version ?? 0 });
        } catch (err) {
          if (isStoreConflict(err) && attempt < 5) continue;
          throw err;
        }
        await ctx.svc.auth.writeAudit(
          ctx.actor,
          b.enabled ? 'rule.agency_enable' : 'rule.agency_disable',
          AGENCY_RULES,
          agencyId,
          agencyId,
          { disabled: before.length },
          { rules: changed.length > 20 ? `${changed.length} rules` : changed, disabled: disabled.length },
        );
        ctx.svc.rulesChanged?.();
        return { body: { agencyId, enabled: b.enabled, changed } };
      }
    },
  },
];
