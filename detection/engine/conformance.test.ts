/**
 * Conformance suite: Sigma 2.1 semantics as (rule, event, expected) rows, each run through BOTH the reference
 * interpreter and the compiled Engine (with and without the candidate index).
 */
import { describe, expect, it } from '@jest/globals';
import type { DetectionRule, SigmaEvent, SigmaFilter } from '../sigma/model.js';
import { Engine, referenceMatch } from './index.js';
import { logsourceApplies } from './reference.js';
import { filter, keywords, rule, search, type Scalar } from '../../tests/kit/sigma-model.js';

type Ev = SigmaEvent;
interface Row {
  name: string;
  rule: DetectionRule;
  cases: [Ev, boolean][];
  filters?: SigmaFilter[];
}

/** A one-search rule `sel` with condition `sel`. */
const one = (def: Record<string, Scalar | Scalar[]> | Record<string, Scalar | Scalar[]>[]) =>
  rule([search('sel', def)], 'sel');

const rows: Row[] = [
  // --- plain strings, case and wildcards
  {
    name: 'equals is case-insensitive',
    rule: one({ Image: 'C:\\Windows\\System32\\cmd.exe' }),
    cases: [
      [{ Image: 'c:\\windows\\system32\\CMD.EXE' }, true],
      [{ Image: 'C:\\Windows\\System32\\cmd.exe ' }, false],
      [{}, false],
    ],
  },
  {
    name: 'cased is exact',
    rule: one({ 'Image|cased': 'Cmd.exe' }),
    cases: [
      [{ Image: 'Cmd.exe' }, true],
      [{ Image: 'cmd.exe' }, false],
    ],
  },
  {
    name: 'contains',
    rule: one({ 'CommandLine|contains': ' -enc ' }),
    cases: [
      [{ CommandLine: 'powershell.exe -ENC abc' }, true],
      [{ CommandLine: 'powershell.exe -encoded' }, false],
    ],
  },
  {
    name: 'startswith / endswith',
    rule: one({ 'Image|endswith': '\\rundll32.exe', 'CommandLine|startswith': 'rundll32' }),
    cases: [
      [{ Image: 'C:\\x\\RUNDLL32.EXE', CommandLine: 'Rundll32 a,b' }, true],
      [{ Image: 'C:\\x\\rundll32.exe.bak', CommandLine: 'rundll32 a,b' }, false],
      [{ Image: 'C:\\x\\rundll32.exe', CommandLine: ' rundll32' }, false],
    ],
  },
  {
    name: 'cased contains',
    rule: one({ 'CommandLine|contains|cased': 'AbC' }),
    cases: [
      [{ CommandLine: 'xxAbCxx' }, true],
      [{ CommandLine: 'xxabcxx' }, false],
    ],
  },
  {
    name: 'wildcards * and ?',
    rule: one({ Image: '*\\\\?md.exe', User: 'adm_*' }),
    cases: [
      [{ Image: 'C:\\cmd.exe', User: 'ADM_x' }, true],
      [{ Image: 'C:\\xcmd.exe', User: 'adm_' }, false],
      [{ Image: 'C:\\\\md.exe', User: 'adm_' }, true],
      [{ Image: 'C:\\cmd.exe', User: 'xadm_' }, false],
    ],
  },
  {
    name: 'several * in order',
    rule: one({ CommandLine: '*a*b*c' }),
    cases: [
      [{ CommandLine: 'xxAyyBzzC' }, true],
      [{ CommandLine: 'abcx' }, false],
      [{ CommandLine: 'cba' }, false],
      [{ CommandLine: 'abc' }, true],
    ],
  },
  {
    name: 'glob with ? needs backtracking',
    rule: one({ CommandLine: 'a*?b*b' }),
    cases: [
      [{ CommandLine: 'axbyb' }, true],
      [{ CommandLine: 'abb' }, false],
      [{ CommandLine: 'axbb' }, true],
    ],
  },
  {
    name: 'Greek final sigma lowercases by context (index scan must agree)',
    rule: one({ 'Title|contains': 'λογος' }),
    cases: [
      [{ Title: 'ΛΟΓΟΣ' }, true],
      [{ Title: 'xx ΛΟΓΟΣ' }, true],
      [{ Title: 'ΛΟΓΟΣX' }, false],
    ],
  },
  {
    name: 'dotted capital I lowercases to two code units',
    rule: one({ 'Name|contains': 'i̇stanbul' }),
    cases: [
      [{ Name: 'İSTANBUL office' }, true],
      [{ Name: 'ISTANBUL office' }, false],
    ],
  },
  {
    name: 'non-ASCII contains (index scan of folded text)',
    rule: one({ 'message|contains': 'đăng nhập thất bại' }),
    cases: [
      [{ message: 'Người dùng ĐĂNG NHẬP THẤT BẠI lần 3' }, true],
      [{ message: 'đăng nhập thành công' }, false],
    ],
  },
  {
    name: 'regex rule anchored on its literal',
    rule: one({ 'CommandLine|re': '\\\\temp\\\\[a-z]+\\.exe' }),
    cases: [
      [{ CommandLine: 'run C:\\Temp\\abc.exe' }, false],
      [{ CommandLine: 'run C:\\temp\\abc.exe' }, true],
      [{ CommandLine: 'run C:\\TEMP\\abc.exe' }, false],
    ],
  },
  // --- escape table (\* \? \\ escaped; any other backslash literal)
  {
    name: 'escaped star is literal',
    rule: one({ CommandLine: 'a\\*b' }),
    cases: [
      [{ CommandLine: 'a*b' }, true],
      [{ CommandLine: 'axb' }, false],
    ],
  },
  {
    name: 'escaped question mark is literal',
    rule: one({ CommandLine: 'what\\?' }),
    cases: [
      [{ CommandLine: 'what?' }, true],
      [{ CommandLine: 'whatx' }, false],
    ],
  },
  {
    name: 'escaped backslash then wildcard',
    rule: one({ Path: 'C:\\\\*' }),
    cases: [
      [{ Path: 'C:\\anything' }, true],
      [{ Path: 'C:anything' }, false],
    ],
  },
  {
    name: 'plain backslash before other characters is literal',
    rule: one({ Path: 'C:\\Windows\\Temp' }),
    cases: [
      [{ Path: 'c:\\windows\\temp' }, true],
      [{ Path: 'C:WindowsTemp' }, false],
    ],
  },
  // --- lists, maps, all
  {
    name: 'list is OR',
    rule: one({ Image: ['*\\a.exe', '*\\b.exe'] }),
    cases: [
      [{ Image: 'x\\b.exe' }, true],
      [{ Image: 'x\\c.exe' }, false],
    ],
  },
  {
    name: 'map is AND, list of maps is OR',
    rule: one([{ A: 'x', B: 'y' }, { C: 'z' }]),
    cases: [
      [{ A: 'x', B: 'y' }, true],
      [{ A: 'x', B: 'n' }, false],
      [{ C: 'Z' }, true],
    ],
  },
  {
    name: 'all makes a list AND',
    rule: one({ 'CommandLine|contains|all': ['-nop', '-w hidden'] }),
    cases: [
      [{ CommandLine: 'ps -W hidden -NOP' }, true],
      [{ CommandLine: 'ps -nop' }, false],
    ],
  },
  {
    name: 'many exact values (set lookup)',
    rule: one({ OriginalFileName: ['a.exe', 'B.EXE', 'c.exe', 'x*'] }),
    cases: [
      [{ OriginalFileName: 'b.exe' }, true],
      [{ OriginalFileName: 'XYZ' }, true],
      [{ OriginalFileName: 'd.exe' }, false],
    ],
  },
  // --- numbers, booleans, types
  {
    name: 'number equals numeric and string field values',
    rule: one({ EventID: 4688 }),
    cases: [
      [{ EventID: 4688 }, true],
      [{ EventID: '4688' }, true],
      [{ EventID: 4689 }, false],
      [{ EventID: '04688' }, false],
    ],
  },
  {
    name: 'string value matches a numeric field by its text',
    rule: one({ EventID: '46*' }),
    cases: [
      [{ EventID: 4688 }, true],
      [{ EventID: 5688 }, false],
    ],
  },
  {
    name: 'boolean',
    rule: one({ Enabled: true }),
    cases: [
      [{ Enabled: true }, true],
      [{ Enabled: 'TRUE' }, true],
      [{ Enabled: false }, false],
      [{ Enabled: 1 }, false],
    ],
  },
  {
    name: 'array field: any element',
    rule: one({ 'Tags|contains': 'evil' }),
    cases: [
      [{ Tags: ['good', 'EVIL one'] }, true],
      [{ Tags: ['good'] }, false],
      [{ Tags: [] }, false],
      [{ Tags: { evil: 1 } }, false],
    ],
  },
  {
    name: 'array field with number',
    rule: one({ Ports: 445 }),
    cases: [
      [{ Ports: [80, 445] }, true],
      [{ Ports: [80, null] }, false],
    ],
  },
  // --- null, exists, neq
  {
    name: 'null: absent or null',
    rule: one({ ParentImage: null }),
    cases: [
      [{}, true],
      [{ ParentImage: null }, true],
      [{ ParentImage: '' }, false],
      [{ ParentImage: 'x' }, false],
    ],
  },
  {
    name: 'empty string is not null',
    rule: one({ ParentImage: '' }),
    cases: [
      [{ ParentImage: '' }, true],
      [{}, false],
    ],
  },
  {
    name: 'exists true',
    rule: one({ 'User|exists': true }),
    cases: [
      [{ User: 'x' }, true],
      [{ User: null }, true],
      [{}, false],
    ],
  },
  {
    name: 'exists false',
    rule: one({ 'User|exists': false }),
    cases: [
      [{}, true],
      [{ User: '' }, false],
    ],
  },
  {
    name: 'field named like an Object.prototype member',
    rule: one({ 'constructor|exists': false, toString: null }),
    cases: [
      [{}, true],
      [{ constructor: 'x' }, false],
    ],
  },
  {
    name: 'neq: field present and different',
    rule: one({ 'User|neq': ['SYSTEM', 'LOCAL SERVICE'] }),
    cases: [
      [{ User: 'bob' }, true],
      [{ User: 'system' }, false],
      [{}, false],
      [{ User: null }, false],
    ],
  },
  {
    name: 'neq with a number',
    rule: one({ 'LogonType|neq': 3 }),
    cases: [
      [{ LogonType: 10 }, true],
      [{ LogonType: '3' }, false],
    ],
  },
  // --- cidr
  {
    name: 'cidr v4',
    rule: one({ 'DestinationIp|cidr': ['10.0.0.0/8', '192.168.1.0/24'] }),
    cases: [
      [{ DestinationIp: '10.1.2.3' }, true],
      [{ DestinationIp: '192.168.1.200' }, true],
      [{ DestinationIp: '192.168.2.1' }, false],
      [{ DestinationIp: 'not an ip' }, false],
      [{ DestinationIp: '10.1' }, false],
      [{ DestinationIp: '::ffff:10.0.0.1' }, true],
      [{ DestinationIp: '010.1.2.3' }, false],
      [{ DestinationIp: '10.1.2.256' }, false],
      [{ DestinationIp: ' 10.1.2.3' }, false],
      [{ DestinationIp: '9.255.255.255' }, false],
      [{ DestinationIp: '11.0.0.0' }, false],
    ],
  },
  {
    name: 'cidr /0 and /32',
    rule: one({ 'A|cidr': '0.0.0.0/0', 'B|cidr': '192.168.1.7' }),
    cases: [
      [{ A: '255.255.255.255', B: '192.168.1.7' }, true],
      [{ A: '1.1.1.1', B: '192.168.1.8' }, false],
      [{ A: '::1', B: '192.168.1.7' }, false],
    ],
  },
  {
    name: 'cidr v6',
    rule: one({ 'DestinationIp|cidr': 'fe80::/10' }),
    cases: [
      [{ DestinationIp: 'fe80::1' }, true],
      [{ DestinationIp: '2001:db8::1' }, false],
      [{ DestinationIp: '10.0.0.1' }, false],
    ],
  },
  // --- numeric comparisons
  {
    name: 'gt / lte',
    rule: one({ 'Size|gt': 100, 'Count|lte': 5 }),
    cases: [
      [{ Size: 101, Count: 5 }, true],
      [{ Size: '150', Count: '2' }, true],
      [{ Size: 100, Count: 1 }, false],
      [{ Size: 'big', Count: 1 }, false],
      [{ Size: 200, Count: 6 }, false],
    ],
  },
  {
    name: 'lt / gte',
    rule: one({ 'A|lt': 0, 'B|gte': 2.5 }),
    cases: [
      [{ A: -1, B: 2.5 }, true],
      [{ A: 0, B: 3 }, false],
      [{ A: ' -3 ', B: '2.5' }, true],
      [{ A: '', B: 3 }, false],
    ],
  },
  // --- regular expressions
  {
    name: 're is case-sensitive by default',
    rule: one({ 'CommandLine|re': '^powershell.*-e(nc)?\\s' }),
    cases: [
      [{ CommandLine: 'powershell -enc AAA' }, true],
      [{ CommandLine: 'PowerShell -enc AAA' }, false],
    ],
  },
  {
    name: 're|i',
    rule: one({ 'CommandLine|re|i': '^powershell' }),
    cases: [[{ CommandLine: 'PowerShell -enc AAA' }, true]],
  },
  {
    name: 're with (?i) prefix',
    rule: one({ 'CommandLine|re': '(?i)invoke-expression' }),
    cases: [
      [{ CommandLine: 'x INVOKE-EXPRESSION y' }, true],
      [{ CommandLine: 'iex' }, false],
    ],
  },
  {
    name: 're|m and re|s',
    rule: rule([search('m', { 'T|re|m': '^b$' }), search('s', { 'U|re|s': 'a.b' })], 'm and s'),
    cases: [
      [{ T: 'a\nb\nc', U: 'a\nb' }, true],
      [{ T: 'a\nbc', U: 'a\nb' }, false],
    ],
  },
  {
    name: 're on a number',
    rule: one({ 'EventID|re': '^46\\d\\d$' }),
    cases: [
      [{ EventID: 4688 }, true],
      [{ EventID: 468 }, false],
    ],
  },
  // --- fieldref
  {
    name: 'fieldref equals',
    rule: one({ 'TargetUser|fieldref': 'SubjectUser' }),
    cases: [
      [{ TargetUser: 'Bob', SubjectUser: 'bob' }, true],
      [{ TargetUser: 'Bob', SubjectUser: 'alice' }, false],
      [{ TargetUser: 'Bob' }, false],
    ],
  },
  {
    name: 'fieldref endswith, cased',
    rule: one({ 'Image|fieldref|endswith|cased': 'Name' }),
    cases: [
      [{ Image: 'C:\\x\\Cmd.exe', Name: 'Cmd.exe' }, true],
      [{ Image: 'C:\\x\\cmd.exe', Name: 'Cmd.exe' }, false],
    ],
  },
  {
    name: 'fieldref contains / startswith',
    rule: one({ 'A|fieldref|contains': 'B', 'C|fieldref|startswith': 'D' }),
    cases: [
      [{ A: 'xxYYxx', B: 'yy', C: 'abc', D: 'AB' }, true],
      [{ A: 'xxYYxx', B: 'yy', C: 'abc', D: 'bc' }, false],
    ],
  },
  // --- time modifiers (UTC)
  {
    name: 'hour / day / month / year / minute / week',
    rule: one({
      '@timestamp|hour': 23,
      '@timestamp|day': 31,
      '@timestamp|month': 12,
      '@timestamp|year': 2025,
      '@timestamp|minute': 5,
      '@timestamp|week': 1,
    }),
    cases: [
      [{ '@timestamp': '2025-12-31T23:05:00Z' }, true],
      [{ '@timestamp': '2026-01-01T00:05:00+01:00' }, true],
      [{ '@timestamp': '2025-12-31T22:05:00Z' }, false],
      [{ '@timestamp': 'yesterday' }, false],
    ],
  },
  {
    name: 'time from epoch milliseconds',
    rule: one({ 'ts|hour': 0 }),
    cases: [
      [{ ts: 0 }, true],
      [{ ts: 3_600_000 }, false],
    ],
  },
  // --- keywords
  {
    name: 'keywords search message',
    rule: rule([keywords('kw', ['*failed password*', '*authentication failure*'])], 'kw'),
    cases: [
      [{ message: 'sshd: Failed password for root' }, true],
      [{ message: 'ok', other: 'failed password' }, false],
      [{ other: 'x', another: 'authentication failure' }, true],
      [{ n: 5 }, false],
    ],
  },
  {
    name: 'keywords with all',
    rule: rule([keywords('kw', ['*wget*', '*/tmp/*'], 'all')], 'kw'),
    cases: [
      [{ message: 'wget http://x -O /tmp/a' }, true],
      [{ message: 'wget http://x' }, false],
    ],
  },
  {
    name: 'keywords are substring searches',
    rule: rule([keywords('kw', ['event::clear', ' -ExternalUrl '])], 'kw'),
    cases: [
      [{ message: 'EVENT::CLEAR' }, true],
      [{ message: 'mimikatz # event::clear done' }, true],
      [{ message: 'Set-OabVirtualDirectory -ExternalUrl x' }, true],
      [{ message: 'event:clear' }, false],
    ],
  },
  {
    name: 'keyword whose text is shorter than the needle until lowercased (İ)',
    rule: rule([keywords('kw', ['İςA', 'zzzz'])], 'kw'),
    cases: [
      [{ A: 'İςA' }, true],
      [{ A: 'IςA' }, false],
    ],
  },
  {
    name: 'keywords with a number',
    rule: rule([keywords('kw', [4624])], 'kw'),
    cases: [
      [{ message: '4624' }, true],
      [{ message: 'x 4624' }, true],
      [{ message: '462' }, false],
    ],
  },
  // --- conditions
  {
    name: 'and binds tighter than or',
    rule: rule([search('a', { A: 1 }), search('b', { B: 1 }), search('c', { C: 1 })], 'a or b and c'),
    cases: [
      [{ A: 1 }, true],
      [{ B: 1 }, false],
      [{ B: 1, C: 1 }, true],
    ],
  },
  {
    name: 'not binds tighter than and; parentheses',
    rule: rule([search('a', { A: 1 }), search('b', { B: 1 }), search('c', { C: 1 })], 'not a and (b or c)'),
    cases: [
      [{ B: 1 }, true],
      [{ A: 1, B: 1 }, false],
      [{}, false],
    ],
  },
  {
    name: '1 of pattern',
    rule: rule([search('sel_a', { A: 1 }), search('sel_b', { B: 1 }), search('x', { X: 1 })], '1 of sel_*'),
    cases: [
      [{ B: 1 }, true],
      [{ X: 1 }, false],
    ],
  },
  {
    name: 'all of pattern',
    rule: rule([search('sel_a', { A: 1 }), search('sel_b', { B: 1 }), search('x', { X: 1 })], 'all of sel_*'),
    cases: [
      [{ A: 1, B: 1 }, true],
      [{ A: 1, X: 1 }, false],
    ],
  },
  {
    name: 'all of them skips _ searches',
    rule: rule([search('a', { A: 1 }), search('b', { B: 1 }), search('_c', { C: 1 })], 'all of them'),
    cases: [
      [{ A: 1, B: 1 }, true],
      [{ A: 1, C: 1 }, false],
    ],
  },
  {
    name: '1 of them skips _ searches',
    rule: rule([search('a', { A: 1 }), search('_c', { C: 1 })], '1 of them'),
    cases: [
      [{ C: 1 }, false],
      [{ A: 1 }, true],
    ],
  },
  {
    name: 'selection and not 1 of filter_*',
    rule: rule(
      [
        search('sel', { 'Image|endswith': '\\x.exe' }),
        search('filter_a', { User: 'a' }),
        search('filter_b', { User: 'b' }),
      ],
      'sel and not 1 of filter_*',
    ),
    cases: [
      [{ Image: 'c:\\x.exe', User: 'c' }, true],
      [{ Image: 'c:\\x.exe', User: 'b' }, false],
    ],
  },
  {
    name: 'condition list is OR',
    rule: rule([search('a', { A: 1 }), search('b', { B: 1 })], ['a', 'b']),
    cases: [
      [{ B: 1 }, true],
      [{ C: 1 }, false],
    ],
  },
  // --- logsource routing
  {
    name: 'logsource keys the rule names must equal the event',
    rule: rule([search('sel', { A: 1 })], 'sel', { logsource: { product: 'windows', category: 'process_creation' } }),
    cases: [
      [{ A: 1, 'logsource.product': 'windows', 'logsource.category': 'process_creation' }, true],
      [
        { A: 1, 'logsource.product': 'Windows', 'logsource.category': 'process_creation', 'logsource.service': 's' },
        true,
      ],
      [{ A: 1, 'logsource.product': 'linux', 'logsource.category': 'process_creation' }, false],
      [{ A: 1, 'logsource.product': 'windows' }, false],
      [{ A: 1 }, false],
      [{ A: 1, 'logsource.product': 'windows', 'logsource.categories': ['x', 'PROCESS_CREATION'] }, true],
      [{ A: 1, 'logsource.product': 'windows', 'logsource.category': 'y', 'logsource.categories': ['x'] }, false],
      [
        { A: 1, 'logsource.product': 'windows', 'logsource.categories': ['a', 'b', 'c', 'd', 'process_creation'] },
        false,
      ],
    ],
  },
];

const filtered = rule([search('sel', { 'Image|endswith': '\\rar.exe' })], 'sel', {
  id: 'f1a0b2c3-0000-4000-8000-000000000001',
  name: 'rar_use',
  logsource: { product: 'windows', category: 'process_creation' },
});
const win = { 'logsource.product': 'windows', 'logsource.category': 'process_creation' };
rows.push(
  {
    name: 'filter by id adds and not <filter condition>',
    rule: filtered,
    filters: [
      filter([filtered.id], [search('selection', { 'User|startswith': 'adm_' })], 'selection', { product: 'windows' }),
    ],
    cases: [
      [{ ...win, Image: 'c:\\rar.exe', User: 'adm_bob' }, false],
      [{ ...win, Image: 'c:\\rar.exe', User: 'bob' }, true],
    ],
  },
  {
    name: 'filter by name',
    rule: filtered,
    filters: [filter(['rar_use'], [search('selection', { User: 'bob' })], 'selection')],
    cases: [[{ ...win, Image: 'c:\\rar.exe', User: 'bob' }, false]],
  },
  {
    name: 'filter with another logsource does not apply',
    rule: filtered,
    filters: [filter([filtered.id], [search('selection', { User: 'bob' })], 'selection', { product: 'linux' })],
    cases: [[{ ...win, Image: 'c:\\rar.exe', User: 'bob' }, true]],
  },
  {
    name: 'filter naming another rule does not apply',
    rule: filtered,
    filters: [filter(['other'], [search('selection', { User: 'bob' })], 'selection')],
    cases: [[{ ...win, Image: 'c:\\rar.exe', User: 'bob' }, true]],
  },
);

describe('Sigma conformance (reference and compiled)', () => {
  for (const row of rows) {
    it(row.name, () => {
      const docs = [row.rule, ...(row.filters ?? [])];
      const indexed = new Engine(docs);
      const plain = new Engine(docs, { useIndex: false });
      expect(indexed.rejected).toEqual([]);
      row.cases.forEach(([ev, want], i) => {
        const ref = logsourceApplies(row.rule.logsource, ev) && referenceMatch(row.rule, ev, row.filters);
        expect({ case: i, ref }).toEqual({ case: i, ref: want });
        expect({ case: i, indexed: indexed.match(ev).length === 1 }).toEqual({ case: i, indexed: want });
        expect({ case: i, plain: plain.match(ev).length === 1 }).toEqual({ case: i, plain: want });
      });
    });
  }
});
