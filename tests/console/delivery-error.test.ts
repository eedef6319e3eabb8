/**
 * A failed delivery in words (core/catalogue/delivery.ts): real failures of the real channel senders (a closed
 * port, a receiver answering 500/404/401, TLS spoken to a plain server, an unknown name, a refused login and a
 * refused recipient on a real SMTP server, a private address, missing settings) each get the sentence of their
 * class in Vietnamese and English; texts the senders produce only after seconds (timeouts) are taken as written.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SMTPServer } from 'smtp-server';
import {
  classifyDeliveryError,
  DELIVERY_ERROR_TEXT,
  type DeliveryErrorKind,
  deliveryErrorText,
} from '../../core/catalogue/delivery.js';
import { emailSender } from '../../notify/channels/email.js';
import { channelSenders } from '../../notify/index.js';
import type { ChannelConfig, RenderedMessage } from '../../notify/types.js';

const MSG: RenderedMessage = { subject: 'Thử', text: 'Thử', html: '<p>Thử</p>', payload: { kind: 'test' } };
let hook: Server;
let hookPort = 0;
let closedPort = 0;
let smtp: SMTPServer;
let smtpPort = 0;

const webhook = (url: string): ChannelConfig =>
  ({ id: 'c1', type: 'webhook', name: 'hook', enabled: true, settings: { url } }) as unknown as ChannelConfig;

/** The error a real send raises: its message and catalogue code. */
async function failure(send: () => Promise<void>): Promise<{ text: string; code?: string }> {
  try {
    await send();
  } catch (err) {
    const e = err as { message: string; code?: unknown };
    return {
      text: e.message,
      ...(typeof e.code === 'string' && e.code.startsWith('CANHGAC_ERR_') ? { code: e.code } : {}),
    };
  }
  throw new Error('the send did not fail');
}

beforeAll(async () => {
  hook = createServer((req, res) => {
    res.statusCode = Number(req.url?.slice(1)) || 500;
    res.end('<html>Internal details of the receiver</html>');
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookPort = (hook.address() as AddressInfo).port;
  const gone = createServer();
  await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
  closedPort = (gone.address() as AddressInfo).port;
  await new Promise<void>((r) => gone.close(() => r()));
  smtp = new SMTPServer({
    allowInsecureAuth: true,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_a, _s, cb) => cb(new Error('Authentication failed')),
    onRcptTo: (addr, _s, cb) =>
      addr.address.startsWith('nobody@')
        ? cb(Object.assign(new Error('5.1.1 Mailbox unavailable'), { responseCode: 550 }))
        : cb(),
    onData: (stream, _s, cb) => {
      stream.resume();
      stream.on('end', () => cb());
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  smtpPort = (smtp as unknown as { server: { address(): AddressInfo } }).server.address().port;
});

afterAll(async () => {
  await new Promise<void>((r) => hook.close(() => r()));
  await new Promise<void>((r) => smtp.close(() => r()));
});

describe('a failed delivery in words', () => {
  it('classifies the real failures of the channel senders', async () => {
    const local = channelSenders(undefined, { allowPrivate: ['127.0.0.0/8'] });
    const strict = channelSenders(undefined, {});
    const post =
      (url: string, senders = local) =>
      () =>
        senders.webhook!.send(webhook(url), MSG);
    const mail = (to: string, auth?: { user: string; pass: string }) => () => {
      const s = emailSender({ host: '127.0.0.1', port: smtpPort, from: 'soc@canhgac.test', ...auth });
      const ch = { id: 'm', type: 'email', name: 'm', enabled: true, settings: { to: to ? [to] : [] } };
      return s.send(ch as unknown as ChannelConfig, MSG).finally(() => s.close());
    };
    const cases: [string, () => Promise<void>, DeliveryErrorKind, Record<string, number>?][] = [
      ['closed port', post(`http://127.0.0.1:${closedPort}/x`), 'refused'],
      ['HTTP 500', post(`http://127.0.0.1:${hookPort}/500`), 'http_server', { status: 500 }],
      ['HTTP 404', post(`http://127.0.0.1:${hookPort}/404`), 'http_client', { status: 404 }],
      ['HTTP 401', post(`http://127.0.0.1:${hookPort}/401`), 'auth', { status: 401 }],
      ['TLS to a plain server', post(`https://127.0.0.1:${hookPort}/x`), 'tls'],
      ['unknown name', post('http://khong-ton-tai.invalid/x'), 'dns'],
      ['private address', post(`http://127.0.0.1:${hookPort}/x`, strict), 'destination'],
      ['no URL', () => local.webhook!.send(webhook(''), MSG), 'settings'],
      ['SMTP login refused', mail('truc@soyte.gov.vn', { user: 'soc', pass: 'sai' }), 'auth', { smtp: 535 }],
      ['SMTP recipient refused', mail('nobody@soyte.gov.vn'), 'smtp', { smtp: 550 }],
      ['no recipients', mail(''), 'settings'],
    ];
    for (const [what, send, kind, extra] of cases) {
      const f = await failure(send);
      const c = classifyDeliveryError(f.text, f.code);
      expect({ what, text: f.text, ...c }).toEqual({ what, text: f.text, kind, ...(extra ?? {}) });
    }
  }, 30_000);

  it('classifies texts as the senders write them after a wait, and export deliveries by their status', () => {
    expect(classifyDeliveryError('channel did not answer within 10000 ms').kind).toBe('timeout');
    expect(classifyDeliveryError('Greeting never received').kind).toBe('timeout');
    expect(classifyDeliveryError('Connection timeout').kind).toBe('timeout');
    expect(classifyDeliveryError('getaddrinfo EAI_AGAIN smtp.tinh.gov.vn').kind).toBe('dns');
    expect(classifyDeliveryError('certificate has expired').kind).toBe('tls');
    expect(classifyDeliveryError("Hostname/IP does not match certificate's altnames: IP: 10.0.0.1").kind).toBe('tls');
    // An export delivery keeps the receiver's body (untrusted, anything) and the status apart: the status decides.
    expect(classifyDeliveryError('certificate Service Unavailable', undefined, 503)).toEqual({
      kind: 'http_server',
      status: 503,
    });
    expect(classifyDeliveryError('HTTP 503')).toEqual({ kind: 'http_server', status: 503 });
    expect(classifyDeliveryError('something odd <script>').kind).toBe('unknown');
    expect(classifyDeliveryError(undefined).kind).toBe('unknown');
  });

  it('words every class in both languages, numbers filled, none left as a placeholder', () => {
    expect(deliveryErrorText({ kind: 'http_server', status: 502 }, 'vi')).toBe(
      'Máy nhận gặp lỗi, trả mã HTTP 502 (lỗi phía máy nhận)',
    );
    expect(deliveryErrorText({ kind: 'smtp', smtp: 550 }, 'en')).toBe('The mail server refused the message (SMTP 550)');
    expect(deliveryErrorText({ kind: 'smtp' }, 'vi')).toBe('Máy chủ thư từ chối thư');
    // A threat-intel feed is a source fetched from, not a receiver.
    expect(deliveryErrorText({ kind: 'refused' }, 'vi', 'source')).toMatch(/^Máy chủ nguồn tin từ chối/);
    expect(deliveryErrorText({ kind: 'dns' }, 'en', 'source')).toMatch(/^The feed server's name was not found/);
    for (const kind of Object.keys(DELIVERY_ERROR_TEXT) as DeliveryErrorKind[])
      for (const lang of ['vi', 'en'] as const) {
        const bare = deliveryErrorText({ kind }, lang);
        expect([kind, lang, bare.includes('{')]).toEqual([kind, lang, false]);
        expect(bare.length).toBeGreaterThan(20);
      }
    for (const [kind, t] of Object.entries(DELIVERY_ERROR_TEXT)) {
      expect([kind, /[ăâđêôơưáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ]/i.test(t.vi)]).toEqual([kind, true]);
      expect([kind, t.vi === t.en]).toEqual([kind, false]);
    }
  });
});
