/**
 * What both processes of the distributed mode open first: the stores, the incident service, the silent-host
 * watcher, the BullMQ notifier and the agency directory. `canhgac ingest` queues notifications (consume: false);
 * `canhgac worker` also sends them (consume: true).
 */
import type { Config } from '../core/config/load.js';
import { IncidentService } from '../incidents/service.js';
import { SilentHostWatcher } from '../incidents/silent-hosts.js';
import type { redisConnection } from '../ingest/forward.js';
import { AgencyDirectory } from '../ingest/normalise/agency-directory.js';
import { relayIncidentEvents } from '../notify/incident-relay.js';
import { channelSenders, destinationPolicy } from '../notify/index.js';
import { QueuedNotifier } from '../notify/queue.js';
import { openStores } from '../store/index.js';

/** Opens the shared parts, pushing a closer for each onto `opened` (closed in reverse if the start fails). */
export async function openDistributedCore(
  config: Config,
  connection: ReturnType<typeof redisConnection>,
  dist: Config['distributed'],
  opened: (() => unknown)[],
  consume: boolean,
) {
  const stores = await openStores(config);
  opened.push(() => stores.close());
  const incidents = new IncidentService(stores.state);
  const silent = new SilentHostWatcher(stores.state, incidents);
  const smtp = config.smtp;
  const notifier = new QueuedNotifier(stores.state, channelSenders(smtp, destinationPolicy(config)), {
    connection,
    prefix: dist.queue,
    consume,
  });
  opened.push(() => notifier.close());
  // Incident events from this process (alerts on the workers, analyst actions and checks on ingest) go to notify.
  relayIncidentEvents(incidents, notifier);
  const agencies = await AgencyDirectory.open(config, stores.state);
  opened.push(() => agencies.close());
  return { stores, incidents, silent, notifier, agencies };
}
