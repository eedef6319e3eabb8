/**
 * canhgac's side of bench/syslog-ng-compare.sh: a TCP (or --transport udp) syslog source into a FileSpool,
 * drained by a reader. Prints `READY <port>` once listening, then, when --expect records were read, or nothing
 * arrived for --idle seconds after the first record (UDP loses), or --timeout s passed, one JSON line with the
 * count and the seconds from the first to the last record, and exits.
 *
 *   node dist/bench/syslog-tcp-sink.js --expect 1000000 [--transport tcp|udp] [--port 0] [--fsync never]
 *     [--reader on|off]   (off: count the spool's appended records instead of reading them back on this thread)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyslogTcpSource } from '../ingest/sources/syslog-tcp/source.js';
import { SyslogUdpSource } from '../ingest/sources/syslog-udp/source.js';
import { FileSpool, type FsyncPolicy } from '../ingest/spool/file-spool.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

const expect = Number(arg('expect', '100000'));
const fsync = arg('fsync', 'never') as FsyncPolicy;
const timeoutS = Number(arg('timeout', '300'));
const idleS = Number(arg('idle', '3'));
const udp = arg('transport', 'tcp') === 'udp';
const reader = arg('reader', 'on') !== 'off';
const dir = mkdtempSync(join(tmpdir(), 'canhgac-bench-sink-'));
try {
  const spool = await FileSpool.open({ dir, fsync, maxBytes: 8 * 1024 * 1024 * 1024, name: 'bench-sink' });
  const listen = { host: '127.0.0.1', port: Number(arg('port', '0')) };
  const src = udp
    ? new SyslogUdpSource({ ...listen, recvBufferBytes: 32 * 1024 * 1024 }, spool)
    : new SyslogTcpSource(listen, spool);
  const port = await src.start();
  process.stdout.write(`READY ${port}\n`);
  let received = 0;
  let first = 0n;
  let last = 0n;
  let lastAt = 0;
  const deadline = Date.now() + timeoutS * 1000;
  // --reader off: count what the spool appended (in its file, as syslog-ng's side counts lines in its file), with
  // no reader draining it on the same thread.
  while (!reader && received < expect && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    const n = spool.stats().records;
    if (n > received) {
      if (received === 0) first = process.hrtime.bigint();
      received = n;
      last = process.hrtime.bigint();
      lastAt = Date.now();
    } else if (received > 0 && Number(process.hrtime.bigint() - last) / 1e9 > idleS) break;
  }
  while (reader && received < expect && Date.now() < deadline) {
    const b = await spool.readNdjson(10_000, 200);
    if (!b) {
      if (received > 0 && Number(process.hrtime.bigint() - last) / 1e9 > idleS) break;
      continue;
    }
    if (received === 0) first = process.hrtime.bigint();
    received += b.count;
    last = process.hrtime.bigint();
    lastAt = Date.now();
    await spool.commit(b.cursor);
  }
  await src.stop();
  await spool.close();
  const secs = Number(last - first) / 1e9;
  process.stdout.write(
    `${JSON.stringify({
      received,
      seconds: Number(secs.toFixed(3)),
      last_at: lastAt / 1000,
      fsync,
      reader: reader ? 'on' : 'off',
      transport: udp ? 'udp' : 'tcp',
    })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
