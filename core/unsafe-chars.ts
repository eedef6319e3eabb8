/**
 * The characters that act instead of being read when untrusted text is shown (a terminal, a web page): C0 controls,
 * DEL, C1 controls, bidirectional marks, embeddings, overrides and isolates, the line and paragraph separators and
 * the byte-order mark. No imports: the CLI (core/text.ts) and the web console (dashboards/console) share it.
 */

/** Regular-expression class source of the characters above, tab and newline included. */
export const UNSAFE_CHARS_SOURCE =
  '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufeff]';

/** The visible form of one such character: `\uXXXX` (also valid inside JSON strings). */
export function escapeChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
