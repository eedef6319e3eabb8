/** The console's one way to call the REST API: same origin, session cookie, CSRF header on changes. */

import { ApiError } from './api-error.js';

export { ApiError } from './api-error.js';

function cookie(name: string): string {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return '';
}

let onUnauthenticated: () => void = () => {};
/** Called when a session expires (401): the app goes back to the login page. */
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn;
}

/** Calls the API; JSON in and out; throws ApiError. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = cookie('canhgac_csrf');
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    // keepalive: a held triage change sent as the tab closes (pagehide) still arrives (bodies up to 64 KB).
    ...(body !== undefined ? { body: JSON.stringify(body), keepalive: JSON.stringify(body).length < 60_000 } : {}),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const e = (
      json as {
        error?: {
          code?: string;
          message?: string;
          details?: Record<string, unknown>;
          params?: Record<string, unknown>;
        };
      }
    )?.error;
    if (res.status === 401 && !path.endsWith('/auth/login')) onUnauthenticated();
    throw new ApiError(
      res.status,
      e?.code ?? 'HTTP',
      e?.message ?? `HTTP ${res.status}`,
      e?.details ?? {},
      e?.params ?? {},
    );
  }
  return json as T;
}

/** A query string from defined, non-empty values. */
export function qs(params: Record<string, string | number | boolean | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** Shapes the console reads. */
export interface Me {
  id: string;
  role: string;
  kind: 'user' | 'key';
  agencyId?: string;
}
export interface Page<T> {
  items: T[];
  next?: string;
}
export interface Incident {
  id: string;
  version: number;
  key: string;
  title: string;
  ruleId: string;
  agencyId: string;
  host?: string;
  severity: string;
  state: string;
  assignee?: string;
  alertCount: number;
  firstSeen: number;
  lastSeen: number;
  attack?: string[];
  alertIds?: string[];
  eventIds?: string[];
  createdAt?: number;
  acknowledgedAt?: number;
  resolvedAt?: number;
  sla?: { ackDueAt?: number; resolveDueAt?: number; ackBreachedAt?: number; resolveBreachedAt?: number };
  closure?: { category?: string; reason?: string; by: string; at: number };
  disposition?: { verdict: string; category?: string; note?: string; minutes?: number; by: string; at: number };
  /** Entity grouping merged it into this incident (an alert bridged the two). */
  mergedInto?: string;
  mergedFrom?: string[];
}
export interface Alert {
  id: string;
  ruleId: string;
  ruleTitle?: string;
  level: string;
  ts: number;
  eventIds?: string[];
  host?: string;
}
export interface Comment {
  id: string;
  author: string;
  text: string;
  at: number;
}
export interface AuditEntry {
  id: string;
  at: number;
  actor: string;
  action: string;
  collection: string;
  targetId: string;
  [k: string]: unknown;
}
export type EventDoc = Record<string, unknown>;
export interface Bucket {
  key: string | number;
  count: number;
}
export interface Rule {
  id: string;
  kind: string;
  version?: number;
  title: string;
  level?: string;
  status?: string;
  description?: string;
  author?: string;
  falsepositives: string[];
  references: string[];
  tags: string[];
  logsource?: { product?: string; category?: string; service?: string };
  source: 'shipped' | 'dir' | 'uploaded';
  file?: string;
  /** Installed by `canhgac rules update`: switched on or off per agency. */
  package?: 'sigmahq';
  enabled: boolean;
  disabledBy?: 'config' | 'console';
  fields: Record<string, string[]>;
  response: string[];
  text?: string;
  updatedAt?: number;
}
export interface RuleException {
  id: string;
  version: number;
  agencyId: string;
  ruleId: string;
  host?: string;
  reason: string;
  expiresAt: number;
  createdBy: string;
  createdAt: number;
}
export interface RuleStat {
  ruleId: string;
  title: string;
  incidents: number;
  alerts: number;
  open: number;
  resolved: number;
  falsePositives: number;
  falsePositiveRate: number;
  lastSeen: number;
}
export interface Agency {
  id: string;
  name: string;
  networks: string[];
  certificateNames?: string[];
  origin?: 'config' | 'api';
}
export interface Host {
  id: string;
  host: string;
  agencyId: string;
  lastSeen: number;
  events?: number;
  expected: boolean;
  silentSince?: number;
  thresholdMinutes?: number;
}
export interface Problem {
  at: string;
  line: number;
  col: number;
  code: string;
  severity: string;
  message: string;
}
