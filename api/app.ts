/**
 * The REST API: an Express 5 app whose every route is an operation of api/openapi.yaml. Each request is
 * authenticated (session cookie + CSRF header, or a bearer API key), checked against the operation's permission,
 * validated against the document, and handed the caller's store Scope; errors leave in one shape.
 */
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { CanhgacError } from '../core/errors.js';
import { compress, MIN_COMPRESS_BYTES, pickEncoding } from '../core/http-compress.js';
import { logger } from '../core/log.js';
import { counter, histogram } from '../core/metrics.js';
import { IncidentService } from '../incidents/service.js';
import { channelSenders } from '../notify/index.js';
import { Notifier } from '../notify/notifier.js';
import { SCOPE_ALL, type Stores } from '../store/types.js';
import { type OidcConfig, type OidcOptions, OidcSignIn } from './auth/oidc.js';
import { oidcRoutes } from './auth/oidc-routes.js';
import { can, type Principal, scopeOf } from './auth/roles.js';
import { type AuthOptions, AuthService, sha256 } from './auth/service.js';
import { consoleHandler } from './console-bundle.js';
import type { ApiServices, Ctx, RouteDef } from './context.js';
import { apiError } from './errors.js';
import { type BucketOptions, TokenBuckets } from './limits.js';
import { type ApiSpec, loadSpec, type Operation, validateRequest } from './openapi.js';
import { adminRoutes } from './routes/admin.js';
import { agencyRoutes } from './routes/agencies.js';
import { agencyRuleRoutes } from './routes/agency-rules.js';
import { attackRoutes } from './routes/attack.js';
import { complianceRoutes } from './routes/compliance.js';
import { consoleRoutes } from './routes/console.js';
import { contextRoutes } from './routes/context.js';
import { entityRoutes } from './routes/entities.js';
import { eventRoutes } from './routes/events.js';
import { exportRoutes } from './routes/export.js';
import { incidentRoutes } from './routes/incidents.js';
import { kpiRoutes } from './routes/kpi.js';
import { notificationRoutes } from './routes/notification.js';
import { notifyRoutes } from './routes/notify.js';
import { notifyAdminRoutes } from './routes/notify-admin.js';
import { pipelineRoutes } from './routes/pipeline.js';
import { reportRoutes } from './routes/reports.js';
import { ruleExceptionRoutes } from './routes/rule-exceptions.js';
import { ruleWordRoutes } from './routes/rule-words.js';
import { ruleRoutes } from './routes/rules.js';
import { savedSearchRoutes } from './routes/saved-searches.js';
import { streamRoutes } from './routes/stream.js';
import { suppressionRoutes } from './routes/suppressions.js';
import { systemRoutes } from './routes/system.js';
import { tiFeedRoutes } from './routes/ti-feeds.js';
import { tuningRoutes } from './routes/tuning.js';
import { RuleCatalog, type RuleSources } from './rule-catalog.js';

const log = logger('api');
const requests = counter('canhgac_api_requests_total', 'API requests by operation and status', ['operation', 'status']);
const duration = histogram(
  'canhgac_api_request_seconds',
  'API request duration by operation',
  ['operation'],
  [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
);
const limited = counter('canhgac_api_rate_limited_total', 'Requests refused by a rate limit', ['limit']);

/** Cookie names of the browser session and its CSRF double-submit token. */
export const SESSION_COOKIE = 'canhgac_session';
/** The CSRF cookie (readable by the console's script, which echoes it in X-CSRF-Token). */
export const CSRF_COOKIE = 'canhgac_csrf';

/** What the API needs; everything but `stores` has a default. */
export interface ApiDeps {
  stores: Stores;
  /** The threat-intel feeds (their status is served at /api/v1/threat-intel/feeds). */
  threatIntel?: ApiServices['threatIntel'];
  incidents?: IncidentService;
  auth?: AuthService;
  authOptions?: AuthOptions;
  spec?: ApiSpec;
  ready?: () => Promise<boolean>;
  /** The pipeline's health (the embedded service; absent: never stalled). */
  pipelineStatus?: () => { stalled: boolean; commitAgeSeconds: number };
  /** Called after a rule or rule override changed (the pipeline reloads at once; distributed: a Redis message). */
  rulesChanged?: () => void;
  /** Set the cookies' Secure flag and HSTS (serve behind TLS). Default false. */
  secureCookies?: boolean;
  /** Per client address; false turns it off (benchmarks). Default 600 burst, 300/s. */
  rateLimit?: BucketOptions | false;
  /** Login attempts per client address. Default 20 burst, 1 every 3 s. */
  loginRateLimit?: BucketOptions | false;
  /** Largest JSON body. Default 2 MiB (a rule upload or a batch of sample events). */
  bodyLimitBytes?: number;
  /** Express `trust proxy` (the client address behind a reverse proxy). Default false. */
  trustProxy?: boolean | string | number;
  /** Directory of the built web console (dist/console); false serves no console. Default: found next to the code. */
  consoleDir?: string | false;
  /** Sign-in through an identity provider (config `auth.oidc`); absent: password and API keys only. */
  oidc?: OidcConfig | OidcSignIn;
  /** Options of the OIDC client (tests). */
  oidcOptions?: OidcOptions;
  /** Where the rules the engine runs come from (config `rules`); default: the shipped rules only. */
  ruleSources?: RuleSources;
  /** The service's notifier (its senders, for "send a test"); default: HTTP channels only, no e-mail. */
  notifier?: Pick<Notifier, 'test'>;
}

/** A JSON answer, brotli- or gzip-compressed when the client accepts it and it is over 1 KB. */
function sendJson(req: Request, res: Response, status: number, body: unknown): void {
  const raw = Buffer.from(JSON.stringify(body));
  const enc = raw.length >= MIN_COMPRESS_BYTES ? pickEncoding(req.headers['accept-encoding']) : undefined;
  res.status(status).setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Vary', 'Accept-Encoding');
  if (!enc) {
    res.end(raw);
    return;
  }
  res.setHeader('Content-Encoding', enc);
  res.end(compress(raw, enc, 'dynamic'));
}

/** Every route of the API, in one list (the contract test compares it, through the router, with the document). */
export const ROUTES: readonly RouteDef[] = [
  ...systemRoutes,
  ...pipelineRoutes,
  ...oidcRoutes,
  ...incidentRoutes,
  ...eventRoutes,
  ...adminRoutes,
  ...agencyRoutes,
  ...notifyRoutes,
  ...notifyAdminRoutes,
  ...suppressionRoutes,
  ...reportRoutes,
  ...kpiRoutes,
  ...complianceRoutes,
  ...exportRoutes,
  ...notificationRoutes,
  ...ruleRoutes,
  ...ruleExceptionRoutes,
  ...agencyRuleRoutes,
  ...streamRoutes,
  ...savedSearchRoutes,
  ...consoleRoutes,
  ...contextRoutes,
  ...tiFeedRoutes,
  ...entityRoutes,
  ...attackRoutes,
  ...ruleWordRoutes,
  ...tuningRoutes,
];

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Parses a Cookie header (first value of a name wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

function sameToken(a: string, b: string): boolean {
  return a.length > 0 && a.length === b.length && sha256(a) === sha256(b);
}

async function authenticate(svc: ApiServices, req: Request): Promise<Principal | undefined> {
  const authz = req.headers.authorization;
  if (authz !== undefined) {
    const m = /^Bearer ([\x21-\x7e]+)$/.exec(authz);
    if (!m) throw apiError('CANHGAC_ERR_API_UNAUTHENTICATED');
    return (await svc.auth.authenticateKey(m[1]!)) ?? undefined;
  }
  const token = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
  if (!token) return undefined;
  const p = await svc.auth.authenticateSession(token);
  if (p && UNSAFE.has(req.method)) {
    // Double submit: the header must equal the cookie, and both the session's token (a cookie planted by a
    // sibling subdomain cannot match the session).
    const header = req.headers['x-csrf-token'];
    const cookie = parseCookies(req.headers.cookie).get(CSRF_COOKIE) ?? '';
    if (typeof header !== 'string' || !sameToken(header, cookie) || sha256(header) !== p.csrfHash)
      throw apiError('CANHGAC_ERR_API_CSRF');
  }
  return p;
}

type Middleware = (req: Request, res: Response, next: (err?: unknown) => void) => void;

function handlerFor(svc: ApiServices, op: Operation, route: RouteDef, jsonParser: Middleware) {
  // Bodies are read only after the caller is known and allowed: an anonymous client cannot make us parse them.
  const readBody = (req: Request, res: Response) =>
    new Promise<void>((resolve, reject) => jsonParser(req, res, (err) => (err ? reject(err) : resolve())));
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const end = duration.startTimer({ operation: op.operationId });
    res.locals.operation = op.operationId;
    res.once('finish', () => requests.labels(op.operationId, String(res.statusCode)).inc());
    try {
      let principal: Principal | undefined;
      if (op.permission !== 'public') {
        principal = await authenticate(svc, req);
        if (!principal) throw apiError('CANHGAC_ERR_API_UNAUTHENTICATED');
        if (!can(principal, op.permission)) throw apiError('CANHGAC_ERR_API_FORBIDDEN', { action: op.operationId });
      }
      if (op.hasBody) {
        if (!req.is('application/json')) throw apiError('CANHGAC_ERR_API_MEDIA_TYPE');
        await readBody(req, res);
      }
      const params = { ...(req.params as Record<string, string>) };
      const query: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
      const body: unknown = op.hasBody ? req.body : undefined;
      validateRequest(op, params, query, body);
      const ctx: Ctx = {
        principal,
        scope: principal ? scopeOf(principal) : SCOPE_ALL,
        actor: principal ? `${principal.kind}:${principal.id}` : 'anonymous',
        params,
        query,
        body,
        req,
        res,
        svc,
      };
      const reply = await route.handle(ctx);
      if (reply !== undefined && !res.headersSent) {
        const status = reply.status ?? 200;
        if (reply.body === undefined) res.status(status).end();
        else sendJson(req, res, status, reply.body);
      }
    } catch (err) {
      next(err);
    } finally {
      end();
    }
  };
}

function toApiError(err: unknown): CanhgacError {
  if (err instanceof CanhgacError) return err;
  const e = err as { type?: string; status?: number; limit?: number };
  if (e?.type === 'entity.too.large') return apiError('CANHGAC_ERR_API_TOO_LARGE', { limit: e.limit ?? 0 });
  if (e?.type === 'entity.parse.failed') return apiError('CANHGAC_ERR_API_BAD_JSON');
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported')
    return apiError('CANHGAC_ERR_API_MEDIA_TYPE');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return apiError('CANHGAC_ERR_API_VALIDATION', { reason: 'the request could not be read' });
  const ref = randomBytes(6).toString('hex');
  log.error({ err, ref }, 'Request failed with an unexpected error');
  return apiError('CANHGAC_ERR_API_INTERNAL', { ref });
}

/**
 * The error body with the message's placeholder values (strings and numbers only, already in the message), so
 * the console can word it in the user's language (core/catalogue/console.ts).
 */
function withParams(e: CanhgacError): { error: Record<string, unknown> } {
  const json = e.toJSON();
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(e.params ?? {}))
    if (typeof v === 'string' || typeof v === 'number') params[k] = typeof v === 'string' ? v.slice(0, 500) : v;
  return Object.keys(params).length ? { error: { ...json.error, params } } : json;
}

/** Builds the API services from the deps (shared by createApiApp and the CLI). */
export function apiServices(deps: ApiDeps): ApiServices {
  const auth = deps.auth ?? new AuthService(deps.stores.state, deps.authOptions);
  const oidc =
    deps.oidc === undefined || deps.oidc instanceof OidcSignIn
      ? deps.oidc
      : new OidcSignIn(deps.oidc, deps.stores.state, auth, deps.oidcOptions);
  return {
    stores: deps.stores,
    incidents: deps.incidents ?? new IncidentService(deps.stores.state),
    auth,
    ...(oidc ? { oidc } : {}),
    spec: deps.spec ?? loadSpec(),
    ready:
      deps.ready ??
      (async () => {
        await deps.stores.state.collection('settings').get(SCOPE_ALL, 'global');
        return true;
      }),
    secureCookies: deps.secureCookies ?? false,
    rules: new RuleCatalog(deps.stores.state, deps.ruleSources),
    ...(deps.pipelineStatus ? { pipelineStatus: deps.pipelineStatus } : {}),
    ...(deps.rulesChanged ? { rulesChanged: deps.rulesChanged } : {}),
    ...(deps.threatIntel ? { threatIntel: deps.threatIntel } : {}),
    notifier: deps.notifier ?? new Notifier(deps.stores.state, channelSenders()),
  };
}

/** The Express application of the REST API (mount it, or serve it with startApi). */
export function createApiApp(deps: ApiDeps): express.Application {
  const svc = apiServices(deps);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      strictTransportSecurity: svc.secureCookies,
    }),
  );
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  const rate =
    deps.rateLimit === false ? undefined : new TokenBuckets(deps.rateLimit ?? { capacity: 600, perSecond: 300 });
  const loginRate =
    deps.loginRateLimit === false
      ? undefined
      : new TokenBuckets(deps.loginRateLimit ?? { capacity: 20, perSecond: 1 / 3 });
  app.use((req, res, next) => {
    // Probes from the orchestrator must not be starved by the traffic they watch.
    if (req.path === '/healthz' || req.path === '/readyz') return next();
    const ip = req.ip ?? 'unknown';
    let wait = rate?.take(ip) ?? 0;
    let which = 'client';
    // Sign-in attempts, by password or through the identity provider (each OIDC start stores a pending sign-in).
    const signIn =
      (req.method === 'POST' && req.path === '/api/v1/auth/login') || req.path.startsWith('/api/v1/auth/oidc/');
    if (wait === 0 && loginRate && signIn) {
      wait = loginRate.take(ip);
      which = 'login';
    }
    if (wait === 0) return next();
    limited.labels(which).inc();
    res.setHeader('Retry-After', String(wait));
    next(apiError('CANHGAC_ERR_API_RATE_LIMIT', { retryAfter: wait }));
  });
  const jsonParser = express.json({ limit: deps.bodyLimitBytes ?? 2 * 1024 * 1024, strict: true }) as Middleware;
  const router = express.Router();
  for (const route of ROUTES) {
    const op = svc.spec.byId.get(route.operationId);
    if (!op || op.method !== route.method || op.expressPath !== route.path) {
      throw new Error(
        `Route ${route.method.toUpperCase()} ${route.path} is not operation ${route.operationId} of openapi.yaml`,
      );
    }
    router[route.method](route.path, handlerFor(svc, op, route, jsonParser));
  }
  app.use(router);
  if (deps.consoleDir !== false) app.use(consoleHandler(deps.consoleDir));
  app.use((req, _res, next) => {
    next(apiError('CANHGAC_ERR_API_NO_ROUTE', { method: req.method, path: req.path.slice(0, 200) }));
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = toApiError(err);
    if (res.locals.operation === undefined) requests.labels('none', String(e.status)).inc();
    if (res.headersSent) return;
    res.status(e.status).json(withParams(e));
  });
  app.locals.services = svc;
  return app;
}

/** The services behind an app made by createApiApp (tests, the CLI). */
export function servicesOf(app: express.Application): ApiServices {
  return app.locals.services as ApiServices;
}
