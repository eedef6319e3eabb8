/**
 * Conformance rows written as Sigma YAML, parsed by detection/sigma (parseRuleText) and run through both the
 * reference interpreter and the compiled Engine: the parser -> engine seam, escapes and value transforms included.
 */
import { describe, expect, it } from '@jest/globals';
import type { DetectionRule, SigmaEvent } from '../sigma/model.js';
import { parseRuleText } from '../sigma/load.js';
import { Engine } from './index.js';
import { referenceMatch } from './reference.js';

/** A full rule document around a `detection:` body (indented by 4 spaces in the text given). */
function ruleText(detection: string): string {
  return `title: Row
id: 9d3c4a53-6b0e-4c1e-9f59-0d0c0f7d1a01
status: test
logsource:
    product: windows
detection:
${detection}
level: low
`;
}

const rows: [string, string, [SigmaEvent, boolean][]][] = [
  [
    'escape table: \\* and \\? literal, \\\\ then wildcard, other backslashes literal',
    String.raw`    sel1:
        A: 'a\*b'
    sel2:
        B: 'C:\\*'
    sel3:
        C: 'C:\Windows\?'
    condition: sel1 and sel2 and sel3`,
    [
      [{ A: 'a*b', B: 'C:\\x', C: 'C:\\Windows?' }, true],
      [{ A: 'axb', B: 'C:\\x', C: 'C:\\Windows?' }, false],
      [{ A: 'a*b', B: 'C:x', C: 'C:\\Windows?' }, false],
      [{ A: 'a*b', B: 'C:\\x', C: 'C:\\Windows\\1' }, false],
    ],
  ],
  [
    'contains|all and endswith list',
    String.raw`    sel:
        Image|endswith:
            - '\powershell.exe'
            - '\pwsh.exe'
        CommandLine|contains|all:
            - ' -nop '
            - ' -w hidden '
    condition: sel`,
    [
      [{ Image: 'C:\\x\\PWSH.EXE', CommandLine: 'pwsh -NOP -W HIDDEN -c' }, true],
      [{ Image: 'C:\\x\\pwsh.exe', CommandLine: 'pwsh -nop -c' }, false],
    ],
  ],
  [
    'windash',
    `    sel:
        CommandLine|windash|contains: ' -urlcache '
    condition: sel`,
    [
      [{ CommandLine: 'certutil /urlcache -f x' }, true],
      [{ CommandLine: 'certutil \u2013urlcache -f x' }, true],
      [{ CommandLine: 'certutil urlcache' }, false],
    ],
  ],
  [
    'base64offset|contains',
    `    sel:
        CommandLine|base64offset|contains: 'IEX ('
    condition: sel`,
    [
      [{ CommandLine: `powershell -e ${Buffer.from('xxIEX (New-Object').toString('base64')}` }, true],
      [{ CommandLine: `powershell -e ${Buffer.from('x IEX (y').toString('base64')}` }, true],
      [{ CommandLine: 'powershell -e AAAA' }, false],
    ],
  ],
  [
    'wide|base64offset|contains',
    `    sel:
        CommandLine|wide|base64offset|contains: 'http'
    condition: sel`,
    [
      [{ CommandLine: `-enc ${Buffer.from('iwr http://x', 'utf16le').toString('base64')}` }, true],
      [{ CommandLine: `-enc ${Buffer.from('iwr ftp://x', 'utf16le').toString('base64')}` }, false],
    ],
  ],
  [
    're with flags and (?i)',
    String.raw`    sel1:
        A|re|i: '^ab+c$'
    sel2:
        B|re: '(?i)^x\d+$'
    condition: sel1 and sel2`,
    [
      [{ A: 'ABBC', B: 'X12' }, true],
      [{ A: 'ac', B: 'x1' }, false],
    ],
  ],
  [
    'numbers, gt, cidr, exists, neq, null',
    `    sel:
        EventID: 4625
        LogonType|gte: 3
        IpAddress|cidr: '10.0.0.0/8'
        TargetUserName|exists: true
        SubStatus|neq: '0xc000006a'
        WorkstationName: null
    condition: sel`,
    [
      [{ EventID: 4625, LogonType: '10', IpAddress: '10.2.3.4', TargetUserName: 'a', SubStatus: '0xC0000064' }, true],
      [{ EventID: '4625', LogonType: 3, IpAddress: '10.2.3.4', TargetUserName: 'a', SubStatus: '0xC000006A' }, false],
      [{ EventID: 4625, LogonType: 2, IpAddress: '10.2.3.4', TargetUserName: 'a', SubStatus: 'x' }, false],
      [{ EventID: 4625, LogonType: 3, IpAddress: '11.2.3.4', TargetUserName: 'a', SubStatus: 'x' }, false],
      [{ EventID: 4625, LogonType: 3, IpAddress: '10.2.3.4', SubStatus: 'x' }, false],
      [
        {
          EventID: 4625,
          LogonType: 3,
          IpAddress: '10.2.3.4',
          TargetUserName: 'a',
          SubStatus: 'x',
          WorkstationName: 'w',
        },
        false,
      ],
    ],
  ],
  [
    'fieldref and time modifiers',
    `    sel:
        TargetUserName|fieldref: SubjectUserName
        '@timestamp|hour': 3
    condition: sel`,
    [
      [{ TargetUserName: 'Bob', SubjectUserName: 'bob', '@timestamp': '2025-01-01T03:59:00Z' }, true],
      [{ TargetUserName: 'Bob', SubjectUserName: 'bob', '@timestamp': '2025-01-01T04:00:00Z' }, false],
    ],
  ],
  [
    'keywords with |all',
    `    keywords:
        '|all':
            - 'OabVirtualDirectory'
            - ' -ExternalUrl '
    condition: keywords`,
    [
      [{ message: 'Set-OabVirtualDirectory -ExternalUrl http://x' }, true],
      [{ message: 'Set-OabVirtualDirectory' }, false],
    ],
  ],
  [
    'condition forms: 1 of, all of them with _ excluded, not, parentheses',
    `    selection_a:
        A: 1
    selection_b:
        B: 1
    filter_x:
        X: 1
    _ignored:
        I: 1
    condition: (1 of selection_* and not filter_x) or all of them`,
    [
      [{ A: 1 }, true],
      [{ A: 1, X: 1 }, false],
      [{ A: 1, B: 1, X: 1 }, true],
    ],
  ],
  [
    'condition list is an OR',
    `    a:
        A: 1
    b:
        B: 1
    condition:
        - a
        - b`,
    [
      [{ B: 1 }, true],
      [{ C: 1 }, false],
    ],
  ],
];

describe('Sigma YAML rows through the parser, reference and engine', () => {
  for (const [name, detection, cases] of rows) {
    it(name, () => {
      const loaded = parseRuleText(ruleText(detection), `${name}.yml`);
      expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
      const rule = loaded.documents[0] as DetectionRule;
      const engine = new Engine(loaded.documents);
      expect(engine.rejected).toEqual([]);
      cases.forEach(([fields, want], i) => {
        const ev = { 'logsource.product': 'windows', ...fields };
        expect({ i, ref: referenceMatch(rule, ev) }).toEqual({ i, ref: want });
        expect({ i, engine: engine.match(ev).length === 1 }).toEqual({ i, engine: want });
      });
    });
  }
});
