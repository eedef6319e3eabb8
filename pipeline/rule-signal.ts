/**
 * Rule changes reach detection at once instead of at the next poll (rules.reloadSeconds). Embedded, the API calls
 * the pipeline's reload directly; distributed, the API (in `canhgac ingest`) publishes on the Redis channel
 * `<queue>:rules-changed` and every `canhgac worker` subscribed to it reloads. The poll stays as the safety net
 * (a message lost while a worker was disconnected). A reload re-reads only changed rule files (the compiled-rule
 * cache) and swaps the new detection in between batches.
 */
import { Redis } from 'ioredis';
import { logger } from '../core/log.js';
import { counter } from '../core/metrics.js';

const log = logger('rule-signal');
const signals = counter('canhgac_rule_change_signals_total', 'Rule-change signals sent and received', ['direction']);

/** The channel name for a distributed queue. */
export function ruleChangeChannel(queue: string): string {
  return `${queue}:rules-changed`;
}

/** A publisher: call it after a rule or override changed. Never throws (the poll catches up). */
export function ruleChangePublisher(redis: Pick<Redis, 'publish'>, queue: string): () => void {
  return () => {
    signals.inc({ direction: 'sent' });
    void redis
      .publish(ruleChangeChannel(queue), String(Date.now()))
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'Could not announce a rule change'));
  };
}

/** Subscribes with its own connection (a subscribed connection can do nothing else); returns the closer. */
export async function subscribeRuleChanges(
  connection: object,
  queue: string,
  onChange: () => void,
): Promise<() => void> {
  const sub = new Redis({ ...connection, lazyConnect: false });
  sub.on('error', (err) => log.warn({ err: err.message }, 'Rule-change subscription error'));
  sub.on('message', () => {
    signals.inc({ direction: 'received' });
    onChange();
  });
  await sub.subscribe(ruleChangeChannel(queue));
  return () => sub.disconnect();
}
