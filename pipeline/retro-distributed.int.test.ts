/**
 * The retro-match in distributed mode, on the real OpenSearch test node and Redis: two workers' context stages
 * share the stores; an analyst adds an indicator to the local list (in the OpenSearch state store); both workers
 * read it, both see the same new indicator, and the stored event from yesterday is raised once (by the worker
 * whose Redis claim won), marked found later. Live matching in both workers uses the new indicator at once.
 */
import { afterAll, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import {
  type IndicatorAlert,
  LocalList,
  type OpenedContext,
  openContext,
  publishStatus,
  readStatus,
  validateLocal,
} from '../context/index.js';
import { rest } from '../store/opensearch/client.js';
import { openOpenSearchStores } from '../store/opensearch/index.js';
import { SCOPE_ALL, type StoredEvent } from '../store/types.js';
import { describeOpenSearch, testPrefix } from '../tests/kit/opensearch.js';
import { redisRetroClaim } from './retro-claim.js';

const redisUrl = process.env.CANHGAC_TEST_REDIS_URL;
const DAY = 86_400_000;

describeOpenSearch('retro-match with distributed workers', (url) => {
  const prefix = testPrefix();
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  (redisUrl ? test : test.skip)(
    'a new local indicator is retro-matched once across two workers and matched live by both',
    async () => {
      const stores = await openOpenSearchStores({ node: url, prefix });
      cleanups.push(async () => {
        await rest(stores.client, 'DELETE', `/${prefix}-*`, undefined, { ok: [404] });
        await rest(stores.client, 'DELETE', `/_index_template/${prefix}-*`, undefined, { ok: [404] });
        await stores.close();
      });
      const redis = new Redis(redisUrl as string);
      cleanups.push(async () => {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
      });
      const yesterday: StoredEvent = {
        '@timestamp': new Date(Date.now() - DAY).toISOString(),
        'event.id': 'yesterday-ssh',
        'agency.id': '000.00.31.H40',
        'host.name': 'cong-dvc',
        'source.ip': '45.134.26.10',
        message: 'Failed password for root from 45.134.26.10 port 52144 ssh2',
      };
      await stores.events.write(SCOPE_ALL, [yesterday]);
      await rest(stores.client, 'POST', `/${prefix}-*/_refresh`, undefined);

      const raised: { worker: number; alert: IndicatorAlert }[] = [];
      const workers: OpenedContext[] = [];
      for (const worker of [1, 2]) {
        const ctx = await openContext(
          { geoip: { enabled: false } },
          {
            events: stores.events,
            state: stores.state,
            raise: async (alert) => {
              raised.push({ worker, alert });
            },
            retroClaim: redisRetroClaim(redis, `${prefix}:`),
            localPollMs: 3_600_000,
          },
        );
        workers.push(ctx);
        cleanups.push(async () => ctx.close());
      }

      const r = validateLocal(
        { value: '45.134.26.10', reason: 'Dò mật khẩu SSH hàng loạt', expireDays: 7 },
        'user:thu.nguyen',
        Date.now(),
      );
      if ('problems' in r) throw new Error(JSON.stringify(r.problems));
      await new LocalList(stores.state).put(r.entry);
      // Each worker reads the list (as its poll would), then finishes the retro-match it may have claimed.
      await Promise.all(workers.map((w) => w.syncLocal()));
      await Promise.all(workers.map((w) => w.idle()));

      expect(raised).toHaveLength(1);
      expect(raised[0]!.alert).toMatchObject({
        id: 'yesterday-ssh:ti',
        host: 'cong-dvc',
        fields: {
          'threat.indicator.feed': 'local',
          'threat.indicator.value': '45.134.26.10',
          'threat.found_later': true,
          'source.ip': '45.134.26.10',
        },
      });
      for (const w of workers) {
        const live = w.stage.process([{ ...yesterday, 'event.id': 'now', '@timestamp': new Date().toISOString() }]);
        expect(live.map((a) => a.id)).toEqual(['now:ti']);
      }
      // The API (in `canhgac ingest`) shows the workers' published status: matches per day summed over both.
      for (const w of workers) {
        const stop = publishStatus(stores.state, w.ti!, 3_600_000);
        cleanups.push(async () => stop());
      }
      const today = new Date().toISOString().slice(0, 10);
      const deadline = Date.now() + 20_000;
      let local: { matchesByDay: Record<string, number>; indicators: number } | undefined;
      while (Date.now() < deadline) {
        local = (await readStatus(stores.state)).find((f) => f.name === 'local');
        if (local?.matchesByDay[today] === 2) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(local).toMatchObject({ indicators: 1, matchesByDay: { [today]: 2 } });
    },
    90_000,
  );
});
