/**
 * Sends the reports on schedule: every Monday at `reports.weekly.sendAt` (local time) the previous ISO week's
 * report, and on 1/1 and 1/7 at `reports.semiannual.sendAt` the previous half-year's, to the email recipients of
 * each notification route: a route of an agency gets that agency's report, a route without agency the
 * province-wide one. HTML body, text part and the PDF attached. Idempotent per (period, agency): a record in the
 * state store (`report_runs`) is claimed before sending and remembers which languages went out, so a restart or a
 * second service instance does not send again. A late start still sends, until the next period begins.
 */
import { logger } from '../core/log.js';
import { counter } from '../core/metrics.js';
import { settingsFor } from '../core/settings.js';
import { type SmtpOptions, smtpTransport } from '../notify/channels/email.js';
import type { ChannelConfig, Language, RouteConfig } from '../notify/types.js';
import { isStoreConflict } from '../store/errors.js';
import { agencyScope, SCOPE_ALL, type Stores, type Versioned } from '../store/types.js';
import { generateReport, type ReportKind } from './generate.js';
import { htmlToPdf } from './pdf.js';
import { halfOf, type Period, previous, weekOf } from './period.js';
import { words } from './render.js';
import { configError } from '../core/config/errors.js';

const log = logger('reports');
const sent = counter('canhgac_reports_sent_total', 'Scheduled report emails, by kind and outcome', ['kind', 'outcome']);

/** One email of a report. */
export interface ReportMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
}

/** The `reports` section of the configuration (defaults of core/config/schema.ts). */
export interface ReportsConfig {
  chromiumPath?: string;
  checkSeconds?: number;
  topN?: number;
  weekly?: { enabled?: boolean; sendAt?: string };
  semiannual?: { enabled?: boolean; sendAt?: string };
}

/** SMTP settings (the `smtp` section). */
export type ReportSmtp = SmtpOptions;

/** What the scheduler needs. */
export interface ReportSchedulerOptions {
  stores: Stores;
  /** The configuration's `reports` and `smtp` sections (core/config/load.ts `Config` fits). */
  config: { reports?: ReportsConfig; smtp?: ReportSmtp };
  /** Sends one mail; default: nodemailer over `config.smtp` (none: nothing is sent, a warning says why). */
  send?: (mail: ReportMail) => Promise<void>;
  now?: () => number;
}

/** A run record (collection `report_runs`). */
export interface ReportRun {
  id: string;
  kind: ReportKind;
  period: string;
  state: 'sending' | 'sent' | 'failed';
  /** Languages already sent (one mail per language to the union of that audience's recipients). */
  done: Language[];
  recipients: number;
  attempts: number;
  updatedAt: number;
  lastError?: string;
  /** After a failure: not retried before this time (2, 4, 8 ... minutes, at most an hour apart). */
  nextAttemptAt?: number;
}

/** The running scheduler. */
export interface ReportScheduler {
  /** One check now (also what the timer runs); resolves with the run records it completed. */
  tick(): Promise<string[]>;
  stop(): Promise<void>;
}

const MAX_ATTEMPTS = 10;
const STALE_CLAIM_MS = 30 * 60_000;

/** `HH:mm` as ms after midnight. */
export function parseSendAt(s: string | undefined, fallback = '07:00'): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s ?? fallback);
  if (!m)
    throw configError('CANHGAC_ERR_CONFIG_INVALID', {
      problems: `reports sendAt '${s}' is not HH:mm (24-hour, local time)`,
    });
  return (Number(m[1]) * 60 + Number(m[2])) * 60_000;
}

interface Audience {
  agencyId?: string;
  byLang: Map<Language, Set<string>>;
}

async function audiences(stores: Stores): Promise<Map<string, Audience>> {
  // A route without its own language follows the deployment's defaultLanguage setting.
  const fallback: Language = (await settingsFor(stores.state).get()).defaultLanguage === 'en' ? 'en' : 'vi';
  const out = new Map<string, Audience>();
  const channels = stores.state.collection<ChannelConfig>('channels');
  const routes = stores.state.collection<RouteConfig>('routes');
  for (let after: string | undefined; ; ) {
    const page = await routes.list(SCOPE_ALL, { size: 1000, ...(after ? { after } : {}) });
    for (const r of page.docs) {
      const to: string[] = [];
      for (const cid of r.channelIds ?? []) {
        const c = await channels.get(SCOPE_ALL, cid);
        if (!c?.enabled || c.type !== 'email' || !Array.isArray(c.settings.to)) continue;
        to.push(...c.settings.to.map(String).filter((x) => x.includes('@')));
      }
      if (!to.length) continue;
      const key = r.agencyId ?? 'all';
      const a = out.get(key) ?? { ...(r.agencyId ? { agencyId: r.agencyId } : {}), byLang: new Map() };
      const lang: Language = r.language === 'en' || r.language === 'vi' ? r.language : fallback;
      const set = a.byLang.get(lang) ?? new Set<string>();
      for (const t of to) set.add(t.toLowerCase());
      a.byLang.set(lang, set);
      out.set(key, a);
    }
    after = page.next;
    if (!after) break;
  }
  return out;
}

function smtpSender(smtp: ReportSmtp): (mail: ReportMail) => Promise<void> {
  // A longer socket timeout than notifications: the mail carries the PDF.
  const transport = smtpTransport(smtp, 60_000);
  return async (m) => {
    await transport.sendMail({ from: smtp.from, ...m });
  };
}

/** Starts the scheduler (a timer every `reports.checkSeconds`, first check at once). */
export function startReportScheduler(opts: ReportSchedulerOptions): ReportScheduler {
  const config = opts.config;
  const cfg = config.reports ?? {};
  const now = opts.now ?? Date.now;
  const send = opts.send ?? (config.smtp ? smtpSender(config.smtp) : undefined);
  const runs = opts.stores.state.collection<ReportRun>('report_runs');
  const weeklyAt = parseSendAt(cfg.weekly?.sendAt);
  const halfAt = parseSendAt(cfg.semiannual?.sendAt);
  if (!send) log.warn('No smtp section in the configuration: scheduled reports are not sent');

  async function runOne(kind: ReportKind, period: Period, key: string, aud: Audience): Promise<boolean> {
    const id = `${kind}-${period.label}-${key}`.replace(/[^A-Za-z0-9._-]/g, '_');
    const t = now();
    let run = await runs.get(SCOPE_ALL, id);
    if (run?.state === 'sent') return false;
    if (run && (run.attempts >= MAX_ATTEMPTS || (run.state === 'sending' && t - run.updatedAt < STALE_CLAIM_MS)))
      return false;
    if (run?.state === 'failed' && t < (run.nextAttemptAt ?? 0)) return false;
    const claim: ReportRun & { agencyId?: string } = {
      id,
      kind,
      period: period.label,
      state: 'sending',
      done: run?.done ?? [],
      recipients: 0,
      attempts: (run?.attempts ?? 0) + 1,
      updatedAt: t,
      ...(aud.agencyId ? { agencyId: aud.agencyId } : {}),
    };
    try {
      run = await runs.put(SCOPE_ALL, claim, { expectedVersion: run ? run.version : 0 });
    } catch (err) {
      if (isStoreConflict(err)) return false; // another instance claimed it
      throw err;
    }
    let current: Versioned<ReportRun> = run;
    try {
      for (const [lang, to] of aud.byLang) {
        if (current.done.includes(lang)) continue;
        const scope = aud.agencyId ? agencyScope(aud.agencyId) : SCOPE_ALL;
        const r = await generateReport(opts.stores, {
          kind,
          period: period.label,
          scope,
          ...(aud.agencyId ? { agencyId: aud.agencyId } : {}),
          lang,
          ...(cfg.topN ? { topN: cfg.topN } : {}),
          now: t,
        });
        const attachments: ReportMail['attachments'] = [];
        try {
          attachments.push({
            filename: `${r.baseName}.pdf`,
            content: await htmlToPdf(r.printHtml, {
              pageWord: words(lang).page!,
              ...(cfg.chromiumPath ? { chromiumPath: cfg.chromiumPath } : {}),
            }),
            contentType: 'application/pdf',
          });
        } catch (err) {
          // The HTML body still carries the whole report; the missing attachment is logged and counted.
          sent.labels(kind, 'pdf_failed').inc();
          log.warn({ err: (err as Error).message, report: id }, 'Report PDF failed; sending the HTML body alone');
        }
        await send!({ to: [...to].sort(), subject: r.subject, text: r.text, html: r.html, attachments });
        sent.labels(kind, 'sent').inc();
        const { version: _v, ...body } = current;
        current = await runs.put(
          SCOPE_ALL,
          { ...body, done: [...current.done, lang], recipients: current.recipients + to.size, updatedAt: now() },
          { expectedVersion: current.version },
        );
      }
      const { version: _v, ...body } = current;
      await runs.put(SCOPE_ALL, { ...body, state: 'sent', updatedAt: now() }, { expectedVersion: current.version });
      log.info({ report: id, recipients: current.recipients }, 'Report sent');
      return true;
    } catch (err) {
      sent.labels(kind, 'failed').inc();
      const last = current.attempts >= MAX_ATTEMPTS;
      if (last) sent.labels(kind, 'gave_up').inc();
      log.error(
        { err: (err as Error).message, report: id, attempt: current.attempts },
        last ? 'Report not sent; no more attempts' : 'Report not sent; retried later',
      );
      const { version: _v, ...body } = current;
      await runs
        .put(
          SCOPE_ALL,
          {
            ...body,
            state: 'failed',
            lastError: String((err as Error).message).slice(0, 500),
            updatedAt: now(),
            nextAttemptAt: now() + Math.min(3_600_000, 60_000 * 2 ** current.attempts),
          },
          { expectedVersion: current.version },
        )
        .catch(() => undefined);
      return false;
    }
  }

  let running: Promise<string[]> | undefined;
  async function check(): Promise<string[]> {
    if (!send) return [];
    const t = now();
    const due: [ReportKind, Period][] = [];
    const week = weekOf(t);
    if (cfg.weekly?.enabled !== false && t >= week.from + weeklyAt) due.push(['weekly', previous(week)]);
    const half = halfOf(t);
    // A six-monthly summary is sent late for at most a week (a first start in November sends no H1 summary).
    if (cfg.semiannual?.enabled !== false && t >= half.from + halfAt && t < half.from + halfAt + 7 * 86_400_000)
      due.push(['semiannual', previous(half)]);
    if (!due.length) return [];
    const done: string[] = [];
    const auds = await audiences(opts.stores);
    for (const [kind, period] of due)
      for (const [key, aud] of auds)
        if (await runOne(kind, period, key, aud)) done.push(`${kind}:${period.label}:${key}`);
    return done;
  }
  const tick = (): Promise<string[]> => {
    if (running) return running;
    running = check()
      .catch((err) => {
        log.error({ err }, 'Report scheduler check failed');
        return [] as string[];
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void tick(), Math.max(1, cfg.checkSeconds ?? 60) * 1000);
  timer.unref();
  void tick();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
