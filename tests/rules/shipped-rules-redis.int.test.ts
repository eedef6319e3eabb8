/**
 * Distributed mode: the same samples with the correlation windows in a real Redis (RedisCorrelationStore, the
 * Lua script, processAsync) and the learned baselines in Redis (RedisBaselineStore) must raise exactly the alerts
 * the in-memory stores raise (tests/rules/shipped-rules).
 * Needs CANHGAC_TEST_REDIS_URL (`eval "$(bash tools/redis.sh start)"`; npm test provides it).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { loadRuleSet, type RuleSet } from '../../cli/rules/common.js';
import { RedisBaselineStore, RedisCorrelationStore } from '../../detection/correlation/index.js';
import { countAlerts, listSamples, RULES_DIR, readSample, runLines, runLinesAsync, SAMPLES_DIR } from './samples.js';

const url = process.env.CANHGAC_TEST_REDIS_URL;
if (!url)
  process.stderr.write(
    'SKIPPED: shipped-rules-redis.int.test.ts needs CANHGAC_TEST_REDIS_URL (tools/redis.sh start).\n',
  );
const d = url ? describe : describe.skip;

d('shipped rule samples with correlation windows in Redis', () => {
  let redis: Redis;
  let set: RuleSet;
  const prefixes: string[] = [];
  beforeAll(async () => {
    redis = new Redis(url as string, { lazyConnect: false, maxRetriesPerRequest: 2 });
    set = await loadRuleSet([RULES_DIR]);
  });
  afterAll(async () => {
    for (const p of prefixes) {
      await new RedisCorrelationStore(redis, { prefix: p }).clear();
      await new RedisBaselineStore(redis, { prefix: p }).clear();
    }
    redis.disconnect();
  });

  it.each(listSamples())('%s: same alerts as the in-memory store', async (sample) => {
    const lines = readSample(join(SAMPLES_DIR, sample));
    const prefix = `test-rules-${randomUUID()}:`;
    prefixes.push(prefix);
    // Windows and learned baselines both in Redis, as the distributed workers keep them.
    const viaRedis = await runLinesAsync(
      set,
      lines,
      new RedisCorrelationStore(redis, { prefix }),
      undefined,
      new RedisBaselineStore(redis, { prefix }),
    );
    const inMemory = runLines(set, lines);
    expect(viaRedis.alerts).toEqual(inMemory.alerts);
    expect(countAlerts(viaRedis.alerts)).toEqual(countAlerts(inMemory.alerts));
  });
});
