/** The error catalogue, part: the rest api and its sign-in. Merged into ERRORS by ./index.ts. */
import { defineErrors } from '../errors.js';

/** Codes of the REST API. */
export const API_ERRORS = defineErrors({
  CANHGAC_ERR_API_VALIDATION: {
    status: 400,
    message: 'The request is invalid: {reason}',
    meaning: 'The request does not match the API description (openapi.yaml); the message names the field.',
    remedy: 'Correct the named field.',
  },
  CANHGAC_ERR_API_BAD_JSON: {
    status: 400,
    message: 'The request body is not valid JSON',
    meaning: 'The request body is not valid JSON.',
    remedy: 'Send valid JSON.',
  },
  CANHGAC_ERR_API_MEDIA_TYPE: {
    status: 415,
    message: 'The request body must be application/json',
    meaning: 'The body is not sent as application/json.',
    remedy: 'Set Content-Type: application/json.',
  },
  CANHGAC_ERR_API_TOO_LARGE: {
    status: 413,
    message: 'The request body is larger than {limit} bytes',
    meaning: 'The request body is larger than the API accepts.',
    remedy: 'Send a smaller body.',
  },
  CANHGAC_ERR_API_UNAUTHENTICATED: {
    status: 401,
    message: 'Authentication is required',
    meaning: 'No valid session or API key came with the request.',
    remedy: 'Sign in again or send a valid API key.',
  },
  CANHGAC_ERR_API_LOGIN_FAILED: {
    status: 401,
    message: 'Wrong username or password',
    meaning: 'The username or password is wrong.',
    remedy: 'Check both; repeated failures lock the account for a while.',
  },
  CANHGAC_ERR_API_LOCKED: {
    status: 423,
    message: 'The account is locked after repeated failures; try again later',
    meaning: 'The account is locked after repeated failed sign-ins.',
    remedy: 'Wait, or ask an administrator (`canhgac users unlock NAME`).',
  },
  CANHGAC_ERR_API_FORBIDDEN: {
    status: 403,
    message: 'The caller may not {action}',
    meaning: "The caller's role or agency does not allow this action.",
    remedy: "Ask an administrator for the role, or act within the caller's agency.",
  },
  CANHGAC_ERR_API_CSRF: {
    status: 403,
    message: 'Missing or wrong X-CSRF-Token header',
    meaning: 'A browser request came without the X-CSRF-Token that matches the session cookie.',
    remedy: "Reload the console page; scripts send the cookie's value in X-CSRF-Token.",
  },
  CANHGAC_ERR_API_NOT_FOUND: {
    status: 404,
    message: 'No {what} {id}',
    meaning: "The named object does not exist in the caller's scope.",
    remedy: 'Check the id.',
  },
  CANHGAC_ERR_API_NO_ROUTE: {
    status: 404,
    message: 'No route {method} {path}',
    meaning: 'No API route has that method and path.',
    remedy: 'See api/openapi.yaml for the routes.',
  },
  CANHGAC_ERR_API_EXISTS: {
    status: 409,
    message: '{what} {id} already exists',
    meaning: 'An object with that id or name already exists.',
    remedy: 'Choose another id or name, or update the existing one.',
  },
  CANHGAC_ERR_API_RATE_LIMIT: {
    status: 429,
    message: 'Too many requests; retry in {retryAfter} s',
    meaning: 'The caller sent too many requests.',
    remedy: 'Wait for Retry-After seconds.',
  },
  CANHGAC_ERR_API_RULE_INVALID: {
    status: 400,
    message: 'The rule has {count} problem(s)',
    meaning: 'The uploaded rule has problems; details list each with line and column.',
    remedy: 'Fix each listed problem and upload again.',
  },
  CANHGAC_ERR_API_UNAVAILABLE: {
    status: 503,
    message: '{what} is not available on this server',
    meaning: 'The feature needs something this server does not run (for example a store or chromium).',
    remedy: 'Configure the missing part, or use a server that runs it.',
  },
  CANHGAC_ERR_API_INTERNAL: {
    status: 500,
    message: 'Internal error (reference {ref})',
    meaning: "An unexpected failure; the reference ties the answer to the server's log line.",
    remedy: 'Report the reference to the operator, who finds the cause in the log.',
  },
});

/** Codes of the OIDC sign-in. */
export const OIDC_ERRORS = defineErrors({
  CANHGAC_ERR_OIDC_CONFIG: {
    status: 500,
    message: 'OIDC sign-in is misconfigured: {reason}',
    meaning: 'The identity provider settings are incomplete or wrong.',
    remedy: 'Correct api.oidc.* (docs/configuration.md).',
  },
  CANHGAC_ERR_OIDC_STATE: {
    status: 400,
    message: 'This sign-in expired or was started in another browser; start the sign-in again',
    meaning: 'The sign-in expired or was started in another browser.',
    remedy: 'Start the sign-in again.',
  },
  CANHGAC_ERR_OIDC_PROVIDER: {
    status: 502,
    message: 'The identity provider could not be used: {reason}',
    meaning: 'The identity provider could not be reached or answered wrongly.',
    remedy: "Check the provider's URL and that the server can reach it.",
  },
  CANHGAC_ERR_OIDC_TOKEN: {
    status: 401,
    message: "The identity provider's ID token was refused: {reason}",
    meaning: "The provider's ID token was refused (signature, audience, expiry).",
    remedy: 'Check the client id and the clocks; sign in again.',
  },
  CANHGAC_ERR_OIDC_NO_ROLE: {
    status: 403,
    message: 'This account has no canhgac role (claim {claim})',
    meaning: "The account's claims map to no canhgac role.",
    remedy: 'Ask the administrator to grant a role in the provider or add a mapping rule.',
  },
  CANHGAC_ERR_OIDC_DISABLED: {
    status: 404,
    message: 'Sign-in through an identity provider is not configured',
    meaning: 'Sign-in through an identity provider is not configured.',
    remedy: 'Sign in with a username and password, or configure api.oidc.',
  },
});
