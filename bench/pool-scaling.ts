/**
 * One worker against two: the pipeline's worker pool (decode + normalise + Sigma match, the part of a worker that
 * scales out) with 1 and then 2 worker threads on the same batches, in one invocation, alternating rounds so that
 * the load of a shared machine falls on both alike. Input: every line of the ../shared corpus syslog files and
 * loghub samples plus the OTRF Windows events (as JSON lines), against the shipped rules and all SigmaHQ rules,
 * batches of 2,000 raw records as the service hands them over; the main thread keeps two batches per thread in
 * flight. Prints ONE JSON line: events/s for each size (best of the rounds, every round listed), the scaling (2 over 1) and the
 * machine's cores and load.
 *
 *   npm run build && node dist/bench/pool-scaling.js [--seconds 10] [--rounds 2] [--sizes 1,2]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot, sharedPath } from '../core/shared-data.js';
import type { RawRecord } from '../ingest/spool/types.js';
import { WorkerPool } from '../pipeline/pool.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    sizes: { type: 'string', default: '1,2' },
  },
});
// The worker threads read it when they start: their per-record warnings would bury the one JSON line.
process.env.CANHGAC_LOG_LEVEL ??= 'error';
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const SIZES = values.sizes!.split(',').map(Number);
const BATCH = 2000;

const sigma = sharedPath('sigma', 'rules');
const corpus = sharedPath('corpus');
if (!sigma || !corpus) {
  process.stderr.write('pool-scaling needs ../shared (sigma/rules and corpus): set CANHGAC_SHARED_DIR\n');
  process.exit(2);
}

function lines(): string[] {
  const files: string[] = [];
  for (const f of readdirSync(join(corpus!, 'syslog'))) if (f.endsWith('.log')) files.push(join(corpus!, 'syslog', f));
  for (const d of readdirSync(join(corpus!, 'loghub'))) {
    const dir = join(corpus!, 'loghub', d);
    if (statSync(dir).isDirectory()) for (const f of readdirSync(dir)) if (f.endsWith('.log')) files.push(join(dir, f));
  }
  const otrf = join(corpus!, 'otrf');
  for (const d of readdirSync(otrf)) {
    const dir = join(otrf, d);
    if (statSync(dir).isDirectory())
      for (const f of readdirSync(dir)) if (f.endsWith('.json')) files.push(join(dir, f));
  }
  const out: string[] = [];
  for (const f of files)
    for (const l of readFileSync(f, 'utf8').split('\n')) {
      const line = l.replace(/\r$/, '');
      if (line.trim() && line.length < 8000) out.push(line);
    }
  return out;
}

const all = lines();
const now = Date.now();
const batches: RawRecord[][] = [];
for (let i = 0; i < all.length; i += BATCH)
  batches.push(
    all.slice(i, i + BATCH).map((data, k) => ({
      id: `b-${i + k}`,
      receivedAt: now,
      transport: 'tcp' as const,
      source: '127.0.0.1',
      data,
    })),
  );
process.stderr.write(`[pool-scaling] ${all.length} records in ${batches.length} batches; sizes ${SIZES.join(', ')}\n`);

async function rate(size: number): Promise<number> {
  const pool = new WorkerPool({
    size,
    processorModule: join(projectRoot, 'dist', 'pipeline', 'processor.js'),
    options: { ruleDirs: [join(projectRoot, 'rules', 'sigma'), sigma!], normalise: {} },
  });
  await pool.start();
  // Warm-up: every thread compiles its rules and sees the input once.
  await Promise.all(Array.from({ length: size }, (_, i) => pool.run(batches[i % batches.length]!)));
  let done = 0;
  let next = 0;
  const t0 = process.hrtime.bigint();
  const end = Date.now() + SECONDS * 1000;
  const lane = async () => {
    while (Date.now() < end) {
      const b = batches[next++ % batches.length]!;
      await pool.run(b);
      done += b.length;
    }
  };
  await Promise.all(Array.from({ length: 2 * size }, lane));
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await pool.close();
  return Math.round(done / s);
}

// Best of the rounds: on a shared machine another process only ever slows a round down.
const best = (xs: number[]) => Math.max(...xs);
const runs = new Map<number, number[]>(SIZES.map((s) => [s, []]));
const load0 = loadavg()[0]!;
for (let r = 0; r < ROUNDS; r++)
  for (const size of SIZES) {
    const v = await rate(size);
    runs.get(size)!.push(v);
    process.stderr.write(`[pool-scaling] round ${r + 1}: ${size} thread(s) ${v} events/s\n`);
  }
const per = Object.fromEntries([...runs].map(([s, v]) => [`threads_${s}`, { events_per_s: best(v), runs: v }]));
const one = best(runs.get(1) ?? [0]);
const two = best(runs.get(2) ?? [0]);
process.stdout.write(
  `${JSON.stringify({
    bench: 'pool-scaling',
    records: all.length,
    rules: 'shipped + ../shared/sigma/rules',
    seconds: SECONDS,
    ...per,
    scaling_2_over_1: one > 0 && two > 0 ? Math.round((100 * two) / one) / 100 : null,
    cores: cpus().length,
    load_average: [load0, loadavg()[0]].map((x) => Math.round(x * 100) / 100),
    note: 'the main thread feeding the pool shares the same cores; on 2 cores the ceiling of 2 threads is below 2x',
  })}\n`,
);
process.exit(0);
