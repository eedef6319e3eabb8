/** The SOC web console: login, then the pages of the navigation. Served by the API process (same origin). */
import { type FormEvent, type MouseEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, type Me, setUnauthenticatedHandler } from './api.js';
import { translateError } from './error-text.js';
import { HeaderAgency } from './header-agency.js';
import { App, type AppCtx, type Key, type Lang, rememberLang, roleLabel, storedLang, translator } from './i18n.js';
import { NotifyBanner } from './notify-banner.js';
import { ADMIN_ROLES, AdminPage } from './pages/admin/admin.js';
import { AgenciesPage } from './pages/agencies.js';
import { AssetsPage } from './pages/assets.js';
import { AttackPage } from './pages/attack.js';
import { CompliancePage } from './pages/compliance.js';
import { EntityPage } from './pages/entity.js';
import { ExportPage } from './pages/export-centre.js';
import { IncidentPage } from './pages/incident.js';
import { IntakePage } from './pages/intake.js';
import { KioskPage } from './pages/kiosk.js';
import { NoisePage } from './pages/noise.js';
import { NotificationReportsPage } from './pages/notification-reports.js';
import { OverviewPage } from './pages/overview.js';
import { QueuePage } from './pages/queue.js';
import { ReportsPage } from './pages/reports.js';
import { REPORT_PATHS } from './pages/reports-tabs.js';
import { RulesPage } from './pages/rules.js';
import { SearchPage } from './pages/search.js';
import { ThreatIntelPage } from './pages/threat-intel.js';
import { PipelineBanner } from './pipeline-banner.js';
import './styles.css';

function useLocation(): [string, (to: string) => void] {
  const [loc, setLoc] = useState(location.pathname + location.search);
  useEffect(() => {
    const on = () => setLoc(location.pathname + location.search);
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  const navigate = useCallback((to: string) => {
    if (to !== location.pathname + location.search) history.pushState(null, '', to);
    setLoc(to);
    scrollTo(0, 0);
  }, []);
  return [loc, navigate];
}

function Login({ t, lang, onLogin }: { t: (k: Key) => string; lang: Lang; onLogin: (me: Me) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [providers, setProviders] = useState<Providers>({ password: true, providers: [] });
  useEffect(() => {
    // Single sign-on buttons when auth.oidc is configured (an older server without the route keeps the form).
    api<Providers>('GET', '/api/v1/auth/providers').then(setProviders, () => {});
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onLogin(await api<Me>('POST', '/api/v1/auth/login', { username, password }));
    } catch (err) {
      setError(translateError(err, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form onSubmit={submit} className="panel login-form" aria-label={t('login')}>
        <h1>{t('appName')}</h1>
        {providers.providers.map((p) => (
          <a key={p.id} className="button sso" href={p.loginUrl} data-testid="sso">
            {t('loginWith')} {p.name}
          </a>
        ))}
        {providers.password ? (
          <>
            <label>
              {t('username')}
              <input
                name="username"
                autoComplete="username"
                value={username}
                onChange={(e) => setUsername(e.target.value)}
              />
            </label>
            <label>
              {t('password')}
              <input
                name="password"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
            {error ? (
              <div className="error" role="alert">
                {error}
              </div>
            ) : null}
            <button type="submit" disabled={busy || !username || !password}>
              {t('login')}
            </button>
          </>
        ) : (
          <p className="muted small">{t('passwordOff')}</p>
        )}
      </form>
    </main>
  );
}

interface Providers {
  password: boolean;
  providers: { id: string; name: string; loginUrl: string }[];
}

const NAV: { path: string; key: Key; roles?: string[] }[] = [
  { path: '/', key: 'overview' },
  { path: '/incidents', key: 'incidents' },
  { path: '/search', key: 'search' },
  { path: '/rules', key: 'rules', roles: ['admin', 'analyst'] },
  { path: '/attack', key: 'attackMatrix' },
  { path: '/noise', key: 'noiseNav', roles: ['admin', 'analyst', 'agency_admin'] },
  { path: '/agencies', key: 'agencies' },
  { path: '/assets', key: 'assets' },
  { path: '/threat-intel', key: 'threatIntel', roles: ['admin', 'analyst'] },
  { path: '/intake', key: 'intakeHealth' },
  { path: '/reports', key: 'reportsNav' },
  { path: '/admin', key: 'administration', roles: ADMIN_ROLES },
];

function Page({ path }: { path: string }) {
  const inc = /^\/incidents\/([^/]+)$/.exec(path);
  if (inc) return <IncidentPage id={decodeURIComponent(inc[1]!)} />;
  const ent = /^\/entities\/(ip|host|user|agency)\/([^/]+)$/.exec(path);
  if (ent) return <EntityPage kind={ent[1] as 'ip'} value={decodeURIComponent(ent[2]!)} />;
  if (path === '/attack') return <AttackPage />;
  if (path === '/' || path === '/overview') return <OverviewPage />;
  if (path === '/incidents') return <QueuePage />;
  if (path === '/search') return <SearchPage />;
  if (path === '/rules') return <RulesPage />;
  if (path === '/noise') return <NoisePage />;
  if (path === '/agencies') return <AgenciesPage />;
  if (path === '/assets')
    return <AssetsPage agency={new URLSearchParams(location.search).get('agency') ?? undefined} />;
  if (path === '/threat-intel') return <ThreatIntelPage />;
  if (path === '/intake') return <IntakePage />;
  if (path === '/reports') return <ReportsPage />;
  if (path === '/compliance') return <CompliancePage />;
  if (path === '/notifications') return <NotificationReportsPage />;
  if (path === '/export') return <ExportPage />;
  if (path === '/admin' || path.startsWith('/admin/')) return <AdminPage path={path} />;
  return <NotFound />;
}

function NotFound() {
  return <p className="muted">404</p>;
}

function Root() {
  const [lang, setLang] = useState<Lang>(storedLang());
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [loc, navigate] = useLocation();
  const t = useMemo(() => translator(lang), [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('appName');
  }, [lang, t]);
  useEffect(() => {
    setUnauthenticatedHandler(() => setMe(null));
    api<Me>('GET', '/api/v1/auth/me').then(setMe, () => setMe(null));
  }, []);
  const switchLang = () => {
    const next: Lang = lang === 'vi' ? 'en' : 'vi';
    rememberLang(next);
    setLang(next);
  };
  const logout = async () => {
    try {
      await api('POST', '/api/v1/auth/logout');
    } finally {
      setMe(null);
    }
  };
  const path = loc.split('?')[0]!;
  const ctx: AppCtx | null = me ? { t, lang, me, navigate } : null;
  const link = (to: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate(to);
  };
  // The operations-centre wall: full screen, no navigation, no user name shown.
  if (path === '/kiosk' && ctx)
    return (
      <App.Provider value={ctx}>
        <KioskPage />
      </App.Provider>
    );
  return (
    <>
      <header className="top">
        <a href="/" className="brand" onClick={link('/')}>
          {t('appName')}
        </a>
        {ctx ? (
          <nav>
            {NAV.filter((n) => !n.roles || n.roles.includes(me!.role)).map((n) => (
              <a
                key={n.path}
                href={n.path}
                onClick={link(n.path)}
                className={
                  (
                    n.path === '/'
                      ? path === '/'
                      : path.startsWith(n.path) || (n.path === '/reports' && REPORT_PATHS.includes(path))
                  )
                    ? 'active'
                    : undefined
                }
              >
                {t(n.key)}
              </a>
            ))}
          </nav>
        ) : (
          <span className="spacer" />
        )}
        <div className="who">
          {me ? (
            <span className="muted" data-testid="whoami">
              {me.id} · {roleLabel(t, me.role)}
              {me.agencyId ? <HeaderAgency t={t} id={me.agencyId} /> : null}
            </span>
          ) : null}
          <button type="button" className="link" onClick={switchLang} data-testid="lang">
            {t('language')}
          </button>
          {me ? (
            <button type="button" className="link" onClick={logout}>
              {t('logout')}
            </button>
          ) : null}
        </div>
      </header>
      {me === undefined ? null : ctx ? (
        <App.Provider value={ctx}>
          <main className="content">
            <PipelineBanner t={t} />
            <NotifyBanner t={t} role={me!.role} path={path} navigate={navigate} />
            {/* keyed by path: another incident or entity is a new page, never the last one's data and drafts */}
            <Page key={path} path={path} />
          </main>
        </App.Provider>
      ) : (
        <Login t={t} lang={lang} onLogin={setMe} />
      )}
    </>
  );
}

createRoot(document.getElementById('root')!).render(<Root />);
