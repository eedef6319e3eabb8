/**
 * The operational notice of a threat-intel feed failing past its staleNoticeMinutes (context/ti), sent through the
 * notifier's routes as kind `feed.stale`; used by the embedded service and the distributed workers alike.
 */
import type { FeedNotice } from '../context/index.js';
import { logger } from '../core/log.js';
import type { Notifier } from '../notify/index.js';

const log = logger('context');

/** Sends one notice per failure (its id holds the feed and when the failure began). */
export async function feedNotice(notifier: Notifier, n: FeedNotice, now = Date.now()): Promise<void> {
  const since = new Date(n.failingSince).toISOString().slice(0, 16).replace('T', ' ');
  await notifier
    .notify({
      id: `feed.stale:${n.feed}:${n.failingSince}`,
      kind: 'feed.stale',
      agencyId: 'province',
      severity: 'medium',
      title: `Nguồn ${n.feed} không cập nhật được từ ${since} UTC / feed ${n.feed} failing since ${since} UTC: ${n.lastError}`,
      at: now,
    })
    .catch((err: unknown) => log.error({ err, feed: n.feed }, 'Could not send the stale-feed notice'));
}
