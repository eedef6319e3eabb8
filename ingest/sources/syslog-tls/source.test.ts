import { afterAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';
import { makeTestPki } from '../../../tests/ingest/certs.js';
import { MemorySpool } from '../../spool/memory-spool.js';
import { SyslogTlsSource } from './source.js';

const pki = makeTestPki(['host1.sotttt.example', 'stranger.example']);
afterAll(() => rmSync(pki.dir, { recursive: true, force: true }));

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('Timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function tlsClient(port: number, client?: { cert: string; key: string }): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect(
      {
        host: '127.0.0.1',
        port,
        ca: pki.pem(pki.caFile),
        servername: 'localhost',
        ...(client ? { cert: pki.pem(client.cert), key: pki.pem(client.key) } : {}),
      },
      () => resolve(s),
    );
    s.on('error', reject);
  });
}

describe('SyslogTlsSource', () => {
  it('frames octet-counted syslog over TLS and names the agency from the client certificate', async () => {
    const spool = new MemorySpool();
    const src = new SyslogTlsSource(
      {
        host: '127.0.0.1',
        port: 0,
        certFile: pki.serverCert,
        keyFile: pki.serverKey,
        caFile: pki.caFile,
        requireClientCert: true,
        certAgencies: { 'host1.sotttt.example': '000.00.00.H40' },
      },
      spool,
    );
    const port = await src.start();
    try {
      const a = await tlsClient(port, pki.clients['host1.sotttt.example']);
      a.write('11 <13>hello A');
      const b = await tlsClient(port, pki.clients['stranger.example']);
      b.write('<13>hello B\n');
      await until(() => spool.stats().records === 2);
      const byData = Object.fromEntries(spool.peek().map((r) => [r.data, r]));
      expect(byData['<13>hello A']?.agency).toBe('000.00.00.H40');
      expect(byData['<13>hello A']?.transport).toBe('tls');
      expect(byData['<13>hello B']?.agency).toBeUndefined();
      a.destroy();
      b.destroy();
      // Without a client certificate the handshake is refused when a CA is configured.
      await expect(
        tlsClient(port).then(
          (s) =>
            new Promise((resolve, reject) => {
              s.on('close', () => reject(new Error('closed')));
              s.write('<13>x\n', (e) => (e ? reject(e) : setTimeout(resolve, 500)));
            }),
        ),
      ).rejects.toThrow();
      expect(spool.stats().records).toBe(2);
    } finally {
      await src.stop();
    }
  });

  it('serves clients without a certificate when one is not required (no agency for them)', async () => {
    const spool = new MemorySpool();
    const src = new SyslogTlsSource(
      { host: '127.0.0.1', port: 0, certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.caFile },
      spool,
    );
    const port = await src.start();
    try {
      const s = await tlsClient(port);
      s.write('<13>anonymous\n');
      await until(() => spool.stats().records === 1);
      expect(spool.peek()[0]?.agency).toBeUndefined();
      s.destroy();
    } finally {
      await src.stop();
    }
  });

  it('requires a certificate and key', () => {
    expect(() => new SyslogTlsSource({ port: 0 }, new MemorySpool())).toThrow(/certFile and keyFile/);
  });
});
