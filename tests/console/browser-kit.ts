/** What the console's browser tests share: Debian's chromium, the console build, log in, screenshots, waiting. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Fixture } from '../kit/api.js';

/** Debian's chromium. */
export const CHROMIUM = '/usr/bin/chromium';
/** The repository root. */
export const ROOT = join(import.meta.dirname, '../..');
/** Where screenshots go. */
export const SHOTS = join(process.env.CANHGAC_TEST_TMP ?? join(ROOT, '.tmp'), 'screenshots');

if (!existsSync(CHROMIUM))
  process.stdout.write(`Skipping the console browser tests: ${CHROMIUM} is absent (apt-get install chromium).\n`);

/** Builds the console when dist/console is missing. */
export function buildConsoleOnce(): void {
  if (!existsSync(join(ROOT, 'dist/console/index.html')))
    execFileSync(process.execPath, [join(ROOT, 'tools/build-console.mjs')], { stdio: 'inherit' });
}

/** Starts headless chromium. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Logs in through the form. */
export async function login(page: Page, f: Fixture, user: { username: string; password: string }): Promise<void> {
  await page.goto(`${f.url}/`);
  await page.fill('input[name=username]', user.username);
  await page.fill('input[name=password]', user.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=whoami]');
}

/**
 * A new page (1360 x 1000) in `lang`, logged in as `user`; uncaught page errors are added to `problems` (a test
 * asserts it empty at the end).
 */
export async function openAs(
  browser: Browser,
  f: Fixture,
  user: { username: string; password: string },
  lang: 'vi' | 'en',
  problems: string[],
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.addInitScript(`localStorage.setItem('canhgac.lang', '${lang}')`);
  await login(page, f, user);
  return page;
}

/** A full-page screenshot under SHOTS. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Waits for a condition (checked every 100 ms), failing after `ms`. */
export async function until(cond: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`Condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
