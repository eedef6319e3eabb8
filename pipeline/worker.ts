/** Worker-thread entry: loads the processor module named in workerData and serves batches. */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { workerSnapshot } from '../core/metrics.js';
import type { BatchMessage, BatchProcessor, ProcessorFactory, WorkerInit, WorkerReply } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('pipeline/worker.js must run in a worker thread');
const send = (m: WorkerReply) => port.postMessage(m);
const init = workerData as WorkerInit;
/** How often the worker's counter totals go to the main thread. */
const METRICS_EVERY_MS = 1000;

async function main(): Promise<void> {
  const spec = isAbsolute(init.processorModule) ? pathToFileURL(init.processorModule).href : init.processorModule;
  const mod = (await import(spec)) as { createProcessor?: ProcessorFactory };
  if (typeof mod.createProcessor !== 'function')
    throw new Error(`${init.processorModule} does not export createProcessor`);
  const processor: BatchProcessor = await mod.createProcessor(init.options);
  port!.on('message', async (m: BatchMessage) => {
    try {
      if (m.update !== undefined) {
        if (!processor.update) throw new Error(`${init.processorModule} cannot apply options in place`);
        await processor.update(m.update);
        send({ type: 'result', id: m.id, output: [] });
      } else send({ type: 'result', id: m.id, output: await processor.process(m.items) });
    } catch (err) {
      send({ type: 'failed', id: m.id, message: err instanceof Error ? err.message : String(err) });
    }
  });
  send({ type: 'ready' });
  // What this thread counts (decoder drops, unknown shapes, rules evaluated) reaches the main /metrics this way.
  setInterval(() => {
    workerSnapshot().then(
      (snapshot) => send({ type: 'metrics', snapshot }),
      () => {},
    );
  }, METRICS_EVERY_MS).unref();
}

main().catch((err: unknown) => {
  send({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
