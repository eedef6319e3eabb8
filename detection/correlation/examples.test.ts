/** The example correlation files, end to end: YAML -> parser -> base-rule engine -> correlation engine. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { Engine } from '../engine/index.js';
import { parseRuleText } from '../sigma/load.js';
import type { SigmaEvent } from '../sigma/model.js';
import { type CorrelationAlert, CorrelationEngine } from './engine.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'examples');

function load(file: string) {
  const res = parseRuleText(readFileSync(join(dir, file), 'utf8'), file);
  expect(res.problems.filter((p) => p.severity === 'error')).toEqual([]);
  const base = new Engine(res.documents);
  const corr = new CorrelationEngine(base.correlations, {
    knownRules: res.documents.filter((d) => d.kind === 'rule'),
  });
  expect(corr.problems).toEqual([]);
  const alerts: Array<[number, CorrelationAlert]> = [];
  let n = 0;
  const feed = (ev: SigmaEvent): void => {
    const i = n++;
    for (const a of corr.process({ 'event.id': `e${i}`, ...ev }, base.match(ev))) alerts.push([i, a]);
  };
  return { base, corr, alerts, feed };
}

const T0 = Date.parse('2024-05-01T02:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const sshd = { 'logsource.product': 'linux', 'logsource.service': 'sshd', 'host.name': 'web01' };

describe('example correlation rules', () => {
  it('mr_ssh_brute_force_by_source: 10 failures from one address in 5 min', () => {
    const { corr, alerts, feed } = load('mr_ssh_brute_force_by_source.yml');
    for (let i = 0; i < 9; i++) {
      feed({ ...sshd, '@timestamp': at(i * 20), src_ip: '203.0.113.5', message: 'Failed password for root from x' });
      feed({ ...sshd, '@timestamp': at(i * 20), src_ip: '198.51.100.7', message: 'Failed password for root from y' });
    }
    feed({ ...sshd, '@timestamp': at(400), src_ip: '203.0.113.5', message: 'Failed password for admin' }); // too late
    feed({ ...sshd, '@timestamp': at(200), src_ip: '198.51.100.7', message: 'Failed password for admin' });
    feed({ ...sshd, '@timestamp': at(201), src_ip: '198.51.100.7', message: 'Accepted password for admin' });
    expect(alerts).toHaveLength(1);
    const [[, a]] = alerts as [[number, CorrelationAlert]];
    expect(a.correlation).toMatchObject({ title: 'SSH brute force from one source', level: 'high' });
    expect(a.group).toEqual({ 'host.name': 'web01', src_ip: '198.51.100.7' });
    expect(a.value).toBe(10);
    expect(a.eventIds).toHaveLength(10);
    expect(corr.shouldAlert({ id: '1b9e6c2d-5a47-4f0e-8d3b-6a2c1e9f7b02', name: 'ssh_failed_password' })).toBe(false);
  });

  it('mr_port_scan_by_source: 20 distinct dropped ports from one address in 1 min', () => {
    const { alerts, feed } = load('mr_port_scan_by_source.yml');
    const fw = { 'logsource.category': 'firewall', 'logsource.product': 'linux', action: 'drop' };
    for (let i = 0; i < 30; i++) {
      feed({ ...fw, '@timestamp': at(i), src_ip: '192.0.2.66', dst_port: 22 }); // one port, many times
      feed({ ...fw, '@timestamp': at(i), src_ip: '192.0.2.77', dst_port: 1000 + i });
      feed({ ...fw, '@timestamp': at(i), src_ip: '192.0.2.88', dst_port: 2000 + i, action: 'accept' });
    }
    expect(alerts.map(([, a]) => [a.group, a.value])).toEqual([[{ src_ip: '192.0.2.77' }, 20]]);
  });

  it('mr_ssh_failures_then_success: a chained correlation fires on the success', () => {
    const { corr, alerts, feed } = load('mr_ssh_failures_then_success.yml');
    const user = { ...sshd, 'user.name': 'lan', src_ip: '203.0.113.9' };
    feed({ ...user, '@timestamp': at(0), message: 'Accepted password for lan' }); // before the failures: no
    for (let i = 1; i <= 5; i++) feed({ ...user, '@timestamp': at(i * 30), message: 'Failed password for lan' });
    feed({ ...user, '@timestamp': at(200), message: 'Accepted password for lan' });
    expect(alerts.map(([i, a]) => [i, a.correlation.title, a.standalone])).toEqual([
      [5, 'Repeated SSH login failures for one account', false],
      [6, 'SSH login succeeded after repeated failures from the same source', true],
    ]);
    expect(alerts[1]?.[1].correlation.level).toBe('critical');
    expect(corr.shouldAlert({ id: '6d1e9f3a-8b2c-4d5e-a7f0-4b3c2d1e6f06', name: 'ssh_many_failures' })).toBe(false);
  });
});

describe('problems found in YAML correlations carry the file position', () => {
  it('reports a chain cycle and an unknown rule at the correlation documents', () => {
    const text = [
      'title: A',
      'name: corr_a',
      'correlation:',
      '  type: temporal',
      '  rules: [corr_b, base]',
      '  group-by: [host.name]',
      '  timespan: 5m',
      '---',
      'title: B',
      'name: corr_b',
      'correlation:',
      '  type: event_count',
      '  rules: [corr_a]',
      '  group-by: [host.name]',
      '  timespan: 5m',
      '  condition:',
      '    gte: 2',
      '---',
      'title: C',
      'name: corr_c',
      'correlation:',
      '  type: event_count',
      '  rules: [no_such_rule]',
      '  group-by: [host.name]',
      '  timespan: 1h',
      '  condition:',
      '    gte: 2',
      '---',
      'title: Base',
      'name: base',
      'logsource: { product: linux }',
      'detection:',
      '  sel: { message: x }',
      '  condition: sel',
      '',
    ].join('\n');
    const res = parseRuleText(text, 'mr_bad.yml');
    const corr = new CorrelationEngine(
      res.documents.filter((d) => d.kind === 'correlation'),
      { knownRules: res.documents.filter((d) => d.kind === 'rule') },
    );
    const where = corr.problems.map((p) => [p.code, p.file, p.line]);
    expect(where).toEqual([
      ['CANHGAC_ERR_CORRELATION_CYCLE', 'mr_bad.yml', 1],
      ['CANHGAC_ERR_CORRELATION_CYCLE', 'mr_bad.yml', 9],
      ['CANHGAC_ERR_CORRELATION_UNKNOWN_RULE', 'mr_bad.yml', 19],
    ]);
    expect(corr.rules).toEqual([]);
  });
});
