/** Error catalogue of the detection area (Sigma parsing and validation, engine, correlation). */
import { errorFactory } from '../core/errors.js';
import { DETECTION_ERRORS } from '../core/catalogue/sigma.js';

/** The codes of this area; they live in the one catalogue (core/catalogue/). */
export { DETECTION_ERRORS };

/** A code of the detection catalogue. */
export type DetectionErrorCode = keyof typeof DETECTION_ERRORS;

/** Builds a CanhgacError from the detection catalogue. */
export const detectionError = errorFactory(DETECTION_ERRORS);
