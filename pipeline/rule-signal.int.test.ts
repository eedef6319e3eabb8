/**
 * The rule-change signal of the distributed mode against a real Redis (CANHGAC_TEST_REDIS_URL): what the API
 * publishes reaches every subscribed worker, once per change, on the deployment's own queue only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { redisConnection } from '../ingest/forward.js';
import { ruleChangePublisher, subscribeRuleChanges } from './rule-signal.js';

const url = process.env.CANHGAC_TEST_REDIS_URL;
if (!url)
  process.stderr.write('SKIPPED: rule-signal.int.test.ts needs CANHGAC_TEST_REDIS_URL (tools/redis.sh start).\n');
const closers: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 10));
}

(url ? describe : describe.skip)('rule-change signal over Redis', () => {
  it('reaches every worker of the queue, once per change, and no other queue', async () => {
    const queue = `test-${randomUUID()}`;
    const connection = redisConnection(url!) as object;
    const got = [0, 0, 0];
    closers.push(await subscribeRuleChanges(connection, queue, () => got[0]!++));
    closers.push(await subscribeRuleChanges(connection, queue, () => got[1]!++));
    closers.push(await subscribeRuleChanges(connection, `${queue}-other`, () => got[2]!++));
    const pub = new Redis({ ...connection });
    closers.push(() => pub.disconnect());
    const changed = ruleChangePublisher(pub, queue);
    const t0 = Date.now();
    changed();
    await until(() => got[0] === 1 && got[1] === 1);
    const ms = Date.now() - t0;
    changed();
    await until(() => got[0] === 2 && got[1] === 2);
    expect(got.slice(0, 2)).toEqual([2, 2]);
    expect(got[2]).toBe(0);
    expect(ms).toBeLessThan(5000);
  });
});
