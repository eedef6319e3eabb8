import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { notifyError } from '../errors.js';
import { escapeHtml } from '../templates.js';
import type { ChannelConfig, ChannelSender } from '../types.js';
import { type DestinationCheck, type DestinationPolicy, destinationCheck } from './destination.js';

const TIMEOUT_MS = 10_000;

/**
 * POSTs JSON to a channel URL the policy allows: the address is checked where the connection resolves it, a
 * literal address before connecting, and a redirect is an error (never followed: it could point anywhere).
 */
function postJson(check: DestinationCheck, url: string, body: string, headers: Record<string, string> = {}) {
  if (!/^https?:\/\//i.test(url))
    throw notifyError('CANHGAC_ERR_NOTIFY_CHANNEL', { channel: 'webhook', reason: 'the URL must be http(s)' });
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const why = check.refuse(host);
    if (why) throw notifyError('CANHGAC_ERR_NOTIFY_DESTINATION', { url: u.origin, reason: why });
  }
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<void>((resolve, reject) => {
    const req = request(
      u,
      {
        method: 'POST',
        lookup: check.lookup,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 300 && status < 400) reject(notifyError('CANHGAC_ERR_NOTIFY_REDIRECT', { status }));
          else if (status < 200 || status >= 300)
            reject(notifyError('CANHGAC_ERR_NOTIFY_DELIVERY', { reason: `HTTP ${status} from the channel` }));
          else resolve();
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`channel did not answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function setting(channel: ChannelConfig, key: string): string {
  const v = channel.settings[key];
  if (typeof v !== 'string' || v === '')
    throw notifyError('CANHGAC_ERR_NOTIFY_CHANNEL', { channel: channel.type, reason: `settings.${key} is missing` });
  return v;
}

/** The HMAC signature header value of a webhook body: `sha256=<hex>` over `<timestamp>.<body>`. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Generic webhook: the JSON payload, signed with HMAC-SHA256 (headers X-Canhgac-Timestamp, X-Canhgac-Signature). */
const webhook = (check: DestinationCheck): ChannelSender => ({
  async send(channel, m) {
    const body = JSON.stringify(m.payload);
    const ts = String(Math.floor(Date.now() / 1000));
    const secret = typeof channel.settings.secret === 'string' ? channel.settings.secret : '';
    await postJson(check, setting(channel, 'url'), body, {
      'x-canhgac-timestamp': ts,
      ...(secret ? { 'x-canhgac-signature': webhookSignature(secret, ts, body) } : {}),
    });
  },
});

/** Telegram bot: settings `{ token, chatId, apiBase? }` (apiBase defaults to the Bot API). Plain text, no markup. */
const telegram = (check: DestinationCheck): ChannelSender => ({
  async send(channel, m) {
    const base = typeof channel.settings.apiBase === 'string' ? channel.settings.apiBase : 'https://api.telegram.org';
    const url = `${base}/bot${setting(channel, 'token')}/sendMessage`;
    await postJson(
      check,
      url,
      JSON.stringify({
        chat_id: setting(channel, 'chatId'),
        text: `${m.subject}\n\n${m.text}`.slice(0, 4096),
        disable_web_page_preview: true,
      }),
    );
  },
});

/** Slack incoming webhook: settings `{ url }`; text only (Slack escapes &, <, > itself in text mode). */
const slack = (check: DestinationCheck): ChannelSender => ({
  async send(channel, m) {
    const text = `${m.subject}\n${m.text}`.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    await postJson(check, setting(channel, 'url'), JSON.stringify({ text }));
  },
});

/** Microsoft Teams incoming webhook: settings `{ url }`; a MessageCard whose fields are all HTML-escaped (Teams renders markup). */
const teams = (check: DestinationCheck): ChannelSender => ({
  async send(channel, m) {
    const subject = escapeHtml(m.subject);
    const card = {
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      summary: subject,
      title: subject,
      text: escapeHtml(m.text).replace(/\n/g, '<br>'),
    };
    await postJson(check, setting(channel, 'url'), JSON.stringify(card));
  },
});

/** The HTTP channel senders under one destination policy (default: public addresses only). */
export function httpSenders(policy: DestinationPolicy = {}) {
  const check = destinationCheck(policy);
  return { webhook: webhook(check), telegram: telegram(check), slack: slack(check), teams: teams(check) };
}

const publicOnly = httpSenders();
/** Webhook sender that reaches public addresses only. */
export const webhookSender: ChannelSender = publicOnly.webhook;
/** Telegram sender that reaches public addresses only. */
export const telegramSender: ChannelSender = publicOnly.telegram;
/** Slack sender that reaches public addresses only. */
export const slackSender: ChannelSender = publicOnly.slack;
/** Teams sender that reaches public addresses only. */
export const teamsSender: ChannelSender = publicOnly.teams;
