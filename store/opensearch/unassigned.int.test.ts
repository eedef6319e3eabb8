/**
 * Reads right after an index is created (issue 12 point 8: a fresh-clone run failed with 503
 * `search_phase_execution_exception: all shards failed` on a count): a read that meets unassigned shards waits
 * for them within a bound, and waitUsable waits for a new index. Shards are held unassigned on the real test node
 * with an allocation filter naming no node, then released.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Client } from '@opensearch-project/opensearch';
import { describeOpenSearch, testPrefix } from '../../tests/kit/opensearch.js';
import { createClient, isUnassignedShards, rest, UNASSIGNED_RETRY, waitUsable } from './client.js';

const HOLD = { 'index.routing.allocation.require._name': 'no-such-node' };
const RELEASE = { 'index.routing.allocation.require._name': null };

describeOpenSearch('reads of indices whose shards are not assigned yet', (url) => {
  let client: Client;
  const prefix = testPrefix();

  beforeAll(() => {
    client = createClient({ node: url });
  });
  afterAll(async () => {
    await rest(client, 'DELETE', `/${prefix}-*`, undefined, { ok: [404] });
    await client.close();
  });

  /** An index whose primary cannot be assigned until released (created without waiting for it). */
  async function heldIndex(name: string): Promise<string> {
    const index = `${prefix}-${name}`;
    await rest(
      client,
      'PUT',
      `/${index}`,
      {
        settings: { number_of_shards: 1, number_of_replicas: 0, ...HOLD },
      },
      { querystring: { wait_for_active_shards: 0 } },
    );
    return index;
  }

  it('a count on unassigned shards fails as before the fix without the retry, and is recognised', async () => {
    const index = await heldIndex('raw');
    const raw = await client.transport
      .request({ method: 'POST', path: `/${index}/_count`, body: { query: { match_all: {} } } })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(raw).toBeDefined();
    expect(isUnassignedShards(raw)).toBe(true);
  });

  it('a count waits for the shards to come up instead of failing', async () => {
    const index = await heldIndex('late');
    // Release the shard while the count is already retrying: the count must then answer, not throw.
    const counting = rest(client, 'POST', `/${index}/_count`, { query: { match_all: {} } });
    await new Promise((r) => setTimeout(r, UNASSIGNED_RETRY.firstDelayMs * 2));
    await rest(client, 'PUT', `/${index}/_settings`, RELEASE);
    const res = await counting;
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(0);
  });

  it('gives up after the bound with CANHGAC_ERR_STORE_UNAVAILABLE when the shards never come', async () => {
    const index = await heldIndex('never');
    const t0 = Date.now();
    await expect(rest(client, 'POST', `/${index}/_search`, { query: { match_all: {} } })).rejects.toMatchObject({
      code: 'CANHGAC_ERR_STORE_UNAVAILABLE',
    });
    // Bounded: the delays add up to a few seconds, never an unbounded wait.
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('waitUsable returns once a new index can be read', async () => {
    const index = await heldIndex('wait');
    const waiting = waitUsable(client, index, 20);
    await rest(client, 'PUT', `/${index}/_settings`, RELEASE);
    await waiting;
    const res = await client.transport.request({ method: 'POST', path: `/${index}/_count` });
    expect(res.statusCode).toBe(200);
  });
});
