import { describe, expect, it } from '@jest/globals';
import { applyPipelines, parsePipelineText, shippedPipelines } from './pipelines.js';

describe('field-mapping pipelines', () => {
  it('the shipped pipelines in rules/pipelines/ all load', () => {
    const names = shippedPipelines().map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['windows-security-4688', 'windows-powershell-classic', 'winlogbeat-ecs']),
    );
  });

  it('reports problems with file:line:col and collects them all', () => {
    const text = 'name: x\nwhen:\n  EventID: [1, 2]\nfields: [a]\nconvert:\n  A: rot13\nbogus: 1\n';
    const r = parsePipelineText(text, 'p.yml');
    expect(r.pipeline).toBeUndefined();
    expect(r.problems.map((p) => [p.line, p.message])).toEqual([
      [7, "unknown key 'bogus'"],
      [4, "'fields' must be a mapping"],
      [6, 'convert.A must be one of hex_to_decimal, lower, upper'],
    ]);
    const bad = parsePipelineText('name: [unclosed', 'q.yml');
    expect(bad.problems[0]).toMatchObject({ file: 'q.yml', line: 1, code: 'CANHGAC_ERR_PIPELINE_INVALID' });
  });

  it('copy reads every source before writing, so swapped names both see the originals', () => {
    const { pipeline } = parsePipelineText(
      'name: swap\nwhen: { Channel: security }\nfields: { ProcessId: ParentProcessId, NewProcessId: ProcessId }\nconvert: { ProcessId: hex_to_decimal }\n',
      'swap.yml',
    );
    const ev: Record<string, unknown> = { Channel: 'Security', ProcessId: '0x10', NewProcessId: '0x20' };
    expect(applyPipelines([pipeline!], ev)).toBe(1);
    expect(ev).toEqual({ Channel: 'Security', ProcessId: '32', NewProcessId: '0x20', ParentProcessId: '0x10' });
    const other: Record<string, unknown> = { Channel: 'System', ProcessId: '0x10' };
    expect(applyPipelines([pipeline!], other)).toBe(0);
  });

  it('move drops the source; fill never overwrites; templates skip when a part is missing; values map', () => {
    const mv = parsePipelineText('name: m\nmode: move\nfields: { a: b }\nvalues: { b: { "1": one } }\n', 'm.yml')
      .pipeline!;
    const e1: Record<string, unknown> = { a: 1 };
    applyPipelines([mv], e1);
    expect(e1).toEqual({ b: 'one' });
    const fill = parsePipelineText("name: f\nmode: fill\nfields: { a: b }\ntemplates: { u: '{d}\\{n}' }\n", 'f.yml')
      .pipeline!;
    const e2: Record<string, unknown> = { a: 1, b: 2, d: 'DOM', n: 'user' };
    applyPipelines([fill], e2);
    expect(e2).toMatchObject({ b: 2, u: 'DOM\\user' });
    const e3: Record<string, unknown> = { a: 1, d: 'DOM' };
    applyPipelines([fill], e3);
    expect(e3).toEqual({ a: 1, b: 1, d: 'DOM' });
  });

  it('when compares strings case-insensitively and numbers with numeric strings', () => {
    const p = parsePipelineText('name: w\nwhen: { EventID: [4688, 1], Channel: SECURITY }\nfields: { a: b }\n', 'w.yml')
      .pipeline!;
    const ev: Record<string, unknown> = { EventID: '4688', Channel: 'security', a: 1 };
    expect(applyPipelines([p], ev)).toBe(1);
  });

  it('refuses targets that would reach the prototype', () => {
    const r = parsePipelineText('name: p\nfields: { a: __proto__ }\n', 'p.yml');
    expect(r.pipeline).toBeUndefined();
  });
});

describe('template alternatives', () => {
  it('the first template whose fields are all present wins', () => {
    const p = parsePipelineText("name: t\ntemplates:\n  User: ['{TD}\\{TU}', '{SD}\\{SU}']\n", 't.yml').pipeline!;
    const a: Record<string, unknown> = { TD: '-', TU: '-', SD: 'DOM', SU: 'me' };
    applyPipelines([p], a);
    expect(a.User).toBe('DOM\\me');
    const b: Record<string, unknown> = { TD: 'NT AUTHORITY', TU: 'SYSTEM', SD: 'DOM', SU: 'me' };
    applyPipelines([p], b);
    expect(b.User).toBe('NT AUTHORITY\\SYSTEM');
  });
});
