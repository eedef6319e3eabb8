/**
 * The processor the pool's worker threads run: raw records in, normalised events and the rules each one matched
 * out, through the worker stages of ./stages.ts (decode + normalise, match). So the main thread only moves records.
 */
import type { RawRecord } from '../ingest/spool/types.js';
import type { BatchProcessor } from './protocol.js';
import type { PipelineOptions, PipelineOutput, WorkerBatch } from './stage.js';
import { WORKER_STAGES } from './stages.js';

export type { MatchOut, PipelineOptions, PipelineOutput } from './stage.js';

/** Builds the processor: opens every worker stage once per worker (rules loaded and compiled, contexts built). */
export async function createProcessor(options: unknown): Promise<BatchProcessor> {
  const open = async (o: PipelineOptions) => {
    const out: ((batch: WorkerBatch) => void)[] = [];
    for (const stage of WORKER_STAGES) out.push(await stage.open(o));
    return out;
  };
  let steps = await open(options as PipelineOptions);
  // Fault drill (tests, operator drills): a record containing this marker kills its worker, as a poison record
  // would. Off unless CANHGAC_DRILL_POISON is set in the service's environment.
  // CANHGAC_DRILL_HANG: a record containing that marker never returns (a stuck batch).
  const drill = process.env.CANHGAC_DRILL_POISON;
  const hang = process.env.CANHGAC_DRILL_HANG;
  return {
    // New rules or agencies: the stages are opened again with them and swapped in between two batches.
    async update(next: unknown) {
      steps = await open(next as PipelineOptions);
    },
    process(items: unknown[]): PipelineOutput[] {
      const records = items as RawRecord[];
      if (drill || hang)
        for (const r of records) {
          if (drill && r.data.includes(drill)) process.exit(70);
          if (hang && r.data.includes(hang)) for (;;);
        }
      const batch: WorkerBatch = { records, events: [], outputs: [] };
      for (const step of steps) step(batch);
      return batch.outputs;
    },
  };
}
