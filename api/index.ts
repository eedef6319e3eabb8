/** The REST API: the entry points the service and tests call. */
export { type ApiDeps, apiServices, CSRF_COOKIE, createApiApp, ROUTES, SESSION_COOKIE, servicesOf } from './app.js';
export { can, PERMISSIONS, type Principal, type Role, scopeOf } from './auth/roles.js';
export { type AuthOptions, AuthService, keyIdOf, sha256 } from './auth/service.js';
export { API_ERRORS, apiError } from './errors.js';
export { type ApiSpec, loadSpec, type Operation } from './openapi.js';
export { type ApiConfig, type RunningApi, startApi } from './server.js';
