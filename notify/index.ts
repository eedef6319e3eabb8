/** Notifications: routes, channels (email, webhook, Telegram, Slack, Teams), a durable outbox with retries. */

import { emailSender, type SmtpOptions } from './channels/email.js';
import { slackSender, teamsSender, telegramSender, webhookSender } from './channels/http.js';
import type { ChannelConfig, ChannelSender } from './types.js';

export { emailSender, type SmtpOptions } from './channels/email.js';
export { slackSender, teamsSender, telegramSender, webhookSender, webhookSignature } from './channels/http.js';
export { Notifier, type NotifierOptions } from './notifier.js';
export { escapeHtml, formatTime, render } from './templates.js';
export type * from './types.js';

/** The channel registry: one sender per user-facing channel type. */
export function channelSenders(smtp?: SmtpOptions): Partial<Record<ChannelConfig['type'], ChannelSender>> {
  return {
    ...(smtp ? { email: emailSender(smtp) } : {}),
    webhook: webhookSender,
    telegram: telegramSender,
    slack: slackSender,
    teams: teamsSender,
  };
}
