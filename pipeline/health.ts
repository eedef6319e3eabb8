/**
 * Pipeline health that tells the truth (issue 11): the pipeline is stalled when records wait in the spool and
 * nothing has been committed for longer than pipeline.stallSeconds. Then /readyz answers 503, the gauge
 * canhgac_pipeline_stalled is 1, the console shows a banner (it reads /readyz) and one operational notice
 * (`pipeline.stalled`) goes out through the notifier, once per stall.
 */
import { logger } from '../core/log.js';
import { gauge } from '../core/metrics.js';

const log = logger('pipeline_health');
const stalledGauge = gauge(
  'canhgac_pipeline_stalled',
  '1 while records wait in the spool and nothing was committed for longer than pipeline.stallSeconds',
);
const ageGauge = gauge(
  'canhgac_pipeline_commit_age_seconds',
  'Seconds since the pipeline last committed a batch while records wait (0 when none wait)',
);

/** What the health check says. */
export interface PipelineState {
  stalled: boolean;
  /** Seconds since the last commit while records wait (0 when nothing waits). */
  commitAgeSeconds: number;
}

/** Watches the loop's commits against the spool's backlog. */
export class PipelineHealth {
  private lastProgress = Date.now();
  private stalled = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly boundMs: number,
    /** True while records wait (uncommitted bytes in the spool). */
    private readonly waiting: () => boolean,
    /** Called when the state changes (stalled, then recovered). */
    private readonly onChange: (s: PipelineState) => void = () => undefined,
  ) {}

  /** The loop committed a batch (or has nothing to do). */
  progress(): void {
    this.lastProgress = Date.now();
  }

  /** Evaluates now (also run by the timer). */
  check(): PipelineState {
    const now = Date.now();
    if (!this.waiting()) this.lastProgress = now;
    const age = now - this.lastProgress;
    const stalled = age > this.boundMs;
    stalledGauge.set(stalled ? 1 : 0);
    ageGauge.set(Math.floor(age / 1000));
    const s = { stalled, commitAgeSeconds: Math.floor(age / 1000) };
    if (stalled !== this.stalled) {
      this.stalled = stalled;
      if (stalled) log.error(s, 'The pipeline is stalled: records wait and nothing was committed');
      else log.warn(s, 'The pipeline commits again');
      this.onChange(s);
    }
    return s;
  }

  /** Checks every `everyMs` (at most a quarter of the bound). */
  start(everyMs = Math.min(1000, Math.max(100, this.boundMs / 4))): void {
    this.timer = setInterval(() => this.check(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
