/** The REST API: the entry points the service and tests call. */
export { type ApiDeps, apiServices, createApiApp, CSRF_COOKIE, ROUTES, servicesOf, SESSION_COOKIE } from './app.js';
export { AuthService, type AuthOptions, keyIdOf, sha256 } from './auth/service.js';
export { can, PERMISSIONS, type Principal, type Role, scopeOf } from './auth/roles.js';
export { API_ERRORS, apiError } from './errors.js';
export { loadSpec, type ApiSpec, type Operation } from './openapi.js';
export { type ApiConfig, type RunningApi, startApi } from './server.js';
