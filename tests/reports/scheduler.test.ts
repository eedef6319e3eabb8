/**
 * The report scheduler against a real SMTP server (smtp-server): on Monday after reports.weekly.sendAt it mails
 * last week's report once per audience (an agency's routes get that agency's report, routes without agency the
 * province-wide one), HTML body with the PDF attached; a second check and a restarted scheduler send nothing
 * more; before sendAt nothing is sent.
 */

import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SMTPServer } from 'smtp-server';
import { settingsFor } from '../../core/settings.js';
import { startReportScheduler } from '../../reports/scheduler.js';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { SCOPE_ALL } from '../../store/types.js';
import { A, B, B_MARK, local, seed } from './seed.js';

interface Mail {
  to: string[];
  raw: string;
}
let stores: SqliteStores;
let server: SMTPServer;
let port: number;
const mails: Mail[] = [];

beforeAll(async () => {
  stores = openSqliteStores({ path: ':memory:' });
  await seed(stores);
  const channels = stores.state.collection<Record<string, unknown>>('channels');
  const routes = stores.state.collection<Record<string, unknown>>('routes');
  const chan = (id: string, agencyId: string | undefined, to: string[], extra: Record<string, unknown> = {}) =>
    channels.put(SCOPE_ALL, {
      id,
      ...(agencyId ? { agencyId } : {}),
      type: 'email',
      name: id,
      settings: { to },
      enabled: true,
      ...extra,
    });
  await chan('mail-a', A, ['giam.doc@stc.example.vn', 'it@stc.example.vn']);
  await chan('mail-a2', A, ['IT@stc.example.vn']); // the same person through a second route: one mail
  await chan('mail-b', B, ['lanh.dao@snv.example.vn']);
  await chan('mail-all', undefined, ['ubnd@tinh.example.vn']);
  await chan('mail-off', A, ['off@stc.example.vn'], { enabled: false });
  await channels.put(SCOPE_ALL, {
    id: 'hook-a',
    agencyId: A,
    type: 'webhook',
    name: 'h',
    settings: { url: 'https://x.example' },
    enabled: true,
  });
  await routes.put(SCOPE_ALL, {
    id: 'route-a',
    agencyId: A,
    minSeverity: 'high',
    channelIds: ['mail-a', 'hook-a', 'mail-off'],
    language: 'vi',
  });
  await routes.put(SCOPE_ALL, {
    id: 'route-a2',
    agencyId: A,
    minSeverity: 'low',
    channelIds: ['mail-a2'],
    language: 'vi',
  });
  await routes.put(SCOPE_ALL, {
    id: 'route-b',
    agencyId: B,
    minSeverity: 'high',
    channelIds: ['mail-b'],
    language: 'en',
  });
  // No language of its own: follows the defaultLanguage setting (Vietnamese unless changed).
  await routes.put(SCOPE_ALL, { id: 'route-all', minSeverity: 'critical', channelIds: ['mail-all'] });
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: 20 * 1024 * 1024,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address).sort(),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await stores.close();
});

const config = (chromiumPath = '/usr/bin/chromium') => ({
  reports: { chromiumPath, checkSeconds: 3600, weekly: { sendAt: '07:00' }, semiannual: { enabled: false } },
  smtp: { host: '127.0.0.1', port, from: 'canhgac@tinh.example.vn' },
});

function decodedHtml(raw: string): string {
  // nodemailer sends the HTML part quoted-printable or base64; decode whichever it chose.
  const part =
    /Content-Type: text\/html[^\n]*\r?\n(?:[^\r\n]+\r?\n)*?Content-Transfer-Encoding: ([\w-]+)\r?\n\r?\n([\s\S]*?)\r?\n--/.exec(
      raw,
    );
  if (!part) return '';
  if (part[1] === 'base64') return Buffer.from(part[2]!.replace(/\s+/g, ''), 'base64').toString('utf8');
  const qp = part[2]!.replace(/=\r?\n/g, '');
  return Buffer.from(
    qp.replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}

describe('report scheduler', () => {
  it('sends nothing before Monday 07:00, then once per audience, and never again after a restart', async () => {
    const before = startReportScheduler({ stores, config: config(), now: () => local(2026, 11, 23, 6, 59) });
    expect(await before.tick()).toEqual([]);
    await before.stop();
    expect(mails).toHaveLength(0);

    const monday = () => local(2026, 11, 23, 7, 5);
    const s1 = startReportScheduler({ stores, config: config(), now: monday });
    const done = await s1.tick();
    expect(done.sort()).toEqual([`weekly:2026-W47:${A}`, `weekly:2026-W47:${B}`, 'weekly:2026-W47:all'].sort());
    expect(await s1.tick()).toEqual([]);
    await s1.stop();
    const s2 = startReportScheduler({ stores, config: config(), now: () => local(2026, 11, 23, 9) });
    expect(await s2.tick()).toEqual([]);
    await s2.stop();

    expect(mails.map((m) => m.to.join(',')).sort()).toEqual(
      ['giam.doc@stc.example.vn,it@stc.example.vn', 'lanh.dao@snv.example.vn', 'ubnd@tinh.example.vn'].sort(),
    );
    const toA = mails.find((m) => m.to.includes('giam.doc@stc.example.vn'))!;
    expect(toA.raw).toContain('Content-Type: application/pdf; name=canhgac-2026-W47-000.00.31.H40.pdf');
    expect(toA.raw).not.toContain(B_MARK);
    const htmlA = decodedHtml(toA.raw);
    expect(htmlA).toContain('Báo cáo tuần 47/2026 (từ ngày 16/11/2026 đến ngày 22/11/2026)');
    expect(htmlA).toContain('Sở Tài chính');
    const toB = mails.find((m) => m.to.includes('lanh.dao@snv.example.vn'))!;
    expect(decodedHtml(toB.raw)).toContain('Weekly report: Week 47/2026');
    const runs = await stores.state.collection<{ state: string; done: string[] }>('report_runs').list(SCOPE_ALL);
    expect(runs.docs.map((r) => [r.id, r.state, r.done])).toEqual(
      [
        [`weekly-2026-W47-${A}`, 'sent', ['vi']],
        [`weekly-2026-W47-${B}`, 'sent', ['en']],
        ['weekly-2026-W47-all', 'sent', ['vi']],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
  }, 120_000);

  it('a route without a language of its own gets the report in the defaultLanguage setting', async () => {
    await stores.state
      .collection<{ id: string; values: Record<string, unknown> }>('settings')
      .put(SCOPE_ALL, { id: 'global', values: { defaultLanguage: 'en' } });
    settingsFor(stores.state).invalidate(); // as PUT /api/v1/settings does
    try {
      const s = startReportScheduler({ stores, config: config(), now: () => local(2026, 12, 14, 7, 5) });
      expect(await s.tick()).toContain('weekly:2026-W50:all');
      await s.stop();
      const toAll = mails.filter((m) => m.to.includes('ubnd@tinh.example.vn')).at(-1)!;
      expect(decodedHtml(toAll.raw)).toContain('Weekly report: Week 50/2026');
      const toA = mails.filter((m) => m.to.includes('giam.doc@stc.example.vn')).at(-1)!;
      expect(decodedHtml(toA.raw)).toContain('Báo cáo tuần 50/2026'); // route-a says 'vi' itself
    } finally {
      await stores.state.collection('settings').delete(SCOPE_ALL, 'global');
      settingsFor(stores.state).invalidate();
    }
  }, 120_000);

  it('the six-monthly summary goes out on 1/1 after sendAt, at most a week late, once', async () => {
    const cfg = {
      reports: { chromiumPath: '/nonexistent/chromium', weekly: { enabled: false }, semiannual: { sendAt: '08:00' } },
      smtp: { host: '127.0.0.1', port, from: 'canhgac@tinh.example.vn' },
    };
    const at = async (t: number) => {
      const s = startReportScheduler({ stores, config: cfg, now: () => t });
      const done = await s.tick();
      await s.stop();
      return done.sort();
    };
    const n = mails.length;
    expect(await at(local(2027, 1, 1, 7, 59))).toEqual([]);
    expect(await at(local(2027, 1, 1, 8, 0))).toEqual(
      [`semiannual:2026-H2:${A}`, `semiannual:2026-H2:${B}`, 'semiannual:2026-H2:all'].sort(),
    );
    expect(await at(local(2027, 1, 2, 8, 0))).toEqual([]);
    // A first start more than a week into the half sends no stale summary (2027-H1 is due on 1/7/2027).
    expect(await at(local(2027, 7, 9, 8, 0))).toEqual([]);
    const fresh = mails.slice(n);
    expect(fresh).toHaveLength(3);
    expect(decodedHtml(fresh.find((m) => m.to.includes('ubnd@tinh.example.vn'))!.raw)).toContain(
      'Báo cáo 6 tháng cuối năm 2026 (từ ngày 1/7/2026 đến ngày 31/12/2026)',
    );
  }, 60_000);

  it('a failed send is recorded and retried at the next check, then sent once', async () => {
    const cfg = (smtpPort: number) => ({
      reports: { chromiumPath: '/nonexistent/chromium', semiannual: { enabled: false } },
      smtp: { host: '127.0.0.1', port: smtpPort, from: 'canhgac@tinh.example.vn' },
    });
    const t = () => local(2026, 12, 7, 9); // Monday: 2026-W49 is due
    const down = startReportScheduler({ stores, config: cfg(1), now: t });
    expect(await down.tick()).toEqual([]);
    await down.stop();
    const runs = stores.state.collection<{ state: string; attempts: number; lastError?: string }>('report_runs');
    const failed = await runs.get(SCOPE_ALL, `weekly-2026-W49-${A}`);
    expect(failed).toMatchObject({ state: 'failed', attempts: 1, lastError: expect.stringContaining('ECONNREFUSED') });
    const n = mails.length;
    const early = startReportScheduler({ stores, config: cfg(port), now: () => t() + 60_000 });
    expect(await early.tick()).toEqual([]); // backing off: the first retry waits 2 minutes
    await early.stop();
    const up = startReportScheduler({ stores, config: cfg(port), now: () => t() + 120_000 });
    expect((await up.tick()).length).toBe(3);
    expect(await up.tick()).toEqual([]);
    await up.stop();
    expect(mails.length - n).toBe(3);
    expect(await runs.get(SCOPE_ALL, `weekly-2026-W49-${A}`)).toMatchObject({ state: 'sent', attempts: 2 });
  }, 60_000);

  it('without chromium the report still goes out as HTML (the missing PDF is logged and counted)', async () => {
    const n = mails.length;
    const s = startReportScheduler({
      stores,
      config: config('/nonexistent/chromium'),
      now: () => local(2026, 11, 30, 8), // the next Monday: W48 is due
    });
    expect((await s.tick()).length).toBe(3);
    await s.stop();
    const fresh = mails.slice(n);
    expect(fresh).toHaveLength(3);
    for (const m of fresh) {
      expect(m.raw).not.toContain('application/pdf');
      expect(decodedHtml(m.raw)).toMatch(/Tuần 48\/2026|Week 48\/2026/);
    }
  }, 60_000);
});

if (!existsSync('/usr/bin/chromium'))
  process.stdout.write('Note: /usr/bin/chromium is missing; the first test fails (bash tools/deps.sh)\n');
