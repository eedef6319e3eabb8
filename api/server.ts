/** Serving the API: listen on api.host:api.port, bootstrap the first administrator, close cleanly. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../core/log.js';
import { type ApiDeps, createApiApp, servicesOf } from './app.js';
import type { OidcConfig } from './auth/oidc.js';
import { syncConfigAgencies } from './config-agencies.js';

const log = logger('api');

/** The part of the configuration the API reads (core/config/schema.ts `api:`). */
export interface ApiConfig {
  api?: { host?: string; port?: number; secureCookies?: boolean; trustProxy?: boolean | string | number };
  /** Sign-in through an identity provider (core/config/schema.ts `auth.oidc`). */
  auth?: { oidc?: OidcConfig };
  /** The file's agencies (core/config/schema.ts `agencies:`), stored at start as the API's own (config-agencies.ts). */
  agencies?: readonly unknown[];
}

/** A running API server. */
export interface RunningApi {
  server: Server;
  /** `http://host:port` actually bound (port 0 picks a free one). */
  url: string;
  close(): Promise<void>;
}

/** Starts the API (`canhgac start` calls it); CANHGAC_ADMIN_PASSWORD / CANHGAC_BOOTSTRAP_API_KEY apply here. */
export async function startApi(
  config: ApiConfig,
  deps: ApiDeps,
  env: Record<string, string | undefined> = process.env,
): Promise<RunningApi> {
  const oidc = deps.oidc ?? config.auth?.oidc;
  // Behind the TLS proxy of the deployment guide: Secure cookies, HSTS, and the client address from the proxy.
  const secureCookies = deps.secureCookies ?? config.api?.secureCookies;
  const trustProxy = deps.trustProxy ?? config.api?.trustProxy;
  const app = createApiApp({
    ...deps,
    ...(oidc ? { oidc } : {}),
    ...(secureCookies !== undefined ? { secureCookies } : {}),
    ...(trustProxy !== undefined ? { trustProxy } : {}),
  });
  await servicesOf(app).auth.bootstrap(env);
  const svc = servicesOf(app);
  const synced = await syncConfigAgencies(svc.stores.state, config.agencies, (action, id, before, after) =>
    svc.auth.writeAudit('system:config', action, 'agencies', id, id, before, after),
  );
  if (synced) log.info({ agencies: synced }, 'Agencies of the configuration file stored');
  const signIn = servicesOf(app).oidc;
  if (signIn) log.info({ provider: signIn.displayName }, 'Sign-in through the identity provider is on');
  const server = createServer(app);
  // Slow clients cannot hold sockets forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  const host = config.api?.host ?? '127.0.0.1';
  const port = config.api?.port ?? 8080;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  log.info({ url }, 'API listening');
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
