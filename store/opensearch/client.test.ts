import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import {
  createServer as createHttp,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createClient, rest } from './client.js';
import { optionsFromConfig } from './index.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

function answer(seen: IncomingHttpHeaders[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"green"}');
  };
}

async function listen(s: Server): Promise<number> {
  server = s;
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as AddressInfo).port;
}

describe('OpenSearch client options', () => {
  it('sends HTTP basic auth', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const port = await listen(createHttp(answer(seen)));
    const c = createClient({ node: `http://127.0.0.1:${port}`, auth: { username: 'canhgac', password: 'bí mật' } });
    const res = await rest(c, 'GET', '/_cluster/health');
    expect(res.body.status).toBe('green');
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('canhgac:bí mật').toString('base64')}`);
    await c.close();
  });

  it('verifies the server certificate against the configured CA and refuses an unknown one', async () => {
    let dir: string | undefined;
    try {
      dir = mkdtempSync(join(tmpdir(), 'canhgac-tls-'));
      const key = join(dir, 'key.pem');
      const cert = join(dir, 'cert.pem');
      try {
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-keyout',
            key,
            '-out',
            cert,
            '-days',
            '1',
            '-subj',
            '/CN=localhost',
            '-addext',
            'subjectAltName=IP:127.0.0.1',
          ],
          { stdio: 'ignore' },
        );
      } catch {
        process.stderr.write('SKIPPED: the TLS client test needs the openssl command.\n');
        return;
      }
      const { readFileSync } = await import('node:fs');
      const seen: IncomingHttpHeaders[] = [];
      const port = await listen(
        createHttps({ key: readFileSync(key), cert: readFileSync(cert) }, answer(seen)) as unknown as Server,
      );
      const good = createClient({ node: `https://127.0.0.1:${port}`, tls: { caFile: cert } });
      expect((await rest(good, 'GET', '/')).body.status).toBe('green');
      await good.close();
      const bad = createClient({ node: `https://127.0.0.1:${port}`, tls: {} });
      await expect(rest(bad, 'GET', '/')).rejects.toMatchObject({ code: 'CANHGAC_ERR_STORE_UNAVAILABLE' });
      await bad.close();
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the configuration store section', () => {
    expect(
      optionsFromConfig({
        retentionDays: 90,
        opensearch: { url: 'https://os:9200', username: 'u', password: 'p', caFile: '/ca.pem', indexPrefix: 'tinh' },
      }),
    ).toEqual({
      node: 'https://os:9200',
      prefix: 'tinh',
      auth: { username: 'u', password: 'p' },
      tls: { caFile: '/ca.pem' },
      retentionDays: 90,
    });
    expect(() => optionsFromConfig({})).toThrow(/store.opensearch.url/);
  });
});
