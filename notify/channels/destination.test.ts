/**
 * Webhook destinations under the policy: an agency admin's webhook cannot reach loopback, private or link-local
 * addresses (literal or through a name), nor be redirected there; the operator's allowlist opens a range.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChannelConfig, RenderedMessage } from '../types.js';
import { destinationCheck } from './destination.js';
import { httpSenders, webhookSender } from './http.js';

let internal: Server;
let port = 0;
let hits = 0;
beforeAll(async () => {
  // Stands for an internal service (a metadata endpoint, an admin panel) and for a redirecting public hook.
  internal = createServer((req, res) => {
    hits++;
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/secret` });
      res.end();
      return;
    }
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
  port = (internal.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => internal.close(r));
});

const msg: RenderedMessage = { subject: 's', text: 't', html: '<p>t</p>', payload: { kind: 'test' } };
const hook = (url: string): ChannelConfig => ({
  id: 'c',
  type: 'webhook',
  name: 'h',
  settings: { url },
  enabled: true,
});

describe('webhook destination policy', () => {
  it('refuses loopback, private, link-local and mapped addresses by default, and names the config key', async () => {
    hits = 0;
    for (const url of [
      `http://127.0.0.1:${port}/x`,
      `http://localhost:${port}/x`,
      `http://[::1]:${port}/x`,
      `http://[::ffff:127.0.0.1]:${port}/x`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/x',
      'http://192.168.1.1/x',
      'http://172.16.0.1/x',
      'http://100.64.0.1/x',
      'http://0.0.0.0/x',
    ]) {
      await expect(webhookSender.send(hook(url), msg)).rejects.toMatchObject({
        code: 'CANHGAC_ERR_NOTIFY_DESTINATION',
        message: expect.stringContaining('notify.allowPrivateDestinations'),
      });
    }
    expect(hits).toBe(0);
  });

  it('allows a range the operator lists, and never follows a redirect', async () => {
    const senders = httpSenders({ allowPrivate: ['127.0.0.1/32'] });
    hits = 0;
    await senders.webhook.send(hook(`http://127.0.0.1:${port}/ok`), msg);
    await senders.webhook.send(hook(`http://localhost:${port}/ok`), msg);
    expect(hits).toBe(2);
    await expect(senders.webhook.send(hook(`http://127.0.0.1:${port}/redirect`), msg)).rejects.toMatchObject({
      code: 'CANHGAC_ERR_NOTIFY_REDIRECT',
    });
    expect(hits).toBe(3); // the redirect itself, not its target
  });

  it('judges addresses: public allowed, private refused, a bad allowlist entry is a clear error', () => {
    const c = destinationCheck({ allowPrivate: ['10.20.0.0/16'] });
    expect(c.refuse('93.184.216.34')).toBeUndefined();
    expect(c.refuse('2606:4700::1')).toBeUndefined();
    expect(c.refuse('10.20.3.4')).toBeUndefined();
    expect(c.refuse('10.21.3.4')).toMatch(/private/);
    expect(c.refuse('fe80::1')).toMatch(/private/);
    expect(c.refuse('fd00::1')).toMatch(/private/);
    expect(() => destinationCheck({ allowPrivate: ['not-a-cidr'] })).toThrow(/allowPrivateDestinations/);
  });
});

describe('IPv4-mapped IPv6 addresses', () => {
  it('are judged as the IPv4 address they carry', () => {
    const c = destinationCheck();
    expect(c.refuse('::ffff:7f00:1')).toMatch(/private/);
    expect(c.refuse('::ffff:169.254.169.254')).toMatch(/private/);
    expect(c.refuse('::ffff:5db8:d822')).toBeUndefined();
  });
});
