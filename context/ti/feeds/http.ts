/**
 * HTTP(S) GET for feeds: basic or bearer-token auth, a client certificate, a private CA, a timeout and a size
 * bound. node:https directly (fetch has no client certificates without an extra dispatcher package).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { contextError } from '../../errors.js';

/** How a feed authenticates and which TLS material it uses. */
export interface FeedHttpOptions {
  username?: string;
  password?: string;
  token?: string;
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  timeoutMs?: number;
  maxBytes?: number;
  headers?: Record<string, string>;
}

/** A response: status, headers, body text. */
export interface FeedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Fetches one URL; rejects on network errors, a timeout or an oversized body (never on an HTTP status). */
export function feedGet(url: string, o: FeedHttpOptions = {}): Promise<FeedResponse> {
  const u = new URL(url);
  const headers: Record<string, string> = { 'user-agent': 'canhgac-ti', ...(o.headers ?? {}) };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  else if (o.username !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}`;
  const tls =
    u.protocol === 'https:'
      ? {
          ...(o.certFile ? { cert: readFileSync(o.certFile) } : {}),
          ...(o.keyFile ? { key: readFileSync(o.keyFile) } : {}),
          ...(o.caFile ? { ca: readFileSync(o.caFile) } : {}),
        }
      : {};
  const lib = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : undefined;
  if (!lib) return Promise.reject(new Error(`unsupported scheme ${u.protocol}`));
  const max = o.maxBytes ?? 512 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = lib.get(u, { headers, timeout: o.timeoutMs ?? 60_000, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > max) {
          req.destroy(new Error(`response larger than ${max} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${o.timeoutMs ?? 60_000} ms`)));
    req.on('error', reject);
  });
}

/** GET that must answer 2xx; returns the body. */
export async function feedGetOk(url: string, o: FeedHttpOptions = {}): Promise<FeedResponse> {
  const r = await feedGet(url, o);
  if (r.status < 200 || r.status > 299)
    throw contextError('CANHGAC_ERR_TI_FEED', { feed: redact(url), reason: `HTTP ${r.status}` });
  return r;
}

/** A URL without user info or query (for logs and status: feed URLs may carry API keys). */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
