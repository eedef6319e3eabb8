/**
 * Real shippers into the real HTTP intake, with the copy-paste snippets of docs/operations.md (only host, port,
 * key and directories substituted): syslog-ng 3.38 (Debian's syslog-ng-core + syslog-ng-mod-http + syslog-ng-scl,
 * unpacked by tests/ingest/syslog-ng-local.sh) with `elasticsearch-http()` and `http()`, and rsyslogd with
 * `omelasticsearch` (Debian's rsyslog-elasticsearch). Each is fed the raw syslog lines of the shipper matrix over
 * a local TCP input; what reaches the spool must raise exactly the alerts the raw lines raise over syslog.
 * rsyslog's omhttp is not packaged by Debian: its snippet is exercised through its document shape in
 * matrix.test.ts. Packages: tools/deps.sh; a missing one skips its test with a clear message.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../core/shared-data.js';
import { loadRuleSet, type RuleSet } from '../../cli/rules/common.js';
import { hashApiKey } from '../../ingest/sources/http/auth.js';
import { HttpIntakeSource } from '../../ingest/sources/http/source.js';
import { MemorySpool } from '../../ingest/spool/memory-spool.js';
import { feed, freePort, hasRsyslogModule, have, spawnRsyslogd, stopChild, until } from '../local-programs.js';
import { RULES_DIR, runLines, type SampleLine, type SampleRun } from '../rules/samples.js';
import { type Content, contents } from './content.js';
import { parseSyslog } from './shapes.js';

const DOC = readFileSync(join(projectRoot, 'docs', 'operations.md'), 'utf8');
const HOST = 'siem.tinh.gov.vn';
const KEY = 'shipper-matrix-agent-key-0123456789';
const AGENCY = '000.00.31.H40';
const SCRIPT = join(projectRoot, 'tests', 'ingest', 'syslog-ng-local.sh');

/** The fenced block after `<!-- snippet: NAME -->`. */
function snippet(name: string): string {
  const m = new RegExp(`<!-- snippet: ${name} -->\\n *\`\`\`[a-z]*\\n([\\s\\S]*?)\\n *\`\`\``).exec(DOC);
  if (!m) throw new Error(`docs/operations.md has no snippet ${name}`);
  return m[1]!;
}

const tmp = mkdtempSync(join(tmpdir(), 'canhgac-shippers-'));
let set: RuleSet;
beforeAll(async () => {
  set = await loadRuleSet([RULES_DIR]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const syslogContents = () => contents().filter((c) => c.kind === 'syslog');
const alertsOf = (run: SampleRun) =>
  run.alerts.map((a) => `${a.rule} line=${a.line}${a.correlation ? ` group=${JSON.stringify(a.group)}` : ''}`);

async function intake(): Promise<{ src: HttpIntakeSource; spool: MemorySpool; port: number }> {
  const spool = new MemorySpool();
  const src = new HttpIntakeSource(
    { host: '127.0.0.1', port: 0, apiKeys: [{ sha256: hashApiKey(KEY), agency: AGENCY }], requireApiKey: true },
    spool,
  );
  return { src, spool, port: await src.start() };
}

/**
 * The spooled documents back in the order of the raw lines (shippers batch with several workers, so arrival order
 * is not line order): each document is matched to its line by program, host and message.
 */
function byLine(c: Content, docs: Record<string, unknown>[]): SampleLine[] {
  const out: SampleLine[] = [];
  for (const l of c.raw) {
    const p = parseSyslog(l.text);
    const doc = docs.find((d) => {
      // rsyslog's msg keeps the space after the tag; syslog-ng's MESSAGE does not.
      const msg = d.MESSAGE ?? (typeof d.msg === 'string' ? d.msg.slice(1) : undefined);
      const prog = d.PROGRAM ?? d.programname;
      const host = d.HOST ?? d.hostname;
      return msg === p.message && prog === p.program && host === p.host;
    });
    if (doc) out.push({ ...l, text: JSON.stringify(doc) });
  }
  return out;
}

/** Feeds every syslog content, waits for all of it in the spool, and checks the alerts per content. */
async function checkShipper(name: string, spool: MemorySpool, inPort: number): Promise<void> {
  const all = syslogContents();
  const lines = all.flatMap((c) => c.raw.map((l) => l.text));
  await feed(inPort, lines);
  await until(() => spool.stats().records >= lines.length, 30_000);
  const records = spool.peek();
  expect(records.every((r) => r.agency === AGENCY && r.format === 'json')).toBe(true);
  const docs = records.map((r) => JSON.parse(r.data) as Record<string, unknown>);
  for (const c of all) {
    const shipped = byLine(c, docs);
    expect(shipped.length).toBe(c.raw.length);
    const run = runLines(set, shipped);
    for (const e of run.events) expect(e.event['canhgac.decode_error']).toBeUndefined();
    expect({ shipper: name, content: c.name, alerts: alertsOf(run) }).toEqual({
      shipper: name,
      content: c.name,
      alerts: alertsOf(runLines(set, c.raw)),
    });
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function accepting(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      r(true);
    });
    s.on('error', () => r(false));
  });
}

function syslogNgReady(): boolean {
  try {
    execFileSync('bash', [SCRIPT, 'root'], {
      stdio: 'ignore',
      env: { ...process.env, CANHGAC_TEST_TMP: process.env.CANHGAC_TEST_TMP ?? tmpdir() },
    });
    return true;
  } catch {
    return false;
  }
}

describe('syslog-ng snippets of docs/operations.md, real syslog-ng into the HTTP intake', () => {
  const ok = syslogNgReady();
  if (!ok) process.stderr.write('SKIPPED: syslog-ng (tests/ingest/syslog-ng-local.sh) could not be unpacked.\n');
  const t = ok ? it : it.skip;

  async function runSyslogNg(name: string, body: string, inPort: number): Promise<ChildProcess> {
    const dir = join(tmp, name);
    mkdirSync(dir, { recursive: true });
    const env = { ...process.env, CANHGAC_TEST_TMP: process.env.CANHGAC_TEST_TMP ?? tmpdir(), TZ: 'Asia/Ho_Chi_Minh' };
    const scl = execFileSync('bash', [SCRIPT, 'scl'], { env }).toString().trim();
    const conf = join(dir, 'syslog-ng.conf');
    // A relay's network source as the operations guide writes it (keep-hostname: the devices' names, not ours).
    writeFileSync(
      conf,
      `@version: 3.38\n@include "${scl}"\nsource s_src { network(ip(127.0.0.1) port(${inPort}) transport(tcp) keep-hostname(yes)); };\n${body}\n`,
    );
    const child = spawn(
      'bash',
      [
        SCRIPT,
        'syslog-ng',
        '-F',
        '-f',
        conf,
        '-R',
        join(dir, 'persist'),
        '-c',
        join(dir, 'ctl'),
        '-p',
        join(dir, 'pid'),
      ],
      { env, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const end = Date.now() + 15_000;
    while (!(await accepting(inPort))) {
      if (child.exitCode !== null || Date.now() > end) throw new Error(`syslog-ng did not start (${child.exitCode})`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return child;
  }

  const forTest = (text: string, port: number, dir: string) => {
    const out = text
      .replaceAll(`${HOST}:9201`, `127.0.0.1:${port}`)
      .replaceAll('AGENT-KEY', KEY)
      .replaceAll('dir("/var/lib/syslog-ng")', `dir("${dir}")`);
    expect(out).not.toContain(HOST);
    return out;
  };

  for (const name of ['syslog-ng-elasticsearch-http', 'syslog-ng-http']) {
    t(
      name,
      async () => {
        const { src, spool, port } = await intake();
        const inPort = await freePort();
        const dir = join(tmp, name);
        mkdirSync(dir, { recursive: true });
        const child = await runSyslogNg(name, forTest(snippet(name), port, dir), inPort);
        try {
          await checkShipper(name, spool, inPort);
        } finally {
          await stopChild(child);
          await src.stop();
        }
      },
      60_000,
    );
  }
});

describe('rsyslog omelasticsearch snippet of docs/operations.md, real rsyslogd into the HTTP intake', () => {
  const ok = have('rsyslogd') && hasRsyslogModule('imtcp') && hasRsyslogModule('omelasticsearch');
  if (!ok) process.stderr.write('SKIPPED: the omelasticsearch test needs rsyslog-elasticsearch (tools/deps.sh).\n');
  if (!hasRsyslogModule('omhttp'))
    process.stderr.write('NOTE: rsyslog omhttp is not installed (Debian does not package it); its shape is tested.\n');
  (ok ? it : it.skip)(
    'rsyslog-omelasticsearch',
    async () => {
      const { src, spool, port } = await intake();
      const inPort = await freePort();
      const dir = join(tmp, 'rsyslog-es');
      mkdirSync(dir, { recursive: true });
      const body = snippet('rsyslog-omelasticsearch')
        .replaceAll(`server="${HOST}"`, 'server="127.0.0.1"')
        .replaceAll('serverport="9201"', `serverport="${port}"`)
        .replaceAll('AGENT-KEY', KEY);
      expect(body).not.toContain(HOST);
      const conf = join(dir, 'rsyslog.conf');
      writeFileSync(
        conf,
        `global(workDirectory="${dir}")\nmodule(load="imtcp")\ninput(type="imtcp" address="127.0.0.1" port="${inPort}")\n${body}\n`,
      );
      // A relay in Vietnam runs with TZ=Asia/Ho_Chi_Minh; rsyslogd still stamps a BSD timestamp as UTC in
      // `timereported`, so canhgac reads the time from `rawmsg` (ingest/normalise/shippers.ts).
      const tz = process.env.TZ;
      process.env.TZ = 'Asia/Ho_Chi_Minh';
      let child: ChildProcess;
      try {
        child = await spawnRsyslogd(dir, conf, inPort);
      } finally {
        if (tz === undefined) delete process.env.TZ;
        else process.env.TZ = tz;
      }
      try {
        await checkShipper('rsyslog-omelasticsearch', spool, inPort);
      } finally {
        await stopChild(child);
        await src.stop();
      }
    },
    60_000,
  );
});
