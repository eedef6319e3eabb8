import { createHmac } from 'node:crypto';
import { escapeHtml } from '../templates.js';
import type { ChannelConfig, ChannelSender } from '../types.js';
import { notifyError } from '../errors.js';

const TIMEOUT_MS = 10_000;

async function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<void> {
  if (!/^https?:\/\//.test(url))
    throw notifyError('CANHGAC_ERR_NOTIFY_CHANNEL', { channel: 'webhook', reason: 'the URL must be http(s)' });
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) throw notifyError('CANHGAC_ERR_NOTIFY_DELIVERY', { reason: `HTTP ${res.status} from the channel` });
  await res.arrayBuffer();
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
export const webhookSender: ChannelSender = {
  async send(channel, m) {
    const body = JSON.stringify(m.payload);
    const ts = String(Math.floor(Date.now() / 1000));
    const secret = typeof channel.settings.secret === 'string' ? channel.settings.secret : '';
    await postJson(setting(channel, 'url'), body, {
      'x-canhgac-timestamp': ts,
      ...(secret ? { 'x-canhgac-signature': webhookSignature(secret, ts, body) } : {}),
    });
  },
};

/** Telegram bot: settings `{ token, chatId, apiBase? }` (apiBase defaults to the Bot API). Plain text, no markup. */
export const telegramSender: ChannelSender = {
  async send(channel, m) {
    const base = typeof channel.settings.apiBase === 'string' ? channel.settings.apiBase : 'https://api.telegram.org';
    const url = `${base}/bot${setting(channel, 'token')}/sendMessage`;
    await postJson(
      url,
      JSON.stringify({
        chat_id: setting(channel, 'chatId'),
        text: `${m.subject}\n\n${m.text}`.slice(0, 4096),
        disable_web_page_preview: true,
      }),
    );
  },
};

/** Slack incoming webhook: settings `{ url }`; text only (Slack escapes &, <, > itself in text mode). */
export const slackSender: ChannelSender = {
  async send(channel, m) {
    const text = `${m.subject}\n${m.text}`.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    await postJson(setting(channel, 'url'), JSON.stringify({ text }));
  },
};

/** Microsoft Teams incoming webhook: settings `{ url }`; a MessageCard whose fields are all HTML-escaped (Teams renders markup). */
export const teamsSender: ChannelSender = {
  async send(channel, m) {
    const subject = escapeHtml(m.subject);
    const card = {
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      summary: subject,
      title: subject,
      text: escapeHtml(m.text).replace(/\n/g, '<br>'),
    };
    await postJson(setting(channel, 'url'), JSON.stringify(card));
  },
};
