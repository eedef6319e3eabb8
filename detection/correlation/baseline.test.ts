/**
 * canhgac's baseline extension of Sigma correlations (docs/baselines.md): parsing with file:line:col errors,
 * learning and decay of a key's normal, warm-up falling back to the fixed condition, a correlation that fires on
 * an attack but not on the host's ordinary bot noise, `values: new`, and spec correlations unchanged.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseRuleText } from '../sigma/load.js';
import type { CorrelationRule } from '../sigma/model.js';
import { baselineSpec, MemoryBaselineStore } from './baseline.js';
import { loadBaselines, saveBaselines } from './baseline-snapshot.js';
import { type CorrelationAlert, CorrelationEngine } from './engine.js';
import { type BaselineStep, botNoiseThenAttack } from './testing.js';

const failed = { id: 'f0000000-0000-4000-8000-000000000001', name: 'ssh_failed' };

function correlation(body: string): { rule?: CorrelationRule; problems: string[] } {
  const text = `title: SSH Brute Force Against One Host
id: 6c1e2f4a-8a0b-4d7e-9c1a-2b3c4d5e6f99
name: brute
status: test
correlation:
${body}level: high
`;
  const r = parseRuleText(text, 'brute.yml');
  return {
    rule: r.documents.find((d): d is CorrelationRule => d.kind === 'correlation'),
    problems: r.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.severity}: ${p.message}`),
  };
}

const HOST_COUNT = `  type: event_count
  rules: [ssh_failed]
  group-by: [host.name]
  timespan: 5m
  condition:
    gte: 10
`;
const SPRAY = `  type: value_count
  rules: [ssh_failed]
  group-by: [source.ip]
  timespan: 10m
  condition:
    field: user.name
    gte: 5
`;

const attackLevel = (alerts: CorrelationAlert[]) => alerts[alerts.length - 1]?.correlation.level;

function replay(engine: CorrelationEngine, steps: BaselineStep[], t0: number): CorrelationAlert[] {
  const out: CorrelationAlert[] = [];
  steps.forEach((s, i) => {
    const ev = {
      '@timestamp': t0 + s.t,
      'event.id': `e${i}`,
      'host.name': s.host,
      'source.ip': s.ip,
      'user.name': s.user,
    };
    out.push(...engine.process(ev, [failed]));
  });
  return out;
}

const T0 = Date.parse('2026-12-07T00:00:00Z');
const now = () => T0 + 86_400_000;

describe('parsing the baseline block', () => {
  it('reads by, factor, learn and warmup, with defaults', () => {
    const r = correlation(
      `${HOST_COUNT}  baseline:\n    by: host.name\n    factor: 4\n    learn: 2d\n    warmup: 45m\n`,
    );
    expect(r.problems).toEqual([]);
    expect(r.rule?.baseline).toEqual({
      by: ['host.name'],
      factor: 4,
      newValues: false,
      learnMs: 172_800_000,
      warmupMs: 2_700_000,
      warmupLevel: 'informational',
    });
    const d = correlation(`${HOST_COUNT}  baseline: {}\n`);
    expect(d.rule?.baseline).toEqual({
      by: ['host.name'],
      factor: 3,
      newValues: false,
      learnMs: 86_400_000,
      warmupMs: 3_600_000,
      warmupLevel: 'informational',
    });
    const v = correlation(`${SPRAY}  baseline:\n    by: host.name\n    values: new\n`);
    expect(v.rule?.baseline).toMatchObject({ newValues: true, factor: 0 });
    const w = correlation(`${HOST_COUNT}  baseline:\n    warmup-level: loud\n`);
    expect(w.problems[0]).toMatch(/^brute.yml:13:19: error: .*warmup-level must be one of informational, low, same/);
  });

  it('refuses unknown keys and bad values with file:line:col', () => {
    const r = correlation(`${HOST_COUNT}  baseline:\n    by: host.name\n    factr: 4\n    learn: soon\n`);
    expect(r.rule).toBeUndefined();
    expect(r.problems).toEqual([
      'brute.yml:14:5: error: Correlation: baseline: unknown key factr (by, factor, values, learn, warmup, warmup-level)',
      'brute.yml:15:12: error: Correlation: baseline: learn must be a duration such as 30m, 6h, 7d, not "soon"',
    ]);
    expect(correlation(`${HOST_COUNT}  baseline:\n    factor: -1\n`).problems[0]).toMatch(
      /^brute.yml:13:13: error: .*factor must be a number above 0/,
    );
    expect(correlation(`${HOST_COUNT}  baseline:\n    values: new\n`).problems[0]).toMatch(
      /values: new needs a value_count/,
    );
    expect(correlation(`${HOST_COUNT}  baseline:\n    warmup: 2d\n`).problems[0]).toMatch(
      /warmup must not be longer than learn/,
    );
  });

  it('warns of a correlation key it does not read (a typo would otherwise be silently ignored)', () => {
    const r = correlation(`${HOST_COUNT}  baselin:\n    factor: 4\n`);
    expect(r.rule).toBeDefined();
    expect(r.problems).toEqual([
      'brute.yml:12:3: warning: Correlation: unknown key baselin is ignored (type, rules, group-by, timespan, timeframe, condition, aliases, generate, baseline)',
    ]);
  });

  it('a specification correlation parses and runs exactly as before (no baseline)', () => {
    const r = correlation(HOST_COUNT);
    expect(r.problems).toEqual([]);
    expect(r.rule && 'baseline' in r.rule).toBe(false);
    const alerts = replay(
      new CorrelationEngine([r.rule as CorrelationRule], { now }),
      botNoiseThenAttack(2, 5_400_000),
      T0,
    );
    // 12 failures every 5 minutes: the fixed threshold fires on the noise all the time (every 10 failures).
    expect(alerts.length).toBe(Math.floor((2 * 3_600_000) / 25_000 / 10) + 5);
    expect(alerts.every((a) => a.baseline === undefined)).toBe(true);
  });
});

describe('learning and decay', () => {
  const spec = baselineSpec(
    {
      by: ['host.name'],
      factor: 3,
      newValues: false,
      learnMs: 20 * 60_000,
      warmupMs: 10 * 60_000,
      warmupLevel: 'same',
    },
    300_000,
  );
  it('averages the peak of each timespan, applies after warm-up and decays through quiet buckets', () => {
    const s = new MemoryBaselineStore();
    expect(spec).toMatchObject({ bucketMs: 300_000, learnBuckets: 4, warmupBuckets: 2 });
    expect(s.normal('c', 'h', spec, 0)).toBe(-1); // no history
    s.record('c', 'h', spec, 1_000, 6);
    s.record('c', 'h', spec, 2_000, 8); // the bucket keeps its highest
    s.record('c', 'h', spec, 3_000, 7);
    expect(s.normal('c', 'h', spec, 300_000)).toBe(-1); // one bucket learnt: still warming up
    s.record('c', 'h', spec, 300_001, 12);
    expect(s.normal('c', 'h', spec, 600_000)).toBe(10_000); // (8 + 12) / 2, in thousandths
    for (let b = 2; b < 10; b++) s.record('c', 'h', spec, b * 300_000, 10);
    expect(s.normal('c', 'h', spec, 3_000_000)).toBe(10_000);
    // Four quiet buckets (nothing recorded): each folds a 0 with weight 1/4.
    expect(s.normal('c', 'h', spec, 3_000_000 + 4 * 300_000)).toBe(3164); // 10000 * (3/4)^4 = 3164.06
    expect(s.peek('c', 'h', spec)).toMatchObject({ n: 4 });
    // Idle longer than 3 x learn: forgotten, warming up again.
    expect(s.normal('c', 'h', spec, 3_000_000 + 4 * 300_000 + 3 * 1_200_000 + 1)).toBe(-1);
  });

  it('survives a restart of the embedded service (saved to a file, read back; a broken file means learning again)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'canhgac-baselines-'));
    try {
      const s = new MemoryBaselineStore();
      for (let b = 0; b < 6; b++) s.record('c', 'h', spec, b * 300_000, 9);
      s.seen('c', 'h', spec, 10, 'root');
      const file = join(dir, 'baselines.json');
      saveBaselines(s, file);
      const again = new MemoryBaselineStore();
      loadBaselines(again, file);
      expect(again.normal('c', 'h', spec, 1_800_000)).toBe(s.normal('c', 'h', spec, 1_800_000));
      expect(again.seen('c', 'h', spec, 700_000, 'root')).toBe(0);
      writeFileSync(file, '{"version":1,"keys":[[1,2]],');
      const broken = new MemoryBaselineStore();
      loadBaselines(broken, file);
      expect(broken.size).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keys are bounded (least recently used out)', () => {
    const s = new MemoryBaselineStore({ maxKeys: 2 });
    s.normal('c', 'a', spec, 0);
    s.normal('c', 'b', spec, 0);
    s.normal('c', 'a', spec, 1);
    s.normal('c', 'c', spec, 2);
    expect(s.size).toBe(2);
    expect(s.peek('c', 'b', spec)).toBeUndefined();
    expect(s.peek('c', 'a', spec)).toBeDefined();
  });
});

describe('a correlation over the host’s own normal', () => {
  it('fires on the brute force but not on the bot noise the host sees every day', () => {
    const { rule } = correlation(`${HOST_COUNT}  baseline:\n    by: host.name\n    factor: 3\n    warmup: 30m\n`);
    const steps = botNoiseThenAttack(4, 3 * 3_600_000);
    const alerts = replay(new CorrelationEngine([rule as CorrelationRule], { now }), steps, T0);
    const attackStart = T0 + 3 * 3_600_000;
    const warm = alerts.filter((a) => a.lastTs < T0 + 30 * 60_000);
    const noise = alerts.filter((a) => a.lastTs >= T0 + 30 * 60_000 && a.lastTs < attackStart);
    const attack = alerts.filter((a) => a.lastTs >= attackStart);
    // Warm-up: before 30 minutes of history the fixed threshold alone applies (the noise fires, as without
    // baseline), marked as learning and raised at the warm-up level (informational: risk only, no incident alone).
    expect(warm.length).toBeGreaterThan(0);
    expect(warm.every((a) => a.baseline?.learning === true && a.correlation.level === 'informational')).toBe(true);
    expect(attackLevel(alerts)).toBe('high');
    expect(noise).toEqual([]);
    // 50 failures in two minutes over a normal of 12 per 5 minutes: two windows of 3x normal (each fire resets).
    expect(attack).toHaveLength(2);
    const a = attack[0] as CorrelationAlert;
    expect(a.baseline?.key).toEqual({ 'host.name': 'cong-dvc01' });
    expect(a.baseline?.normal).toBeCloseTo(12, 0); // 12 failures per 5 minutes
    expect(a.value).toBeGreaterThanOrEqual(a.baseline?.floor as number);
    expect(a.baseline?.floor).toBeCloseTo(3 * (a.baseline?.normal as number), 6);
  });

  it('values: new counts only accounts the host has not seen fail: the bots’ dictionary stops counting', () => {
    const { rule } = correlation(
      `${SPRAY}  baseline:\n    by: host.name\n    values: new\n    learn: 7d\n    warmup: 30m\n`,
    );
    const plain = correlation(SPRAY).rule as CorrelationRule;
    const steps = botNoiseThenAttack(4, 3 * 3_600_000);
    const fixed = replay(new CorrelationEngine([plain], { now }), steps, T0);
    expect(fixed.filter((a) => a.group['source.ip'] !== '203.0.113.66').length).toBeGreaterThan(20); // the bots
    const alerts = replay(new CorrelationEngine([rule as CorrelationRule], { now }), steps, T0);
    const after = alerts.filter((a) => a.lastTs >= T0 + 30 * 60_000);
    expect(after.map((a) => a.group['source.ip'])).toEqual(['203.0.113.66']);
    expect(alerts.filter((a) => a.lastTs < T0 + 30 * 60_000).length).toBeGreaterThan(0); // warm-up: fixed
  });

  it('a server first seen after the warm-up has a normal of 0: its first brute force fires at once, at the rule level', () => {
    const { rule } = correlation(`${HOST_COUNT}  baseline:\n    by: host.name\n    factor: 3\n    warmup: 30m\n`);
    const steps = botNoiseThenAttack(2, 7_200_000).filter((s) => s.t < 7_200_000);
    // An internal database server that never failed a login: 10 failures in a minute, 90 minutes in.
    for (let i = 0; i < 10; i++) steps.push({ t: 5_400_000 + i * 6_000, host: 'csdl01', ip: '10.20.0.9', user: 'sa' });
    steps.sort((x, y) => x.t - y.t);
    const alerts = replay(new CorrelationEngine([rule as CorrelationRule], { now }), steps, T0);
    const db = alerts.filter((a) => a.group['host.name'] === 'csdl01');
    expect(db).toHaveLength(1);
    expect(db[0]?.correlation.level).toBe('high');
    expect(db[0]?.baseline).toBeUndefined(); // normal 0: the fixed threshold is the only bound
  });

  it('keeps the normal across rule reloads when the engines share the baseline store', () => {
    const { rule } = correlation(`${HOST_COUNT}  baseline:\n    by: host.name\n    factor: 3\n    warmup: 30m\n`);
    const baselines = new MemoryBaselineStore();
    const steps = botNoiseThenAttack(4, 3 * 3_600_000);
    const cut = steps.findIndex((s) => s.t >= 3_600_000);
    replay(new CorrelationEngine([rule as CorrelationRule], { now, baselines }), steps.slice(0, cut), T0);
    // A reload: a new engine (windows start afresh), the learned normal stays.
    const later = replay(new CorrelationEngine([rule as CorrelationRule], { now, baselines }), steps.slice(cut), T0);
    expect(later.map((a) => a.lastTs >= T0 + 3 * 3_600_000)).toEqual([true, true]);
  });
});
