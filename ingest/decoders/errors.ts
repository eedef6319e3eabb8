import { defineErrors, errorFactory } from '../../core/errors.js';

/** Error catalogue of the decoders and normalisation (configuration problems; bad messages never throw). */
export const DECODER_ERRORS = defineErrors({
  CANHGAC_ERR_DECODER_UNKNOWN: { status: 400, message: "Unknown decoder '{name}' (known: {known})" },
  CANHGAC_ERR_DECODER_BAD_TIMEZONE: { status: 400, message: "Unknown time zone '{tz}'" },
  CANHGAC_ERR_NORMALISE_BAD_NETWORK: {
    status: 400,
    message: "Agency {agency}: '{network}' is not an IPv4/IPv6 network in CIDR notation",
  },
  CANHGAC_ERR_NORMALISE_BAD_AGENCY: { status: 400, message: 'Agency entry {index} is invalid: {reason}' },
});

/** Throw-helper bound to DECODER_ERRORS. */
export const decoderError = errorFactory(DECODER_ERRORS);
