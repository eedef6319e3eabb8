import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CanhgacError } from '../../core/errors.js';
import { ANY, KEYWORDS_FIELD, ONE, type QueryNode, toQueryString, walk } from '../../core/event/query.js';
import { eventArb, queryArb } from '../../tests/kit/query-arbitraries.js';
import { compileQuery } from './evaluate.js';
import { parseQuery } from './parse.js';

/** Trees the search language can write (regex, cidr, fieldref and keywords are retro-hunt only). */
function inLanguage(q: QueryNode): boolean {
  let ok = true;
  walk(q, (n) => {
    if (n.kind === 'regex' || n.kind === 'cidr' || n.kind === 'fieldref' || n.kind === 'timepart') ok = false;
    if ('field' in n && n.field === KEYWORDS_FIELD) ok = false;
    if (n.kind === 'match' && n.cased) ok = false;
  });
  return ok;
}

describe('parseQuery', () => {
  it.each([
    ['', { kind: 'all' }],
    ['*', { kind: 'all' }],
    ['host.name:web01', { kind: 'match', field: 'host.name', parts: ['web01'], cased: false }],
    ['cs-uri-query:*union*', { kind: 'match', field: 'cs-uri-query', parts: [ANY, 'union', ANY], cased: false }],
    ['User:adm?n', { kind: 'match', field: 'User', parts: ['adm', ONE, 'n'], cased: false }],
    ['Image:C\\:\\\\Windows\\*', { kind: 'match', field: 'Image', parts: ['C:\\Windows*'], cased: false }],
    ['ip:fe80::1', { kind: 'match', field: 'ip', parts: ['fe80::1'], cased: false }],
    ['msg:"a b*"', { kind: 'match', field: 'msg', parts: ['a b*'], cased: false }],
    ['failed', { kind: 'match', field: 'message', parts: [ANY, 'failed', ANY], cased: false }],
    ['"đăng nhập"', { kind: 'match', field: 'message', parts: [ANY, 'đăng nhập', ANY], cased: false }],
    ['sc-status:>=400', { kind: 'range', field: 'sc-status', gte: 400 }],
    ['n:< 5', { kind: 'range', field: 'n', lt: 5 }],
    ['n:[1 TO 5}', { kind: 'range', field: 'n', gte: 1, lt: 5 }],
    ['n:{a TO *]', { kind: 'range', field: 'n', gt: 'a' }],
    ['@timestamp:>=2026-01-01', { kind: 'range', field: '@timestamp', gte: Date.UTC(2026, 0, 1) }],
    ['_exists_:User', { kind: 'exists', field: 'User' }],
    ['User:*', { kind: 'match', field: 'User', parts: [ANY], cased: false }],
    ['NOT a:1', { kind: 'not', arg: { kind: 'match', field: 'a', parts: ['1'], cased: false } }],
  ])('parses %p', (text, ast) => {
    expect(parseQuery(text)).toEqual(ast);
  });

  it('gives AND precedence over OR, with implicit AND and field groups', () => {
    const a = { kind: 'match', field: 'a', parts: ['1'], cased: false };
    const b = { kind: 'match', field: 'b', parts: ['2'], cased: false };
    const c = { kind: 'match', field: 'c', parts: ['3'], cased: false };
    expect(parseQuery('a:1 OR b:2 c:3')).toEqual({ kind: 'or', args: [a, { kind: 'and', args: [b, c] }] });
    expect(parseQuery('(a:1 OR b:2) AND c:3')).toEqual({ kind: 'and', args: [{ kind: 'or', args: [a, b] }, c] });
    expect(parseQuery('a:(1 OR 2) && NOT b:2')).toEqual({
      kind: 'and',
      args: [
        { kind: 'or', args: [a, { ...a, parts: ['2'] }] },
        { kind: 'not', arg: b },
      ],
    });
  });

  it.each([
    ['a:1 AND', 8, 'ends'],
    ['(a:1', 1, 'unclosed'],
    ['a:1)', 4, 'unbalanced'],
    ['"open', 1, 'unterminated'],
    [':x', 1, 'field name'],
    ['n:[1 5]', 6, 'TO'],
    ['OR a', 1, 'left operand'],
    ['@timestamp:>yesterday', 13, 'not a date'],
    ['a:1 \\', 5, 'backslash'],
    ['a:', 3, 'value'],
    ['()', 2, 'empty'],
  ])('reports %p at column %i', (text, col, reason) => {
    try {
      parseQuery(text);
      throw new Error('expected a syntax error');
    } catch (e) {
      expect(e).toBeInstanceOf(CanhgacError);
      const err = e as CanhgacError;
      expect(err.code).toBe('CANHGAC_ERR_QUERY_SYNTAX');
      expect(err.details?.col).toBe(col);
      expect(err.message).toContain(reason);
    }
  });

  it('refuses pathological nesting and length with typed errors, not stack overflows', () => {
    expect(() => parseQuery(`${'('.repeat(5000)}a${')'.repeat(5000)}`)).toThrow(CanhgacError);
    expect(() => parseQuery(`${'NOT '.repeat(5000)}a`)).toThrow(CanhgacError);
    expect(() => parseQuery('a'.repeat(30000))).toThrow(/too complex/);
  });

  it('never throws anything but a CanhgacError on arbitrary text', () => {
    const alphabet = fc.constantFrom(
      ...'ab:()[]{}"\\*?<>=! TOANDRNOT_exists_@.-'.split(''),
      'AND',
      'OR',
      'NOT',
      'TO',
      ' ',
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 30 }).map((a) => a.join('')),
        (text) => {
          try {
            parseQuery(text);
          } catch (e) {
            if (!(e instanceof CanhgacError)) throw e;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads back what toQueryString writes (same answers on generated events)', () => {
    fc.assert(
      fc.property(queryArb.filter(inLanguage), fc.array(eventArb, { maxLength: 10 }), (query, events) => {
        const text = toQueryString(query);
        const back = parseQuery(text);
        const a = compileQuery(query);
        const b = compileQuery(back);
        for (const e of events) expect({ text, r: b(e) }).toEqual({ text, r: a(e) });
      }),
      { numRuns: 300 },
    );
  });
});

describe('README examples', () => {
  it('every search in the README table parses', async () => {
    const { readFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const md = readFileSync(fileURLToPath(new URL('./README.md', import.meta.url)), 'utf8');
    const rows = [...md.matchAll(/^\| `([^`]+)`(?:, `([^`]+)`)?\s*\|/gm)];
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) for (const text of [r[1], r[2]]) if (text) expect(() => parseQuery(text)).not.toThrow();
  });
});
