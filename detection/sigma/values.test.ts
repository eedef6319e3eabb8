import { describe, expect, it } from '@jest/globals';
import { parseRuleText } from './load.js';
import { ANY, type DetectionItem, type DetectionRule, ONE, type PatternPart, type ValueMatcher } from './model.js';
import { parseSigmaString, WINDASH_CHARS } from './strings.js';

/** A one-selection rule around `key: value` (value already YAML text). */
function rule(key: string, value: string, extra = ''): string {
  return `title: t
logsource:
  product: windows
detection:
  sel:
    ${key}: ${value}
${extra}  condition: sel
`;
}

function items(key: string, value: string, placeholders?: Record<string, string[]>): DetectionItem[] {
  const r = parseRuleText(rule(key, value), 'v.yml', placeholders ? { placeholders } : {});
  const errors = r.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((p) => p.message).join('; '));
  return (r.documents[0] as DetectionRule).searches.sel!.alternatives[0]!;
}
function matchers(key: string, value: string, placeholders?: Record<string, string[]>): ValueMatcher[] {
  return items(key, value, placeholders)[0]!.matchers;
}
function errorCodes(key: string, value: string): string[] {
  const r = parseRuleText(rule(key, value), 'v.yml');
  return r.problems.filter((p) => p.severity === 'error').map((p) => p.code);
}
const str = (parts: PatternPart[], cased = false): ValueMatcher => ({ t: 'str', parts, cased });

describe('escape table (rules specification, "Escape Character")', () => {
  // Raw Sigma string (as YAML delivers it) -> parts.
  const table: [string, PatternPart[]][] = [
    ['C:\\Windows\\cmd.exe', ['C:\\Windows\\cmd.exe']], // single backslash before a normal char stays
    ['C:\\\\Windows', ['C:\\Windows']], // double backslash: one plain backslash
    ['a\\*b', ['a*b']], // \* literal star
    ['a\\?b', ['a?b']], // \? literal question mark
    ['a\\\\*', ['a\\', ANY]], // \\* backslash then wildcard
    ['a\\\\\\*', ['a\\*']], // \\\* backslash then literal star
    ['a\\\\\\b', ['a\\\\b']], // three backslashes: double backslash
    ['a\\\\\\\\b', ['a\\\\b']], // four backslashes: double backslash
    ['prog?.exe', ['prog', ONE, '.exe']],
    ['antivirus_V*.exe', ['antivirus_V', ANY, '.exe']],
    ['trailing\\', ['trailing\\']],
    ['%name%', ['%name%']], // no expand: a plain value
  ];
  it.each(table)('%j', (raw, parts) => {
    expect(parseSigmaString(raw, false)).toEqual(parts);
  });
  it('escaping every special character gives the literal back (property)', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\\', '*', '?', '%', 'b', ' ') }), (lit) => {
        const escaped = lit.replace(/[\\*?]/g, (c) => `\\${c}`);
        expect(parseSigmaString(escaped, false)).toEqual(lit === '' ? [] : [lit]);
      }),
      { numRuns: 300 },
    );
  });
  it('reads YAML single-quoted values the same way', () => {
    expect(matchers('Image', "'\\\\cmd.exe'")).toEqual([str(['\\cmd.exe'])]);
    expect(matchers('Image|endswith', "'\\cmd.exe'")).toEqual([str([ANY, '\\cmd.exe'])]);
  });
});

describe('modifiers appendix', () => {
  it('contains / startswith / endswith add ANY parts', () => {
    expect(matchers('F|contains', 'abc')).toEqual([str([ANY, 'abc', ANY])]);
    expect(matchers('F|startswith', 'abc')).toEqual([str(['abc', ANY])]);
    expect(matchers('F|endswith', 'abc')).toEqual([str([ANY, 'abc'])]);
    expect(matchers('F|contains', "'*abc*'")).toEqual([str([ANY, 'abc', ANY])]);
  });
  it('cased, all, neq', () => {
    expect(matchers('F|cased', 'AbC')).toEqual([str(['AbC'], true)]);
    const it1 = items('F|contains|all', '[a, b]')[0]!;
    expect(it1.all).toBe(true);
    expect(it1.matchers).toHaveLength(2);
    expect(items('F|neq', 'x')[0]!.negate).toBe(true);
    expect(errorCodes('F|contains|all', 'a')).toEqual(['CANHGAC_ERR_SIGMA_ALL_SINGLE']);
  });
  it('windash produces every dash variant at flag positions only', () => {
    const m = matchers('CommandLine|windash|contains', "' -foo a-b'");
    expect(m).toHaveLength(WINDASH_CHARS.length);
    expect(m.map((x) => (x.t === 'str' ? x.parts[1] : ''))).toEqual(WINDASH_CHARS.map((d) => ` ${d}foo a-b`));
    expect(matchers('CommandLine|windash', "'/x -y'")).toHaveLength(25);
  });
  it('all with an expanding value becomes one item per value (AND of ORs)', () => {
    const its = items('CommandLine|windash|contains|all', "[' -a', ' -b']");
    expect(its).toHaveLength(2);
    expect(its.every((i) => !i.all && i.matchers.length === 5)).toBe(true);
  });
  it('re with flags, checked by RE2', () => {
    expect(matchers('F|re', "'^a.*b$'")).toEqual([{ t: 're', source: '^a.*b$', i: false, m: false, s: false }]);
    expect(matchers('F|re|i|m|s', "'(?i)x'")).toEqual([{ t: 're', source: '(?i)x', i: true, m: true, s: true }]);
    expect(errorCodes('F|re', "'a(?=b)'")).toEqual(['CANHGAC_ERR_SIGMA_REGEX']);
    expect(errorCodes('F|i', 'x')).toEqual(['CANHGAC_ERR_SIGMA_MODIFIER_CHAIN']);
  });
  it('base64 and base64offset (the three offsets)', () => {
    expect(matchers('F|base64', 'cmd')).toEqual([str(['Y21k'])]);
    // pySigma's reference values for "/bin/sh"
    expect(matchers('F|base64offset|contains', "'/bin/sh'")).toEqual([
      str([ANY, 'L2Jpbi9za', ANY]),
      str([ANY, '9iaW4vc2', ANY]),
      str([ANY, 'vYmluL3No', ANY]),
    ]);
    expect(errorCodes('F|base64', "'a*'")).toEqual(['CANHGAC_ERR_SIGMA_VALUE_TYPE']);
  });
  it('utf16le / utf16be / utf16 / wide combined with base64', () => {
    expect(matchers('F|utf16le|base64', 'cmd')).toEqual([str([Buffer.from('c\0m\0d\0', 'latin1').toString('base64')])]);
    expect(matchers('F|wide|base64', 'cmd')).toEqual(matchers('F|utf16le|base64', 'cmd'));
    expect(matchers('F|utf16be|base64', 'cmd')).toEqual([str([Buffer.from('\0c\0m\0d', 'latin1').toString('base64')])]);
    expect(matchers('F|utf16|base64', 'cmd')).toEqual([
      str([Buffer.from('\xff\xfec\0m\0d\0', 'latin1').toString('base64')]),
    ]);
    expect(matchers('F|wide|base64offset|contains', 'ping').length).toBe(3);
    expect(errorCodes('F|base64|wide', 'cmd')).toEqual(['CANHGAC_ERR_SIGMA_MODIFIER_CHAIN']);
  });
  it('cidr v4 and v6', () => {
    expect(matchers('Ip|cidr', '10.0.0.0/8')).toEqual([{ t: 'cidr', cidr: '10.0.0.0/8' }]);
    expect(matchers('Ip|cidr', "'fe80::/10'")).toEqual([{ t: 'cidr', cidr: 'fe80::/10' }]);
    expect(errorCodes('Ip|cidr', '10.0.0.0/33')).toEqual(['CANHGAC_ERR_SIGMA_CIDR']);
    expect(errorCodes('Ip|cidr', 'nonsense')).toEqual(['CANHGAC_ERR_SIGMA_CIDR']);
  });
  it('lt / lte / gt / gte need numbers', () => {
    expect(matchers('N|lt', '5')).toEqual([{ t: 'cmp', op: 'lt', value: 5 }]);
    expect(matchers('N|gte', "'2.5'")).toEqual([{ t: 'cmp', op: 'gte', value: 2.5 }]);
    expect(errorCodes('N|gt', 'abc')).toEqual(['CANHGAC_ERR_SIGMA_NUMBER']);
  });
  it('exists, fieldref, time modifiers', () => {
    expect(matchers('F|exists', 'true')).toEqual([{ t: 'exists', value: true }]);
    expect(errorCodes('F|exists', 'yes-please')).toEqual(['CANHGAC_ERR_SIGMA_VALUE_TYPE']);
    expect(matchers('F|fieldref', 'Other')).toEqual([{ t: 'fieldref', field: 'Other', mode: 'equals', cased: false }]);
    expect(matchers('F|fieldref|startswith', 'Other')).toEqual([
      { t: 'fieldref', field: 'Other', mode: 'startswith', cased: false },
    ]);
    expect(matchers('T|hour', '3')).toEqual([{ t: 'time', unit: 'hour', value: 3 }]);
    expect(errorCodes('T|month', '13')).toEqual(['CANHGAC_ERR_SIGMA_NUMBER']);
  });
  it('expand with placeholder values, escaped percent, missing placeholder', () => {
    expect(matchers('F|expand', "'%x%'", { x: ['a', 'b*'] })).toEqual([str(['a']), str(['b', ANY])]);
    expect(matchers('F|expand', "'\\%plain%x%'", { x: ['v'] })).toEqual([str(['%plainv'])]);
    const r = parseRuleText(rule('F|expand', "'%nope%'"), 'p.yml');
    expect(r.rejected).toBe(1);
    expect(r.problems[0]!.code).toBe('CANHGAC_ERR_SIGMA_PLACEHOLDER');
  });
  it('null, numbers, booleans and keywords', () => {
    expect(matchers('F', 'null')).toEqual([{ t: 'null' }]);
    expect(matchers('F', '4624')).toEqual([{ t: 'num', value: 4624 }]);
    expect(matchers('F|contains', '4624')).toEqual([str([ANY, '4624', ANY])]);
    expect(matchers('F', 'true')).toEqual([{ t: 'bool', value: true }]);
    expect(matchers('F', '12345678901234567890')).toEqual([str(['12345678901234567890'])]);
    expect(matchers('F', '.nan')).toEqual([str(['.nan'])]);
    expect(errorCodes('F', "['', null]")).toEqual(['CANHGAC_ERR_SIGMA_NULL_IN_LIST']);
    const kw = parseRuleText(rule("'|all'", '[a, b]'), 'k.yml').documents[0] as DetectionRule;
    expect(kw.searches.sel!.alternatives[0]![0]!.field).toBeNull();
    expect(kw.searches.sel!.alternatives[0]![0]!.all).toBe(true);
  });
  it('unknown modifiers and impossible chains are errors', () => {
    expect(errorCodes('F|bogus', 'x')).toEqual(['CANHGAC_ERR_SIGMA_UNKNOWN_MODIFIER']);
    expect(errorCodes('F|re|contains', 'x')).toEqual(['CANHGAC_ERR_SIGMA_MODIFIER_CHAIN']);
    expect(errorCodes('F|cidr|contains', '10.0.0.0/8')).toEqual(['CANHGAC_ERR_SIGMA_MODIFIER_CHAIN']);
  });
});

describe('value resolution never throws', () => {
  it('on random modifier chains and values', async () => {
    const fc = (await import('fast-check')).default;
    const { MODIFIERS } = await import('./modifiers.js');
    const names = [...Object.keys(MODIFIERS), 'bogus', ''];
    const scalar = fc.oneof(
      fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
      fc.integer().map(String),
      fc.constantFrom('null', 'true', 'false', "'10.0.0.0/8'", "'a*b?c'", "'\\\\*'", "' -x /y'", "'%p%'", "'(a'"),
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...names), { maxLength: 4 }),
        fc.oneof(
          scalar,
          fc.array(scalar, { maxLength: 4 }).map((a) => `[${a.join(', ')}]`),
        ),
        (mods, value) => {
          const key = ['F', ...mods].join('|');
          const r = parseRuleText(rule(JSON.stringify(key), value), 'fz.yml', { placeholders: { p: ['x', 'y*'] } });
          expect(r.documents.length + r.rejected).toBe(1);
        },
      ),
      { numRuns: 400 },
    );
  });
});
