/** The OpenAPI document (api/openapi.yaml, the source of truth) compiled into per-operation validators. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { projectRoot } from '../core/shared-data.js';
import { apiError } from './errors.js';

// ajv-formats ships CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => Ajv2020;

/** A JSON value as read from the document. */
type Json = Record<string, unknown>;

/** The HTTP methods an OpenAPI path item may hold. */
export const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/** One documented operation with its validators. */
export interface Operation {
  operationId: string;
  method: (typeof METHODS)[number];
  /** The OpenAPI path (`/api/v1/incidents/{id}`). */
  path: string;
  /** The same path in Express syntax (`/api/v1/incidents/:id`). */
  expressPath: string;
  /** What the caller needs (`public`, `self`, or a permission such as `incidents.read`). */
  permission: string;
  pathParams: string[];
  hasBody: boolean;
  /** Validates (and coerces, fills defaults) `{ path, query }`. */
  validateParams: ValidateFunction;
  validateBody: ValidateFunction | undefined;
  /** The body schema (tests generate sample bodies from it). */
  bodySchema: Json | undefined;
  /** Response validators by status (`'200'`, `'default'`); JSON bodies only. */
  responses: Map<string, ValidateFunction | undefined>;
}

/** The loaded document and its operations. */
export interface ApiSpec {
  document: Json;
  operations: Operation[];
  byId: Map<string, Operation>;
  /** Resolves a `#/components/...` reference (tests use it to build sample bodies). */
  resolve(schema: Json): Json;
}

const DOC_ID = 'https://canhgac.invalid/openapi';

/** Keys that would reach Object.prototype through naive merges; refused anywhere in a request. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The first forbidden key in a JSON value (depth-first), or undefined. */
export function findForbiddenKey(value: unknown, depth = 0): string | undefined {
  if (depth > 64 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const k = findForbiddenKey(v, depth + 1);
      if (k !== undefined) return k;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return key;
    const k = findForbiddenKey((value as Json)[key], depth + 1);
    if (k !== undefined) return k;
  }
  return undefined;
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${DOC_ID}${v}` : rewriteRefs(v);
  }
  return out;
}

function deref(doc: Json, node: Json): Json {
  let cur = node;
  for (let i = 0; i < 20 && typeof cur.$ref === 'string'; i++) {
    const parts = (cur.$ref as string).replace(/^.*#\//, '').split('/');
    let v: unknown = doc;
    for (const p of parts) v = (v as Json)[p];
    cur = v as Json;
  }
  return cur;
}

/** Reads and compiles api/openapi.yaml (or the given text). Throws at start on a broken document. */
export function loadSpec(text?: string): ApiSpec {
  const raw = text ?? readFileSync(join(projectRoot, 'api', 'openapi.yaml'), 'utf8');
  const document = parseYaml(raw) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes: true, useDefaults: true });
  addFormats(ajv);
  const strictAjv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(strictAjv);
  const components = rewriteRefs({ components: document.components }) as Json;
  ajv.addSchema({ $id: DOC_ID, ...components });
  strictAjv.addSchema({ $id: DOC_ID, ...components });
  const operations: Operation[] = [];
  const paths = document.paths as Record<string, Json>;
  for (const [path, item] of Object.entries(paths)) {
    const shared = ((item.parameters as Json[] | undefined) ?? []).map((p) => deref(document, p));
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const params = [...shared, ...((op.parameters as Json[] | undefined) ?? []).map((p) => deref(document, p))];
      const pathProps: Json = {};
      const queryProps: Json = {};
      const pathReq: string[] = [];
      const queryReq: string[] = [];
      for (const p of params) {
        const target = p.in === 'path' ? pathProps : queryProps;
        target[p.name as string] = rewriteRefs(p.schema);
        if (p.required) (p.in === 'path' ? pathReq : queryReq).push(p.name as string);
      }
      const validateParams = ajv.compile({
        type: 'object',
        properties: {
          path: { type: 'object', properties: pathProps, required: pathReq },
          query: { type: 'object', properties: queryProps, required: queryReq, additionalProperties: false },
        },
      });
      const bodySchema = ((op.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as
        | Json
        | undefined;
      const bodyRaw = bodySchema?.schema as Json | undefined;
      const responses = new Map<string, ValidateFunction | undefined>();
      for (const [status, r] of Object.entries((op.responses as Json) ?? {})) {
        const resp = deref(document, r as Json);
        const schema = ((resp.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
        responses.set(status, schema ? strictAjv.compile(rewriteRefs(schema) as Json) : undefined);
      }
      operations.push({
        operationId: op.operationId as string,
        method,
        path,
        expressPath: path.replace(/\{(\w+)\}/g, ':$1'),
        permission: (op['x-permission'] as string | undefined) ?? 'admin',
        pathParams: Object.keys(pathProps),
        hasBody: bodyRaw !== undefined,
        validateParams,
        validateBody: bodyRaw ? strictAjv.compile(rewriteRefs(bodyRaw) as Json) : undefined,
        bodySchema: bodyRaw,
        responses,
      });
    }
  }
  const byId = new Map(operations.map((o) => [o.operationId, o]));
  if (byId.size !== operations.length) throw new Error('openapi.yaml: duplicate operationId');
  return { document, operations, byId, resolve: (s) => deref(document, s) };
}

/** Short, user-facing reasons from ajv errors (path + message), at most 20. */
export function describeErrors(errors: ErrorObject[] | null | undefined, prefix: string): string[] {
  return (errors ?? []).slice(0, 20).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${(e.params as { additionalProperty: string }).additionalProperty})`
        : e.keyword === 'enum'
          ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`
          : '';
    return `${prefix}${e.instancePath || ''} ${e.message ?? 'is invalid'}${extra}`;
  });
}

/** Validates one request against its operation; coerces query values in place. Throws CANHGAC_ERR_API_VALIDATION. */
export function validateRequest(
  op: Operation,
  path: Record<string, string>,
  query: Record<string, unknown>,
  body: unknown,
): void {
  const bad = findForbiddenKey(query);
  if (bad !== undefined) throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: `forbidden key ${bad}` });
  const params = { path, query };
  if (!op.validateParams(params)) {
    const reasons = describeErrors(op.validateParams.errors, '');
    throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: reasons[0] ?? 'bad parameters' }, { details: { reasons } });
  }
  if (op.validateBody) {
    if (body === undefined) throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'a JSON body is required' });
    const badKey = findForbiddenKey(body);
    if (badKey !== undefined) throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: `forbidden key ${badKey}` });
    if (!op.validateBody(body)) {
      const reasons = describeErrors(op.validateBody.errors, 'body');
      throw apiError('CANHGAC_ERR_API_VALIDATION', { reason: reasons[0] ?? 'bad body' }, { details: { reasons } });
    }
  }
}
