/** Notifications: routes, channels (email, webhook, Telegram, Slack, Teams), a durable outbox with retries. */

import type { DestinationPolicy } from './channels/destination.js';
import { emailSender, type SmtpOptions } from './channels/email.js';
import { httpSenders } from './channels/http.js';
import type { ChannelConfig, ChannelSender } from './types.js';

export { type DestinationPolicy, destinationCheck } from './channels/destination.js';
export { emailSender, type SmtpOptions } from './channels/email.js';
export {
  httpSenders,
  slackSender,
  teamsSender,
  telegramSender,
  webhookSender,
  webhookSignature,
} from './channels/http.js';
export { Notifier, type NotifierOptions } from './notifier.js';
export { escapeHtml, formatTime, render } from './templates.js';
export type * from './types.js';

/**
 * The channel registry: one sender per user-facing channel type. HTTP channels reach public addresses only, and
 * the private ranges `policy.allowPrivate` lists (config `notify.allowPrivateDestinations`).
 */
export function channelSenders(
  smtp?: SmtpOptions,
  policy: DestinationPolicy = {},
): Partial<Record<ChannelConfig['type'], ChannelSender>> {
  return { ...(smtp ? { email: emailSender(smtp) } : {}), ...httpSenders(policy) };
}

/** The destination policy of a configuration (core/config/schema.ts `notify`). */
export function destinationPolicy(config: { notify?: { allowPrivateDestinations?: string[] } }): DestinationPolicy {
  const allow = config.notify?.allowPrivateDestinations;
  return allow?.length ? { allowPrivate: allow } : {};
}
