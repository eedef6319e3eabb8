/**
 * The OIDC sign-in over HTTP (api/auth/oidc.ts does the protocol):
 *
 * - `GET /api/v1/auth/providers`: what the login page may offer besides the password form.
 * - `GET /api/v1/auth/oidc/login`: 302 to the identity provider, with the state in a short-lived httpOnly,
 *   SameSite=Lax cookie scoped to the callback's path (the provider's redirect back is a cross-site navigation,
 *   which Lax lets through for a GET).
 * - `GET /api/v1/auth/oidc/callback`: finishes the sign-in, sets the usual session and CSRF cookies
 *   (SameSite=Strict) and answers a small HTML page that refreshes to `/`. Not a 302: a browser that arrived here
 *   from the provider (cross-site) would not send a Strict cookie on a redirect chained to that navigation; the
 *   refresh is a new same-site navigation, so the console's first request already carries the session. No script
 *   (the CSP forbids inline script anyway).
 *
 * Without `auth.oidc` in the configuration both OIDC routes answer 404 CANHGAC_ERR_OIDC_DISABLED. A refused
 * callback answers a browser (Accept prefers text/html) with a page saying why, others with the error shape.
 */
import { CanhgacError } from '../../core/errors.js';
import { escapeHtml } from '../../notify/templates.js';
import type { Ctx, RouteDef } from '../context.js';
import { oidcError } from './oidc.js';

/** Cookie holding the state of a sign-in in progress. */
export const OIDC_STATE_COOKIE = 'canhgac_oidc_state';
const STATE_PATH = '/api/v1/auth/oidc';
const SESSION_COOKIE = 'canhgac_session';
const CSRF_COOKIE = 'canhgac_csrf';
const STATE_RE = /^[A-Za-z0-9_-]{1,200}$/;

function cookie(
  name: string,
  value: string,
  o: { path: string; sameSite: 'Strict' | 'Lax'; httpOnly: boolean; secure: boolean; maxAgeS: number },
): string {
  return [
    `${name}=${value}`,
    `Path=${o.path}`,
    `SameSite=${o.sameSite}`,
    `Max-Age=${o.maxAgeS}`,
    ...(o.httpOnly ? ['HttpOnly'] : []),
    ...(o.secure ? ['Secure'] : []),
  ].join('; ');
}

/** The state cookie's value from the Cookie header (only a well-formed one). */
function stateCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === OIDC_STATE_COOKIE) {
      const v = part.slice(eq + 1).trim();
      return STATE_RE.test(v) ? v : undefined;
    }
  }
  return undefined;
}

/** The page that sends the browser on to the console (static text: nothing of the request is echoed). */
const SIGNED_IN_PAGE = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0;url=/">
<title>canhgac: đã đăng nhập</title>
</head>
<body>
<p>Đăng nhập thành công. <a href="/">Tiếp tục</a></p>
<p lang="en">Signed in. <a href="/">Continue</a></p>
</body>
</html>
`;

/** What a person is told, in Vietnamese, when the sign-in is refused (the English message follows). */
const REFUSED_VI: Record<string, string> = {
  CANHGAC_ERR_OIDC_STATE: 'Lượt đăng nhập này đã hết hạn hoặc được bắt đầu ở trình duyệt khác; hãy đăng nhập lại.',
  CANHGAC_ERR_OIDC_TOKEN: 'Thông tin định danh do cổng định danh gửi về không hợp lệ.',
  CANHGAC_ERR_OIDC_PROVIDER: 'Không dùng được cổng định danh lúc này.',
  CANHGAC_ERR_OIDC_NO_ROLE: 'Tài khoản này chưa được cấp quyền trong canhgac; hãy liên hệ quản trị viên.',
  CANHGAC_ERR_OIDC_DISABLED: 'Chưa cấu hình đăng nhập qua cổng định danh.',
  CANHGAC_ERR_API_LOGIN_FAILED:
    'Không đăng nhập được bằng tài khoản này (trùng tên một tài khoản nội bộ, hoặc đã bị vô hiệu hoá).',
};

/**
 * The refusal as a page, for a browser (it navigated here; a JSON body would be all it shows). Everything from the
 * request or the provider is escaped; there is no script.
 */
function refusedPage(e: CanhgacError): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>canhgac: không đăng nhập được</title>
</head>
<body>
<h1>Không đăng nhập được</h1>
<p>${escapeHtml(REFUSED_VI[e.code] ?? 'Không đăng nhập được.')}</p>
<p lang="en">${escapeHtml(e.message)}</p>
<p><code>${escapeHtml(e.code)}</code></p>
<p><a href="/">Quay lại trang đăng nhập</a> · <a href="/" lang="en">Back to the sign-in page</a></p>
</body>
</html>
`;
}

function signIn(ctx: Ctx) {
  const oidc = ctx.svc.oidc;
  if (!oidc) throw oidcError('CANHGAC_ERR_OIDC_DISABLED');
  return oidc;
}

/** Routes of this file. */
export const oidcRoutes: RouteDef[] = [
  {
    method: 'get',
    path: '/api/v1/auth/providers',
    operationId: 'authProviders',
    handle: async ({ svc }) => ({
      body: {
        password: true,
        providers: svc.oidc ? [{ id: 'oidc', name: svc.oidc.displayName, loginUrl: `${STATE_PATH}/login` }] : [],
      },
    }),
  },
  {
    method: 'get',
    path: '/api/v1/auth/oidc/login',
    operationId: 'oidcLogin',
    handle: async (ctx) => {
      const b = await signIn(ctx).begin();
      const { res, svc } = ctx;
      res.setHeader(
        'Set-Cookie',
        cookie(OIDC_STATE_COOKIE, b.state, {
          path: STATE_PATH,
          sameSite: 'Lax',
          httpOnly: true,
          secure: svc.secureCookies,
          maxAgeS: b.maxAgeS,
        }),
      );
      res.status(302).setHeader('Location', b.url);
      res.end();
      return undefined;
    },
  },
  {
    method: 'get',
    path: '/api/v1/auth/oidc/callback',
    operationId: 'oidcCallback',
    handle: async (ctx) => {
      const oidc = signIn(ctx);
      const { req, res, svc } = ctx;
      // The state is single-use whatever happens next: the browser forgets it too.
      const clearState = cookie(OIDC_STATE_COOKIE, '', {
        path: STATE_PATH,
        sameSite: 'Lax',
        httpOnly: true,
        secure: svc.secureCookies,
        maxAgeS: 0,
      });
      let r: Awaited<ReturnType<typeof oidc.finish>>;
      try {
        r = await oidc.finish(ctx.query, stateCookie(req.headers.cookie));
      } catch (err) {
        res.setHeader('Set-Cookie', clearState);
        // A browser gets a page saying why; API clients (and unexpected errors) get the one error shape.
        if (
          err instanceof CanhgacError &&
          Object.hasOwn(REFUSED_VI, err.code) &&
          req.accepts(['json', 'html']) === 'html'
        ) {
          res.status(err.status).type('html').send(refusedPage(err));
          return undefined;
        }
        throw err;
      }
      const maxAgeS = Math.max(1, Math.floor((r.expiresAt - Date.now()) / 1000));
      const common = { path: '/', sameSite: 'Strict' as const, secure: svc.secureCookies, maxAgeS };
      res.setHeader('Set-Cookie', [
        clearState,
        cookie(SESSION_COOKIE, r.sessionToken, { ...common, httpOnly: true }),
        cookie(CSRF_COOKIE, r.csrfToken, { ...common, httpOnly: false }),
      ]);
      await svc.auth.writeAudit(
        `user:${r.principal.id}`,
        'session.login',
        'sessions',
        r.principal.id,
        r.principal.agencyId,
        undefined,
        { via: 'oidc' },
      );
      res.status(200).type('html').send(SIGNED_IN_PAGE);
      return undefined;
    },
  },
];
