/**
 * `node dist/bench/province/run.js [--seed 1] [--hours 6] [--scale 120] [--attacks 30] [--agencies 8]
 *  [--kinds a,b,...] [--covered a,b,...|all] [--drain-seconds 300]` (or `canhgac bench province ...`): simulates a
 * province against a fresh embedded service and prints ONE JSON line (see bench/province/README.md).
 */
import { parseArgs } from 'node:util';
import { ATTACK_KINDS, type AttackKind } from './attacks.js';
import { DEFAULT_OPTIONS, runProvince } from './simulate.js';

const { values: v } = parseArgs({
  options: {
    seed: { type: 'string', default: String(DEFAULT_OPTIONS.seed) },
    hours: { type: 'string', default: String(DEFAULT_OPTIONS.hours) },
    scale: { type: 'string', default: String(DEFAULT_OPTIONS.scale) },
    attacks: { type: 'string', default: String(DEFAULT_OPTIONS.attacks) },
    agencies: { type: 'string', default: String(DEFAULT_OPTIONS.agencies) },
    kinds: { type: 'string' },
    covered: { type: 'string' },
    'drain-seconds': { type: 'string', default: String(DEFAULT_OPTIONS.drainSeconds) },
  },
});

function kinds(s: string | undefined, fallback: readonly AttackKind[]): AttackKind[] {
  if (!s) return [...fallback];
  if (s === 'all') return [...ATTACK_KINDS];
  const out = s.split(',').map((k) => k.trim());
  const bad = out.filter((k) => !(ATTACK_KINDS as readonly string[]).includes(k));
  if (bad.length) {
    process.stderr.write(
      `bench province: unknown attack kind(s) ${bad.join(', ')}; known: ${ATTACK_KINDS.join(', ')}\n`,
    );
    process.exit(2);
  }
  return out as AttackKind[];
}

const num = (name: string, s: string | undefined): number => {
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`bench province: --${name} needs a positive number, got ${s}\n`);
    process.exit(2);
  }
  return n;
};

process.env.CANHGAC_LOG_LEVEL ??= 'warn';
const { cliLogsToStderr } = await import('../../cli/logs.js');
cliLogsToStderr();
const result = await runProvince({
  ...DEFAULT_OPTIONS,
  seed: num('seed', v.seed),
  hours: num('hours', v.hours),
  scale: num('scale', v.scale),
  attacks: Math.floor(num('attacks', v.attacks)),
  agencies: Math.floor(num('agencies', v.agencies)),
  kinds: kinds(v.kinds, ATTACK_KINDS),
  covered: kinds(v.covered, DEFAULT_OPTIONS.covered),
  drainSeconds: num('drain-seconds', v['drain-seconds']),
  log: (m) => process.stderr.write(`[bench province] ${m}\n`),
});
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
