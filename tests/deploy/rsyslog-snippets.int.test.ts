/**
 * The copy-paste rsyslog snippets of docs/operations.md, run for real: each snippet (only the host, ports and file
 * paths substituted) goes into a private rsyslogd fed over a local imtcp input, and must deliver every message to
 * canhgac's source. The TLS snippet uses the certificates of deploy/certs.sh (server) and of the operations page's
 * client-certificate commands (agency attribution by certificate name).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../core/shared-data.js';
import { MemorySpool } from '../../ingest/spool/memory-spool.js';
import { RelpSource } from '../../ingest/sources/relp/source.js';
import { SyslogTcpSource } from '../../ingest/sources/syslog-tcp/source.js';
import { SyslogTlsSource } from '../../ingest/sources/syslog-tls/source.js';
import { SyslogUdpSource } from '../../ingest/sources/syslog-udp/source.js';
import { feed, freePort, have, hasRsyslogModule, spawnRsyslogd, stopChild, until } from '../local-programs.js';

const DOC = readFileSync(join(projectRoot, 'docs', 'operations.md'), 'utf8');
const HOST = 'siem.tinh.gov.vn';

/** The fenced block after `<!-- snippet: NAME -->`, with the list indentation removed. */
function snippet(name: string): string {
  const m = new RegExp(`( *)<!-- snippet: ${name} -->\\n *\`\`\`[a-z]*\\n([\\s\\S]*?)\\n *\`\`\``).exec(DOC);
  if (!m) throw new Error(`docs/operations.md has no snippet ${name}`);
  const indent = m[1]!.length;
  return m[2]!
    .split('\n')
    .map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
    .join('\n');
}

const tmp = mkdtempSync(join(tmpdir(), 'canhgac-rsyslog-snippets-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** rsyslogd in the foreground: a local imtcp input, then the snippet as it would sit in /etc/rsyslog.d/. */
async function runRsyslog(name: string, body: string): Promise<{ child: ChildProcess; inPort: number }> {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const inPort = await freePort();
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(
    conf,
    `global(workDirectory="${dir}")\nmodule(load="imtcp")\ninput(type="imtcp" address="127.0.0.1" port="${inPort}")\n${body}\n`,
  );
  return { child: await spawnRsyslogd(dir, conf, inPort), inPort };
}

/** The snippet pointed at the test's port instead of the documented one. */
function forTest(text: string, docPort: number, port: number, extra: [string, string][] = []): string {
  let out = text.replaceAll(`target="${HOST}"`, 'target="127.0.0.1"').replaceAll(`port="${docPort}"`, `port="${port}"`);
  for (const [a, b] of extra) out = out.replaceAll(a, b);
  expect(out).not.toContain(HOST);
  return out;
}

const lines = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => `<13>Nov 22 10:00:00 web1 app[42]: ${tag} seq=${i}`);
const seqs = (spool: MemorySpool) =>
  spool
    .peek()
    .map((r) => Number(/seq=(\d+)$/.exec(r.data)?.[1]))
    .sort((a, b) => a - b);

describe('rsyslog snippets of docs/operations.md', () => {
  const ok = have('rsyslogd') && hasRsyslogModule('imtcp');
  if (!ok) process.stderr.write('SKIPPED: the rsyslog snippet tests need rsyslog (run tools/deps.sh).\n');
  const t = (need: boolean) => (ok && need ? it : it.skip);

  t(true)(
    'UDP',
    async () => {
      const spool = new MemorySpool();
      const src = new SyslogUdpSource({ host: '127.0.0.1', port: 0, kernelStatsIntervalMs: 0 }, spool);
      const port = await src.start();
      const rs = await runRsyslog('udp', forTest(snippet('rsyslog-udp'), 5514, port));
      try {
        await feed(rs.inPort, lines('udp', 50));
        await until(() => spool.stats().records === 50, 15_000);
        expect(seqs(spool)).toEqual(Array.from({ length: 50 }, (_, i) => i));
        // RSYSLOG_ForwardFormat: RFC 3339 time with its zone, one space before the message.
        expect(spool.peek()[0]!.data).toMatch(
          /^<13>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S*[+-]\d\d:\d\d web1 app\[42\]: udp seq=\d+$/,
        );
      } finally {
        await stopChild(rs.child);
        await src.stop();
      }
    },
    30_000,
  );

  t(true)(
    'TCP, and the disk-assisted queue keeps messages while canhgac is down',
    async () => {
      const port = await freePort();
      const rs = await runRsyslog('tcp', forTest(snippet('rsyslog-tcp'), 5514, port));
      const spool = new MemorySpool();
      let src: SyslogTcpSource | undefined;
      try {
        // canhgac is not listening yet: rsyslog queues.
        await feed(rs.inPort, lines('tcp', 100));
        await new Promise((r) => setTimeout(r, 500));
        src = new SyslogTcpSource({ host: '127.0.0.1', port }, spool);
        await src.start();
        await until(() => new Set(seqs(spool)).size === 100, 60_000);
        expect([...new Set(seqs(spool))]).toEqual(Array.from({ length: 100 }, (_, i) => i));
        // Plain TCP has no acknowledgements: the message rsyslog was sending when the connection failed may come
        // twice (the operations page says so and points to RELP).
        expect(spool.stats().records - 100).toBeLessThanOrEqual(2);
        expect(spool.peek().every((r) => r.transport === 'tcp')).toBe(true);
      } finally {
        await stopChild(rs.child);
        await src?.stop();
      }
    },
    90_000,
  );

  t(hasRsyslogModule('lmnsd_gtls'))(
    'TLS with the deployment certificates and a client certificate made by the documented commands',
    async () => {
      const certs = join(tmp, 'certs');
      execFileSync('bash', [join(projectRoot, 'deploy', 'certs.sh'), certs], { stdio: 'pipe' });
      // The operations page's client-certificate commands, run against that CA.
      const client = join(tmp, 'client');
      mkdirSync(client);
      execFileSync('bash', ['-euc', snippet('client-cert').replaceAll('deploy/certs/', `${certs}/`)], {
        cwd: client,
        stdio: 'pipe',
      });
      const name = 'relay.sotttt.tinh.gov.vn';
      const spool = new MemorySpool();
      const src = new SyslogTlsSource(
        {
          host: '127.0.0.1',
          port: 0,
          certFile: join(certs, 'canhgac.pem'),
          keyFile: join(certs, 'canhgac-key.pem'),
          caFile: join(certs, 'ca.pem'),
          certAgencies: { [name]: '000.00.31.H40' },
        },
        spool,
      );
      const port = await src.start();
      const conf = forTest(snippet('rsyslog-tls'), 6514, port, [
        // canhgac.pem names `localhost` (and canhgac, ingest); the documented name is the public one.
        [`StreamDriverPermittedPeers="${HOST}"`, 'StreamDriverPermittedPeers="localhost"'],
        ['/etc/rsyslog.d/canhgac-ca.pem', join(certs, 'ca.pem')],
        ['/etc/rsyslog.d/relay.pem', join(client, `${name}.pem`)],
        ['/etc/rsyslog.d/relay-key.pem', join(client, `${name}-key.pem`)],
      ]);
      const rs = await runRsyslog('tls', conf);
      try {
        await feed(rs.inPort, lines('tls', 100));
        await until(() => spool.stats().records === 100, 15_000);
        expect(seqs(spool)).toEqual(Array.from({ length: 100 }, (_, i) => i));
        expect(spool.peek().every((r) => r.transport === 'tls' && r.agency === '000.00.31.H40')).toBe(true);
      } finally {
        await stopChild(rs.child);
        await src.stop();
      }
    },
    60_000,
  );

  t(hasRsyslogModule('omrelp'))(
    'RELP',
    async () => {
      const spool = new MemorySpool();
      const src = new RelpSource({ host: '127.0.0.1', port: 0 }, spool);
      const port = await src.start();
      const rs = await runRsyslog('relp', forTest(snippet('rsyslog-relp'), 2514, port));
      try {
        await feed(rs.inPort, lines('relp', 200));
        await until(() => spool.stats().records === 200, 15_000);
        expect(seqs(spool)).toEqual(Array.from({ length: 200 }, (_, i) => i));
        expect(spool.peek().every((r) => r.transport === 'relp')).toBe(true);
      } finally {
        await stopChild(rs.child);
        await src.stop();
      }
    },
    30_000,
  );
});
