/** The error catalogue, part: incidents, notifications and reports. Merged into ERRORS by ./index.ts. */
import { defineErrors } from '../errors.js';

/** Codes of incident handling. */
export const INCIDENT_ERRORS = defineErrors({
  CANHGAC_ERR_INCIDENT_NOT_FOUND: {
    status: 404,
    message: 'No incident {id}',
    meaning: "No incident has that id in the caller's scope.",
    remedy: "Check the id; an agency user sees only the agency's incidents.",
  },
  CANHGAC_ERR_INCIDENT_TRANSITION: {
    status: 409,
    message: 'An incident cannot go from {from} to {to}',
    meaning: 'The incident cannot go from its current status to the requested one.',
    remedy: 'Follow the lifecycle (new -> acknowledged -> resolved / false positive; reopen from closed).',
  },
  CANHGAC_ERR_INCIDENT_BUSY: {
    status: 409,
    message: 'Incident {id} kept changing under this update; try again',
    meaning: 'The incident kept changing under this update (many writers at once).',
    remedy: 'Retry the update.',
  },
  CANHGAC_ERR_INCIDENT_DISPOSITION: {
    status: 400,
    message: 'Disposition {verdict}: {problem}',
    meaning:
      'The verdict and category do not fit together (a false positive needs a category; each verdict has its own).',
    remedy:
      'Pick a category of that verdict (the DispositionUpdate schema in api/openapi.yaml lists them per verdict).',
  },
});

/** Codes of notifications (channels, deliveries). */
export const NOTIFY_ERRORS = defineErrors({
  CANHGAC_ERR_NOTIFY_DESTINATION: {
    status: 400,
    message:
      'Channel destination {url} refused: {reason} (allow a private range with notify.allowPrivateDestinations in the configuration)',
    meaning:
      'A webhook or chat channel points at an address the destination policy refuses (loopback, link-local, a private range not allowed): a channel must not reach into the SOC network.',
    remedy:
      'Give the channel a public URL, or allow that private range with notify.allowPrivateDestinations if the receiver is meant to be inside.',
  },
  CANHGAC_ERR_NOTIFY_REDIRECT: {
    status: 502,
    message: 'Channel destination answered a redirect (HTTP {status}); redirects are not followed, give the final URL',
    meaning: 'The channel URL answered with a redirect, which is never followed (it could point anywhere).',
    remedy: 'Put the final URL (where the redirect points) in the channel settings.',
  },
  CANHGAC_ERR_NOTIFY_CHANNEL: {
    status: 400,
    message: 'Channel {channel}: {reason}',
    meaning:
      "A notification channel's settings are incomplete or invalid (URL, recipients, token), or the channel is missing or disabled.",
    remedy:
      'Correct the channel in the console (Settings -> Channels) or the configuration; the delivery is retried and then dead-lettered.',
  },
  CANHGAC_ERR_NOTIFY_DELIVERY: {
    status: 502,
    message: 'The channel refused the delivery: {reason}',
    meaning: 'A channel refused or failed a delivery (HTTP error, SMTP refusal).',
    remedy: 'None if it passes on retry; otherwise check the receiving service, then replay the dead letter.',
  },
});

/** Codes of reports. */
export const REPORT_ERRORS = defineErrors({
  CANHGAC_ERR_REPORT_PERIOD: {
    status: 400,
    message: "'{value}' is not a {kind}: expected {expected}",
    meaning: 'A report period is not a week (2026-W47) or half-year (2026-H1).',
    remedy: 'Give the period in the expected form.',
  },
  CANHGAC_ERR_REPORT_BUSY: {
    status: 503,
    message: '{waiting} PDF reports are already waiting for the browser; try again later',
    meaning: 'Too many PDF reports are waiting for the browser.',
    remedy: 'Retry later, or ask for HTML.',
  },
  CANHGAC_ERR_REPORT_CHROMIUM: {
    status: 503,
    message:
      'Cannot render the PDF: chromium at {path} {reason} (set reports.chromiumPath, or install Debian chromium)',
    meaning: 'The PDF cannot be rendered: chromium is missing or failed.',
    remedy: 'Install Debian chromium or set reports.chromiumPath.',
  },
});
