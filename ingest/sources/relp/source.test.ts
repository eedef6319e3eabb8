import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync, rmSync } from 'node:fs';
import { makeTestPki } from '../../../tests/ingest/certs.js';
import { connect } from 'node:net';
import { RelpClient } from '../../../tests/ingest/relp-client.js';
import { MemorySpool } from '../../spool/memory-spool.js';
import type { RawRecord } from '../../spool/types.js';
import { encodeRelp } from './parser.js';
import { RelpSource } from './source.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** A MemorySpool whose appends resolve only when the test says so. */
class GatedSpool extends MemorySpool {
  gates: Array<() => void> = [];
  override append(records: RawRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.gates.push(() => super.append(records).then(resolve, reject));
    });
  }
  open(): void {
    for (const g of this.gates.splice(0)) g();
  }
}

async function start(spool: MemorySpool, cfg = {}): Promise<number> {
  const src = new RelpSource({ host: '127.0.0.1', port: 0, ...cfg }, spool);
  const port = await src.start();
  stops.push(() => src.stop());
  return port;
}

const tick = (ms = 50) => new Promise((r) => setTimeout(r, ms));

describe('RelpSource', () => {
  it('acknowledges a syslog frame only after the spool append resolved', async () => {
    const spool = new GatedSpool();
    const port = await start(spool);
    const c = await RelpClient.connect(port);
    let acked = 0;
    const sends = ['<13>a', '<13>b', '<13>c'].map((m) => c.send(m).then(() => acked++));
    await tick();
    expect(spool.gates.length).toBeGreaterThan(0);
    expect(acked).toBe(0);
    spool.open();
    await tick();
    spool.open();
    await Promise.all(sends);
    expect(acked).toBe(3);
    expect(spool.peek().map((r) => [r.data, r.transport])).toEqual([
      ['<13>a', 'relp'],
      ['<13>b', 'relp'],
      ['<13>c', 'relp'],
    ]);
    spool.open();
    const closing = c.close();
    await tick();
    spool.open();
    await closing;
  });

  it('holds acks while the spool is full and sends them once room frees', async () => {
    const spool = new MemorySpool({ maxBytes: 1000 });
    const port = await start(spool);
    const c = await RelpClient.connect(port);
    let acked = 0;
    const sends = Array.from({ length: 30 }, (_, i) => c.send(`<13>message number ${i}`).then(() => acked++));
    await tick(100);
    expect(acked).toBeLessThan(30);
    expect(acked).toBe(spool.stats().records);
    for (let i = 0; i < 50 && acked < 30; i++) {
      const b = await spool.read(100);
      if (b) await spool.commit(b.cursor);
      await tick(20);
    }
    await Promise.all(sends);
    expect(acked).toBe(30);
    await c.close();
  });

  it('refuses syslog before open and unknown commands with 500, and closes on bad framing', async () => {
    const spool = new MemorySpool();
    const port = await start(spool);
    const s = connect({ host: '127.0.0.1', port });
    let got = '';
    s.on('data', (d) => {
      got += d.toString();
    });
    const closed = new Promise((r) => s.on('close', r));
    s.write(Buffer.concat([encodeRelp(1, 'syslog', '<13>early'), encodeRelp(2, 'frobnicate', 'x')]));
    s.write('3 syslog notanumber\n');
    await closed;
    expect(got).toBe('1 rsp 20 500 session not open\n2 rsp 25 500 command not supported\n');
    expect(spool.stats().records).toBe(0);
  });

  it('speaks RELP over TLS and names the agency from the client certificate', async () => {
    const pki = makeTestPki(['relay.sotttt.example']);
    try {
      const spool = new MemorySpool();
      const port = await start(spool, {
        certFile: pki.serverCert,
        keyFile: pki.serverKey,
        caFile: pki.caFile,
        certAgencies: { 'relay.sotttt.example': '000.00.00.H40' },
      });
      const cl = pki.clients['relay.sotttt.example']!;
      const c = await RelpClient.connect(port, '127.0.0.1', {
        ca: readFileSync(pki.caFile),
        cert: readFileSync(cl.cert),
        key: readFileSync(cl.key),
        servername: 'localhost',
      });
      await c.send('<13>over tls');
      expect(spool.peek().map((r) => [r.data, r.agency])).toEqual([['<13>over tls', '000.00.00.H40']]);
      await c.close();
    } finally {
      rmSync(pki.dir, { recursive: true, force: true });
    }
  });
});
