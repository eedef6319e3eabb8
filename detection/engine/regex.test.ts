/** Catastrophic patterns stay linear (RE2), and patterns RE2 cannot run reject the rule with a reason. */
import { describe, expect, it } from '@jest/globals';
import { Engine } from './index.js';
import { rule, search } from '../../tests/kit/sigma-model.js';

describe('regular expressions', () => {
  it('catastrophic-backtracking patterns run in linear time', () => {
    const engine = new Engine([
      rule([search('sel', { 'A|re': '^(a+)+$' })], 'sel', { id: 'nested' }),
      rule([search('sel', { 'A|re': '(a|aa)*b' })], 'sel', { id: 'alt' }),
      rule([search('sel', { 'A|re': '(.*a){20}' })], 'sel', { id: 'counted' }),
      rule([search('sel', { 'A|contains': '*a*a*a*a*a*a*a*a*b' })], 'sel', { id: 'glob' }),
      rule([search('sel', { A: '*a?a*a?a*a?a*a?a*b' })], 'sel', { id: 'glob?' }),
    ]);
    expect(engine.rejected).toEqual([]);
    const ev = { A: `${'a'.repeat(30_000)}!` };
    const t0 = performance.now();
    expect(engine.match(ev).map((m) => m.id)).toEqual(['counted']);
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it('rejects what RE2 cannot run (backreferences, lookaround) with a coded reason', () => {
    const engine = new Engine([
      rule([search('sel', { 'A|re': '(a)\\1' })], 'sel', { id: 'backref' }),
      rule([search('sel', { 'A|re': '(?<=a)b' })], 'sel', { id: 'lookbehind' }),
      rule([search('sel', { 'A|re': 'fine' })], 'sel', { id: 'ok' }),
    ]);
    expect(engine.rejected.map((r) => [r.id, r.code])).toEqual([
      ['backref', 'CANHGAC_ERR_ENGINE_REGEX'],
      ['lookbehind', 'CANHGAC_ERR_ENGINE_REGEX'],
    ]);
    expect(engine.match({ A: 'so fine' }).map((m) => m.id)).toEqual(['ok']);
  });

  it('rejects bad CIDRs and unknown searches, never throws on events', () => {
    const engine = new Engine([
      rule([search('sel', { 'A|cidr': '10.0.0.0/33' })], 'sel', { id: 'cidr' }),
      rule([search('sel', { A: 'x' })], 'sel and missing', { id: 'cond' }),
    ]);
    expect(engine.rejected.map((r) => r.code)).toEqual(['CANHGAC_ERR_ENGINE_CIDR', 'CANHGAC_ERR_ENGINE_CONDITION']);
    for (const bad of [null, 'text', 42, [], { A: { toString: 5 } }, Object.create(null)]) {
      expect(engine.match(bad as never)).toEqual([]);
    }
  });
});
