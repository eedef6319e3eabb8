/**
 * Worker stage decode + normalise: raw record -> normalised event (ingest/decoders and ingest/normalise). The two
 * run fused per record in ingest/normalise (one pass over the line with one stream context); a header-only line
 * (W3C `#Fields:`) gives no event.
 */
import type { NormalisedEvent } from '../../core/event/event.js';
import { createNormaliseContext, normaliseBatch } from '../../ingest/normalise/normalise.js';
import type { RawRecord } from '../../ingest/spool/types.js';
import type { WorkerStage } from '../stage.js';

export const decodeNormalise: WorkerStage = {
  name: 'decode-normalise',
  open(options) {
    const ctx = createNormaliseContext(options.normalise ?? {});
    // One array per worker, reused batch after batch (no per-batch allocation of the list).
    const events: NormalisedEvent[] = [];
    return (batch) => {
      events.length = 0;
      normaliseBatch(batch.records as RawRecord[], ctx, events);
      batch.events = events;
    };
  },
};
