/**
 * PDF from the report's HTML with Debian's chromium driven by playwright-core: A4, page numbers in the footer,
 * system fonts (DejaVu Sans / Noto) for Vietnamese diacritics. One browser at a time in this process (a queue):
 * rendering waits on the browser asynchronously and never blocks the event loop.
 */
import { accessSync, constants } from 'node:fs';
import { logger } from '../core/log.js';
import { counter } from '../core/metrics.js';
import { reportError } from './period.js';

const log = logger('reports');
const rendered = counter('canhgac_report_pdf_total', 'PDF reports rendered, by outcome', ['outcome']);

/** Where Debian installs chromium. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
/** Flags chromium runs with (no sandbox: it runs as the service user in a container; no GPU, no background traffic). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** PDF options. */
export interface PdfOptions {
  chromiumPath?: string;
  /** Footer word before the page number (`Trang` / `Page`). */
  pageWord?: string;
  /** Whole render, ms (default 60 s). */
  timeoutMs?: number;
}

let queue: Promise<unknown> = Promise.resolve();
let waiting = 0;

/** Renders waiting for the browser beyond this are refused (CANHGAC_ERR_REPORT_BUSY) rather than piled up. */
export const MAX_PDF_WAITING = 8;

/**
 * Renders a self-contained HTML document (no network: external requests are blocked) to PDF bytes. Renders run
 * one after another; more than MAX_PDF_WAITING waiting ones are refused at once.
 */
export function htmlToPdf(html: string, opts: PdfOptions = {}): Promise<Buffer> {
  if (waiting >= MAX_PDF_WAITING) {
    rendered.labels('busy').inc();
    return Promise.reject(reportError('CANHGAC_ERR_REPORT_BUSY', { waiting }));
  }
  waiting++;
  const go = () => {
    waiting--;
    return render(html, opts);
  };
  const run = queue.then(go, go);
  queue = run.catch(() => undefined);
  return run;
}

async function render(html: string, opts: PdfOptions): Promise<Buffer> {
  const path = opts.chromiumPath ?? DEFAULT_CHROMIUM;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    rendered.labels('no_browser').inc();
    throw reportError('CANHGAC_ERR_REPORT_CHROMIUM', { path, reason: 'is missing or not executable' });
  }
  const timeout = opts.timeoutMs ?? 60_000;
  const { chromium } = await import('playwright-core');
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  try {
    browser = await chromium.launch({ executablePath: path, args: CHROMIUM_ARGS, headless: true, timeout });
  } catch (err) {
    rendered.labels('launch_failed').inc();
    throw reportError(
      'CANHGAC_ERR_REPORT_CHROMIUM',
      { path, reason: `did not start: ${String((err as Error).message).split('\n')[0]}` },
      { cause: err },
    );
  }
  const started = Date.now();
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    // The report is self-contained; nothing may be fetched while rendering it.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load', timeout });
    const word = opts.pageWord ?? 'Trang';
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
      displayHeaderFooter: true,
      headerTemplate: '<div></div>',
      footerTemplate: `<div style="width:100%;font-size:9px;font-family:'DejaVu Sans',sans-serif;text-align:center;color:#555">${word} <span class="pageNumber"></span>/<span class="totalPages"></span></div>`,
    });
    rendered.labels('ok').inc();
    log.debug({ ms: Date.now() - started, bytes: pdf.length }, 'Report PDF rendered');
    return Buffer.from(pdf);
  } catch (err) {
    rendered.labels('failed').inc();
    throw err;
  } finally {
    await browser.close().catch(() => undefined);
  }
}
