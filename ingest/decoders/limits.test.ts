/** Decode limits on JSON (issue 11): nothing a decoder returns is deeper, wider or larger than the bounds. */

import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeContext } from './index.js';
import { decodeJson } from './json.js';
import { JSON_LIMITS, LIMITS_FIELD } from './limits.js';
import { decodeRfc3164 } from './syslog.js';

const ctx = () => decodeContext('Asia/Ho_Chi_Minh');

/** Nesting depth of a value (iterative: the values under test may be deep). */
function depthOf(v: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    max = Math.max(max, d);
    if (typeof x === 'object' && x !== null) for (const k in x) stack.push([(x as Record<string, unknown>)[k], d + 1]);
  }
  return max;
}

/** `{"a":{"a":...{"msg":"x"}...}}`, `n` levels: the 7 KB datagram of issue 11 at n = 1,400. */
const deep = (n: number) => `${'{"a":'.repeat(n)}{"message":"deep"}${'}'.repeat(n)}`;

describe('JSON decode limits', () => {
  it('keeps a document nested 1,400 levels as text below the depth limit, so it crosses threads intact', () => {
    const text = deep(1400);
    expect(text.length).toBeGreaterThan(7000);
    const d = decodeJson(text, ctx());
    // Parsed (an unknown shape is marked as such, not as invalid JSON).
    expect(d.error).not.toBe('json_invalid');
    expect(d.fields![LIMITS_FIELD]).toBe('depth');
    expect(depthOf(d.fields)).toBeLessThanOrEqual(JSON_LIMITS.depth + 1);
    // What the worker posts must come back on the main thread (structured clone is v8 serialisation).
    expect(() => deserialize(serialize(d))).not.toThrow();
    // The part below the limit is kept as (truncated) JSON text.
    expect(JSON.stringify(d.fields)).toContain('{\\"a\\":{\\"a\\":');
  });

  it('bounds the same document inside a syslog line (the TCP/UDP path)', () => {
    const d = decodeRfc3164(`<14>Nov 22 10:15:00 web01 app: ${deep(1500)}`, ctx());
    expect(d.fields![LIMITS_FIELD]).toBe('depth');
    expect(depthOf(d)).toBeLessThanOrEqual(JSON_LIMITS.depth + 3);
  });

  it('keeps the keys beyond the width limit as one text field', () => {
    const o: Record<string, number> = {};
    for (let i = 0; i < JSON_LIMITS.width + 50; i++) o[`k${i}`] = i;
    const d = decodeJson(JSON.stringify({ message: 'wide', o }), ctx());
    expect(d.fields![LIMITS_FIELD]).toBe('width');
    const keys = Object.keys(d.fields!);
    expect(keys.length).toBeLessThanOrEqual(JSON_LIMITS.width + 5);
    expect(String(d.fields!['o.canhgac.rest'])).toContain(`"k${JSON_LIMITS.width + 49}"`);
  });

  it('keeps an array longer than the width limit bounded', () => {
    const d = decodeJson(JSON.stringify({ message: 'long', list: Array.from({ length: 5000 }, (_, i) => i) }), ctx());
    expect(d.fields![LIMITS_FIELD]).toBe('width');
    expect((d.fields!.list as unknown[]).length).toBe(JSON_LIMITS.width + 1);
  });

  it('does not parse JSON larger than the size limit and says why', () => {
    const d = decodeJson(`{"message":"${'x'.repeat(JSON_LIMITS.size)}"}`, ctx());
    expect(d.error).toBe('json_too_large');
    expect(d.fields![LIMITS_FIELD]).toBe('size');
  });

  it('returns ordinary documents untouched (no limit recorded)', () => {
    const d = decodeJson('{"message":"hi","a":{"b":{"c":[1,2,{"d":3}]}}}', ctx());
    expect(d.fields).toMatchObject({ message: 'hi', 'a.b.c': [1, 2, { d: 3 }] });
    expect(d.fields![LIMITS_FIELD]).toBeUndefined();
  });

  it('never returns a value deeper than the limit nor one that cannot cross threads (fast-check)', () => {
    const json = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.integer(),
        fc.string(),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 4 }), tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 3000 }), (inner, n) => {
        const text = `${'{"x":['.repeat(n)}${JSON.stringify(inner)}${']}'.repeat(n)}`;
        const d = decodeJson(`{"message":"m","p":${text}}`, ctx());
        expect(depthOf(d.fields)).toBeLessThanOrEqual(JSON_LIMITS.depth + 1);
        deserialize(serialize(d));
      }),
      { numRuns: 200 },
    );
  });
});
