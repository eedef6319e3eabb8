/** Stage notify: the notices of the incidents the batch opened or reopened, to the notifier (notify/: routing per
 * agency and severity, throttle, digest, retry, dead letters; embedded outbox or BullMQ). */
import type { Stage } from '../stage.js';

export const notify: Stage = {
  name: 'notify',
  async run(batch, { notifier }) {
    for (const n of batch.notices) await notifier.notify(n);
  },
};
