import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { QueryNode } from '../../core/event/query.js';
import { compileQuery } from '../../store/query/evaluate.js';
import { openSqliteStores } from '../../store/sqlite/index.js';
import { agencyScope, SCOPE_ALL, type StoredEvent } from '../../store/types.js';
import { Engine } from '../../detection/engine/index.js';
import { filter, keywords, rule, type Scalar, search } from '../kit/sigma-model.js';
import type { DetectionRule } from '../../detection/sigma/model.js';
import { hunt } from '../../detection/hunt/hunt.js';
import { SQLITE_CAPABILITIES, translateRule, unsupportedBy } from '../../detection/hunt/translate.js';

const T0 = Date.UTC(2026, 0, 1);

function stored(evs: Record<string, unknown>[]): StoredEvent[] {
  return evs.map((e, i) => ({
    '@timestamp': new Date(T0 + i * 60_000).toISOString(),
    'event.id': `h${String(i).padStart(4, '0')}`,
    'agency.id': i % 3 ? 'A' : 'B',
    ...e,
  }));
}

/** What the live engine says, on the event as stored. */
function engineIds(r: DetectionRule, evs: StoredEvent[], filters = [] as ReturnType<typeof filter>[]): string[] {
  const engine = new Engine([r, ...filters]);
  return evs.filter((e) => engine.match(e).length > 0).map((e) => e['event.id'] as string);
}

async function huntIds(r: DetectionRule, evs: StoredEvent[], filters = [] as ReturnType<typeof filter>[]) {
  const s = openSqliteStores({ path: ':memory:' });
  try {
    await s.events.write(SCOPE_ALL, evs);
    const out: string[] = [];
    for await (const e of hunt(s.events, r, {
      from: T0,
      to: T0 + 86_400_000,
      scope: SCOPE_ALL,
      filters,
      pageSize: 7,
    })) {
      out.push(e['event.id'] as string);
    }
    return out;
  } finally {
    await s.close();
  }
}

const win = { 'logsource.product': 'windows', 'logsource.category': 'process_creation' };

describe('translateRule + hunt on SQLite equal the live engine', () => {
  const corpus = stored([
    { ...win, Image: 'C:\\Windows\\System32\\CMD.EXE', CommandLine: 'cmd /c whoami', User: 'adm_bob', EventID: 4688 },
    { ...win, Image: 'C:\\x\\rundll32.exe', CommandLine: 'rundll32 a,b', EventID: '4688', Port: ' 445 ' },
    { ...win, 'logsource.product': 'WINDOWS', Image: 'c:\\rar.exe', User: 'bob', Flag: 'TRUE', Ip: '10.1.2.3' },
    { 'logsource.product': 'linux', message: 'Failed password for root', Ip: '::ffff:10.0.0.7', Tags: ['a', 'B'] },
    { message: 42, Note: 'mimikatz sekurlsa', Other: 'MIMIKATZ', Tags: [] },
    { ...win, Image: 'C:\\Temp\\evil.exe', ParentImage: 'C:\\Temp\\evil.exe', Score: 12 },
  ]);
  const cases: [string, DetectionRule, ReturnType<typeof filter>[]?][] = [
    [
      'endswith with logsource',
      rule([search('sel', { 'Image|endswith': '\\cmd.exe' })], 'sel', { logsource: { product: 'windows' } }),
    ],
    ['number matches number and its text', rule([search('sel', { EventID: 4688 })], 'sel')],
    ['neq', rule([search('sel', { 'User|neq': 'bob' })], 'sel')],
    ['null and not null', rule([search('a', { User: null }), search('b', { Score: null })], 'a and not b')],
    ['exists', rule([search('sel', { 'Tags|exists': true, 'Score|exists': false })], 'sel')],
    ['keywords on message or every string', rule([keywords('kw', ['*mimikatz*', '*password*'])], 'kw')],
    ['keywords all', rule([keywords('kw', ['*mimi*', '*seku*'], 'all')], 'kw')],
    ['regex', rule([search('sel', { 'CommandLine|re': '^(cmd|rundll32)\\s' })], 'sel')],
    ['regex i', rule([search('sel', { 'Image|re|i': 'SYSTEM32' })], 'sel')],
    ['cidr v4 and mapped v6', rule([search('sel', { 'Ip|cidr': '10.0.0.0/8' })], 'sel')],
    ['numeric comparisons on trimmed strings', rule([search('sel', { 'Port|gte': 445, 'Port|lt': 446 })], 'sel')],
    ['bool', rule([search('sel', { Flag: true })], 'sel')],
    ['fieldref', rule([search('sel', { 'Image|fieldref': 'ParentImage' })], 'sel')],
    ['array any element', rule([search('sel', { Tags: 'b' })], 'sel')],
    [
      'all of them / 1 of pattern',
      rule(
        [search('sel_a', { User: 'bob' }), search('sel_b', { 'Image|contains': 'rar' })],
        ['all of them', '1 of nothing*'],
      ),
    ],
    ['time part', rule([search('sel', { '@timestamp|minute': 2 })], 'sel')],
    [
      'filters exclude',
      rule([search('sel', { 'Image|endswith': '.exe' })], 'sel', {
        id: 'r-filtered',
        logsource: { product: 'windows' },
      }),
      [filter(['r-filtered'], [search('f', { 'User|startswith': 'adm_' })], 'f')],
    ],
  ];

  it.each(cases)('%s', async (_name, r, filters = []) => {
    const want = engineIds(r, corpus, filters);
    const t = translateRule(r, filters);
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(unsupportedBy(t.query, SQLITE_CAPABILITIES)).toEqual([]);
    const pred = compileQuery(t.query);
    expect(corpus.filter((e) => pred(e)).map((e) => e['event.id'])).toEqual(want);
    expect(await huntIds(r, corpus, filters)).toEqual(want);
  });

  it('reports rules it cannot translate instead of throwing', () => {
    const bad = rule([search('sel', { 'Image|re': '(?<=x)a' }), search('n', { 'Ip|cidr': '10.0.0.0/33' })], 'sel or n');
    const t = translateRule(bad);
    expect(t.ok).toBe(false);
    if (!t.ok) expect(t.reasons[0]).toMatch(/RE2/);
    const missing = rule([search('sel', { User: 'x' })], 'sel');
    missing.conditions = [{ op: 'ref', name: 'nope' }];
    const m = translateRule(missing);
    expect(m.ok).toBe(false);
    expect(
      unsupportedBy(
        { kind: 'regex', field: '@keywords', source: 'a', i: false, m: false, s: false },
        {
          name: 'x',
          kinds: new Set(['match']),
          keywords: false,
        },
      ),
    ).toEqual(['x cannot run regex comparisons', 'x cannot run keyword searches']);
  });

  it('reports what the store says it cannot run, before reading anything', async () => {
    const s = openSqliteStores({ path: ':memory:' });
    const limited = new Proxy(s.events, {
      get: (t, k) =>
        k === 'unsupported'
          ? (q: QueryNode) =>
              unsupportedBy(q, { name: 'limited', kinds: new Set(['match', 'and', 'or', 'not']), keywords: false })
          : Reflect.get(t, k, t),
    });
    const r = rule([search('sel', { 'CommandLine|re': 'x' })], 'sel');
    await expect(
      (async () => {
        for await (const _ of hunt(limited, r, { from: 0, to: 1, scope: SCOPE_ALL })) break;
      })(),
    ).rejects.toMatchObject({
      code: 'CANHGAC_ERR_HUNT_UNSUPPORTED',
      details: { reasons: ['limited cannot run regex comparisons'] },
    });
    await s.close();
  });

  it('hunts only inside the scope and the time range', async () => {
    const r = rule([search('sel', { 'Image|contains': '.exe' })], 'sel');
    const s = openSqliteStores({ path: ':memory:' });
    await s.events.write(SCOPE_ALL, corpus);
    const got: string[] = [];
    for await (const e of hunt(s.events, r, { from: T0 + 60_000, to: T0 + 5 * 60_000, scope: agencyScope('A') })) {
      got.push(e['event.id'] as string);
    }
    expect(got).toEqual(['h0001', 'h0002']);
    await expect(
      (async () => {
        for await (const _ of hunt(s.events, r, { from: 5, to: 1, scope: SCOPE_ALL })) break;
      })(),
    ).rejects.toMatchObject({ code: 'CANHGAC_ERR_HUNT_RANGE' });
    await s.close();
  });
});

// --- generated rules and events: reference interpreter vs translated tree vs SQLite

const FIELDS = ['Image', 'User', 'Tags', 'Port', 'Ip', 'message'] as const;
const vals: fc.Arbitrary<Scalar> = fc.constantFrom(
  'cmd',
  'CMD.exe',
  '*cmd*',
  'a?c',
  'adm_*',
  '*.EXE',
  '',
  'b',
  445,
  7,
  true,
  'TRUE',
  '10.0.0.1',
);
const genEvent = fc.record(
  {
    'logsource.product': fc.constantFrom('windows', 'Windows', 'linux'),
    Image: fc.constantFrom('C:\\cmd.exe', 'abc', 'ADM_x', 'cmd', 445, true),
    User: fc.constantFrom('adm_bob', 'b', 'B', '', 'a c', 'abc'),
    Tags: fc.array(fc.constantFrom('b', 'cmd', 7, null, 'TRUE'), { maxLength: 3 }),
    Port: fc.constantFrom(445, ' 445', '7', 'x', 8),
    Ip: fc.constantFrom('10.0.0.1', '10.1.1.1', '192.168.0.1', '::ffff:10.0.0.2', 'fe80::1'),
    message: fc.constantFrom('cmd failed', 'ADM_ login', 'abc', 42),
  },
  { requiredKeys: [] },
);
const mods = fc.constantFrom(
  '',
  '|contains',
  '|startswith',
  '|endswith',
  '|cased',
  '|re',
  '|re|i',
  '|cidr',
  '|gt',
  '|lte',
  '|neq',
  '|all',
  '|contains|all',
  '|exists',
  '|fieldref',
  '|contains|neq',
);
const genItem = fc.tuple(
  fc.constantFrom<string | null>(...FIELDS, null),
  mods,
  fc.array(vals, { minLength: 1, maxLength: 3 }),
);
const genRule = fc
  .tuple(
    fc.array(fc.array(genItem, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
    fc.constantFrom(
      'sel0',
      'not sel0',
      'sel0 and not sel1',
      'sel0 or sel2',
      '1 of sel*',
      'all of them',
      'sel1 and (sel0 or not sel2)',
    ),
    fc.boolean(),
  )
  .map(([searches, cond, win]) => {
    const ss = [0, 1, 2].map((i) => {
      const alt = searches[i % searches.length]!;
      const def: Record<string, Scalar | Scalar[]> = {};
      for (const [f, m, v] of alt) {
        const key = `${f ?? ''}${m}`;
        // Keyword items (no field) only take plain string values.
        if (f === null && m !== '' && !m.startsWith('|contains') && m !== '|all') continue;
        const nums = v.filter((x): x is number => typeof x === 'number');
        def[key] =
          m === '|exists'
            ? true
            : m === '|fieldref'
              ? String(FIELDS[String(v[0]).length % FIELDS.length])
              : m === '|gt' || m === '|lte'
                ? (nums[0] ?? 7)
                : v;
      }
      return Object.keys(def).length ? search(`sel${i}`, def) : search(`sel${i}`, { User: 'b' });
    });
    return rule(ss, cond, win ? { logsource: { product: 'windows' } } : {});
  });

describe('generated rules', () => {
  it('the translated tree decides like the reference interpreter, and SQLite like the tree', async () => {
    await fc.assert(
      fc.asyncProperty(genRule, fc.array(genEvent, { minLength: 1, maxLength: 12 }), async (r, raw) => {
        const evs = stored(raw);
        let engine: Engine;
        try {
          engine = new Engine([r]);
        } catch {
          return;
        }
        if (engine.rejected.length > 0) return;
        const t = translateRule(r);
        expect(t.ok).toBe(true);
        if (!t.ok) return;
        const pred = compileQuery(t.query);
        for (const e of evs) {
          // The live (compiled) engine: the reference interpreter also evaluates unused searches, and throws on them.
          const ref = engine.match(e).length > 0;
          expect({ e, tree: pred(e) }).toEqual({ e, tree: ref });
        }
        expect(await huntIds(r, evs)).toEqual(evs.filter((e) => pred(e)).map((e) => e['event.id']));
      }),
      { numRuns: 150 },
    );
  });
});
