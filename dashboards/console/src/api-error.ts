/** The API's error shape as the console throws it (no DOM: unit tests import it). */

/** An API error in the API's one error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** The message's values by placeholder (error-text.ts words the message in the user's language). */
    readonly params: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
