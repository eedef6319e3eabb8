import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CanhgacError } from '../../core/errors.js';
import { ANY, ONE, q } from '../../core/event/query.js';
import { agencyScope, SCOPE_ALL } from '../types.js';
import { re2ToLucene, searchQuery, toDsl } from './query.js';

/** A string query on a field OR on the wildcard copy of its over-long values (shape.ts). */
function orLong(own: Record<string, unknown>, long: Record<string, unknown>) {
  return { bool: { should: [own, long], minimum_should_match: 1 } };
}

describe('query AST to OpenSearch DSL', () => {
  it('matches case-insensitively on the lowercase subfield and case-sensitively on the keyword', () => {
    expect(toDsl(q.eq('User', 'ĐỨC'))).toEqual(
      orLong({ term: { 'User.lc': 'đức' } }, { term: { 'canhgac_long_lc.User': 'đức' } }),
    );
    expect(toDsl(q.eq('User', 'ĐỨC', true))).toEqual(
      orLong({ term: { User: 'ĐỨC' } }, { term: { 'canhgac_long.User': 'ĐỨC' } }),
    );
  });

  it('uses prefix for a trailing wildcard, wildcard otherwise, escaping literal * ? and \\', () => {
    expect(toDsl(q.match('Image', ['C:\\Win', ANY]))).toEqual(
      orLong({ prefix: { 'Image.lc': 'c:\\win' } }, { prefix: { 'canhgac_long_lc.Image': 'c:\\win' } }),
    );
    expect(toDsl(q.match('Image', [ANY, '\\cmd*.exe', ONE]))).toEqual(
      orLong(
        { wildcard: { 'Image.lc': { value: '*\\\\cmd\\*.exe?' } } },
        { wildcard: { 'canhgac_long_lc.Image': { value: '*\\\\cmd\\*.exe?' } } },
      ),
    );
    expect(toDsl(q.match('Image', [ANY]))).toEqual(
      orLong({ exists: { field: 'Image' } }, { exists: { field: 'canhgac_long_lc.Image' } }),
    );
  });

  it('puts numeric range bounds on .num, string bounds on the keyword, timestamps in epoch ms', () => {
    expect(toDsl({ kind: 'range', field: 'sc-status', gte: 400 })).toEqual({
      range: { 'sc-status.num': { gte: 400 } },
    });
    expect(toDsl({ kind: 'range', field: 'User', lt: 'm' })).toEqual({ range: { User: { lt: 'm' } } });
    expect(toDsl({ kind: 'range', field: '@timestamp', gt: 5 })).toEqual({
      range: { '@timestamp': { gt: 5, format: 'epoch_millis' } },
    });
  });

  it('adds the agency filter to every scoped query', () => {
    const dsl = searchQuery(agencyScope('000.00.00.H40'), q.all(), 1, 2);
    expect(dsl).toEqual({
      bool: {
        filter: [
          { match_all: {} },
          { term: { 'agency.id': '000.00.00.H40' } },
          { range: { '@timestamp': { format: 'epoch_millis', gte: 1, lt: 2 } } },
        ],
      },
    });
    expect(JSON.stringify(searchQuery(SCOPE_ALL, q.all()))).not.toContain('agency.id');
  });

  it('runs CIDR on the ip subfield and field references / time parts as painless scripts', () => {
    expect(toDsl({ kind: 'cidr', field: 'c-ip', cidr: '10.0.0.0/8' })).toEqual({ term: { 'c-ip.ip': '10.0.0.0/8' } });
    expect(
      JSON.stringify(toDsl({ kind: 'fieldref', field: 'a', other: 'b', mode: 'contains', cased: false })),
    ).toContain('painless');
    expect(() => toDsl({ kind: 'timepart', field: 'User', unit: 'hour', value: 3 })).toThrow(CanhgacError);
  });

  it('translates RE2 search patterns to whole-value Lucene regexps', () => {
    expect(re2ToLucene('abc', false, false)).toBe('.*(abc).*');
    expect(re2ToLucene('^a\\d+$', false, false)).toBe('(a[0-9]+)');
    expect(re2ToLucene('(?:x|y)+?z', false, true)).toBe('.*((x|y)+z).*');
    expect(re2ToLucene('a.b', false, false)).toBe('.*(a[^\n]b).*');
    expect(re2ToLucene('"<@>"', false, true)).toBe('.*(\\"\\<\\@\\>\\").*');
    expect(re2ToLucene('[\\w.-]+@x', false, true)).toBe('.*([a-zA-Z0-9_.-]+\\@x).*');
    expect(re2ToLucene('[a-c_]x', false, false, true)).toBe('.*([a-cA-C_]x).*');
    expect(re2ToLucene('\\bword\\b', false, false)).toBe('(.*[^a-zA-Z0-9_])?(word)([^a-zA-Z0-9_].*)?');
    expect(() => re2ToLucene('a\\b-b', false, false)).toThrow(CanhgacError);
    expect(() => re2ToLucene('a(?=b)', false, false)).toThrow(CanhgacError);
  });

  it('never crashes on arbitrary patterns: a DSL object or a typed CANHGAC error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.boolean(), fc.boolean(), fc.boolean(), (src, i, m, s) => {
        try {
          const dsl = toDsl({ kind: 'regex', field: 'CommandLine', source: src, i, m, s });
          expect(typeof JSON.stringify(dsl)).toBe('string');
        } catch (err) {
          expect(err).toBeInstanceOf(CanhgacError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
