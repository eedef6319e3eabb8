import { afterEach, describe, expect, it } from '@jest/globals';
import { createSocket } from 'node:dgram';
import { registry } from '../../../core/metrics.js';
import { MemorySpool } from '../../spool/memory-spool.js';
import { parseUdpSnmp } from './kernel-stats.js';
import { SyslogUdpSource } from './source.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function send(port: number, msgs: Array<string | Buffer>): Promise<void> {
  const c = createSocket('udp4');
  for (const m of msgs) await new Promise<void>((r, j) => c.send(m, port, '127.0.0.1', (e) => (e ? j(e) : r())));
  c.close();
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('Timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function dropped(reason: string): Promise<number> {
  const vals = (await registry.getSingleMetric('canhgac_component_dropped_events_total')?.get())?.values ?? [];
  return vals.find((v) => v.labels.component === 'syslog_udp' && v.labels.reason === reason)?.value ?? 0;
}

describe('SyslogUdpSource', () => {
  it('turns each datagram into one record, stripping trailing newlines and truncating oversized ones', async () => {
    const spool = new MemorySpool();
    const src = new SyslogUdpSource(
      { host: '127.0.0.1', port: 0, maxMessageBytes: 32, kernelStatsIntervalMs: 0 },
      spool,
    );
    const port = await src.start();
    stops.push(() => src.stop());
    await send(port, ['<13>one\n', '<13>two\r\n\0', `<13>${'x'.repeat(100)}`, '\n']);
    await until(() => spool.stats().records === 3);
    const recs = spool.peek();
    expect(recs.map((r) => r.data)).toEqual(['<13>one', '<13>two', `<13>${'x'.repeat(28)}`]);
    expect(recs[0]!.transport).toBe('udp');
    expect(recs[0]!.source).toBe('127.0.0.1');
    expect(await dropped('empty')).toBeGreaterThanOrEqual(1);
  });

  it('counts a drop with its reason when the spool is full (UDP cannot push back)', async () => {
    const spool = new MemorySpool({ maxBytes: 400 });
    const src = new SyslogUdpSource({ host: '127.0.0.1', port: 0, batchSize: 1, kernelStatsIntervalMs: 0 }, spool);
    const port = await src.start();
    stops.push(() => src.stop());
    const before = await dropped('spool_full');
    await send(
      port,
      Array.from({ length: 20 }, (_, i) => `<13>message ${i}`),
    );
    await until(() => spool.stats().records > 0);
    await new Promise((r) => setTimeout(r, 100));
    const kept = spool.stats().records;
    expect(kept).toBeLessThan(20);
    expect((await dropped('spool_full')) - before).toBe(20 - kept);
  });

  it('reads the kernel receive-error counters', async () => {
    const snmp =
      'Ip: Forwarding\nIp: 1\nUdp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors\n' +
      'Udp: 100 1 7 90 5 0\nUdpLite: InDatagrams\nUdpLite: 0\n';
    expect(parseUdpSnmp(snmp, 'Udp6InErrors 2\nUdp6RcvbufErrors 3\n')).toEqual({ rcvbufErrors: 8, inErrors: 9 });
    expect(parseUdpSnmp('garbage')).toEqual({ rcvbufErrors: 0, inErrors: 0 });
    const src = new SyslogUdpSource({ host: '127.0.0.1', port: 0 }, new MemorySpool());
    await src.start();
    stops.push(() => src.stop());
    expect(await src.kernelDropsSinceStart()).toBeGreaterThanOrEqual(0);
  });
});
