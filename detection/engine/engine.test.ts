/** Engine API: result sharing (allocation-light hot path), stats and metrics, explain, correlations untouched. */
import { describe, expect, it } from '@jest/globals';
import { registry } from '../../core/metrics.js';
import type { CorrelationRule } from '../sigma/model.js';
import { Engine } from './index.js';
import { filter, rule, search } from '../../tests/kit/sigma-model.js';

const r1 = rule([search('sel', { 'Image|endswith': '\\cmd.exe' })], 'sel', {
  id: 'r1',
  name: 'cmd',
  level: 'high',
  tags: ['attack.t1059'],
});
const r2 = rule([search('sel', { 'CommandLine|contains': 'whoami' })], 'sel', { id: 'r2' });
const corr = { kind: 'correlation', id: 'c1', rules: ['r1'] } as unknown as CorrelationRule;

describe('Engine', () => {
  it('returns one shared frozen empty array when nothing matches and shared RuleMatch objects', () => {
    const engine = new Engine([r1, r2, corr]);
    const none1 = engine.match({ Image: 'x' });
    const none2 = engine.match({ Image: 'y' });
    expect(none1).toBe(none2);
    expect(Object.isFrozen(none1)).toBe(true);
    const a = engine.match({ Image: 'c:\\cmd.exe', CommandLine: 'cmd /c whoami' });
    const b = engine.match({ Image: 'c:\\cmd.exe', CommandLine: 'whoami' });
    expect(a.map((m) => m.id)).toEqual(['r1', 'r2']);
    expect(a[0]).toBe(b[0]);
    expect(a[0]).toMatchObject({ id: 'r1', name: 'cmd', title: 'r1', level: 'high', tags: ['attack.t1059'] });
    expect(a).not.toBe(b);
  });

  it('passes correlations through untouched and counts what it does', async () => {
    const engine = new Engine([r1, r2, corr]);
    expect(engine.correlations).toEqual([corr]);
    for (let i = 0; i < 10; i++) engine.match({ Image: i % 2 ? 'c:\\cmd.exe' : 'x' });
    const s = engine.stats;
    expect(s).toMatchObject({ rules: 2, rejected: 0, correlations: 1, events: 10, matches: 5, errors: 0 });
    // Only r1 is a candidate for an Image-only event; r2 (CommandLine anchor) never runs.
    expect(s.rulesEvaluated).toBe(5);
    engine.flushMetrics();
    expect(await registry.getSingleMetricAsString('canhgac_engine_matches_total')).toMatch(/ [1-9]\d*$/m);
  });

  it('explains a rule: searches that held, filters that excluded it', () => {
    const f = filter(['r1'], [search('adm', { User: 'admin' })], 'adm');
    const engine = new Engine([r1, f]);
    expect(engine.explain('cmd', { Image: 'c:\\cmd.exe', User: 'admin' })).toEqual({
      matched: false,
      searches: ['sel'],
      filters: [f.id],
      logsource: true,
    });
    expect(engine.explain('r1', { Image: 'c:\\cmd.exe' })?.matched).toBe(true);
    expect(engine.explain('nope', {})).toBeUndefined();
  });

  it('counts a rule that throws on an event as no match and keeps going', () => {
    const engine = new Engine([r1, r2]);
    const evil = { Image: 'c:\\cmd.exe', CommandLine: 'whoami' };
    // A getter that throws stands for any unexpected failure inside a predicate.
    Object.defineProperty(evil, 'Image', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(engine.match(evil).map((m) => m.id)).toEqual(['r2']);
    expect(engine.stats.errors).toBeGreaterThan(0);
    const worse = {};
    Object.defineProperty(worse, 'logsource.product', {
      get() {
        throw new Error('boom');
      },
    });
    expect(engine.match(worse)).toEqual([]);
  });

  it('keeps one shape for every RuleMatch (monomorphic consumers)', () => {
    const r3 = rule([search('sel', { A: 'x' })], 'sel', { id: 'r3' });
    const engine = new Engine([r1, r2, r3]);
    const all = engine.match({ Image: 'c:\\cmd.exe', CommandLine: 'whoami', A: 'x' });
    expect(all).toHaveLength(3);
    const shapes = new Set(all.map((m) => Object.keys(m).join(',')));
    expect([...shapes]).toEqual(['id,name,title,level,tags,rule']);
  });
});
