/** Sigma rules: list, get, upload (problems at file:line:col), enable/disable, test on pasted events, retro-hunt. */
import { newEventId } from '../../core/ids.js';
import { explain } from '../../detection/engine/index.js';
import { hunt } from '../../detection/hunt/index.js';
import { parseRuleText } from '../../detection/sigma/index.js';
import type { DetectionRule, SigmaDocument } from '../../detection/sigma/model.js';
import type { StoredEvent } from '../../store/types.js';
import type { Ctx, RouteDef } from '../context.js';
import { pageBody, paging } from '../context.js';
import { apiError } from '../errors.js';
import { createDoc, deleteDoc, getOr404, updateDoc } from './crud.js';

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

function detectionRule(doc: RuleDoc): DetectionRule {
  const d = parseOne(doc.text, `${doc.id}.yml`);
  if (d.kind !== 'rule')
    throw apiError('CANHGAC_ERR_API_VALIDATION', {
      reason: `${d.kind} rules are not tested or hunted one event at a time`,
    });
  return d;
}

function summary(d: RuleDoc & { version: number }): Record<string, unknown> {
  const { text: _t, ...rest } = d;
  return rest;
}

/** Routes of this file. */
export const ruleRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/rules',
    operationId: 'listRules',
    handle: async (ctx) =>
      pageBody(
        await rules(ctx).list(ctx.scope, {
          ...(typeof ctx.query.enabled === 'boolean' ? { filter: { enabled: ctx.query.enabled } } : {}),
          ...paging(ctx.query),
        }),
        summary,
      ),
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
      return { status: 201, body: await createDoc(ctx, rules(ctx), 'rule', 'rules', doc, summary) };
    },
  },
  {
    method: 'get',
    path: '/api/v1/rules/:id',
    operationId: 'getRule',
    handle: async (ctx) => ({ body: await getOr404(ctx, rules(ctx), 'rule') }),
  },
  {
    method: 'patch',
    path: '/api/v1/rules/:id',
    operationId: 'updateRule',
    handle: async (ctx) => {
      const b = ctx.body as { enabled?: boolean; text?: string };
      const parsed = b.text !== undefined ? parseOne(b.text, `${ctx.params.id}.yml`) : undefined;
      return {
        body: await updateDoc(
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
        ),
      };
    },
  },
  {
    method: 'delete',
    path: '/api/v1/rules/:id',
    operationId: 'deleteRule',
    handle: async (ctx) => {
      await deleteDoc(ctx, rules(ctx), 'rule', 'rules', summary);
      return { status: 204 };
    },
  },
  {
    method: 'post',
    path: '/api/v1/rules/:id/test',
    operationId: 'testRule',
    handle: async (ctx) => {
      const rule = detectionRule(await getOr404(ctx, rules(ctx), 'rule'));
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
      const rule = detectionRule(await getOr404(ctx, rules(ctx), 'rule'));
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
