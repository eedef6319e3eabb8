/** Builders for correlation rule models in tests and examples (the parser produces the same shape from YAML). */
import type { CorrelationRule } from '../sigma/model.js';

/** A CorrelationRule with defaults for everything but what the caller gives. */
export function correlationRule(
  p: Partial<CorrelationRule> & Pick<CorrelationRule, 'type' | 'rules'>,
): CorrelationRule {
  const id = p.id ?? `corr-${p.name ?? p.type}`;
  return {
    kind: 'correlation',
    id,
    title: p.title ?? id,
    tags: [],
    references: [],
    falsepositives: [],
    fields: [],
    file: 'test.yml',
    doc: 0,
    loc: { line: 1, col: 1 },
    groupBy: [],
    timespanMs: 60_000,
    aliases: {},
    generate: false,
    ...p,
  };
}

/** One observation of a baseline scenario: time, host, source address, account. */
export interface BaselineStep {
  t: number;
  host: string;
  ip: string;
  user: string;
}

/**
 * A host's day as the baseline tests replay it (deterministic): internet bots failing 12 times in every 5 minutes
 * with the same dictionary of accounts (the host's normal), then at `attackAt` a brute force of 50 failures in
 * two minutes from one address with accounts the host never saw fail.
 */
export function botNoiseThenAttack(hours: number, attackAt: number): BaselineStep[] {
  const out: BaselineStep[] = [];
  const dictionary = ['root', 'admin', 'test', 'ubuntu', 'oracle', 'postgres', 'git', 'user'];
  let k = 0;
  for (let t = 0; t < hours * 3_600_000; t += 25_000) {
    // 12 per 5 minutes from 4 bots, each walking the dictionary: 6 accounts per bot in 10 minutes.
    const user = dictionary[Math.floor(k / 4) % dictionary.length] as string;
    out.push({ t, host: 'cong-dvc01', ip: `198.51.100.${k % 4}`, user });
    k++;
  }
  const names = ['quantri', 'ketoan', 'vanthu', 'tiepnhan', 'motcua', 'webadmin', 'backup', 'hoso', 'canbo'];
  for (let i = 0; i < 50; i++)
    out.push({
      t: attackAt + i * 2_400,
      host: 'cong-dvc01',
      ip: '203.0.113.66',
      user: names[i % names.length] as string,
    });
  return out.sort((a, b) => a.t - b.t);
}
