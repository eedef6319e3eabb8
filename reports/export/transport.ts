/**
 * Delivery of a STIX bundle to a monitoring centre: an HTTPS POST with mutual TLS (the centre checks canhgac's
 * client certificate, canhgac checks the centre's against the configured CA), or a TAXII 2.1 push (POST the
 * objects to a collection's /objects/ endpoint, HTTP basic auth, the same TLS options when https).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { StixObject } from './stix.js';

/** Where the bundles go. */
export type ExportTarget =
  | {
      kind: 'https';
      name: string;
      url: string;
      /** PEM files: the centre's CA, canhgac's client certificate and key. */
      caFile?: string;
      certFile?: string;
      keyFile?: string;
      timeoutMs?: number;
    }
  | {
      kind: 'taxii';
      name: string;
      /** The API root, e.g. https://centre.example/api1/ */
      apiRoot: string;
      collectionId: string;
      username?: string;
      password?: string;
      caFile?: string;
      certFile?: string;
      keyFile?: string;
      timeoutMs?: number;
    };

/** What the receiver said. */
export interface DeliveryResult {
  ok: boolean;
  status: number;
  /** A short reason on failure (never the whole response). */
  detail?: string;
}

function tlsOptions(t: ExportTarget): https.RequestOptions {
  return {
    ...(t.caFile ? { ca: readFileSync(t.caFile) } : {}),
    ...(t.certFile ? { cert: readFileSync(t.certFile) } : {}),
    ...(t.keyFile ? { key: readFileSync(t.keyFile) } : {}),
  };
}

type Posted = DeliveryResult & { body?: string };

function post(url: string, body: string, headers: Record<string, string>, t: ExportTarget): Promise<Posted> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = mod.request(
      u,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: t.timeoutMs ?? 30_000,
        ...(u.protocol === 'https:' ? tlsOptions(t) : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          if (chunks.reduce((n, x) => n + x.length, 0) < 65_536) chunks.push(c);
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            ok: status >= 200 && status < 300,
            status,
            ...(status >= 300 ? { detail: text.slice(0, 300) } : {}),
            ...(status < 300 && text ? { body: text } : {}),
          });
        });
        res.on('error', (err) => resolve({ ok: false, status: 0, detail: err.message.slice(0, 300) }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve({ ok: false, status: 0, detail: err.message.slice(0, 300) }));
    req.end(body);
  });
}

/** Does the TAXII collection hold this object at this version? */
async function holds(
  root: string,
  t: Extract<ExportTarget, { kind: 'taxii' }>,
  headers: Record<string, string>,
  id: string,
  version: string,
): Promise<boolean> {
  const u = new URL(`${root}collections/${encodeURIComponent(t.collectionId)}/objects/${encodeURIComponent(id)}/`);
  u.searchParams.set('match[version]', version);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = mod.request(
      u,
      {
        method: 'GET',
        headers: {
          accept: headers.accept!,
          ...(headers.authorization ? { authorization: headers.authorization } : {}),
        },
        timeout: t.timeoutMs ?? 30_000,
        ...(u.protocol === 'https:' ? tlsOptions(t) : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { objects?: { id?: string }[] };
            resolve(res.statusCode === 200 && (body.objects ?? []).some((o) => o.id === id));
          } catch {
            resolve(false);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Sends one bundle to the target. */
export async function deliver(t: ExportTarget, bundle: StixObject): Promise<DeliveryResult> {
  if (t.kind === 'https')
    return post(t.url, JSON.stringify(bundle), { 'content-type': 'application/stix+json;version=2.1' }, t);
  const media = 'application/taxii+json;version=2.1';
  const root = t.apiRoot.endsWith('/') ? t.apiRoot : `${t.apiRoot}/`;
  const headers: Record<string, string> = { 'content-type': media, accept: media };
  if (t.username !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${t.username}:${t.password ?? ''}`).toString('base64')}`;
  const r = await post(
    `${root}collections/${encodeURIComponent(t.collectionId)}/objects/`,
    JSON.stringify({ objects: bundle.objects }),
    headers,
    t,
  );
  if (!r.ok) return r;
  // A TAXII status resource: every object must have been accepted, or be there already at that version (a
  // re-sent bundle: medallion refuses an id and version it holds, as "Unable to process object").
  let st: { failure_count?: number; failures?: { id?: string; version?: string; message?: string }[] } = {};
  try {
    st = JSON.parse(r.body ?? '{}') as typeof st;
  } catch {
    // A 2xx without a status body is accepted.
  }
  const failures = st.failures ?? [];
  if ((st.failure_count ?? 0) > 0) {
    const missing = failures.length > 50 || failures.length < (st.failure_count ?? 0) ? failures : [];
    if (!missing.length)
      for (const f of failures)
        if (!f.id || !f.version || !(await holds(root, t, headers, f.id, f.version))) missing.push(f);
    if (missing.length)
      return {
        ok: false,
        status: r.status,
        detail: `TAXII refused ${missing.length} objects: ${missing[0]?.id ?? ''} ${missing[0]?.message ?? ''}`.slice(
          0,
          300,
        ),
      };
  }
  return { ok: true, status: r.status };
}
