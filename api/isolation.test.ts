/**
 * Generated isolation test: every operation of api/openapi.yaml x every principal x agency A's and agency B's
 * ids (and bodies that name agency B). An agency-bound caller never sees agency B's data, every call it may not
 * make answers 401/403/404, and agency B's documents are unchanged afterwards. Prints the number of calls.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCOPE_ALL } from '../store/types.js';
import { AGENCY_A, AGENCY_B, B_MARK, type BIds, type Fixture, startFixture } from '../tests/kit/api.js';
import { can, type Principal } from './auth/roles.js';
import { loadSpec, type Operation } from './openapi.js';

const spec = loadSpec();
let f: Fixture;

beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

type Json = Record<string, unknown>;

/** A minimal valid value of a schema: its example, default, first enum value, or the required properties. */
function sample(schema: Json | undefined, depth = 0): unknown {
  if (!schema || depth > 8) return undefined;
  const s = spec.resolve(schema);
  if (Array.isArray(s.examples) && s.examples.length) return structuredClone(s.examples[0]);
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum)) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === 'string') return 'x'.repeat(Math.max(1, Number(s.minLength ?? 1)));
  if (type === 'integer' || type === 'number') return Number(s.minimum ?? 1);
  if (type === 'boolean') return true;
  if (type === 'array') {
    const n = Number(s.minItems ?? 0);
    return Array.from({ length: n }, () => sample(s.items as Json, depth + 1));
  }
  const out: Json = {};
  for (const k of (s.required as string[] | undefined) ?? [])
    out[k] = sample((s.properties as Json)[k] as Json, depth + 1);
  return out;
}

/** The same body naming agency B wherever the schema lets a caller name an agency or B's documents. */
function bodyNamingB(op: Operation, body: unknown, b: BIds): Json | undefined {
  if (!op.bodySchema || typeof body !== 'object' || body === null) return undefined;
  const props = (spec.resolve(op.bodySchema).properties ?? {}) as Json;
  const out: Json = { ...(body as Json) };
  let changed = false;
  if ('agencyId' in props) {
    out.agencyId = AGENCY_B;
    changed = true;
  }
  if ('channelIds' in props) {
    out.channelIds = [b.channel];
    changed = true;
  }
  if ('ids' in props) {
    out.ids = [b.incident];
    changed = true;
  }
  return changed ? out : undefined;
}

const RESOURCE: [RegExp, keyof BIds][] = [
  [/^\/api\/v1\/incidents\//, 'incident'],
  [/^\/api\/v1\/alerts\//, 'alert'],
  [/^\/api\/v1\/events\//, 'event'],
  [/^\/api\/v1\/hosts\//, 'host'],
  [/^\/api\/v1\/channels\//, 'channel'],
  [/^\/api\/v1\/routes\//, 'route'],
  [/^\/api\/v1\/agencies\//, 'agency'],
  [/^\/api\/v1\/agency-rules\//, 'agency'],
  [/^\/api\/v1\/users\//, 'user'],
  [/^\/api\/v1\/api-keys\//, 'apiKey'],
  [/^\/api\/v1\/rules\//, 'rule'],
  [/^\/api\/v1\/saved-searches\//, 'savedSearch'],
  [/^\/api\/v1\/suppressions\//, 'suppression'],
  [/^\/api\/v1\/assets\//, 'asset'],
  // The analysts' local indicator list is the province's (rules.write): any id; agency-bound callers are refused.
  [/^\/api\/v1\/threat-intel\/local\//, 'incident'],
  // An entity page names the agency as an entity of kind agency.
  [/^\/api\/v1\/entities\//, 'agency'],
  // The export's outbox is the province's (settings.write): any id; agency-bound callers are refused before it.
  [/^\/api\/v1\/export\//, 'incident'],
];

/** `?name=value` for the operation's required query parameters. */
function requiredQuery(op: Operation): string {
  const q = ((op.validateParams.schema as Json).properties as Json).query as Json;
  const req = (q.required as string[]) ?? [];
  const parts = req.map((n) => `${n}=${encodeURIComponent(String(sample((q.properties as Json)[n] as Json)))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function pathWith(op: Operation, ids: BIds): string {
  const res = RESOURCE.find(([re]) => re.test(op.path));
  if (!res && op.pathParams.length) throw new Error(`No fixture id for ${op.path}`);
  return (
    op.path.replace('{kind}', 'agency').replace(/\{\w+\}/g, () => encodeURIComponent(String(ids[res![1]]))) +
    requiredQuery(op)
  );
}

/** The principals of the fixture, with what the role may do. */
const PRINCIPALS: { name: string; principal?: Principal }[] = [
  { name: 'anonymous' },
  { name: 'intake_a', principal: { kind: 'key', id: 'k', role: 'intake', agencyId: AGENCY_A } },
  { name: 'viewer_a', principal: { kind: 'key', id: 'k', role: 'viewer', agencyId: AGENCY_A } },
  { name: 'agency_admin_a', principal: { kind: 'key', id: 'k', role: 'agency_admin', agencyId: AGENCY_A } },
  { name: 'viewer_all', principal: { kind: 'key', id: 'k', role: 'viewer' } },
  { name: 'analyst', principal: { kind: 'key', id: 'k', role: 'analyst' } },
  { name: 'admin', principal: { kind: 'key', id: 'k', role: 'admin' } },
];

/** Agency B's documents in every collection (and its events), to prove nothing of B changed. */
async function snapshotB(): Promise<string> {
  const parts: unknown[] = [];
  for (const c of [
    'incidents',
    'alerts',
    'comments',
    'hosts',
    'channels',
    'routes',
    'agencies',
    'users',
    'api_keys',
    'assets',
    'agency_rules',
  ]) {
    const page = await f.stores.state.collection(c).list({ kind: 'agency', agencyId: AGENCY_B }, { size: 1000 });
    parts.push(c, page.docs);
  }
  parts.push(await f.stores.events.get(SCOPE_ALL, f.b.event));
  return JSON.stringify(parts);
}

/**
 * GETs that are steps of a browser sign-in, not reads of data: they answer 302/HTML, or 404 where no identity
 * provider is configured (as here). Every other check still applies to them.
 */
const SIGN_IN_NAVIGATIONS = new Set(['oidcLogin', 'oidcCallback']);

describe('agency isolation (generated from the OpenAPI document)', () => {
  it('no agency-bound caller sees or changes agency B, and forbidden calls answer 401/403/404', async () => {
    const before = await snapshotB();
    const failures: string[] = [];
    let calls = 0;
    for (const { name, principal } of PRINCIPALS) {
      const scoped = !principal || principal.agencyId !== undefined;
      for (const op of spec.operations) {
        if (op.operationId === 'login') continue; // public, and its lockout is tested on its own
        const allowed = principal ? can(principal, op.permission) : op.permission === 'public';
        const plain = sample(op.bodySchema);
        const variants: { path: string; body: unknown; namesB: 'path' | 'body' | 'none' }[] = [];
        if (op.pathParams.length) {
          variants.push({ path: pathWith(op, f.a), body: plain, namesB: 'none' });
          variants.push({ path: pathWith(op, f.b), body: plain, namesB: 'path' });
        } else {
          const base = op.path + requiredQuery(op);
          variants.push({ path: base, body: plain, namesB: 'none' });
          if (JSON.stringify(op.validateParams.schema).includes('"agencyId"'))
            variants.push({
              path: `${base}${base.includes('?') ? '&' : '?'}agencyId=${AGENCY_B}`,
              body: plain,
              namesB: 'none',
            });
        }
        const withB = bodyNamingB(op, plain, f.b);
        if (withB) variants.push({ path: variants[0]!.path, body: withB, namesB: 'body' });
        for (const v of variants) {
          const r = await f.call(op.method.toUpperCase(), v.path, {
            ...(f.keys[name] ? { key: f.keys[name] } : {}),
            ...(op.hasBody ? { body: v.body } : {}),
          });
          calls++;
          const where = `${name} ${op.method.toUpperCase()} ${v.path} ${JSON.stringify(v.body ?? '')} -> ${r.status}`;
          if (!allowed && op.permission !== 'public') {
            const want = principal ? 403 : 401;
            if (r.status !== want) failures.push(`${where}: expected ${want}`);
          }
          if (r.status >= 500) failures.push(`${where}: server error ${r.text.slice(0, 200)}`);
          const validate = op.responses.get(String(r.status)) ?? op.responses.get('default');
          if (validate && r.headers.get('content-type')?.includes('json') && !validate(r.body))
            failures.push(`${where}: response does not match the document: ${JSON.stringify(validate.errors?.[0])}`);
          // (An own document may be gone: an earlier call of the same principal deleted it.)
          if (
            allowed &&
            op.method === 'get' &&
            !SIGN_IN_NAVIGATIONS.has(op.operationId) &&
            v.namesB === 'none' &&
            r.status !== 200 &&
            !(op.pathParams.length && r.status === 404)
          )
            failures.push(`${where}: an allowed read of the caller's own data must answer 200`);
          if (!scoped) continue;
          if (r.text.includes(B_MARK)) failures.push(`${where}: response holds agency B's data`);
          const askedB = v.path.includes(AGENCY_B) || JSON.stringify(v.body ?? '').includes(AGENCY_B);
          if (!askedB && r.text.includes(AGENCY_B)) failures.push(`${where}: response names agency B`);
          if (v.namesB === 'path' && ![401, 403, 404].includes(r.status))
            failures.push(`${where}: a call on agency B's document must answer 401/403/404`);
        }
      }
      if (scoped) {
        const after = await snapshotB();
        if (after !== before) failures.push(`${name}: agency B's documents changed`);
      }
    }
    process.stdout.write(
      `Isolation: ${calls} calls checked (${spec.operations.length} operations x ${PRINCIPALS.length} principals x A/B ids).\n`,
    );
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(spec.operations.length * PRINCIPALS.length);
  }, 180_000);
});
