/**
 * A test fixture: the API on loopback over an in-memory SQLite store, two agencies (A and B) with data of every
 * kind, and one API key per role. Used by the API tests (never by the service).
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiDeps, createApiApp, servicesOf } from '../../api/app.js';
import type { Role } from '../../api/auth/roles.js';
import type { ApiServices } from '../../api/context.js';
import { SilentHostWatcher } from '../../incidents/silent-hosts.js';
import type { Alert } from '../../incidents/types.js';
import { openSqliteStores, type SqliteStores } from '../../store/sqlite/index.js';
import { SCOPE_ALL } from '../../store/types.js';

/** Agency codes of the fixture. */
export const AGENCY_A = '000.00.31.H40';
/** The other agency: nothing of it may reach agency A's callers. */
export const AGENCY_B = '000.00.32.H40';
/** A string planted in the content (never the ids) of agency B's documents, to find leaks in any response. */
export const B_MARK = 'bmark-7f3a';

/** A string planted in every document of agency A. */
export const A_MARK = 'amark-91c2';

/** Ids of agency B's documents, by resource. */
export interface BIds {
  incident: string;
  alert: string;
  event: string;
  host: string;
  channel: string;
  route: string;
  agency: string;
  user: string;
  apiKey: string;
  rule: string;
  savedSearch: string;
  suppression: string;
  asset: string;
}

/** A running fixture. */
export interface Fixture {
  url: string;
  stores: SqliteStores;
  svc: ApiServices;
  /** API keys by principal name: admin, analyst, viewer_all, agency_admin_a, viewer_a, intake_a. */
  keys: Record<string, string>;
  b: BIds;
  a: BIds;
  close(): Promise<void>;
  /** A request with a bearer key (or none); JSON in, parsed JSON (or text) out. */
  call(
    method: string,
    path: string,
    opts?: { key?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: unknown; text: string; headers: Headers }>;
}

/** Cheap scrypt for tests (the cost parameters are stored with each hash, so production ones differ). */
export const TEST_SCRYPT = { N: 1024, r: 8, p: 1, keylen: 32 };

function alertOf(agencyId: string, host: string, mark: string, tag: string, n: number): Alert {
  return {
    id: `alert-${tag}-${n}`,
    kind: 'rule',
    ruleId: `rule-${tag}`,
    ruleTitle: `Brute force ${mark}`,
    level: 'high',
    tags: ['attack.t1110'],
    agencyId,
    host,
    eventIds: [`ev-${tag}-${n}`],
    ts: Date.parse('2026-11-01T08:00:00Z') + n * 1000,
  };
}

async function seedAgency(svc: ApiServices, agencyId: string, mark: string, tag: string): Promise<BIds> {
  const state = svc.stores.state;
  const host = `srv-${mark}`;
  await state.collection<Record<string, unknown>>('agencies').put(SCOPE_ALL, {
    id: agencyId,
    agencyId,
    name: `Agency ${mark}`,
    networks: ['10.0.0.0/24'],
    certificateNames: [`cn-${mark}`],
  });
  const out = await svc.incidents.ingestAlert(alertOf(agencyId, host, mark, tag, 1));
  await svc.incidents.ingestAlert(alertOf(agencyId, host, mark, tag, 2));
  const incident = out.incident!.id;
  await svc.incidents.comment(SCOPE_ALL, incident, 'user:seed', `comment ${mark}`);
  await svc.stores.events.write(SCOPE_ALL, [
    {
      'event.id': `ev-${tag}-1`,
      '@timestamp': '2026-11-01T08:00:00Z',
      'agency.id': agencyId,
      'host.name': host,
      'logsource.product': 'linux',
      message: `Failed password for root ${mark}`,
    },
  ]);
  const watcher = new SilentHostWatcher(state, svc.incidents);
  watcher.observe(agencyId, host, Date.parse('2026-11-01T08:00:00Z'));
  await watcher.flush();
  const hosts = await state.collection('hosts').list(SCOPE_ALL, { filter: { agencyId } });
  await state.collection<Record<string, unknown>>('channels').put(SCOPE_ALL, {
    id: `chan-${tag}`,
    agencyId,
    type: 'email',
    name: `Mail ${mark}`,
    settings: { to: [`soc-${mark}@example.org`] },
    enabled: true,
  });
  await state.collection<Record<string, unknown>>('routes').put(SCOPE_ALL, {
    id: `route-${tag}`,
    agencyId,
    minSeverity: 'high',
    channelIds: [`chan-${tag}`],
    language: 'vi',
  });
  const user = await svc.auth.createUser('seed', {
    username: `admin-${tag}`,
    password: `password-of-${tag}`,
    role: 'agency_admin',
    agencyId,
  });
  const key = await svc.auth.createKey('seed', SCOPE_ALL, { name: `agent ${mark}`, role: 'intake', agencyId });
  const rule = await state.collection<Record<string, unknown>>('rules').put(SCOPE_ALL, {
    id: `rule-${tag}`,
    title: `Rule ${mark}`,
    enabled: true,
    text: `title: Rule ${mark}\nlogsource: {product: linux}\ndetection: {sel: {message|contains: '${mark}'}, condition: sel}\n`,
    updatedAt: 1,
    updatedBy: 'seed',
  });
  await state.collection<Record<string, unknown>>('saved_searches').put(SCOPE_ALL, {
    id: `saved-${tag}`,
    agencyId,
    owner: 'user:seed',
    name: `Saved ${mark}`,
    q: mark,
    shared: true,
    createdAt: 1,
  });
  await state.collection<Record<string, unknown>>('suppressions').put(SCOPE_ALL, {
    id: `supp-${tag}`,
    agencyId,
    host: `scanner-${mark}`,
    reason: `Scanner ${mark}`,
    expiresAt: Date.parse('2099-01-01T00:00:00Z'),
    createdBy: 'user:seed',
    // A real date (1 showed as 1/1/1970 in the suppressions screenshot).
    createdAt: Date.parse('2026-11-01T01:00:00Z'),
  });
  await state.collection<Record<string, unknown>>('assets').put(SCOPE_ALL, {
    id: `asset-${tag}`,
    agencyId,
    host: `asset-${tag}`,
    addresses: [],
    role: `Portal ${mark}`,
    criticality: 3,
    updatedBy: 'seed',
    updatedAt: Date.parse('2026-11-01T01:00:00Z'),
  });
  return {
    incident,
    alert: `alert-${tag}-1`,
    event: `ev-${tag}-1`,
    host: hosts.docs[0]!.id,
    channel: `chan-${tag}`,
    route: `route-${tag}`,
    agency: agencyId,
    user: user.id,
    apiKey: key.doc.id,
    rule: rule.id,
    savedSearch: `saved-${tag}`,
    suppression: `supp-${tag}`,
    asset: `asset-${tag}`,
  };
}

/** Starts the fixture (a few hundred ms). */
export async function startFixture(deps: Partial<ApiDeps> = {}): Promise<Fixture> {
  const stores = openSqliteStores({ path: ':memory:' });
  const app = createApiApp({
    stores,
    authOptions: { scrypt: TEST_SCRYPT },
    rateLimit: false,
    loginRateLimit: false,
    ...deps,
  });
  const svc = servicesOf(app);
  const b = await seedAgency(svc, AGENCY_B, B_MARK, 'tb');
  const a = await seedAgency(svc, AGENCY_A, A_MARK, 'ta');
  const keys: Record<string, string> = {};
  const mk = async (name: string, role: Role, agencyId?: string) => {
    keys[name] = (await svc.auth.createKey('seed', SCOPE_ALL, { name, role, ...(agencyId ? { agencyId } : {}) })).key;
  };
  await mk('admin', 'admin');
  await mk('analyst', 'analyst');
  await mk('viewer_all', 'viewer');
  await mk('agency_admin_a', 'agency_admin', AGENCY_A);
  await mk('viewer_a', 'viewer', AGENCY_A);
  await mk('intake_a', 'intake', AGENCY_A);
  const server: Server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    stores,
    svc,
    keys,
    a,
    b,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await stores.close();
    },
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.key) headers.authorization = `Bearer ${opts.key}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
      return { status: res.status, body: parsed, text, headers: res.headers };
    },
  };
}
