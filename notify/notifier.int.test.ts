import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { openSqliteStores, type SqliteStores } from '../store/sqlite/index.js';
import { SCOPE_ALL } from '../store/types.js';
import { startSmtp } from '../tests/smtp.js';
import { channelSenders, type Notice, Notifier, webhookSignature } from './index.js';

const A = '000.00.31.H40';
let stores: SqliteStores;
let clock = 1_763_800_000_000;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(() => {
  stores = openSqliteStores({ path: ':memory:' });
  clock = 1_763_800_000_000;
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await stores.close();
});

/** A local HTTP receiver standing in for webhook/Telegram/Slack endpoints. */
async function receiver(): Promise<{
  url: string;
  got: { path: string; headers: IncomingMessage['headers']; body: string }[];
  server: Server;
}> {
  const got: { path: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      got.push({ path: req.url ?? '', headers: req.headers, body });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, server };
}

function notice(over: Partial<Notice> = {}): Notice {
  return {
    id: `n-${Math.random()}`,
    kind: 'incident.created',
    agencyId: A,
    agencyName: 'Sở Thông tin và Truyền thông',
    severity: 'high',
    incidentId: 'inc-1',
    title: 'SSH brute force <script>alert(1)</script>',
    host: 'web01<img src=x onerror=alert(1)>',
    at: clock,
    ...over,
  };
}

async function setup(
  n: Notifier,
  channels: {
    id: string;
    type: 'email' | 'webhook' | 'telegram' | 'slack' | 'teams';
    settings: Record<string, unknown>;
  }[],
  route: Partial<Parameters<Notifier['routes']['put']>[1]> = {},
) {
  for (const c of channels) await n.channels.put(SCOPE_ALL, { ...c, name: c.id, enabled: true });
  await n.routes.put(SCOPE_ALL, {
    id: 'r1',
    minSeverity: 'medium',
    channelIds: channels.map((c) => c.id),
    language: 'vi',
    ...route,
  });
}

describe('email through a real SMTP server', () => {
  it('delivers HTML + text in Vietnamese with untrusted content escaped and no header injection', async () => {
    const s = await startSmtp();
    cleanups.push(s.close);
    const senders = channelSenders({ host: '127.0.0.1', port: s.port, from: 'canhgac@soc.example.vn' });
    const n = new Notifier(stores.state, senders, { now: () => clock });
    await setup(n, [{ id: 'mail', type: 'email', settings: { to: ['soc@example.vn'] } }]);
    expect(await n.notify(notice({ title: 'Evil\r\nBcc: victim@example.com <b>x</b>' }))).toBe(1);
    expect(await n.deliverDue()).toEqual({ sent: 1, failed: 0, dead: 0 });
    expect(s.mails).toHaveLength(1);
    const mail = s.mails[0]!;
    const headers = mail.slice(0, mail.indexOf('\r\n\r\n'));
    expect(headers).toMatch(/^Subject: /m);
    expect(headers).not.toMatch(/^Bcc:/m);
    expect(mail).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(mail).not.toContain('<img src=x');
    expect(mail).toMatch(/Content-Type: text\/plain/);
    expect(mail).toMatch(/Content-Type: text\/html/);
  });

  it('retries while the SMTP server is down and delivers exactly once when it is back', async () => {
    const probe = await startSmtp();
    const port = probe.port;
    await probe.close();
    const n = new Notifier(stores.state, channelSenders({ host: '127.0.0.1', port, from: 'canhgac@soc.example.vn' }), {
      now: () => clock,
      baseDelayMs: 1000,
    });
    await setup(n, [{ id: 'mail', type: 'email', settings: { to: ['soc@example.vn'] } }]);
    await n.notify(notice());
    expect(await n.deliverDue()).toEqual({ sent: 0, failed: 1, dead: 0 });
    expect(await n.deliverDue()).toEqual({ sent: 0, failed: 0, dead: 0 }); // not due yet: backoff
    const s = await startSmtp(port);
    cleanups.push(s.close);
    clock += 1000;
    expect(await n.deliverDue()).toEqual({ sent: 1, failed: 0, dead: 0 });
    clock += 60_000;
    expect(await n.deliverDue()).toEqual({ sent: 0, failed: 0, dead: 0 });
    expect(s.mails).toHaveLength(1);
    const d = (await n.deliveries.list(SCOPE_ALL)).docs[0]!;
    expect([d.state, d.attempts]).toEqual(['sent', 2]);
  });
});

describe('HTTP channels', () => {
  it('signs webhooks with HMAC and speaks Telegram, Slack and Teams', async () => {
    const r = await receiver();
    const n = new Notifier(stores.state, channelSenders(undefined, { allowPrivate: ['127.0.0.1/32'] }), {
      now: () => clock,
    });
    await setup(n, [
      { id: 'hook', type: 'webhook', settings: { url: `${r.url}/hook`, secret: 's3cret' } },
      { id: 'tg', type: 'telegram', settings: { token: '123:abc', chatId: '-100', apiBase: r.url } },
      { id: 'slack', type: 'slack', settings: { url: `${r.url}/slack` } },
      { id: 'teams', type: 'teams', settings: { url: `${r.url}/teams` } },
    ]);
    await n.notify(notice());
    expect((await n.deliverDue()).sent).toBe(4);
    const hook = r.got.find((g) => g.path === '/hook')!;
    const ts = String(hook.headers['x-canhgac-timestamp']);
    expect(hook.headers['x-canhgac-signature']).toBe(webhookSignature('s3cret', ts, hook.body));
    expect(JSON.parse(hook.body)).toMatchObject({ kind: 'incident.created', agency_id: A, severity: 'high' });
    expect(JSON.parse(r.got.find((g) => g.path === '/bot123:abc/sendMessage')!.body)).toMatchObject({
      chat_id: '-100',
    });
    expect(JSON.parse(r.got.find((g) => g.path === '/slack')!.body).text).toContain('&lt;script&gt;');
    expect(r.got.find((g) => g.path === '/teams')!.body).not.toContain('<script>');
  });
});

describe('routing', () => {
  it('routes by agency and severity, throttles re-alerts, and gathers low severities into a digest', async () => {
    const r = await receiver();
    const n = new Notifier(stores.state, channelSenders(undefined, { allowPrivate: ['127.0.0.1/32'] }), {
      now: () => clock,
    });
    await setup(n, [{ id: 'hook', type: 'webhook', settings: { url: `${r.url}/hook` } }], {
      agencyId: A,
      minSeverity: 'low',
      digestBelow: 'medium',
      realertMinutes: 30,
    });
    expect(await n.notify(notice({ agencyId: '000.00.99.H40' }))).toBe(0);
    expect(await n.notify(notice({ severity: 'informational' }))).toBe(0);
    expect(await n.notify(notice())).toBe(1);
    expect(await n.notify(notice())).toBe(0); // same incident within 30 min
    clock += 31 * 60_000;
    expect(await n.notify(notice())).toBe(1);
    expect(await n.notify(notice({ severity: 'low', incidentId: 'inc-2' }))).toBe(0);
    expect(await n.notify(notice({ severity: 'low', incidentId: 'inc-3' }))).toBe(0);
    expect(await n.flushDigests()).toBe(1);
    await n.deliverDue();
    const digest = r.got
      .map((g) => JSON.parse(g.body) as { kind: string; items?: unknown[] })
      .find((b) => b.kind === 'digest');
    expect(digest?.items).toHaveLength(2);
  });

  it('dead-letters a delivery after its last attempt and logs every attempt', async () => {
    const n = new Notifier(stores.state, channelSenders(undefined, { allowPrivate: ['127.0.0.1/32'] }), {
      now: () => clock,
      maxAttempts: 3,
      baseDelayMs: 10,
    });
    await setup(n, [{ id: 'hook', type: 'webhook', settings: { url: 'http://127.0.0.1:9/nothing' } }]);
    await n.notify(notice());
    const seen = [];
    for (let i = 0; i < 3; i++) {
      seen.push(await n.deliverDue());
      clock += 1000;
    }
    expect(seen.map((s) => s.dead)).toEqual([0, 0, 1]);
    const d = (await n.deliveries.list(SCOPE_ALL)).docs[0]!;
    expect(d.state).toBe('dead');
    expect(d.attempts).toBe(3);
    expect(d.lastError).toBeTruthy();
  });
});
