/**
 * The shipper snippets of docs/operations.md that cannot run here (no Debian package: Vector, Fluent Bit,
 * Filebeat, Elastic Agent, Logstash, rsyslog omhttp, NXLog; journald needs a journal) are held to what they
 * make the shipper send: the endpoint, the credentials in the form that shipper sends them (Basic for user and
 * password, ApiKey base64(id:key) for `api_key`, Bearer for a header) and the body framing (`_bulk` pairs, NDJSON,
 * JSON lines over TCP). The matrix's documents for that shipper go through the real HTTP (or TCP) intake that way,
 * are attributed to the key's agency, and raise the raw lines' alerts.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../core/shared-data.js';
import { loadRuleSet, type RuleSet } from '../../cli/rules/common.js';
import { hashApiKey } from '../../ingest/sources/http/auth.js';
import { HttpIntakeSource } from '../../ingest/sources/http/source.js';
import { SyslogTcpSource } from '../../ingest/sources/syslog-tcp/source.js';
import { MemorySpool } from '../../ingest/spool/memory-spool.js';
import { feed, until } from '../local-programs.js';
import { RULES_DIR, runLines, type SampleRun } from '../rules/samples.js';
import { type Content, contents, shapes, shipped } from './content.js';

const DOC = readFileSync(join(projectRoot, 'docs', 'operations.md'), 'utf8');
const KEY = 'snippet-agent-key-0123456789abcdef';
const AGENCY = '000.00.31.H40';

function snippet(name: string): string {
  const m = new RegExp(`<!-- snippet: ${name} -->\\n *\`\`\`[a-z]*\\n([\\s\\S]*?)\\n *\`\`\``).exec(DOC);
  if (!m) throw new Error(`docs/operations.md has no snippet ${name}`);
  return m[1]!;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** How each snippet makes its shipper talk to canhgac, read from the snippet's own lines. */
interface Wire {
  snippet: string;
  shapes: string[];
  /** Lines the snippet must hold (endpoint, credentials), AGENT-KEY as written in the guide. */
  holds: RegExp[];
  path: '/_bulk' | '/ingest/v1/events' | 'tcp';
  auth?: (key: string) => string;
  action?: 'index' | 'create';
}

const WIRES: Wire[] = [
  {
    snippet: 'vector',
    shapes: ['vector/syslog', 'vector/journald', 'vector/file', 'vector/file-nginx', 'vector/windows_event_log'],
    holds: [
      /endpoints = \["http:\/\/siem\.tinh\.gov\.vn:9201"\]/,
      /auth\.user = "vector"/,
      /auth\.password = "AGENT-KEY"/,
    ],
    path: '/_bulk',
    auth: (k) => `Basic ${b64(`vector:${k}`)}`,
    action: 'index',
  },
  {
    snippet: 'fluent-bit',
    shapes: ['fluent-bit/syslog', 'fluent-bit/tail', 'fluent-bit/tail-nginx'],
    holds: [/Name +es/, /Port +9201/, /HTTP_User +fluent-bit/, /HTTP_Passwd +AGENT-KEY/, /Suppress_Type_Name On/],
    path: '/_bulk',
    auth: (k) => `Basic ${b64(`fluent-bit:${k}`)}`,
    action: 'create',
  },
  {
    snippet: 'filebeat',
    shapes: ['filebeat-8/filestream', 'filebeat-7/log', 'filebeat-8/syslog', 'filebeat-8/filestream-nginx'],
    holds: [/hosts: \["http:\/\/siem\.tinh\.gov\.vn:9201"\]/, /api_key: "filebeat:AGENT-KEY"/],
    path: '/_bulk',
    auth: (k) => `ApiKey ${b64(`filebeat:${k}`)}`,
    action: 'create',
  },
  {
    snippet: 'elastic-agent',
    shapes: ['elastic-agent/system', 'elastic-agent/windows'],
    holds: [/hosts: \["http:\/\/siem\.tinh\.gov\.vn:9201"\]/, /api_key: "agent:AGENT-KEY"/],
    path: '/_bulk',
    auth: (k) => `ApiKey ${b64(`agent:${k}`)}`,
    action: 'create',
  },
  {
    snippet: 'logstash',
    shapes: ['logstash/syslog-ecs', 'logstash/syslog-legacy'],
    holds: [/hosts => \["http:\/\/siem\.tinh\.gov\.vn:9201"\]/, /api_key => "logstash:AGENT-KEY"/],
    path: '/_bulk',
    auth: (k) => `ApiKey ${b64(`logstash:${k}`)}`,
    action: 'index',
  },
  {
    snippet: 'rsyslog-omhttp',
    shapes: ['rsyslog/omhttp'],
    holds: [/restpath="ingest\/v1\/events"/, /batch\.format="newline"/, /httpheadervalue="Bearer AGENT-KEY"/],
    path: '/ingest/v1/events',
    auth: (k) => `Bearer ${k}`,
  },
  {
    snippet: 'journald',
    shapes: ['journald/json'],
    holds: [/journalctl -o json/, /Authorization: Bearer AGENT-KEY/, /:9201\/ingest\/v1\/events/],
    path: '/ingest/v1/events',
    auth: (k) => `Bearer ${k}`,
  },
  {
    snippet: 'nxlog-linux',
    shapes: ['nxlog/parse_syslog'],
    holds: [/Exec +parse_syslog\(\);/, /Module +om_tcp/, /Port +5514/, /Exec +to_json\(\);/],
    path: 'tcp',
  },
];

let set: RuleSet;
const http = new MemorySpool();
const tcp = new MemorySpool();
let intake: HttpIntakeSource;
let syslog: SyslogTcpSource;
let httpPort: number;
let tcpPort: number;
beforeAll(async () => {
  set = await loadRuleSet([RULES_DIR]);
  intake = new HttpIntakeSource(
    { host: '127.0.0.1', port: 0, apiKeys: [{ sha256: hashApiKey(KEY), agency: AGENCY }], requireApiKey: true },
    http,
  );
  httpPort = await intake.start();
  syslog = new SyslogTcpSource({ host: '127.0.0.1', port: 0 }, tcp);
  tcpPort = await syslog.start();
});
afterAll(async () => {
  await intake.stop();
  await syslog.stop();
});

const alertsOf = (run: SampleRun) =>
  run.alerts.map((a) => `${a.rule} line=${a.line}${a.correlation ? ` group=${JSON.stringify(a.group)}` : ''}`);

/** Sends the documents as the snippet's shipper would; returns what reached the spool, in order. */
async function send(w: Wire, docs: string[]): Promise<string[]> {
  if (w.path === 'tcp') {
    const before = tcp.stats().records;
    await feed(tcpPort, docs);
    await until(() => tcp.stats().records === before + docs.length, 10_000);
    return tcp
      .peek()
      .slice(before)
      .map((r) => r.data);
  }
  const before = http.stats().records;
  const body =
    w.path === '/_bulk'
      ? docs.map((d) => `${JSON.stringify({ [w.action!]: { _index: 'canhgac' } })}\n${d}\n`).join('')
      : `${docs.join('\n')}\n`;
  const res = await fetch(`http://127.0.0.1:${httpPort}${w.path}`, {
    method: 'POST',
    headers: { authorization: w.auth!(KEY), 'content-type': 'application/x-ndjson' },
    body,
  });
  expect(res.status).toBe(200);
  if (w.path === '/_bulk') expect(((await res.json()) as { errors: boolean }).errors).toBe(false);
  const recs = http.peek().slice(before);
  expect(recs.every((r) => r.agency === AGENCY)).toBe(true);
  return recs.map((r) => r.data);
}

describe('shipper snippets of docs/operations.md, on the wire', () => {
  const all = contents();
  for (const w of WIRES) {
    it(`${w.snippet}: the snippet's endpoint and credentials deliver its documents, which raise the raw alerts`, async () => {
      const text = snippet(w.snippet);
      for (const re of w.holds) expect(text).toMatch(re);
      for (const shape of w.shapes) {
        const kind = shape.includes('windows') ? 'windows' : shape.includes('nginx') ? 'access' : 'syslog';
        for (const c of all.filter((x: Content) => x.kind === kind)) {
          const lines = shipped(shape, c);
          const data = await send(
            w,
            lines.map((l) => l.text),
          );
          expect(data).toEqual(lines.map((l) => l.text));
          const run = runLines(
            set,
            lines.map((l, i) => ({ ...l, text: data[i]! })),
          );
          expect({ shape, content: c.name, alerts: alertsOf(run) }).toEqual({
            shape,
            content: c.name,
            alerts: alertsOf(runLines(set, c.raw)),
          });
        }
      }
    });
  }

  it('every shipper shape of the matrix has a snippet (syslog-ng and rsyslog omelasticsearch run for real)', () => {
    const covered = new Set(WIRES.flatMap((w) => w.shapes));
    // Run for real in real-shippers.int.test.ts, or the Windows section's snippets (Winlogbeat; NXLog's im_file is
    // the Linux snippet without its parse_syslog() line).
    for (const s of [
      'syslog-ng/elasticsearch-http',
      'syslog-ng/http-nv-pairs',
      'rsyslog/jsonmesg',
      'nxlog/im_file',
      'winlogbeat-8/wineventlog',
      'winlogbeat-7/wineventlog',
    ])
      covered.add(s);
    expect(shapes().filter((s) => !covered.has(s.shape))).toEqual([]);
  });
});
