/**
 * Retention follows the retentionDays setting at run time: the timer's rules (a changed setting acts at once, the
 * interval otherwise, a failed pass is retried) and the embedded store deleting by the setting after it changes.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { SettingsCache, settingsFor } from '../core/settings.js';
import { q } from '../core/event/query.js';
import { RetentionTimer } from './retention.js';
import { openSqliteStores, type SqliteStores } from './sqlite/index.js';
import { SCOPE_ALL, type StoredEvent } from './types.js';

const DAY = 86_400_000;
const A = '000.00.31.H40';
const open: SqliteStores[] = [];

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** Writes the settings document the way PUT /api/v1/settings does (and drops this process's cache). */
async function setRetention(s: SqliteStores, days: number | null): Promise<void> {
  const coll = s.state.collection<{ id: string; values: Record<string, unknown> }>('settings');
  const values = { ...((await coll.get(SCOPE_ALL, 'global'))?.values ?? {}) };
  if (days === null) delete values.retentionDays;
  else values.retentionDays = days;
  await coll.put(SCOPE_ALL, { id: 'global', values });
  settingsFor(s.state).invalidate();
}

const event = (id: string, ageDays: number): StoredEvent => ({
  '@timestamp': Date.now() - ageDays * DAY,
  'event.id': id,
  'agency.id': A,
});

async function ids(s: SqliteStores): Promise<string[]> {
  const page = await s.events.search(SCOPE_ALL, { query: q.all(), size: 100 });
  return page.events.map((e) => String(e['event.id'])).sort();
}

async function until(what: string, ok: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('RetentionTimer', () => {
  it('passes at once when the setting changes, else on its interval, and retries a failed pass', async () => {
    const s = openSqliteStores({ path: ':memory:' });
    open.push(s);
    let clock = 1_000_000;
    const settings = new SettingsCache(s.state, { ttlMs: 0 });
    const passes: [number, boolean][] = [];
    let fail = false;
    const t = new RetentionTimer({
      configuredDays: 90,
      state: s.state,
      settings,
      everyMs: 3_600_000,
      now: () => clock,
      apply: async (days, changed) => {
        if (fail) throw new Error('store down');
        passes.push([days, changed]);
      },
    });
    expect(await t.check()).toBe(90);
    expect(await t.check()).toBeUndefined(); // nothing due
    await setRetention(s, 30);
    expect(await t.check()).toBe(30);
    clock += 3_600_000;
    expect(await t.check()).toBe(30); // the hourly pass
    fail = true;
    await setRetention(s, 7);
    expect(await t.check()).toBeUndefined();
    expect(t.days).toBe(30);
    fail = false;
    expect(await t.check()).toBe(7); // retried at the next check
    await setRetention(s, null);
    expect(await t.check()).toBe(90); // back to the configuration
    expect(passes).toEqual([
      [90, true],
      [30, true],
      [30, false],
      [7, true],
      [90, true],
    ]);
  });
});

describe('SQLite retention and the retentionDays setting', () => {
  it('deletes by the setting once it changes, keeps more when it is raised, and falls back to the config', async () => {
    const s = openSqliteStores({ path: ':memory:', retentionDays: 90, retentionCheckMs: 20 });
    open.push(s);
    await until('the first pass', () => s.retention?.days === 90);
    await s.events.write(SCOPE_ALL, [event('d10', 10), event('d40', 40), event('d100', 100), event('d200', 200)]);
    // Written after the first pass: the configured 90 days act at the next pass, an hour away; the setting acts now.
    await setRetention(s, 30);
    await until('30 days', () => s.retention?.days === 30);
    expect(await ids(s)).toEqual(['d10']);

    await setRetention(s, 365);
    await until('365 days', () => s.retention?.days === 365);
    await s.events.write(SCOPE_ALL, [event('d200b', 200), event('d400', 400)]);
    await setRetention(s, 300);
    await until('300 days', () => s.retention?.days === 300);
    expect(await ids(s)).toEqual(['d10', 'd200b']);

    await setRetention(s, null);
    await until('the configured 90 days', () => s.retention?.days === 90);
    expect(await ids(s)).toEqual(['d10']);
  });

  it('a store opened without retention (read-only tools) never deletes, whatever the setting', async () => {
    const s = openSqliteStores({ path: ':memory:' });
    open.push(s);
    expect(s.retention).toBeUndefined();
    await s.events.write(SCOPE_ALL, [event('old', 400)]);
    await setRetention(s, 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(await ids(s)).toEqual(['old']);
  });
});
