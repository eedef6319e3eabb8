import { errorFactory } from '../../core/errors.js';
import { DECODER_ERRORS } from '../../core/catalogue/ingest.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { DECODER_ERRORS };

/** Throw-helper bound to DECODER_ERRORS. */
export const decoderError = errorFactory(DECODER_ERRORS);
