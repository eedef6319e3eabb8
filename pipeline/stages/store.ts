/**
 * Stage store: the batch's events (and the records no worker could process, raw with the reason, which also go to
 * the quarantine) into the event store; each event's host is then seen alive (by receipt time).
 */
import { counter } from '../../core/metrics.js';
import { LIMITS_FIELD } from '../../ingest/decoders/limits.js';
import { countUnknownShapes } from '../../ingest/normalise/unknown-shape.js';
import type { RawRecord } from '../../ingest/spool/types.js';
import { SCOPE_ALL, type StoredEvent } from '../../store/types.js';
import { quarantineRecords } from '../quarantine.js';
import { outputsOf, type Stage } from '../stage.js';

const poisoned = counter(
  'canhgac_pipeline_poisoned_records_total',
  'Records no worker could process, stored raw with the reason',
);
const stored = counter(
  'canhgac_pipeline_events_stored_total',
  'Events the pipeline wrote to the event store (replays of a batch count again)',
);
const limitHits = counter(
  'canhgac_decode_limits_total',
  'Records whose decoded JSON hit a decode limit (depth, width, size): the part beyond it is kept as text',
  ['limit'],
);
const LIMIT_NAMES = new Set(['depth', 'width', 'size']);

export const store: Stage = {
  name: 'store',
  async run(batch, { stores, silent }) {
    const outs = outputsOf(batch);
    const bad = batch.result.poisoned;
    const events: StoredEvent[] = outs.map((o) => o.event);
    for (const p of bad) {
      const r = p.item as RawRecord;
      events.push({
        '@timestamp': new Date(r.receivedAt).toISOString(),
        'event.id': r.id,
        'agency.id': r.agency ?? 'unassigned',
        'log.source.address': r.source,
        message: r.data,
        'canhgac.decode_error': `processing failed: ${p.reason}`,
      });
    }
    await stores.events.write(SCOPE_ALL, events);
    await quarantineRecords(
      stores.state,
      bad.map((p) => ({ record: p.item as RawRecord, reason: p.reason })),
    );
    stored.inc(events.length);
    poisoned.inc(bad.length);
    countUnknownShapes(events);
    for (const o of outs) {
      const hit = o.event[LIMITS_FIELD];
      if (typeof hit === 'string') for (const l of hit.split(',')) if (LIMIT_NAMES.has(l)) limitHits.labels(l).inc();
      // Alive by receipt time (event.ingested), not by the time the line carries.
      silent.observeEvent(o.event);
    }
  },
};
