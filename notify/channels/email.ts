import nodemailer, { type Transporter } from 'nodemailer';
import type { ChannelConfig, ChannelSender, RenderedMessage } from '../types.js';
import { notifyError } from '../errors.js';

/** SMTP settings of the email channel. */
export interface SmtpOptions {
  host: string;
  port: number;
  secure?: boolean;
  user?: string;
  pass?: string;
  from: string;
  /** Accept self-signed certificates (test servers only). */
  insecureTls?: boolean;
}

/** A nodemailer SMTP transport from the `smtp` settings (also used by the report mailings). */
export function smtpTransport(smtp: SmtpOptions, socketTimeoutMs = 30_000): Transporter {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure ?? false,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
    ...(smtp.insecureTls ? { tls: { rejectUnauthorized: false } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: socketTimeoutMs,
  });
}

/** Email through nodemailer (HTML + text); channel settings: `{ to: string[] }`. */
export function emailSender(smtp: SmtpOptions): ChannelSender & { close(): void } {
  const transport = smtpTransport(smtp);
  return {
    async send(channel: ChannelConfig, m: RenderedMessage): Promise<void> {
      const to = channel.settings.to;
      if (!Array.isArray(to) || to.length === 0)
        throw notifyError('CANHGAC_ERR_NOTIFY_CHANNEL', { channel: 'email', reason: 'no recipients' });
      await transport.sendMail({ from: smtp.from, to: to.map(String), subject: m.subject, text: m.text, html: m.html });
    },
    close: () => transport.close(),
  };
}
