/**
 * The console's server side and pure helpers: serving (index for client routes, cached hashed assets, CSP, no
 * build), GET /api/v1/rule-stats figures, the pivot term against the real query parser, the fields a rule looks
 * at, ATT&CK links, and dates in Asia/Ho_Chi_Minh.
 */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CONSOLE_CSP } from '../../api/console-bundle.js';
import { fmtDate, fmtDateTime, fmtDuration, parseDateTime } from '../../dashboards/console/src/format.js';
import { termFor } from '../../dashboards/console/src/query.js';
import { attackLinks, ruleFields } from '../../dashboards/console/src/rulefields.js';
import { evaluate } from '../../store/query/evaluate.js';
import { parseQuery } from '../../store/query/parse.js';
import { SCOPE_ALL } from '../../store/types.js';
import { AGENCY_A, type Fixture, startFixture } from '../kit/api.js';

describe('serving the console', () => {
  let f: Fixture;
  let bare: Fixture;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/main-ABC.js"></script>');
    writeFileSync(join(dir, 'assets/main-ABC.js'), 'console.log(1)');
    f = await startFixture({ consoleDir: dir });
    bare = await startFixture({ consoleDir: join(dir, 'absent') });
  });
  afterAll(async () => {
    await f.close();
    await bare.close();
  });

  it('answers index.html (not cached, strict CSP) for the root and client routes', async () => {
    // Entity pages end like a file name (an address, an agency code) and are still routes.
    for (const path of [
      '/',
      '/incidents',
      '/incidents/abc%20d',
      '/search?q=x',
      '/attack',
      '/entities/ip/203.0.113.7',
      '/entities/agency/000.00.31.H40',
    ]) {
      const r = await fetch(f.url + path);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain('text/html');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(await r.text()).toContain('/assets/main-ABC.js');
    }
    expect(CONSOLE_CSP).toContain("base-uri 'none'");
    expect(CONSOLE_CSP).not.toContain('unsafe');
  });

  it('serves hashed assets for a year, and 404s (JSON) for missing ones, API paths and other files', async () => {
    const a = await fetch(`${f.url}/assets/main-ABC.js`);
    expect(a.status).toBe(200);
    expect(a.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(a.headers.get('content-type')).toContain('text/javascript');
    expect(await a.text()).toBe('console.log(1)');
    for (const path of ['/assets/nope.js', '/assets/../index.html', '/api/v1/nope', '/favicon.ico']) {
      const r = await fetch(f.url + path);
      expect(r.status).toBe(404);
      expect((await r.json()) as unknown).toMatchObject({ error: { code: 'CANHGAC_ERR_API_NO_ROUTE' } });
    }
    const post = await fetch(`${f.url}/incidents`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('serves a rebuilt index.html without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-console-'));
    writeFileSync(join(dir, 'index.html'), 'one');
    const g = await startFixture({ consoleDir: dir });
    try {
      expect(await (await fetch(`${g.url}/`)).text()).toBe('one');
      writeFileSync(join(dir, 'index.html'), 'two');
      utimesSync(join(dir, 'index.html'), new Date(), new Date(Date.now() + 5000));
      expect(await (await fetch(`${g.url}/`)).text()).toBe('two');
    } finally {
      await g.close();
    }
  });

  it('explains a missing build with 503', async () => {
    const r = await fetch(`${bare.url}/incidents`);
    expect(r.status).toBe(503);
    expect(await r.text()).toContain('npm run build');
  });

  it('serves nothing when turned off', async () => {
    const g = await startFixture({ consoleDir: false });
    try {
      expect((await fetch(`${g.url}/`)).status).toBe(404);
    } finally {
      await g.close();
    }
  });
});

describe('GET /api/v1/rule-stats', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => {
    await f.close();
  });

  it('counts incidents, hits and dispositions per rule in the caller scope', async () => {
    // A second incident of rule-ta on another host, closed as a false positive.
    const out = await f.svc.incidents.ingestAlert({
      id: 'alert-x',
      kind: 'rule',
      ruleId: 'rule-ta',
      ruleTitle: 'x',
      level: 'high',
      tags: [],
      agencyId: AGENCY_A,
      host: 'other',
      eventIds: [],
      ts: Date.parse('2026-11-02T00:00:00Z'),
    });
    await f.svc.incidents.transition(SCOPE_ALL, out.incident!.id, 'false_positive', 'user:t');
    await f.svc.incidents.transition(SCOPE_ALL, f.b.incident, 'resolved', 'user:t');
    const r = await f.call('GET', '/api/v1/rule-stats', { key: f.keys.analyst });
    expect(r.status).toBe(200);
    const body = r.body as { items: Record<string, unknown>[]; scanned: number; truncated: boolean };
    expect(body.scanned).toBe(3);
    expect(body.truncated).toBe(false);
    const ta = body.items.find((i) => i.ruleId === 'rule-ta')!;
    expect(ta).toMatchObject({
      incidents: 2,
      alerts: 3,
      open: 1,
      resolved: 0,
      falsePositives: 1,
      falsePositiveRate: 0.5,
    });
    const tb = body.items.find((i) => i.ruleId === 'rule-tb')!;
    expect(tb).toMatchObject({
      incidents: 1,
      alerts: 2,
      open: 0,
      resolved: 1,
      falsePositives: 0,
      falsePositiveRate: 0,
    });
    // Most hits first; `since` leaves out incidents last seen before it.
    expect(body.items[0]!.ruleId).toBe('rule-ta');
    const later = await f.call('GET', '/api/v1/rule-stats?since=2026-11-01T12:00:00Z', { key: f.keys.analyst });
    expect((later.body as { items: { ruleId: string; incidents: number }[] }).items).toEqual([
      expect.objectContaining({ ruleId: 'rule-ta', incidents: 1 }),
    ]);
    expect((await f.call('GET', '/api/v1/rule-stats', { key: f.keys.agency_admin_a })).status).toBe(403);
  });
});

describe('console helpers', () => {
  it('a pivot term finds exactly the events with that value, whatever the characters', () => {
    const field = fc.constantFrom('host.name', 'User', 'cs-uri-query', 'a b', 'x:y');
    fc.assert(
      fc.property(field, fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (name, value, other) => {
        const q = parseQuery(termFor(name, value));
        expect(evaluate(q, { [name]: value })).toBe(true);
        if (other.toLowerCase() !== value.toLowerCase()) expect(evaluate(q, { [name]: other })).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('finds the fields and literal parts a rule looks at', () => {
    const m = ruleFields(
      "title: t\ndetection:\n  sel:\n    Image|endswith: '\\\\cmd.exe'\n    CommandLine|contains:\n      - whoami\n      - 'net user'\n  kw:\n    - mimikatz\n  condition: sel or kw\n",
    );
    expect(m.get('Image')).toEqual(['\\cmd.exe']);
    expect(m.get('CommandLine')).toEqual(['whoami', 'net user']);
    expect(m.get('message')).toEqual(['mimikatz']);
    expect(m.has('condition')).toBe(false);
    expect(ruleFields('not: [valid').size).toBe(0);
  });

  it('links ATT&CK techniques and sub-techniques', () => {
    expect(attackLinks(['attack.t1110.001', 'attack.T1059', 'attack.credential_access'])).toEqual([
      { label: 'T1110.001', href: 'https://attack.mitre.org/techniques/T1110/001/' },
      { label: 'T1059', href: 'https://attack.mitre.org/techniques/T1059/' },
      { label: 'credential_access' },
    ]);
  });

  it('writes dates as d/M/yyyy HH:mm in Asia/Ho_Chi_Minh', () => {
    // 17:05 UTC on 31 December is 00:05 on 1 January in Hà Nội.
    expect(fmtDateTime(Date.parse('2026-12-31T17:05:00Z'))).toBe('1/1/2027 00:05');
    expect(fmtDate(Date.parse('2026-03-09T02:00:00Z'))).toBe('9/3/2026');
    expect(fmtDateTime(undefined)).toBe('—');
    expect(fmtDuration(2 * 3_600_000 + 5 * 60_000, 'vi')).toBe('2 giờ 5 phút');
    expect(fmtDuration(26 * 3_600_000, 'en')).toBe('1 d 2 h');
  });

  it('reads typed dates as Hà Nội wall time, and refuses what is not a date', () => {
    expect(parseDateTime('1/1/2027 00:05')).toBe(Date.parse('2026-12-31T17:05:00Z'));
    expect(parseDateTime(' 9/3/2026 ')).toBe(Date.parse('2026-03-08T17:00:00Z'));
    for (const bad of ['31/2/2026', '1/13/2026', '1/1/2026 24:00', '2026-01-01', '', '1/1/26'])
      expect(parseDateTime(bad)).toBeUndefined();
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2000-01-01'), max: Date.parse('2100-01-01') }), (ms) => {
        const minute = Math.floor(ms / 60_000) * 60_000;
        expect(parseDateTime(fmtDateTime(minute))).toBe(minute);
      }),
    );
  });
});
