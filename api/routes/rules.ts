/** Sigma rules: list, get, upload (problems at file:line:col), enable/disable, test on pasted events, retro-hunt. */
import { newEventId } from '../../core/ids.js';
import { explain } from '../../detection/engine/index.js';
import { hunt } from '../../detection/hunt/index.js';
import { parseRuleText } from '../../detection/sigma/index.js';
import type { DetectionRule, SigmaDocument } from '../../detection/sigma/model.js';
import { SCOPE_ALL, type StoredEvent } from '../../store/types.js';
import type { Ctx, RouteDef } from '../context.js';
import { paging } from '../context.js';
import { apiError } from '../errors.js';
import { type CatalogRule, type RuleOverride, searchText, uploadedEntry } from '../rule-catalog.js';
import { createDoc, deleteDoc, updateDoc } from './crud.js';

/** A stored rule: its YAML text and what the list shows. Province-wide (no agency). */
export interface RuleDoc {
  id: string;
  title: string;
  level?: string;
  status?: string;
  enabled: boolean;
  text: string;
  updatedAt: number;
  updatedBy: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const rules = (ctx: Ctx) => ctx.svc.stores.state.collection<RuleDoc>('rules');

/** Parses one uploaded rule; every error problem is reported at file:line:col in details.problems. */
function parseOne(text: string, file: string): SigmaDocument {
  const r = parseRuleText(text, file);
  const errors = r.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || r.documents.length !== 1) {
    const problems = r.problems.map((p) => ({
      at: `${p.file}:${p.line}:${p.col}`,
      line: p.line,
      col: p.col,
      code: p.code,
      severity: p.severity,
      message: p.message,
    }));
    if (errors.length === 0)
      problems.push({
        at: `${file}:1:1`,
        line: 1,
        col: 1,
        code: 'CANHGAC_ERR_API_RULE_INVALID',
        severity: 'error',
        message: `expected exactly one rule, found ${r.documents.length}`,
      });
    throw apiError('CANHGAC_ERR_API_RULE_INVALID', { count: problems.length }, { details: { problems } });
  }
  return r.documents[0]!;
}

function summary(d: RuleDoc & { version: number }): Record<string, unknown> {
  const { text: _t, ...rest } = d;
  return rest;
}

/** Switches a file rule on or off for the whole province (audited as rule.enable / rule.disable). */
async function setOverride(ctx: Ctx, id: string, enabled: boolean, was: boolean): Promise<void> {
  const coll = ctx.svc.stores.state.collection<RuleOverride>('rule_overrides');
  const cur = await coll.get(SCOPE_ALL, id);
  const doc: RuleOverride = { id, enabled, updatedAt: Date.now(), updatedBy: ctx.actor };
  await coll.put(SCOPE_ALL, doc, { expectedVersion: cur?.version ?? 0 });
  await ctx.svc.auth.writeAudit(
    ctx.actor,
    enabled ? 'rule.enable' : 'rule.disable',
    'rule_overrides',
    id,
    undefined,
    { enabled: was },
    { enabled },
  );
}

/** The YAML text of a rule by id: an uploaded rule's document, else the file the catalog read it from. */
async function ruleText(ctx: Ctx, id: string): Promise<string> {
  const doc = await rules(ctx).get(ctx.scope, id);
  if (doc) return doc.text;
  const text = await ctx.svc.rules.text(id);
  if (text === undefined) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'rule', id });
  return text;
}

async function detectionRule(ctx: Ctx, id: string): Promise<DetectionRule> {
  const r = parseRuleText(await ruleText(ctx, id), `${id}.yml`);
  const d = r.documents.find((x) => x.id === id) ?? (r.documents.length === 1 ? r.documents[0] : undefined);
  if (!d) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'rule', id });
  if (d.kind !== 'rule')
    throw apiError('CANHGAC_ERR_API_VALIDATION', {
      reason: `${d.kind} rules are not tested or hunted one event at a time`,
    });
  return d;
}

/** A rule as the API answers it: its catalog entry, with its text when asked for one rule. */
async function withText(ctx: Ctx, id: string): Promise<Record<string, unknown>> {
  const entry = await ctx.svc.rules.get(id);
  if (!entry) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'rule', id });
  const doc = await rules(ctx).get(ctx.scope, id);
  return { ...entry, text: await ruleText(ctx, id), ...(doc ? { updatedBy: doc.updatedBy } : {}) };
}

/** Whether a rule matches every word of `q` and the filters. */
function wanted(r: CatalogRule, q: Record<string, unknown>): boolean {
  if (typeof q.enabled === 'boolean' && r.enabled !== q.enabled) return false;
  if (typeof q.level === 'string' && q.level && r.level !== q.level) return false;
  if (typeof q.source === 'string' && r.source !== q.source) return false;
  if (typeof q.q !== 'string' || !q.q.trim()) return true;
  const text = searchText(r);
  return q.q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => text.includes(w.replace(/^attack\./, '')));
}

/** Routes of this file. */
export const ruleRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/rules',
    operationId: 'listRules',
    handle: async (ctx) => {
      const all = (await ctx.svc.rules.list())
        .filter((r) => wanted(r, ctx.query))
        .sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
      const size = paging(ctx.query).size ?? 50;
      const from = typeof ctx.query.cursor === 'string' ? Number.parseInt(ctx.query.cursor, 10) || 0 : 0;
      const items = all.slice(from, from + size);
      const next = from + size < all.length ? String(from + size) : undefined;
      return { body: { items, total: all.length, ...(next ? { next } : {}) } };
    },
  },
  {
    method: 'post',
    path: '/api/v1/rules',
    operationId: 'uploadRule',
    handle: async (ctx) => {
      const b = ctx.body as { text: string; enabled?: boolean };
      const d = parseOne(b.text, 'upload.yml');
      const doc: RuleDoc = {
        id: UUID.test(d.id) ? d.id.toLowerCase() : newEventId(),
        title: d.title,
        ...(d.level ? { level: d.level } : {}),
        ...(d.status ? { status: d.status } : {}),
        enabled: b.enabled ?? true,
        text: b.text,
        updatedAt: Date.now(),
        updatedBy: ctx.actor,
      };
      if (await ctx.svc.rules.text(doc.id)) throw apiError('CANHGAC_ERR_API_EXISTS', { what: 'rule', id: doc.id });
      const saved = await createDoc(ctx, rules(ctx), 'rule', 'rules', doc, summary);
      ctx.svc.rulesChanged?.();
      return { status: 201, body: { ...uploadedEntry(saved), text: saved.text, updatedBy: saved.updatedBy } };
    },
  },
  {
    method: 'get',
    path: '/api/v1/rules/:id',
    operationId: 'getRule',
    handle: async (ctx) => ({ body: await withText(ctx, ctx.params.id!) }),
  },
  {
    method: 'patch',
    path: '/api/v1/rules/:id',
    operationId: 'updateRule',
    handle: async (ctx) => {
      const b = ctx.body as { enabled?: boolean; text?: string };
      const id = ctx.params.id!;
      if (!(await rules(ctx).get(ctx.scope, id))) {
        // A file rule: only switched on or off here (its text lives in its file), through an override document
        // the pipeline reads at its next reload.
        const entry = await ctx.svc.rules.get(id);
        if (!entry) throw apiError('CANHGAC_ERR_API_NOT_FOUND', { what: 'rule', id });
        if (b.text !== undefined)
          throw apiError('CANHGAC_ERR_API_VALIDATION', {
            reason: `rule ${id} comes from a file (${entry.file ?? entry.source}); edit the file, or upload a copy`,
          });
        if (b.enabled !== undefined) await setOverride(ctx, id, b.enabled, entry.enabled);
        ctx.svc.rulesChanged?.();
        return { body: await withText(ctx, id) };
      }
      const parsed = b.text !== undefined ? parseOne(b.text, `${id}.yml`) : undefined;
      await updateDoc(
        ctx,
        rules(ctx),
        'rule',
        'rules',
        (d) => {
          if (b.enabled !== undefined) d.enabled = b.enabled;
          if (parsed && b.text !== undefined) {
            d.text = b.text;
            d.title = parsed.title;
          }
          d.updatedAt = Date.now();
          d.updatedBy = ctx.actor;
        },
        summary,
      );
      ctx.svc.rulesChanged?.();
      return { body: await withText(ctx, id) };
    },
  },
  {
    method: 'delete',
    path: '/api/v1/rules/:id',
    operationId: 'deleteRule',
    handle: async (ctx) => {
      await deleteDoc(ctx, rules(ctx), 'rule', 'rules', summary);
      ctx.svc.rulesChanged?.();
      return { status: 204 };
    },
  },
  {
    method: 'post',
    path: '/api/v1/rules/:id/test',
    operationId: 'testRule',
    handle: async (ctx) => {
      const rule = await detectionRule(ctx, ctx.params.id!);
      const events = (ctx.body as { events: Record<string, unknown>[] }).events;
      return {
        body: {
          results: events.map((ev, index) => {
            const e = explain(rule, ev);
            return { index, matched: e.matched, explanation: e };
          }),
        },
      };
    },
  },
  {
    method: 'post',
    path: '/api/v1/rules/:id/hunt',
    operationId: 'huntRule',
    handle: async (ctx) => {
      const rule = await detectionRule(ctx, ctx.params.id!);
      const b = ctx.body as { from: string; to?: string; limit?: number };
      const limit = b.limit ?? 1000;
      const items: StoredEvent[] = [];
      // The hunt runs in the caller's Scope: an agency admin never hunts another agency's history.
      for await (const ev of hunt(ctx.svc.stores.events, rule, {
        from: Date.parse(b.from),
        to: b.to ? Date.parse(b.to) : Date.now(),
        scope: ctx.scope,
        pageSize: Math.min(limit, 1000),
      })) {
        items.push(ev);
        if (items.length >= limit) break;
      }
      return { body: { items } };
    },
  },
];
