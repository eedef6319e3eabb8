/**
 * Property: for generated rules (model objects) and events, the compiled Engine (with its candidate index and
 * routing) reports exactly the rules the reference interpreter says match.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type {
  Condition,
  DetectionItem,
  DetectionRule,
  PatternPart,
  Search,
  SigmaEvent,
  SigmaFilter,
  ValueMatcher,
} from '../sigma/model.js';
import { ANY, ONE } from '../sigma/model.js';
import { Engine } from './index.js';
import { logsourceApplies, referenceMatch } from './reference.js';

const FIELDS = ['A', 'B', 'C', 'message', 'toString'];
const LITS = ['a', 'b', 'A', 'ab', 'aB', 'abc', 'ABC', 'xyz', 'σ', 'Σ', 'İ', 'ς', 'K', 'ſ', '\\', ' '];
const SEARCHES = ['sel', 'sel2', 'filter', '_x'];

const part: fc.Arbitrary<PatternPart> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...LITS) },
  { weight: 1, arbitrary: fc.constantFrom<PatternPart>(ANY, ONE) },
);

const matcher: fc.Arbitrary<ValueMatcher> = fc.oneof(
  // `|contains` values, case-insensitive: an OR list of four or more compiles to one Aho-Corasick automaton.
  {
    weight: 4,
    arbitrary: fc
      .array(fc.constantFrom(...LITS), { minLength: 1, maxLength: 2 })
      .map((ls) => ({ t: 'str' as const, parts: [ANY, ls.join(''), ANY], cased: false })),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      t: fc.constant('str' as const),
      parts: fc.array(part, { maxLength: 5 }),
      cased: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('re' as const),
      source: fc.constantFrom('ab', '^a.b$', '(?i)abc', 'a|b', 'Σ', 'ss', 'k', 'xyz+', '[ab]c', '\\\\a'),
      i: fc.boolean(),
      m: fc.boolean(),
      s: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('num' as const), value: fc.constantFrom(0, 1, 2, -1, 1.5, 4688) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('cmp' as const),
      op: fc.constantFrom('lt' as const, 'lte' as const, 'gt' as const, 'gte' as const),
      value: fc.constantFrom(0, 1, 2, 1.5),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('bool' as const), value: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'null' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('exists' as const), value: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('cidr' as const), cidr: fc.constantFrom('10.0.0.0/8', '::/0', '1.2.3.4') }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('fieldref' as const),
      field: fc.constantFrom(...FIELDS),
      mode: fc.constantFrom('equals' as const, 'contains' as const, 'startswith' as const, 'endswith' as const),
      cased: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('time' as const),
      unit: fc.constantFrom('hour' as const, 'year' as const, 'week' as const),
      value: fc.constantFrom(0, 1, 2024),
    }),
  },
);

/** Mostly false: rules with every item negated or `all` test little. */
const rarely = fc.constantFrom(false, false, false, true);

const item: fc.Arbitrary<DetectionItem> = fc.record({
  field: fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom<string | null>(...FIELDS) },
    { weight: 1, arbitrary: fc.constant(null) },
  ),
  modifiers: fc.constant([]),
  matchers: fc.array(matcher, { minLength: 1, maxLength: 6 }),
  all: rarely,
  negate: rarely,
  loc: fc.constant({ line: 1, col: 1 }),
});

const searchesArb = fc
  .oneof(fc.constant(['sel']), fc.subarray(SEARCHES, { minLength: 1 }))
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc
          .array(fc.array(item, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 2 })
          .map((alternatives): Search => ({ name, alternatives, loc: { line: 1, col: 1 } })),
      ),
    ),
  );

function condArb(names: string[]): fc.Arbitrary<Condition> {
  const leaf: fc.Arbitrary<Condition> = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...names).map((name): Condition => ({ op: 'ref', name })) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('of' as const),
        quantifier: fc.constantFrom('all' as const, 'any' as const),
        pattern: fc.constantFrom('them', 'sel*', 'filter*', '*'),
      }),
    },
  );
  const { c } = fc.letrec<{ c: Condition }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ op: fc.constant('not' as const), arg: tie('c') }),
      fc.record({
        op: fc.constantFrom('and' as const, 'or' as const),
        args: fc.array(tie('c'), { minLength: 1, maxLength: 3 }),
      }),
    ),
  }));
  return c;
}

const logsource = fc.constantFrom(
  {},
  { product: 'windows' },
  { product: 'linux', category: 'auth' },
  { service: 'sshd' },
);

function ruleArb(id: string): fc.Arbitrary<DetectionRule> {
  return searchesArb.chain((searches) =>
    fc
      .record({
        conditions: fc.array(condArb(searches.map((s) => s.name)), { minLength: 1, maxLength: 2 }),
        logsource,
        name: fc.constantFrom(undefined, `name-${id}`),
      })
      .map(
        ({ conditions, logsource, name }): DetectionRule => ({
          kind: 'rule',
          id,
          name,
          title: id,
          tags: [],
          references: [],
          falsepositives: [],
          fields: [],
          file: 'p.yml',
          doc: 0,
          loc: { line: 1, col: 1 },
          logsource,
          searches: Object.fromEntries(searches.map((s) => [s.name, s])),
          conditions,
          conditionText: [],
        }),
      ),
  );
}

const filterArb: fc.Arbitrary<SigmaFilter> = searchesArb.chain((searches) =>
  fc.record({ cond: condArb(searches.map((s) => s.name)), logsource, rules: fc.subarray(['r0', 'r1', 'name-r2']) }).map(
    ({ cond, logsource, rules }): SigmaFilter => ({
      kind: 'filter',
      id: 'f0',
      title: 'f0',
      tags: [],
      references: [],
      falsepositives: [],
      fields: [],
      file: 'f.yml',
      doc: 0,
      loc: { line: 1, col: 1 },
      logsource,
      rules,
      searches: Object.fromEntries(searches.map((s) => [s.name, s])),
      conditions: [cond],
      conditionText: [],
    }),
  ),
);

/** Events whose string values are built from a pool (the fixed literals plus the rules' own literals). */
function eventArb(pool: string[]): fc.Arbitrary<SigmaEvent> {
  const textValue = fc.array(fc.constantFrom(...pool), { maxLength: 3 }).map((a) => a.join(''));
  const scalar = fc.oneof(
    { weight: 6, arbitrary: textValue },
    { weight: 2, arbitrary: fc.constantFrom(0, 1, 2, -1, 1.5, 4688, 1704067200000) },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  const value = fc.oneof(
    { weight: 8, arbitrary: scalar },
    { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constant({ nested: 'abc' }) },
  );
  return fc
    .tuple(
      fc.dictionary(fc.constantFrom(...FIELDS, 'D'), value, { maxKeys: 5 }),
      fc.constantFrom(
        {},
        { 'logsource.product': 'windows' },
        { 'logsource.product': 'Linux', 'logsource.category': 'auth' },
        { 'logsource.service': 'sshd', 'logsource.product': 'linux' },
        { 'logsource.product': 'linux', 'logsource.category': 'x', 'logsource.categories': ['Auth', 'y'] },
      ),
    )
    .map(([fields, ls]) => {
      const ev: SigmaEvent = { ...ls };
      for (const [k, v] of Object.entries(fields)) ev[k] = v;
      return ev;
    });
}

/** Literal parts of the rules' string matchers. */
function literalsOf(rules: DetectionRule[]): string[] {
  const out = new Set<string>();
  for (const r of rules) {
    for (const s of Object.values(r.searches)) {
      for (const alt of s.alternatives) {
        for (const it of alt) {
          for (const m of it.matchers) {
            if (m.t === 'str') out.add(m.parts.filter((p): p is string => typeof p === 'string').join(''));
          }
        }
      }
    }
  }
  return [...out].filter((x) => x !== '');
}

const PRESET = ['q', '10.1.2.3', '::1', '2024-01-01T00:00:00Z', '1.5', '4688', 'true'];

describe('compiled engine == reference interpreter', () => {
  it('on generated rules, filters and events', () => {
    let positives = 0;
    let total = 0;
    fc.assert(
      fc.property(
        fc
          .tuple(ruleArb('r0'), ruleArb('r1'), ruleArb('r2'))
          .chain((rules) =>
            fc.tuple(
              fc.constant(rules),
              fc.array(eventArb([...LITS, ...PRESET, ...literalsOf(rules)]), { minLength: 1, maxLength: 6 }),
            ),
          ),
        fc.option(filterArb, { nil: undefined }),
        ([rules, events], f) => {
          const filters = f ? [f] : [];
          const engine = new Engine([...rules, ...filters]);
          expect(engine.rejected).toEqual([]);
          for (const ev of events) {
            const want = rules
              .filter((r) => logsourceApplies(r.logsource, ev) && referenceMatch(r, ev, filters))
              .map((r) => r.id);
            expect(engine.match(ev).map((m) => m.id)).toEqual(want);
            positives += want.length;
            total += rules.length;
          }
        },
      ),
      { numRuns: 500 },
    );
    // The generators must produce matches often enough for the comparison to mean something.
    expect(positives / total).toBeGreaterThan(0.05);
    process.stderr.write(`property: ${positives} matches of ${total} rule evaluations\n`);
  });

  it('on single-item rules (every matcher kind in isolation, sharper than whole rules)', () => {
    fc.assert(
      fc.property(
        item.chain((it) => {
          const r: DetectionRule = {
            kind: 'rule',
            id: 'one',
            title: 'one',
            tags: [],
            references: [],
            falsepositives: [],
            fields: [],
            file: 'p.yml',
            doc: 0,
            loc: { line: 1, col: 1 },
            logsource: {},
            searches: { sel: { name: 'sel', alternatives: [[it]], loc: { line: 1, col: 1 } } },
            conditions: [{ op: 'ref', name: 'sel' }],
            conditionText: ['sel'],
          };
          return fc.tuple(
            fc.constant(r),
            fc.array(eventArb([...LITS, ...PRESET, ...literalsOf([r])]), { minLength: 1, maxLength: 8 }),
          );
        }),
        ([r, events]) => {
          const engine = new Engine([r]);
          for (const ev of events) expect(engine.match(ev).length === 1).toBe(referenceMatch(r, ev));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
