import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { metricsText, registry } from '../core/metrics.js';
import { projectRoot } from '../core/shared-data.js';
import { WorkerPool } from './pool.js';

// The pool runs compiled workers (dist/); tools/test.sh builds before the tests run.
const processorModule = join(projectRoot, 'tests', 'kit', 'test-processor.mjs');
let pool: WorkerPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function metric(name: string): Promise<number> {
  const m = await registry.getSingleMetric(name)?.get();
  return m?.values.reduce((a, v) => a + v.value, 0) ?? 0;
}

describe('WorkerPool', () => {
  it('processes batches in parallel and keeps item order', async () => {
    pool = new WorkerPool({ size: 2, processorModule });
    await pool.start();
    const results = await Promise.all([pool.run([1, 2, 3]), pool.run([4]), pool.run([5, 6])]);
    expect(results.map((r) => r.output)).toEqual([[2, 4, 6], [8], [10, 12]]);
  });

  it('applies new options in every worker in place, between batches; a replacement starts with them', async () => {
    pool = new WorkerPool({ size: 2, processorModule });
    await pool.start();
    const busy = pool.run(['busy:300']); // a batch in flight finishes first, on the old options
    await pool.update({ factor: 3 });
    expect((await busy).output).toEqual(['done']);
    const after = await Promise.all([pool.run([1]), pool.run([2]), pool.run([3])]);
    expect(after.map((r) => r.output)).toEqual([[3], [6], [9]]);
    await pool.terminateWorker(0);
    await pool.terminateWorker(0);
    for (let i = 0; i < 100 && pool.size < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const replaced = await Promise.all([pool.run([1]), pool.run([1])]);
    expect(replaced.map((r) => r.output)).toEqual([[3], [3]]);
    await expect(pool.update({ failUpdate: true })).rejects.toThrow(/cannot update/);
    expect((await pool.run([2])).output).toEqual([6]);
  });

  it('retries a batch whose worker died on a new worker, losing nothing and doing nothing twice', async () => {
    pool = new WorkerPool({ size: 1, processorModule });
    await pool.start();
    const before = await metric('canhgac_pool_worker_crashes_total');
    const marker = join(mkdtempSync(join(tmpdir(), 'pool-')), 'seen');
    const r = await pool.run([1, `crash-once:${marker}`, 3]);
    expect(r.output).toEqual([2, 'survived', 6]);
    expect(r.poisoned).toEqual([]);
    expect(await metric('canhgac_pool_worker_crashes_total')).toBe(before + 1);
    expect(pool.size).toBe(1);
  });

  it('replaces a worker terminated mid-batch (terminateWorker) and retries its batch once, counted', async () => {
    pool = new WorkerPool({ size: 2, processorModule });
    await pool.start();
    const crashes = await metric('canhgac_pool_worker_crashes_total');
    const retried = await metric('canhgac_pool_batch_retries_total');
    const running = pool.run(['busy:300', 4]);
    while (pool.busyWorkers().length === 0) await new Promise((r) => setTimeout(r, 1));
    expect(await pool.terminateWorker(pool.busyWorkers()[0]!)).toBe(true);
    // The retry runs the whole batch again on a live worker: same output, nothing lost, nothing doubled.
    expect(await running).toEqual({ output: ['done', 8], poisoned: [] });
    expect(await metric('canhgac_pool_worker_crashes_total')).toBe(crashes + 1);
    expect(await metric('canhgac_pool_batch_retries_total')).toBe(retried + 1);
    while (pool.size < 2) await new Promise((r) => setTimeout(r, 10));
    expect(pool.size).toBe(2);
    await expect(pool.terminateWorker(5)).rejects.toThrow(/No worker at position 5/);
  });

  it('isolates an item that always kills its worker and processes the rest', async () => {
    pool = new WorkerPool({ size: 2, processorModule, maxAttempts: 2 });
    await pool.start();
    const r = await pool.run([1, 2, 'crash', 4, 'throw', 6]);
    expect(r.output).toEqual([2, 4, 8, 12]);
    expect(r.poisoned.map((p) => p.item).sort()).toEqual(['crash', 'throw']);
    expect((await pool.run([21])).output).toEqual([42]);
  });

  it('survives a worker that runs out of memory', async () => {
    pool = new WorkerPool({ size: 1, processorModule, maxAttempts: 1, maxHeapMb: 64 });
    await pool.start();
    const r = await pool.run(['oom', 5]);
    expect(r.output).toEqual([10]);
    expect(r.poisoned.map((p) => p.item)).toEqual(['oom']);
  }, 60_000);

  // issue 11: a result too deep for structured clone arrived as `messageerror`, which nothing handled: the batch
  // waited forever and with it the whole pipeline.
  it('fails a batch whose result cannot be read on the main thread and isolates the record that made it', async () => {
    pool = new WorkerPool({ size: 1, processorModule, maxAttempts: 2, batchTimeoutMs: 20_000 });
    await pool.start();
    const transfer = await metric('canhgac_pool_batch_failures_total');
    const r = await pool.run([1, 2, 'deep', 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(r.output).toEqual([2, 4, 8, 10, 12, 14, 16, 18, 20, 22]);
    expect(r.poisoned).toHaveLength(1);
    expect(r.poisoned[0]!.item).toBe('deep');
    expect(r.poisoned[0]!.reason).toMatch(/result could not be read/);
    expect(await metric('canhgac_pool_batch_failures_total')).toBeGreaterThan(transfer);
    // The pool goes on with a new worker.
    expect((await pool.run([21])).output).toEqual([42]);
    // A transfer failure that does not come back is retried, not set aside.
    const marker = join(mkdtempSync(join(tmpdir(), 'pool-')), 'seen');
    expect(await pool.run([1, `deep-once:${marker}`])).toEqual({ output: [2, 'survived'], poisoned: [] });
  }, 60_000);

  it('fails a batch that runs past its deadline, isolates the record that hangs, and goes on', async () => {
    pool = new WorkerPool({ size: 2, processorModule, maxAttempts: 2, batchTimeoutMs: 500 });
    await pool.start();
    const started = Date.now();
    const r = await pool.run([1, 2, 3, 'hang', 5, 6]);
    expect(r.output).toEqual([2, 4, 6, 10, 12]);
    expect(r.poisoned.map((p) => [p.item, p.reason])).toEqual([['hang', 'batch ran past its deadline of 500 ms']]);
    // Whole batch twice, then its part, then the item alone twice: bounded, not forever.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await pool.run([21])).output).toEqual([42]);
    while (pool.size < 2) await new Promise((res) => setTimeout(res, 10));
  }, 60_000);

  it('shows what worker threads count in the main /metrics, and keeps the totals of a dead worker', async () => {
    // The real pipeline processor: its decoders count failures in the worker thread's own registry.
    const real = join(projectRoot, 'dist', 'pipeline', 'processor.js');
    pool = new WorkerPool({ size: 1, processorModule: real, options: { ruleDirs: [], normalise: {} } });
    await pool.start();
    const failed = /^canhgac_decode_failures_total\{reason="json_invalid"\} (\d+)$/m;
    const before = Number(failed.exec(await metricsText())?.[1] ?? 0);
    const rec = (data: string) => ({
      id: `r${Math.random()}`,
      receivedAt: Date.now(),
      transport: 'udp',
      source: '10.0.0.1',
      data,
    });
    const reaches = async (n: number) => {
      const deadline = Date.now() + 10_000;
      while (Number(failed.exec(await metricsText())?.[1] ?? 0) !== n && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      return Number(failed.exec(await metricsText())?.[1] ?? 0);
    };
    await pool.run([rec('{"a":'), rec('{"b":'), rec('<13>Dec  7 11:00:00 web01 app: fine')]);
    expect(await reaches(before + 2)).toBe(before + 2);
    // The worker dies; its replacement counts from zero, and /metrics goes on from the dead worker's total.
    await pool.terminateWorker(0);
    await pool.run([rec('{"c":')]);
    expect(await reaches(before + 3)).toBe(before + 3);
  });

  it('refuses to start when the processor cannot load', async () => {
    pool = new WorkerPool({ size: 1, processorModule, options: { failStart: true } });
    await expect(pool.start()).rejects.toThrow(/cannot start/);
  });
});
