import { defineErrors, errorFactory } from '../core/errors.js';

/** Errors of notification channels. */
export const NOTIFY_ERRORS = defineErrors({
  CANHGAC_ERR_NOTIFY_DESTINATION: {
    status: 400,
    message:
      'Channel destination {url} refused: {reason} (allow a private range with notify.allowPrivateDestinations in the configuration)',
  },
  CANHGAC_ERR_NOTIFY_REDIRECT: {
    status: 502,
    message: 'Channel destination answered a redirect (HTTP {status}); redirects are not followed, give the final URL',
  },
});

/** Throw-helper for the catalogue above. */
export const notifyError = errorFactory(NOTIFY_ERRORS);
