/**
 * Notifications in the distributed mode: the same routing, throttling, digests and delivery log as the embedded
 * outbox (Notifier), but each delivery is a BullMQ job (job id = delivery id, so a replayed notice or a second
 * route never queues it twice). Any worker process may send it; retries use the Notifier's exponential backoff
 * (BullMQ delays the job), the last failed try marks the delivery dead (the dead-letter list is the deliveries
 * in state `dead`). A delivery whose job could not be queued (Redis down) stays `pending` in the state store and
 * is queued again by the reconciler.
 */
import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import { logger } from '../core/log.js';
import { counter } from '../core/metrics.js';
import { SCOPE_ALL, type StateStore } from '../store/types.js';
import { deliveryId, Notifier, type NotifierOptions } from './notifier.js';
import type { ChannelConfig, ChannelSender, Notice, RouteConfig } from './types.js';

const log = logger('notify-queue');
const requeued = counter(
  'canhgac_notify_requeued_total',
  'Pending deliveries queued again by the reconciler (their first queueing failed, e.g. Redis was down)',
);

/** The BullMQ queue name of notification deliveries. */
export const NOTIFY_QUEUE = 'notify';

/** Options of the queued notifier. */
export interface QueuedNotifierOptions extends NotifierOptions {
  connection: ConnectionOptions;
  /** BullMQ key prefix (distributed.queue). */
  prefix: string;
  /** Send deliveries from this process (workers: true; the ingest/API process only queues). */
  consume: boolean;
  /** How often pending deliveries without a job are queued again (default 30 s). */
  reconcileMs?: number;
}

/** A Notifier whose deliveries travel through BullMQ. */
export class QueuedNotifier extends Notifier {
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private reconciler: NodeJS.Timeout | undefined;

  constructor(
    state: StateStore,
    senders: Partial<Record<ChannelConfig['type'], ChannelSender>>,
    private readonly qopts: QueuedNotifierOptions,
  ) {
    super(state, senders, qopts);
    this.queue = new Queue(NOTIFY_QUEUE, { connection: qopts.connection, prefix: qopts.prefix });
    this.queue.on('error', (err) => log.warn({ err: err.message }, 'Notification queue connection error'));
  }

  /** Creates the delivery in the log (create-only) and queues its job. */
  protected override async enqueue(notice: Notice, route: RouteConfig, channelId: string): Promise<number> {
    const created = await super.enqueue(notice, route, channelId);
    if (created) {
      const id = deliveryId(notice.id, channelId);
      await this.addJob(id).catch((err: unknown) => this.queueFailed(id, err));
    }
    return created;
  }

  private queueFailed(id: string, err: unknown): void {
    // The delivery is durable in the state store; the reconciler queues it once Redis answers again.
    log.warn({ delivery: id, err: (err as Error).message }, 'Could not queue a notification; the reconciler retries');
  }

  private addJob(id: string, delay = 0) {
    return this.queue.add(
      'deliver',
      { id },
      {
        jobId: id,
        delay,
        // A failed try throws; BullMQ runs the job again after backoffStrategy (the Notifier's delay).
        attempts: this.maxAttempts,
        backoff: { type: 'notifier' },
        removeOnComplete: true,
        removeOnFail: 1000,
      },
    );
  }

  /** Starts the sending worker (when consume) and the reconciler. */
  override start(): void {
    if (this.qopts.consume && !this.worker) {
      this.worker = new Worker(
        NOTIFY_QUEUE,
        async (job) => {
          const d = await this.deliveries.get(SCOPE_ALL, (job.data as { id: string }).id);
          if (d?.state !== 'pending') return;
          const outcome = await this.attempt(d);
          // A retry: fail the job so BullMQ runs it again after the Notifier's backoff.
          if (outcome === 'retry') throw new Error(`delivery ${d.id} failed; retry ${d.attempts + 2}`);
        },
        {
          connection: this.qopts.connection,
          prefix: this.qopts.prefix,
          concurrency: 4,
          settings: { backoffStrategy: (attemptsMade: number) => this.retryDelay(attemptsMade) },
        },
      );
      this.worker.on('error', (err) => log.warn({ err: err.message }, 'Notification worker connection error'));
    }
    this.reconciler ??= setInterval(() => void this.reconcile(), this.qopts.reconcileMs ?? 30_000);
    this.reconciler.unref();
  }

  /** Queues pending deliveries that are due and have no job (their queueing failed); returns how many. */
  async reconcile(): Promise<number> {
    let n = 0;
    try {
      const now = Date.now();
      const pending = (
        await this.deliveries.list(SCOPE_ALL, {
          filter: { state: 'pending' },
          sort: { field: 'nextAttemptAt', order: 'asc' },
          size: 500,
        })
      ).docs.filter((d) => d.nextAttemptAt <= now - 5_000);
      for (const d of pending) {
        const job = await this.queue.getJob(d.id);
        if (job) {
          // A job that gave up (store errors used up its tries) while the delivery is still pending: start over.
          if (!(await job.isFailed())) continue;
          await job.remove();
        }
        await this.addJob(d.id);
        requeued.inc();
        n++;
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'Notification reconciler failed; next round retries');
    }
    return n;
  }

  /** Stops the worker, the reconciler and the queue connection. */
  override stop(): void {
    if (this.reconciler) clearInterval(this.reconciler);
    this.reconciler = undefined;
    void this.close();
  }

  /** Like stop(), awaiting the connections. */
  async close(): Promise<void> {
    if (this.reconciler) clearInterval(this.reconciler);
    this.reconciler = undefined;
    const w = this.worker;
    this.worker = undefined;
    await w?.close().catch(() => undefined);
    await this.queue.close().catch(() => undefined);
  }
}
