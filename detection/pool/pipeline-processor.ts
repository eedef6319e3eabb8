/**
 * The processor the service's worker threads run: raw records in, normalised events and the rules each one
 * matched out. Decode, normalise and match all happen here, so the main thread only moves records.
 */
import type { NormaliseOptions } from '../../ingest/normalise/normalise.js';
import { createNormaliseContext, normaliseBatch } from '../../ingest/normalise/normalise.js';
import type { RawRecord } from '../../ingest/spool/types.js';
import { Engine } from '../engine/index.js';
import { loadRules } from '../sigma/load.js';
import type { SigmaEvent } from '../sigma/model.js';
import type { BatchProcessor } from './protocol.js';

/** Options of the pipeline processor (structured-cloneable: they cross into the worker). */
export interface PipelineOptions {
  ruleDirs: string[];
  placeholders?: Record<string, string[]>;
  disabled?: string[];
  normalise?: NormaliseOptions;
}

/** A rule match as it crosses back to the main thread (no rule object: ids and what alerts need). */
export interface MatchOut {
  id: string;
  name?: string;
  title: string;
  level?: string;
  tags: readonly string[];
}

/** One processed record. */
export interface PipelineOutput {
  event: SigmaEvent;
  matches?: MatchOut[];
}

/** Builds the processor: loads and compiles the rules once per worker. */
export async function createProcessor(options: unknown): Promise<BatchProcessor> {
  const o = options as PipelineOptions;
  const disabled = new Set(o.disabled ?? []);
  const loaded = o.ruleDirs.length
    ? await loadRules(o.ruleDirs, o.placeholders ? { placeholders: o.placeholders } : {})
    : { documents: [] };
  const engine = new Engine(loaded.documents.filter((d) => !disabled.has(d.id)));
  const ctx = createNormaliseContext(o.normalise ?? {});
  const events: SigmaEvent[] = [];
  // Fault drill (tests, operator drills): a record containing this marker kills its worker, as a poison record
  // would. Off unless CANHGAC_DRILL_POISON is set in the service's environment.
  // CANHGAC_DRILL_HANG: a record containing that marker never returns (a stuck batch).
  const drill = process.env.CANHGAC_DRILL_POISON;
  const hang = process.env.CANHGAC_DRILL_HANG;
  return {
    process(items: unknown[]): PipelineOutput[] {
      if (drill || hang)
        for (const r of items as RawRecord[]) {
          if (drill && r.data.includes(drill)) process.exit(70);
          if (hang && r.data.includes(hang)) for (;;);
        }
      events.length = 0;
      normaliseBatch(items as RawRecord[], ctx, events);
      const out: PipelineOutput[] = new Array(events.length);
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        // Quarantined events (senders no agency claims) are stored for review, never matched.
        const m = event['canhgac.quarantine'] === undefined ? engine.match(event) : [];
        out[i] =
          m.length === 0
            ? { event }
            : {
                event,
                matches: m.map((r) => ({
                  id: r.id,
                  ...(r.name ? { name: r.name } : {}),
                  title: r.title,
                  ...(r.level ? { level: r.level } : {}),
                  tags: r.tags,
                })),
              };
      }
      return out;
    },
  };
}
