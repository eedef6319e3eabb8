/**
 * Shared pieces of the service acceptance and fault tests: a real SMTP server that keeps what it receives, a
 * minimal MIME reader for what nodemailer sends, the embedded service on temporary ports and data directory,
 * the REST API with the bootstrap key, and syslog over TCP.
 */

import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../core/config/load.js';
import { seedLearnedBaselines } from '../kit/baselines.js';
import { LOOPBACK_LISTENERS } from '../kit/loopback.js';

/** The bootstrap admin key every test service starts with (CANHGAC_BOOTSTRAP_API_KEY). */
export const ADMIN_KEY = 'service-e2e-admin-key-0123456789abcdef';
/** The agency the tests' senders (127.0.0.1) belong to. */
export const AGENCY = '000.00.31.H40';

export { startSmtp, type TestSmtp } from '../smtp.js';

/** A mail as read back: decoded subject and the decoded text and HTML parts. */
export interface ParsedMail {
  headers: string;
  subject: string;
  text?: string;
  html?: string;
}

function decodeBody(body: string, encoding: string | undefined): string {
  const enc = (encoding ?? '7bit').toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    const soft = body.replace(/=\r?\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      const m = soft[i] === '=' ? /^[0-9A-F]{2}$/i.exec(soft.slice(i + 1, i + 3)) : null;
      if (m) {
        bytes.push(Number.parseInt(m[0], 16));
        i += 2;
      } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
    }
    return Buffer.from(bytes).toString('utf8');
  }
  return body;
}

function header(headers: string, name: string): string | undefined {
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return m?.[1]?.trim();
}

/** RFC 2047 encoded words (=?UTF-8?B?..?= / =?UTF-8?Q?..?=), as nodemailer writes long or non-ASCII subjects. */
function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc: string, data: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeBody(data.replace(/_/g, ' '), 'quoted-printable'),
    );
}

/** Reads the subject and the text/plain and text/html parts of a (multipart) mail. */
export function parseMail(raw: string): ParsedMail {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split);
  const out: ParsedMail = { headers, subject: decodeWords(header(headers, 'Subject') ?? '') };
  const visit = (head: string, body: string) => {
    const type = header(head, 'Content-Type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (/^multipart\//i.test(type) && boundary) {
      for (const part of body.split(`--${boundary}`).slice(1)) {
        if (part.startsWith('--')) break;
        const p = part.replace(/^\r\n/, '');
        const at = p.indexOf('\r\n\r\n');
        visit(p.slice(0, at), p.slice(at + 4));
      }
      return;
    }
    const text = decodeBody(body, header(head, 'Content-Transfer-Encoding'));
    if (/^text\/html/i.test(type)) out.html = text;
    else if (/^text\/plain/i.test(type)) out.text = text;
  };
  visit(headers, raw.slice(split + 4));
  return out;
}

/**
 * A config for the embedded service on a fresh temporary data directory, every listener on 127.0.0.1:0. The data
 * directory holds baselines learning since a day ago (tests/kit/baselines.ts): these tests are about delivery,
 * faults and intake, not the warm-up, so a brute force is an incident at once, as on an operator's second day.
 */
export function serviceConfig(overrides: Record<string, unknown> = {}): ReturnType<typeof loadConfig> {
  process.env.CANHGAC_BOOTSTRAP_API_KEY = ADMIN_KEY;
  const dataDir = mkdtempSync(join(tmpdir(), 'canhgac-e2e-'));
  seedLearnedBaselines(dataDir);
  return loadConfig({
    env: {},
    overrides: {
      dataDir,
      ...LOOPBACK_LISTENERS,
      agencies: [{ id: AGENCY, name: 'Sở Thông tin và Truyền thông', networks: ['127.0.0.0/8'] }],
      ...overrides,
    },
  });
}

/** A JSON body as the API returns it (list pages carry items). */
export type ApiBody = { items: Record<string, unknown>[]; id: string } & Record<string, unknown>;

/** Calls the REST API with the bootstrap key; returns status and parsed JSON (or text). */
export async function api<T = ApiBody>(
  base: string,
  path: string,
  body?: unknown,
  method?: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (metrics)
  }
  return { status: res.status, body: parsed as T };
}

/** Creates an email channel to `to` and a route for AGENCY (lowest severity `minSeverity`) through the API. */
export async function emailRoute(base: string, to: string, minSeverity = 'low'): Promise<void> {
  const ch = await api(base, '/api/v1/channels', {
    type: 'email',
    name: 'SOC mailbox',
    agencyId: AGENCY,
    settings: { to: [to] },
    enabled: true,
  });
  if (ch.status !== 201) throw new Error(`channel: ${ch.status} ${JSON.stringify(ch.body)}`);
  const rt = await api(base, '/api/v1/routes', { agencyId: AGENCY, minSeverity, channelIds: [ch.body.id] });
  if (rt.status !== 201) throw new Error(`route: ${rt.status} ${JSON.stringify(rt.body)}`);
}

/** Sends syslog messages over one TCP connection (octet-counting framing) and closes it. */
export function sendTcp(port: number, lines: readonly string[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => sock.end(lines.map((l) => `${Buffer.byteLength(l)} ${l}`).join('')));
    sock.on('close', () => resolve());
    sock.on('error', reject);
  });
}

/**
 * Polls `probe` until it returns a value other than undefined, or gives up after `ms` (returns undefined). A probe
 * that throws (a connection reset while a loaded service closes an idle keep-alive socket) counts as "not yet";
 * if the last probe before the deadline threw, that error is thrown.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, ms: number, every = 100): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    let failed: unknown;
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      failed = err;
    }
    if (Date.now() >= end) {
      if (failed !== undefined) throw failed;
      return undefined;
    }
    await new Promise((r) => setTimeout(r, every));
  }
}

/** The sum of a metric's samples (all label sets) in the API's /metrics text. */
export async function metricValue(base: string, name: string): Promise<number> {
  const { body } = await api(base, '/metrics');
  let sum = 0;
  for (const line of String(body).split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
