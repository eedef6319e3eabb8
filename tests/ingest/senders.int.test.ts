/**
 * Real senders against the syslog sources: util-linux `logger` over UDP and TCP (RFC 3164 and RFC 5424,
 * LF and octet-counted), and Debian's rsyslogd forwarding over TLS (gtls, client certificate -> agency) and
 * over RELP (omrelp). rsyslogd runs in the foreground with its own config, pid file and work dir; the test
 * feeds it through an imtcp input on a free port. Packages: bsdutils, rsyslog, rsyslog-gnutls, rsyslog-relp
 * (tools/deps.sh); a missing one skips its test with a clear message.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySpool } from '../../ingest/spool/memory-spool.js';
import { RelpSource } from '../../ingest/sources/relp/source.js';
import { SyslogTcpSource } from '../../ingest/sources/syslog-tcp/source.js';
import { SyslogTlsSource } from '../../ingest/sources/syslog-tls/source.js';
import { SyslogUdpSource } from '../../ingest/sources/syslog-udp/source.js';
import { feed, freePort, have, hasRsyslogModule, spawnRsyslogd, stopChild, until } from '../local-programs.js';
import { makeTestPki } from './certs.js';

function skipMsg(what: string, pkg: string): void {
  process.stderr.write(`SKIPPED: ${what} needs ${pkg} (run tools/deps.sh).\n`);
}

const tmp = mkdtempSync(join(tmpdir(), 'canhgac-senders-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('logger (util-linux) as a sender', () => {
  const ok = have('logger');
  if (!ok) skipMsg('the logger sender tests', 'bsdutils');
  const t = ok ? it : it.skip;

  t('delivers RFC 3164 and RFC 5424 over UDP', async () => {
    const spool = new MemorySpool();
    const src = new SyslogUdpSource({ host: '127.0.0.1', port: 0, kernelStatsIntervalMs: 0 }, spool);
    const port = await src.start();
    try {
      execFileSync('logger', ['--rfc3164', '-d', '-n', '127.0.0.1', '-P', String(port), '-t', 'app', 'udp bsd hello']);
      execFileSync('logger', ['--rfc5424', '-d', '-n', '127.0.0.1', '-P', String(port), '-t', 'app', 'udp 5424 hello']);
      await until(() => spool.stats().records === 2, 10_000);
      const [a, b] = spool.peek();
      expect(a!.data).toMatch(/^<13>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ app(\[\d+\])?: udp bsd hello$/);
      expect(b!.data).toMatch(/^<13>1 \d{4}-\d\d-\d\dT\S+ \S+ app \S+ - \[.*\] udp 5424 hello$/);
      expect(a!.transport).toBe('udp');
    } finally {
      await src.stop();
    }
  });

  t('delivers LF-delimited and octet-counted streams over TCP', async () => {
    const spool = new MemorySpool();
    const src = new SyslogTcpSource({ host: '127.0.0.1', port: 0 }, spool);
    const port = await src.start();
    try {
      const base = ['-T', '-n', '127.0.0.1', '-P', String(port), '-t', 'app'];
      execFileSync('logger', [...base, '--rfc3164', 'tcp lf bsd']);
      execFileSync('logger', [...base, '--rfc5424', '--octet-count', 'tcp octet 5424']);
      // Several messages on one connection (logger reads stdin line by line).
      execFileSync('logger', [...base, '--rfc5424', '--octet-count'], { input: 'line one\nline two\nline three\n' });
      await until(() => spool.stats().records === 5, 10_000);
      const data = spool.peek().map((r) => r.data);
      expect(data[0]).toMatch(/app(\[\d+\])?: tcp lf bsd$/);
      expect(data[1]).toMatch(/^<13>1 .* tcp octet 5424$/);
      expect(data.slice(2).map((d) => d.replace(/^.* /, ''))).toEqual(['one', 'two', 'three']);
    } finally {
      await src.stop();
    }
  });
});

/** rsyslogd in the foreground with a private config; stopped with SIGTERM to its own pid. */
async function runRsyslog(name: string, body: string, inPort: number): Promise<ChildProcess> {
  const dir = join(tmp, name);
  rmSync(dir, { recursive: true, force: true });
  execFileSync('mkdir', ['-p', dir]);
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(conf, body.replaceAll('@DIR@', dir));
  return spawnRsyslogd(dir, conf, inPort);
}

describe('rsyslogd as a forwarder', () => {
  const tlsOk = have('rsyslogd') && hasRsyslogModule('lmnsd_gtls') && hasRsyslogModule('imtcp');
  const relpOk = have('rsyslogd') && hasRsyslogModule('omrelp') && hasRsyslogModule('imtcp');
  if (!tlsOk) skipMsg('the rsyslog TLS forwarding test', 'rsyslog and rsyslog-gnutls');
  if (!relpOk) skipMsg('the rsyslog RELP forwarding test', 'rsyslog and rsyslog-relp');

  (tlsOk ? it : it.skip)(
    'forwards over TLS (gtls, octet-counted) with a client certificate that names the agency',
    async () => {
      const pki = makeTestPki(['relay.sotttt.example']);
      const client = pki.clients['relay.sotttt.example']!;
      const spool = new MemorySpool();
      const src = new SyslogTlsSource(
        {
          host: '127.0.0.1',
          port: 0,
          certFile: pki.serverCert,
          keyFile: pki.serverKey,
          caFile: pki.caFile,
          certAgencies: { 'relay.sotttt.example': '000.00.00.H40' },
        },
        spool,
      );
      const tlsPort = await src.start();
      const inPort = await freePort();
      const rs = await runRsyslog(
        'tls',
        `global(workDirectory="@DIR@" defaultNetstreamDriverCAFile="${pki.caFile}"
  defaultNetstreamDriverCertFile="${client.cert}" defaultNetstreamDriverKeyFile="${client.key}")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="${inPort}" ruleset="fwd")
ruleset(name="fwd") {
  action(type="omfwd" target="127.0.0.1" port="${tlsPort}" protocol="tcp" streamDriver="gtls"
         streamDriverMode="1" streamDriverAuthMode="x509/name" streamDriverPermittedPeers="localhost"
         tcp_framing="octet-counted")
}
`,
        inPort,
      );
      try {
        const n = 200;
        await feed(
          inPort,
          Array.from({ length: n }, (_, i) => `<13>Nov 22 10:00:00 web1 app[42]: via rsyslog tls seq=${i}`),
        );
        await until(() => spool.stats().records === n, 10_000);
        const recs = spool.peek();
        expect(recs.every((r) => r.transport === 'tls' && r.agency === '000.00.00.H40')).toBe(true);
        const seqs = recs.map((r) => Number(/seq=(\d+)$/.exec(r.data)?.[1])).sort((a, b) => a - b);
        expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(recs[0]!.data).toMatch(/^<13>Nov 22 10:00:00 web1 app\[42\]: via rsyslog tls seq=\d+$/);
      } finally {
        await stopChild(rs);
        await src.stop();
        rmSync(pki.dir, { recursive: true, force: true });
      }
    },
    30_000,
  );

  (relpOk ? it : it.skip)(
    'forwards over RELP (omrelp) and every message is acknowledged after the spool',
    async () => {
      const spool = new MemorySpool();
      const src = new RelpSource({ host: '127.0.0.1', port: 0 }, spool);
      const relpPort = await src.start();
      const inPort = await freePort();
      const rs = await runRsyslog(
        'relp',
        `global(workDirectory="@DIR@")
module(load="imtcp")
module(load="omrelp")
input(type="imtcp" address="127.0.0.1" port="${inPort}" ruleset="fwd")
ruleset(name="fwd") {
  action(type="omrelp" target="127.0.0.1" port="${relpPort}")
}
`,
        inPort,
      );
      try {
        const n = 300;
        await feed(
          inPort,
          Array.from({ length: n }, (_, i) => `<14>Nov 22 10:00:00 db1 postgres[7]: via rsyslog relp seq=${i}`),
        );
        await until(() => spool.stats().records === n, 10_000);
        const recs = spool.peek();
        expect(recs.every((r) => r.transport === 'relp')).toBe(true);
        const seqs = recs.map((r) => Number(/seq=(\d+)$/.exec(r.data)?.[1]));
        expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i));
      } finally {
        await stopChild(rs);
        await src.stop();
      }
    },
    30_000,
  );

  (relpOk ? it : it.skip)(
    'forwards over RELP with TLS (omrelp tls="on"), client certificate naming the agency',
    async () => {
      const pki = makeTestPki(['relay2.sotttt.example']);
      const client = pki.clients['relay2.sotttt.example']!;
      const spool = new MemorySpool();
      const src = new RelpSource(
        {
          host: '127.0.0.1',
          port: 0,
          certFile: pki.serverCert,
          keyFile: pki.serverKey,
          caFile: pki.caFile,
          certAgencies: { 'relay2.sotttt.example': '000.00.00.H41' },
        },
        spool,
      );
      const relpPort = await src.start();
      const inPort = await freePort();
      const rs = await runRsyslog(
        'relp-tls',
        `global(workDirectory="@DIR@")
module(load="imtcp")
module(load="omrelp")
input(type="imtcp" address="127.0.0.1" port="${inPort}" ruleset="fwd")
ruleset(name="fwd") {
  action(type="omrelp" target="127.0.0.1" port="${relpPort}" tls="on" tls.caCert="${pki.caFile}"
         tls.myCert="${client.cert}" tls.myPrivKey="${client.key}" tls.authMode="name"
         tls.permittedPeer=["localhost"])
}
`,
        inPort,
      );
      try {
        const n = 100;
        await feed(
          inPort,
          Array.from({ length: n }, (_, i) => `<14>Nov 22 10:00:00 db2 app[7]: via rsyslog relp tls seq=${i}`),
        );
        await until(() => spool.stats().records === n, 10_000);
        const recs = spool.peek();
        expect(recs.every((r) => r.transport === 'relp' && r.agency === '000.00.00.H41')).toBe(true);
        expect(recs.map((r) => Number(/seq=(\d+)$/.exec(r.data)?.[1]))).toEqual(Array.from({ length: n }, (_, i) => i));
      } finally {
        await stopChild(rs);
        await src.stop();
        rmSync(pki.dir, { recursive: true, force: true });
      }
    },
    30_000,
  );
});
