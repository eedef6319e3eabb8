import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { registry } from '../../../core/metrics.js';
import { FileSpool } from '../../spool/file-spool.js';
import { MemorySpool } from '../../spool/memory-spool.js';
import type { RawRecord, Spool } from '../../spool/types.js';
import { SyslogTcpSource } from './source.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', reject);
  });
}

function write(s: Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => s.write(data, (e) => (e ? reject(e) : resolve())));
}

async function until(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('Timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function start(spool: Spool, cfg: Partial<ConstructorParameters<typeof SyslogTcpSource>[0]> = {}) {
  const src = new SyslogTcpSource({ host: '127.0.0.1', port: 0, ...cfg }, spool);
  const port = await src.start();
  cleanups.push(() => src.stop());
  return { src, port };
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const vals = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  const v = vals.find((x) => Object.entries(labels).every(([k, l]) => x.labels[k] === l));
  return v?.value ?? 0;
}

describe('SyslogTcpSource', () => {
  it('frames LF and octet-counted streams into records with id, time, transport and sender', async () => {
    const spool = new MemorySpool();
    const { port } = await start(spool);
    const a = await open(port);
    await write(a, '<13>one\n<13>tw');
    await write(a, 'o\n');
    const b = await open(port);
    await write(b, '9 <14>three10 <14>four\nx');
    await until(() => spool.stats().records === 4);
    const recs = spool.peek();
    expect(recs.map((r) => r.data).sort()).toEqual(['<13>one', '<13>two', '<14>four\nx', '<14>three'].sort());
    const r = recs[0]!;
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.transport).toBe('tcp');
    expect(r.source).toMatch(/127\.0\.0\.1/);
    expect(Math.abs(r.receivedAt - Date.now())).toBeLessThan(5000);
    a.destroy();
    b.destroy();
  });

  it('one line with a NUL then 1,000 ordinary lines on one connection gives 1,001 records', async () => {
    const spool = new MemorySpool();
    const { port } = await start(spool);
    const s = await open(port);
    const lines = Array.from({ length: 1000 }, (_, i) => `<13>Dec  7 04:00:00 web01 app: line ${i}`);
    await write(s, `<13>Dec  7 04:00:00 web01 app: a\0b\n${lines.join('\n')}\n`);
    await until(() => spool.stats().records >= 1001);
    const data = spool.peek().map((r) => r.data);
    expect(data).toHaveLength(1001);
    expect(data.slice(1)).toEqual(lines);
    s.destroy();
  });

  it('serves 2,000 concurrent connections', async () => {
    const spool = new MemorySpool();
    const { src, port } = await start(spool);
    const socks = await Promise.all(Array.from({ length: 2000 }, () => open(port)));
    // 2,000 accepts and closes on a loaded 2-core machine take seconds: wait on the conditions, not the default 5 s.
    await until(() => src.connections === 2000, 30_000);
    await Promise.all(socks.map((s, i) => write(s, `<13>conn ${i}\n`)));
    await until(() => spool.stats().records === 2000, 30_000);
    for (const s of socks) s.destroy();
    await until(() => src.connections === 0, 30_000);
  }, 60_000);

  it('pauses a connection while the spool is full and loses nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'canhgac-bp-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const spool = await FileSpool.open({ dir, maxBytes: 20_000, segmentBytes: 8192, name: 'tcp-bp' });
    cleanups.push(() => spool.close());
    const { port } = await start(spool, { maxInflightBytes: 4096 });
    const n = 2000;
    const s = await open(port);
    const payload = Array.from({ length: n }, (_, i) => `<13>backpressure message number ${i}\n`).join('');
    const sent = write(s, payload);
    // Nobody reads yet: intake must stop at the bound and push back.
    await until(() => !spool.hasRoom(200));
    await new Promise((r) => setTimeout(r, 100));
    expect(spool.stats().records).toBeLessThan(n);
    expect(await metric('canhgac_source_backpressure_pauses_total', { component: 'syslog_tcp' })).toBeGreaterThan(0);
    const got: RawRecord[] = [];
    while (got.length < n) {
      const b = await spool.read(100, 1000);
      if (!b) throw new Error(`stalled after ${got.length}`);
      got.push(...b.records);
      await spool.commit(b.cursor);
    }
    await sent;
    expect(got.map((r) => r.data)).toEqual(payload.split('\n').slice(0, n));
    expect(await metric('canhgac_component_dropped_events_total', { component: 'syslog_tcp' })).toBe(0);
    s.destroy();
  });

  it('holds and retries records when the spool append fails with an I/O error (disk full), losing none', async () => {
    class FlakySpool extends MemorySpool {
      failures = 2;
      override append(records: RawRecord[]): Promise<void> {
        if (this.failures > 0) {
          this.failures--;
          return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
        }
        return super.append(records);
      }
    }
    const spool = new FlakySpool();
    const { port } = await start(spool);
    const s = await open(port);
    await write(s, '<13>one\n<13>two\n');
    await until(() => spool.stats().records === 2, 8000);
    expect(spool.peek().map((r) => r.data)).toEqual(['<13>one', '<13>two']);
    s.destroy();
  });

  it('truncates oversized messages (counted) and reports bad octet counts', async () => {
    const spool = new MemorySpool();
    const before = await metric('canhgac_source_truncated_messages_total', { component: 'syslog_tcp' });
    const errsBefore = await metric('canhgac_source_framing_errors_total', { component: 'syslog_tcp' });
    const { port } = await start(spool, { maxMessageBytes: 64, framing: 'octet-counted' });
    const s = await open(port);
    const big = `<13>${'z'.repeat(200)}`;
    await write(s, `${big.length} ${big}5 <13>a9x junk\n5 <13>b`);
    await until(() => spool.stats().records === 3);
    expect(spool.peek().map((r) => r.data)).toEqual([big.slice(0, 64), '<13>a', '<13>b']);
    expect(await metric('canhgac_source_truncated_messages_total', { component: 'syslog_tcp' })).toBe(before + 1);
    expect(await metric('canhgac_source_framing_errors_total', { component: 'syslog_tcp' })).toBe(errsBefore + 1);
    s.destroy();
  });

  it('closes idle connections and flushes on graceful stop', async () => {
    const spool = new MemorySpool();
    const { src, port } = await start(spool, { idleTimeoutMs: 100 });
    const s = await open(port);
    const closed = new Promise((r) => s.on('close', r));
    await write(s, '<13>before idle\n');
    await closed;
    expect(spool.stats().records).toBe(1);
    const t = await open(port);
    await write(t, '<13>last\n');
    await until(() => spool.stats().records === 2);
    await src.stop();
    expect(src.connections).toBe(0);
  });

  it('rejects unknown configuration keys', () => {
    expect(() => new SyslogTcpSource({ prot: 1 } as never, new MemorySpool())).toThrow(/unknown key prot/);
    expect(() => new SyslogTcpSource({ framing: 'weird' } as never, new MemorySpool())).toThrow(/framing/);
  });
});
