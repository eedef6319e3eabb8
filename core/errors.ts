/**
 * One base class for every error canhgac reports. Every code lives in the one catalogue under core/catalogue/
 * (merged in core/catalogue/index.ts, documented in the generated docs/errors.md); areas bind a throw-helper to
 * their part with errorFactory.
 */

/**
 * A catalogue entry: the HTTP status the API answers with, a message template ({name} placeholders), and for the
 * reference (docs/errors.md) what the error means and what the user or operator does about it. All four are
 * required, so a code without its documentation does not compile.
 */
export interface ErrorSpec {
  status: number;
  message: string;
  meaning: string;
  remedy: string;
}

/** Declares an area's catalogue; keys must start with CANHGAC_ERR_. */
export function defineErrors<T extends Record<string, ErrorSpec>>(specs: T): T {
  for (const code of Object.keys(specs)) {
    if (!code.startsWith('CANHGAC_ERR_')) throw new Error(`Error code ${code} must start with CANHGAC_ERR_`);
  }
  return specs;
}

/** Where in a source file a problem is (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/** The base error: a stable code, an HTTP status, a message and optional details (never secrets). */
export class CanhgacError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly location: SourceLocation | undefined;
  /** The message's placeholder values (the console words the message in the user's language from them). */
  readonly params: Record<string, unknown>;

  constructor(
    code: string,
    spec: ErrorSpec,
    params: Record<string, unknown> = {},
    opts: { details?: Record<string, unknown>; location?: SourceLocation; cause?: unknown } = {},
  ) {
    super(formatMessage(spec.message, params), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CanhgacError';
    this.code = code;
    this.status = spec.status;
    this.details = opts.details;
    this.location = opts.location;
    this.params = params;
  }

  /** `file:line:col: message` when a location is known, else the message. */
  describe(): string {
    const l = this.location;
    return l ? `${l.file}:${l.line}:${l.col}: ${this.message}` : this.message;
  }

  /** The one error shape of the API. */
  toJSON(): { error: { code: string; message: string; details?: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/** Replaces {name} in a template with params[name]. */
export function formatMessage(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** Builds a throw-helper bound to one catalogue: `const fail = errorFactory(CATALOGUE)`. */
export function errorFactory<T extends Record<string, ErrorSpec>>(catalogue: T) {
  return (
    code: keyof T & string,
    params: Record<string, unknown> = {},
    opts: { details?: Record<string, unknown>; location?: SourceLocation; cause?: unknown } = {},
  ): CanhgacError => new CanhgacError(code, catalogue[code]!, params, opts);
}
