/** Property tests: arbitrary JSON bodies, query strings and cookies never crash the API or break the error shape. */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import fc from 'fast-check';
import { type Fixture, startFixture } from '../tests/kit/api.js';
import { parseCookies } from './app.js';
import { findForbiddenKey } from './openapi.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

const shapeOk = (status: number, body: unknown): boolean => {
  if (status < 400) return true;
  const e = (body as { error?: { code?: unknown; message?: unknown } }).error;
  return status < 500 && typeof e?.code === 'string' && typeof e.message === 'string';
};

describe('API under arbitrary input', () => {
  it('answers any JSON body to write operations with 2xx or a 4xx in the error shape', async () => {
    const targets = [
      ['PATCH', () => `/api/v1/incidents/${f.a.incident}`],
      ['POST', () => '/api/v1/incidents/bulk'],
      ['POST', () => '/api/v1/channels'],
      ['POST', () => '/api/v1/rules'],
      ['PUT', () => '/api/v1/settings'],
      ['POST', () => '/api/v1/auth/login'],
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), fc.jsonValue({ maxDepth: 4 }), async ([method, path], body) => {
        const r = await f.call(method, path(), { key: f.keys.admin, body: JSON.stringify(body) });
        return shapeOk(r.status, r.body);
      }),
      { numRuns: 150 },
    );
  }, 30_000);

  it('answers any query string to list operations with 200 or a 4xx in the error shape', async () => {
    const paths = ['/api/v1/incidents', '/api/v1/events', '/api/v1/aggregations', '/api/v1/hosts', '/api/v1/audit'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.array(
          fc.tuple(
            fc.constantFrom('q', 'limit', 'from', 'sort', 'silent', 'kind', 'field', '__proto__', 'x'),
            fc.string(),
          ),
          {
            maxLength: 4,
          },
        ),
        async (path, pairs) => {
          const qs = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
          const r = await f.call('GET', `${path}?${qs}`, { key: f.keys.analyst });
          return shapeOk(r.status, r.body);
        },
      ),
      { numRuns: 150 },
    );
  }, 30_000);

  it('parses any Cookie header without throwing, and finds forbidden keys at any depth', () => {
    fc.assert(
      fc.property(fc.string(), (h) => {
        parseCookies(h);
        return true;
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom('__proto__', 'constructor', 'prototype'), (v, bad) => {
        const nested = JSON.parse(`{"a":[{"b":${JSON.stringify(v)}}],"c":{"${bad}":1}}`);
        return findForbiddenKey(nested) === bad || findForbiddenKey(v) !== undefined;
      }),
    );
  });
});
