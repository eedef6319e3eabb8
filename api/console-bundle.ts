/**
 * Serves the built web console (dist/console, made by tools/build-console.mjs) from the API process: `/` and the
 * console's client routes answer index.html (never cached), `/assets/*` the content-hashed bundles (cached a
 * year, immutable). Console pages carry a strict Content-Security-Policy: no inline script or style anywhere.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextFunction, Request, Response } from 'express';
import { compress, MIN_COMPRESS_BYTES, pickEncoding } from '../core/http-compress.js';

/** The CSP of console pages (the bundles use classes only: no style attribute, no inline script). */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Paths the console never answers (the API, probes, metrics). */
const NOT_CONSOLE = /^\/(api\/|healthz$|readyz$|metrics$)/;
const ASSET = /^\/assets\/([A-Za-z0-9_.-]{1,200})$/;

/** Where the built console is: next to the compiled server code (dist/console), or dist/console of the sources. */
export function defaultConsoleDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [resolve(here, '../console'), resolve(here, '../dist/console')])
    if (existsSync(join(dir, 'index.html'))) return dir;
  return undefined;
}

/**
 * Express middleware serving the console from `dir` (default: defaultConsoleDir()). GET/HEAD only; anything
 * else, and API paths, go to `next`. Without a build, console pages answer 503 with a plain explanation.
 */
export function consoleHandler(dir: string | undefined = defaultConsoleDir()) {
  // Assets are immutable (hashed names): read once. index.html is read again when a rebuild replaced it.
  const cache = new Map<string, { body: Buffer; mtimeMs: number }>();
  // Compressed copies of the immutable assets, made once per file and encoding.
  const packed = new Map<string, Buffer>();
  const read = (file: string): Buffer | undefined => {
    if (dir === undefined) return undefined;
    const hit = cache.get(file);
    const path = join(dir, file);
    if (hit && file !== 'index.html') return hit.body;
    let mtimeMs: number;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      return undefined;
    }
    if (hit && hit.mtimeMs === mtimeMs) return hit.body;
    const body = readFileSync(path);
    cache.set(file, { body, mtimeMs });
    return body;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_CONSOLE.test(req.path)) return next();
    const asset = ASSET.exec(req.path);
    if (req.path.startsWith('/assets/')) {
      // Source maps stay on the server (they show the sources to anyone): not served, like any unknown file.
      if (asset?.[1]?.endsWith('.map')) return next();
      const raw = asset ? read(`assets/${asset[1]}`) : undefined;
      if (!raw) return next();
      res.setHeader('Content-Type', TYPES[extname(asset![1]!)] ?? 'application/octet-stream');
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      res.setHeader('Vary', 'Accept-Encoding');
      let body = raw;
      const enc = raw.length >= MIN_COMPRESS_BYTES ? pickEncoding(req.headers['accept-encoding']) : undefined;
      if (enc) {
        const key = `${asset![1]}\u0000${enc}`;
        body = packed.get(key) ?? compress(raw, enc, 'static');
        packed.set(key, body);
        res.setHeader('Content-Encoding', enc);
      }
      res.setHeader('Content-Length', String(body.length));
      res.status(200).end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    // A file-like path that is not an asset (e.g. /favicon.ico, /robots.txt) is not a console route.
    // An entity page names an address or an agency code (`/entities/ip/203.0.113.7`): a route, not a file.
    if (/\.[a-z0-9]{1,5}$/i.test(req.path) && !req.path.startsWith('/entities/')) return next();
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('Cache-Control', 'no-store');
    const html = read('index.html');
    if (!html) {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web console is not built: run `npm run build` (tools/build-console.mjs writes dist/console).\n');
      return;
    }
    res
      .status(200)
      .type('text/html; charset=utf-8')
      .end(req.method === 'HEAD' ? undefined : html);
  };
}
