import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { CanhgacError } from '../../core/errors.js';
import { createClient } from './client.js';
import { dayOfIndex, defaultMappings, eventsIndexFor, installIsmRetention, layout } from './schema.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A fake cluster answering _cat/plugins with `plugins` and recording every other request. */
async function fakeCluster(
  plugins: string[],
): Promise<{ url: string; seen: { method: string; url: string; body: string }[] }> {
  const seen: { method: string; url: string; body: string }[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.startsWith('/_cat/plugins')) {
        res.end(JSON.stringify(plugins.map((component) => ({ name: 'n1', component, version: '2.19.6' }))));
      } else res.end('{"acknowledged":true}');
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

describe('OpenSearch layout and schema', () => {
  it('names daily indices by UTC day and reads the day back', () => {
    const l = layout('canhgac');
    const t = Date.UTC(2026, 0, 31, 23, 59, 59);
    expect(eventsIndexFor(l, t)).toBe('canhgac-events-2026.01.31');
    expect(dayOfIndex(l, 'canhgac-events-2026.01.31')).toBe(Date.UTC(2026, 0, 31));
    expect(dayOfIndex(l, 'other-events-2026.01.31')).toBeUndefined();
    expect(() => layout('Bad Prefix*')).toThrow(CanhgacError);
  });

  it('ships versioned mappings: strict where the shape is known, dynamic only for Sigma payloads', () => {
    const m = defaultMappings();
    for (const x of [m.events, m.deadLetters, m.state]) expect(x._meta.schema_version).toBeGreaterThanOrEqual(1);
    expect(m.deadLetters.dynamic).toBe('strict');
    expect(m.state.dynamic).toBe('strict');
    expect(m.events.date_detection).toBe(false);
  });

  it('installs an ISM delete policy when the plugin is there, and says so', async () => {
    const { url, seen } = await fakeCluster(['opensearch-index-management', 'opensearch-job-scheduler']);
    expect(await installIsmRetention(createClient({ node: url }), layout('p'), 30)).toBe(true);
    const put = seen.find((r) => r.method === 'PUT');
    expect(put?.url).toBe('/_plugins/_ism/policies/p-events-retention');
    const policy = JSON.parse(put!.body) as {
      policy: { states: { transitions: { conditions: unknown }[] }[]; ism_template: unknown };
    };
    expect(policy.policy.states[0]!.transitions[0]!.conditions).toEqual({ min_index_age: '30d' });
    expect(policy.policy.ism_template).toEqual([{ index_patterns: ['p-events-*'], priority: 100 }]);
  });

  it('reports no ISM (the caller then runs the deletion job)', async () => {
    const { url, seen } = await fakeCluster(['org.opensearch.transport.Netty4Plugin']);
    expect(await installIsmRetention(createClient({ node: url }), layout('p'), 30)).toBe(false);
    expect(seen.some((r) => r.method === 'PUT')).toBe(false);
  });
});
