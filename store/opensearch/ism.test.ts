/**
 * The ISM retention policy follows the retentionDays setting: created when absent, left alone when it already
 * keeps that many days, and otherwise updated conditionally on the version read, with the managed event indices
 * moved to the new version. Against a small stand-in for the ISM API over HTTP (the test node has no ISM plugin;
 * the deletion job is tested on the real node in retention.int.test.ts).
 */
import { afterEach, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from './client.js';
import { layout, putIsmRetention } from './schema.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** Keeps one policy like the ISM API does (sequence numbers, 409 on a stale if_seq_no). */
async function fakeIsm() {
  const seen: { method: string; url: string; body: string }[] = [];
  let stored: { policy: unknown; seqNo: number } | undefined;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      const u = new URL(req.url ?? '/', 'http://x');
      const json = (status: number, b: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(b));
      };
      if (u.pathname === '/_plugins/_ism/policies/p-events-retention') {
        if (req.method === 'GET')
          return stored
            ? json(200, {
                _id: 'p-events-retention',
                _seq_no: stored.seqNo,
                _primary_term: 1,
                policy: { policy_id: 'p-events-retention', ...(stored.policy as object) },
              })
            : json(404, { error: { type: 'status_exception' } });
        if (req.method === 'PUT') {
          const seq = u.searchParams.get('if_seq_no');
          if (stored && (seq === null || Number(seq) !== stored.seqNo)) return json(409, { error: 'conflict' });
          stored = { policy: (JSON.parse(body) as { policy: unknown }).policy, seqNo: (stored?.seqNo ?? -1) + 1 };
          return json(stored.seqNo === 0 ? 201 : 200, { _id: 'p-events-retention', _seq_no: stored.seqNo });
        }
      }
      if (u.pathname.startsWith('/_plugins/_ism/change_policy/'))
        return json(200, { updated_indices: 3, failures: false });
      json(404, {});
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

it('creates, keeps, then updates the policy and moves the managed indices to it', async () => {
  const { url, seen } = await fakeIsm();
  const client = createClient({ node: url });
  const l = layout('p');
  expect(await putIsmRetention(client, l, 90)).toBe('created');
  expect(await putIsmRetention(client, l, 90)).toBe('unchanged');
  seen.length = 0;
  expect(await putIsmRetention(client, l, 30)).toBe('updated');
  const put = seen.find((r) => r.method === 'PUT')!;
  expect(put.url).toBe('/_plugins/_ism/policies/p-events-retention?if_seq_no=0&if_primary_term=1');
  expect(JSON.stringify(JSON.parse(put.body))).toContain('"min_index_age":"30d"');
  const move = seen.find((r) => r.method === 'POST')!;
  expect(move.url).toBe(`/_plugins/_ism/change_policy/${encodeURIComponent('p-events-*')}`);
  expect(JSON.parse(move.body)).toEqual({ policy_id: 'p-events-retention' });
  expect(await putIsmRetention(client, l, 30)).toBe('unchanged');
  await client.close();
});
