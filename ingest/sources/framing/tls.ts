import { readFileSync } from 'node:fs';
import type { TLSSocket, TlsOptions } from 'node:tls';
import { sourceError } from './errors.js';

/** TLS settings shared by the syslog TLS and RELP sources (names as in the configuration schema). */
export interface SourceTlsConfig {
  /** Server certificate chain: a PEM file path (or the PEM text itself). */
  certFile?: string;
  /** Server private key: a PEM file path (or the PEM text). */
  keyFile?: string;
  /** CA bundle client certificates must chain to; when set, clients are asked for a certificate. */
  caFile?: string;
  /** Refuse clients without a certificate signed by caFile (otherwise such clients are served, no agency). */
  requireClientCert: boolean;
  /** Verified client certificate name (subject CN or a SAN DNS name) -> agency id. */
  certAgencies?: Record<string, string>;
}

/** PEM text as is, anything else read as a file path. */
export function loadPem(kind: string, what: string, v: string): string {
  if (v.includes('-----BEGIN')) return v;
  try {
    return readFileSync(v, 'utf8');
  } catch (e) {
    throw sourceError('CANHGAC_ERR_SOURCE_BAD_CONFIG', { kind, reason: `cannot read ${what} ${v}` }, { cause: e });
  }
}

/** Throws unless the TLS settings are coherent (key with cert, requireClientCert with a CA). */
export function checkTlsConfig(kind: string, c: SourceTlsConfig, required: boolean): void {
  if (required && (!c.certFile || !c.keyFile)) {
    throw sourceError('CANHGAC_ERR_SOURCE_BAD_CONFIG', { kind, reason: 'certFile and keyFile are required' });
  }
  if (Boolean(c.certFile) !== Boolean(c.keyFile)) {
    throw sourceError('CANHGAC_ERR_SOURCE_BAD_CONFIG', { kind, reason: 'TLS needs both certFile and keyFile' });
  }
  if (c.requireClientCert && !c.caFile) {
    throw sourceError('CANHGAC_ERR_SOURCE_BAD_CONFIG', { kind, reason: 'requireClientCert needs caFile' });
  }
}

/** Node TLS server options for a source: TLS 1.2+, client certificates asked for when a CA is configured. */
export function tlsServerOptions(kind: string, c: SourceTlsConfig): TlsOptions {
  return {
    cert: loadPem(kind, 'certFile', c.certFile!),
    key: loadPem(kind, 'keyFile', c.keyFile!),
    ...(c.caFile ? { ca: loadPem(kind, 'caFile', c.caFile) } : {}),
    requestCert: Boolean(c.caFile),
    rejectUnauthorized: c.requireClientCert,
    minVersion: 'TLSv1.2',
    handshakeTimeout: 30_000,
  };
}

/** A live lookup from a verified client certificate name to an agency id (e.g. AgencyDirectory.certAgency). */
export type CertAgencyLookup = (name: string) => string | undefined;

/** The names a verified client certificate carries: subject CN(s), then SAN DNS names; none when unverified. */
export function certNames(sock: TLSSocket): string[] {
  if (!sock.authorized) return [];
  const cert = sock.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return [];
  const names: string[] = [];
  const cn = cert.subject?.CN;
  if (typeof cn === 'string') names.push(cn);
  else if (Array.isArray(cn)) names.push(...(cn as string[]));
  for (const part of (cert.subjectaltname ?? '').split(',')) {
    const m = /^\s*DNS:(.+)$/.exec(part);
    if (m) names.push(m[1]!.trim());
  }
  return names;
}

/** The agency of certificate names: each name in the configured `map` first, then each in the live lookup. */
export function agencyOfNames(
  names: readonly string[],
  map: Record<string, string> | undefined,
  live?: CertAgencyLookup,
): string | undefined {
  if (map) {
    for (const n of names) {
      const a = Object.hasOwn(map, n) ? map[n] : undefined;
      if (a) return a;
    }
  }
  if (live) {
    for (const n of names) {
      const a = live(n);
      if (a) return a;
    }
  }
  return undefined;
}

/**
 * The agency a verified client certificate names: the subject CN, then each SAN DNS name, looked up in
 * `map` (configuration `certAgencies`), then in `live`. Unverified certificates name nobody (an attacker could
 * present any CN).
 */
export function certAgency(
  sock: TLSSocket,
  map: Record<string, string> | undefined,
  live?: CertAgencyLookup,
): string | undefined {
  if (!map && !live) return undefined;
  return agencyOfNames(certNames(sock), map, live);
}

/**
 * A per-connection resolver for the stream sources: reads the certificate names once, then answers the agency
 * each time it is asked, so a name given to an agency while the connection is open counts from then on.
 * Undefined when the connection carries no verified name.
 */
export function certAgencyResolver(
  map: Record<string, string> | undefined,
  live?: CertAgencyLookup,
): (sock: TLSSocket) => (() => string | undefined) | undefined {
  return (sock) => {
    if (!map && !live) return undefined;
    const names = certNames(sock);
    if (names.length === 0) return undefined;
    if (!live) {
      const fixed = agencyOfNames(names, map);
      return () => fixed;
    }
    return () => agencyOfNames(names, map, live);
  };
}
