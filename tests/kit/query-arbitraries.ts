/**
 * fast-check generators of flat events and query trees over a small shared vocabulary, so generated queries
 * actually hit generated events. Used by the SQLite differential test; the OpenSearch store can reuse them.
 */
import fc from 'fast-check';
import { ANY, KEYWORDS_FIELD, ONE, type PatternPart, type QueryNode } from '../../core/event/query.js';

/** Fields of generated events. */
export const GEN_FIELDS = [
  'host.name',
  'message',
  'User',
  'EventID',
  'Score',
  'Tags',
  'c-ip',
  'Image',
  'we"ird',
  'constructor',
  // Entity fields with their own indexed column in SQLite (store/sqlite/entity-columns.ts).
  'user.name',
  'source.ip',
] as const;

// Letters chosen to exercise case folding (ASCII and Vietnamese capitals) and characters special to SQL,
// JSON, LIKE/GLOB and the FTS5 query syntax.
const CHARS = ['a', 'b', 'A', 'B', 'đ', 'Đ', 'ă', 'Ắ', ' ', '\\', '"', "'", '%', '_', '*', '?', '.', '-'];
const word = fc.array(fc.constantFrom(...CHARS), { minLength: 0, maxLength: 5 }).map((a) => a.join(''));
const ip = fc.constantFrom('10.0.0.1', '10.1.2.3', '192.168.1.5', '::ffff:10.0.0.9', 'fe80::1', '10.0.0', 'x');

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  word,
  fc.integer({ min: -5, max: 20 }),
  fc.constantFrom(1.5, 0, true, false, null, ' 7 ', '12', 'Ab'),
);

/** A generated flat event (without envelope: the caller adds id, timestamp, agency). */
export const eventArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    'host.name': fc.oneof(word, fc.constantFrom('WEB01', 'web01', 'Đà01'), fc.array(word, { maxLength: 2 })),
    message: fc.oneof(
      word,
      fc.constantFrom('aab bab', 'ĐĂNG nhập', 'x'),
      fc.integer(),
      fc.array(word, { maxLength: 2 }),
    ),
    User: scalar,
    EventID: fc.oneof(fc.constantFrom(4688, '4688', 4624, ' 4688'), scalar),
    Score: scalar,
    Tags: fc.array(scalar, { maxLength: 3 }),
    'c-ip': ip,
    Image: word,
    'we"ird': scalar,
    constructor: word,
    'user.name': fc.oneof(scalar, fc.array(scalar, { maxLength: 2 }), fc.constant({ a: 'b' })),
    'source.ip': fc.oneof(ip, fc.array(ip, { maxLength: 2 }), fc.constant(null)),
  },
  { requiredKeys: [] },
);

const fieldArb = fc.constantFrom<string>(...GEN_FIELDS, 'host.name', 'message', KEYWORDS_FIELD, 'Missing');
// Literals that occur in generated values, in both cases, so patterns hit often.
const hit = fc.constantFrom(
  'a',
  'A',
  'web01',
  'WEB01',
  'đà01',
  'ĐÀ01',
  '4688',
  'aab',
  'BAB',
  'đăng',
  'NHẬP',
  'true',
  '10.0.0.1',
  '12',
  '7',
);
const partArb: fc.Arbitrary<PatternPart> = fc.oneof(
  { weight: 2, arbitrary: word },
  { weight: 3, arbitrary: hit },
  { weight: 2, arbitrary: fc.constant(ANY) },
  { weight: 1, arbitrary: fc.constant(ONE) },
);
const bound = fc.oneof(fc.integer({ min: -3, max: 15 }), fc.constantFrom('a', 'B', '1', 'đ'));

const leaf: fc.Arbitrary<QueryNode> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('match' as const),
      field: fieldArb,
      parts: fc.array(partArb, { minLength: 0, maxLength: 4 }),
      cased: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ field: fieldArb, lo: fc.option(bound), hi: fc.option(bound), incl: fc.boolean() })
      .map(({ field, lo, hi, incl }): QueryNode => {
        const n: Extract<QueryNode, { kind: 'range' }> = { kind: 'range', field };
        if (lo !== null) n[incl ? 'gte' : 'gt'] = lo;
        if (hi !== null) n[incl ? 'lte' : 'lt'] = hi;
        return n;
      }),
  },
  { weight: 1, arbitrary: fieldArb.map((field): QueryNode => ({ kind: 'exists', field })) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('regex' as const),
      field: fieldArb,
      source: fc.constantFrom('^a', 'b$', 'đ+', '(?i)web', '\\d{2}', '[', 'a.b'),
      i: fc.boolean(),
      m: fc.constant(false),
      s: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('cidr' as const),
      field: fc.constantFrom('c-ip', 'User', 'Tags'),
      cidr: fc.constantFrom('10.0.0.0/8', '10.0.0.0/24', '::/0', 'fe80::/10', 'bad'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('fieldref' as const),
      field: fieldArb,
      other: fieldArb,
      mode: fc.constantFrom('equals', 'contains', 'startswith', 'endswith'),
      cased: fc.boolean(),
    }),
  },
);

/** A generated query tree (depth-bounded). */
export const queryArb: fc.Arbitrary<QueryNode> = fc.letrec<{ node: QueryNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: leaf },
    {
      weight: 1,
      arbitrary: fc
        .array(tie('node'), { minLength: 1, maxLength: 3 })
        .map((args): QueryNode => ({ kind: 'and', args })),
    },
    {
      weight: 1,
      arbitrary: fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((args): QueryNode => ({ kind: 'or', args })),
    },
    { weight: 1, arbitrary: tie('node').map((arg): QueryNode => ({ kind: 'not', arg })) },
  ),
})).node;
