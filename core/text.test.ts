import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { terminalText, visibleText } from './text.js';

const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

describe('visible text', () => {
  it('shows controls and bidi characters as escapes, leaves the rest (Vietnamese included) alone', () => {
    expect(visibleText('invoice\u202egpj.exe')).toBe('invoice\\u202egpj.exe');
    expect(visibleText('a\u001b[2Jb\tc\n')).toBe('a\\u001b[2Jb\\u0009c\\u000a');
    expect(terminalText('a\u001b[2Jb\tc\n')).toBe('a\\u001b[2Jb\tc\n');
    expect(visibleText('Sở Thông tin và Truyền thông')).toBe('Sở Thông tin và Truyền thông');
  });

  it('never lets an unsafe character through, and keeps JSON valid', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(visibleText(s)).not.toMatch(UNSAFE);
        expect(terminalText(s).replace(/[\t\n]/g, '')).not.toMatch(UNSAFE);
        expect(JSON.parse(terminalText(JSON.stringify(s)))).toBe(s);
      }),
    );
  });

  it('guards every string the canhgac command writes', () => {
    // `canhgac parse` echoes log content as JSON: the one-byte CSI and the override must not reach the terminal.
    const r = spawnSync(process.execPath, ['bin/canhgac.js', 'parse'], {
      input: '<13>Mar  1 01:00:00 pc1 app: x \u009b2J invoice\u202egpj.exe \u001b]0;t\u0007\n',
      encoding: 'utf8',
    });
    expect(r.stdout).toContain('invoice\\u202egpj.exe');
    expect(r.stdout + r.stderr).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
  });
});
