import type { Counter, Gauge } from 'prom-client';

type C = Counter.Internal;
type G = Gauge.Internal<string>;
import { counter, gauge } from '../../core/metrics.js';

/** The spool's metrics, bound to one spool's label. */
export interface SpoolMetrics {
  bytes: G;
  records: G;
  segments: G;
  appends: C;
  appendedRecords: C;
  appendedBytes: C;
  fsyncs: C;
  fullRejections: C;
  tornBytes: C;
  corruptRecords: C;
  ioErrors: C;
  segmentsCreated: C;
  segmentsDeleted: C;
  readRecords: C;
  commits: C;
}

/** Metrics of the spool named `name` (label `spool`). */
export function spoolMetrics(name: string): SpoolMetrics {
  const l = ['spool'];
  const g = (n: string, h: string): G => gauge(n, h, l).labels(name);
  const c = (n: string, h: string): C => counter(n, h, l).labels(name);
  return {
    bytes: g('canhgac_spool_bytes', 'Uncommitted bytes in the spool'),
    records: g('canhgac_spool_records', 'Uncommitted records in the spool'),
    segments: g('canhgac_spool_segments', 'Segment files of the spool'),
    appends: c('canhgac_spool_appends_total', 'append() calls accepted'),
    appendedRecords: c('canhgac_spool_appended_records_total', 'Records appended'),
    appendedBytes: c('canhgac_spool_appended_bytes_total', 'Bytes appended (framing included)'),
    fsyncs: c('canhgac_spool_fsyncs_total', 'fsync calls (one per group commit under the always policy)'),
    fullRejections: c('canhgac_spool_full_rejections_total', 'Appends refused because the spool was full'),
    tornBytes: c('canhgac_spool_torn_bytes_total', 'Bytes of torn or corrupt tails truncated at recovery'),
    corruptRecords: c('canhgac_spool_corrupt_records_total', 'Records skipped on read because they were corrupt'),
    ioErrors: c('canhgac_spool_io_errors_total', 'Failed spool writes'),
    segmentsCreated: c('canhgac_spool_segments_created_total', 'Segment files created'),
    segmentsDeleted: c('canhgac_spool_segments_deleted_total', 'Fully committed segment files deleted'),
    readRecords: c('canhgac_spool_read_records_total', 'Records handed to the pipeline by read() (replays included)'),
    commits: c('canhgac_spool_commits_total', 'Durable commits of the read position'),
  };
}
