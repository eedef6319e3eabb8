/**
 * `unclaimedSenders` at intake, over real sockets on loopback: refuse keeps senders no agency claims out of the
 * spool on every transport (counted per reason), while a certificate or an agent key naming an agency, or an agency
 * network holding the address, lets them in; quarantine and accept take the records and count them.
 */

import { createSocket } from 'node:dgram';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { registry } from '../../core/metrics.js';
import { makeTestPki } from '../../tests/ingest/certs.js';
import { RelpClient } from '../../tests/ingest/relp-client.js';
import type { AgencyConfig } from '../normalise/agency.js';
import { MemorySpool } from '../spool/memory-spool.js';
import { SenderGate, type UnclaimedAction } from './gate.js';
import { hashApiKey } from './http/auth.js';
import { HttpIntakeSource } from './http/source.js';
import { RelpSource } from './relp/source.js';
import { SyslogTcpSource } from './syslog-tcp/source.js';
import { SyslogTlsSource } from './syslog-tls/source.js';
import { SyslogUdpSource } from './syslog-udp/source.js';

const pki = makeTestPki(['relay.h40.example']);
afterAll(() => rmSync(pki.dir, { recursive: true, force: true }));
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

const H40 = '000.00.31.H40';
/** Loopback is claimed only when the test says so. */
const CLAIMING: AgencyConfig[] = [{ id: H40, name: 'Sở TT&TT', networks: ['127.0.0.0/8'] }];
const ELSEWHERE: AgencyConfig[] = [{ id: H40, name: 'Sở TT&TT', networks: ['10.31.0.0/16'] }];

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('Timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const vals = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return vals.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l))?.value ?? 0;
}
const records = (transport: string, action: string) =>
  metric('canhgac_intake_unclaimed_records_total', { transport, action, reason: 'unclaimed_sender' });
const refusedConns = (transport: string) =>
  metric('canhgac_intake_refused_connections_total', { transport, reason: 'unclaimed_sender' });

const gate = (action: UnclaimedAction, agencies: AgencyConfig[]) => new SenderGate(action, () => agencies);

function closed(s: Socket): Promise<void> {
  return new Promise((r) => (s.destroyed ? r() : s.once('close', () => r())));
}

describe('unclaimedSenders: refuse', () => {
  it('UDP: datagrams of unclaimed senders are dropped (counted), claimed ones spooled', async () => {
    for (const [agencies, expected] of [
      [ELSEWHERE, 0],
      [CLAIMING, 3],
    ] as const) {
      const spool = new MemorySpool();
      const src = new SyslogUdpSource({ host: '127.0.0.1', port: 0 }, spool, { gate: gate('refuse', [...agencies]) });
      const port = await src.start();
      stops.push(() => src.stop());
      const before = await records('udp', 'refused');
      const sock = createSocket('udp4');
      for (let i = 0; i < 3; i++) sock.send(`<13>Dec  7 04:00:00 web01 app: ${i}`, port, '127.0.0.1');
      // Wait for the datagrams to be seen: spooled, or counted as refused.
      await until(() => spool.stats().records === expected);
      if (expected === 0) {
        const t0 = Date.now();
        while ((await records('udp', 'refused')) - before < 3 && Date.now() - t0 < 5000)
          await new Promise((r) => setTimeout(r, 10));
        expect((await records('udp', 'refused')) - before).toBe(3);
      }
      expect(spool.stats().records).toBe(expected);
      sock.close();
    }
  });

  it('TCP: the connection of an unclaimed sender is closed at accept, nothing spooled', async () => {
    const spool = new MemorySpool();
    const src = new SyslogTcpSource({ host: '127.0.0.1', port: 0 }, spool, { gate: gate('refuse', ELSEWHERE) });
    const port = await src.start();
    stops.push(() => src.stop());
    const before = await refusedConns('tcp');
    const s = connect({ host: '127.0.0.1', port });
    s.on('error', () => undefined);
    s.write('<13>Dec  7 04:00:00 web01 app: hello\n');
    await closed(s);
    expect((await refusedConns('tcp')) - before).toBe(1);
    expect(spool.stats().records).toBe(0);
  });

  it('TLS: a client certificate naming an agency admits an unclaimed address; without one it is refused', async () => {
    const spool = new MemorySpool();
    const src = new SyslogTlsSource(
      {
        host: '127.0.0.1',
        port: 0,
        certFile: pki.serverCert,
        keyFile: pki.serverKey,
        caFile: pki.caFile,
        certAgencies: { 'relay.h40.example': H40 },
      },
      spool,
      { gate: gate('refuse', ELSEWHERE) },
    );
    const port = await src.start();
    stops.push(() => src.stop());
    const open = (client?: { cert: string; key: string }) =>
      new Promise<TLSSocket>((resolve, reject) => {
        const s = tlsConnect(
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
    const withCert = await open(pki.clients['relay.h40.example']);
    withCert.write('<13>Dec  7 04:00:00 web01 app: certified\n');
    await until(() => spool.stats().records === 1);
    expect(spool.peek()[0]!.agency).toBe(H40);
    withCert.destroy();
    const before = await refusedConns('tls');
    const anonymous = await open();
    anonymous.on('error', () => undefined);
    anonymous.write('<13>Dec  7 04:00:00 web01 app: anonymous\n');
    await closed(anonymous);
    expect((await refusedConns('tls')) - before).toBe(1);
    expect(spool.stats().records).toBe(1);
  });

  it('RELP: an unclaimed sender cannot open a session', async () => {
    const spool = new MemorySpool();
    const src = new RelpSource({ host: '127.0.0.1', port: 0 }, spool, { gate: gate('refuse', ELSEWHERE) });
    const port = await src.start();
    stops.push(() => src.stop());
    const before = await refusedConns('relp');
    // The session open is never answered: the connection is closed at accept.
    await expect(RelpClient.connect(port)).rejects.toThrow();
    expect((await refusedConns('relp')) - before).toBe(1);
    expect(spool.stats().records).toBe(0);
  });

  it('HTTP: without an agency key an unclaimed sender gets 403; an agent key of an agency is accepted', async () => {
    const KEY = 'agent-key-for-gate-test-0001';
    const spool = new MemorySpool();
    const src = new HttpIntakeSource(
      { host: '127.0.0.1', port: 0, requireApiKey: false, apiKeys: [{ sha256: hashApiKey(KEY), agency: H40 }] },
      spool,
      { gate: gate('refuse', ELSEWHERE) },
    );
    const port = await src.start();
    stops.push(() => src.stop());
    const post = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}/ingest/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', ...headers },
        body: '{"message":"a"}\n{"message":"b"}\n',
      });
    const before = await records('http', 'refused');
    const anon = await post({});
    expect(anon.status).toBe(403);
    expect(((await anon.json()) as { error: { code: string } }).error.code).toBe('CANHGAC_ERR_INTAKE_UNCLAIMED_SENDER');
    expect((await records('http', 'refused')) - before).toBe(2);
    expect(spool.stats().records).toBe(0);
    expect((await post({ authorization: `Bearer ${KEY}` })).status).toBe(200);
    expect(spool.stats().records).toBe(2);
  });
});

describe('unclaimedSenders: quarantine and accept', () => {
  it('take the records of unclaimed senders and count them by action', async () => {
    for (const action of ['quarantine', 'accept'] as const) {
      const spool = new MemorySpool();
      const src = new SyslogTcpSource({ host: '127.0.0.1', port: 0 }, spool, { gate: gate(action, ELSEWHERE) });
      const port = await src.start();
      stops.push(() => src.stop());
      const label = action === 'quarantine' ? 'quarantined' : 'accepted';
      const before = await records('tcp', label);
      const s = connect({ host: '127.0.0.1', port });
      s.write('<13>Dec  7 04:00:00 web01 app: one\n<13>Dec  7 04:00:00 web01 app: two\n');
      await until(() => spool.stats().records === 2);
      expect((await records('tcp', label)) - before).toBe(2);
      s.destroy();
    }
  });

  it('follows the live agency list: a network added later claims the sender', () => {
    let list: AgencyConfig[] = ELSEWHERE;
    const g = new SenderGate('refuse', () => list);
    expect(g.admitRecords('udp', '127.0.0.1', undefined)).toBe(false);
    list = CLAIMING;
    expect(g.admitRecords('udp', '127.0.0.1', undefined)).toBe(true);
    expect(g.admitRecords('udp', '192.0.2.1', H40)).toBe(true);
  });
});
