/**
 * The Sigma value-modifier registry: one entry per user-facing name (Sigma 2.1 modifiers appendix).
 * values.ts applies them; a test compares the names with the specification's list.
 */

/** How a modifier acts, which decides what it may be chained with. */
export type ModifierKind =
  /** Changes how values combine or compare without changing them (all, cased, neq). */
  | 'generic'
  /** Adds wildcards (contains, startswith, endswith). */
  | 'position'
  /** Rewrites string values into other strings or several of them (windash, base64*, utf16*, expand). */
  | 'transform'
  /** Makes the value another type of comparison; ends the chain except for its flags (re, cidr, lt..., exists, fieldref, time). */
  | 'type'
  /** Flags of `re` (i, m, s). */
  | 'reflag';

/** One registered modifier. */
export interface ModifierSpec {
  kind: ModifierKind;
  /** One line for `canhgac rules` help and error messages. */
  summary: string;
}

/** Every modifier canhgac understands, keyed by the name written after `|`. */
export const MODIFIERS: Readonly<Record<string, ModifierSpec>> = Object.freeze({
  all: { kind: 'generic', summary: 'every value of the list must match (AND instead of OR)' },
  cased: { kind: 'generic', summary: 'case-sensitive string comparison' },
  neq: { kind: 'generic', summary: 'the field exists and differs from every value' },
  contains: { kind: 'position', summary: 'value anywhere in the field' },
  startswith: { kind: 'position', summary: 'value at the start of the field' },
  endswith: { kind: 'position', summary: 'value at the end of the field' },
  windash: { kind: 'transform', summary: 'command-line flag dashes in every variant: - / – — ―' },
  base64: { kind: 'transform', summary: 'the value base64-encoded' },
  base64offset: { kind: 'transform', summary: 'the value base64-encoded at the three byte offsets' },
  utf16le: { kind: 'transform', summary: 'the value as UTF-16LE bytes' },
  utf16be: { kind: 'transform', summary: 'the value as UTF-16BE bytes' },
  utf16: { kind: 'transform', summary: 'the value as UTF-16LE bytes with a byte order mark' },
  wide: { kind: 'transform', summary: 'alias of utf16le' },
  expand: { kind: 'transform', summary: 'replace %placeholders% with values from the placeholders file' },
  re: { kind: 'type', summary: 'regular expression (RE2)' },
  i: { kind: 'reflag', summary: 're: case-insensitive' },
  m: { kind: 'reflag', summary: 're: ^ and $ match at line ends' },
  s: { kind: 'reflag', summary: 're: . matches newlines' },
  cidr: { kind: 'type', summary: 'IPv4 or IPv6 network' },
  lt: { kind: 'type', summary: 'number less than' },
  lte: { kind: 'type', summary: 'number less than or equal' },
  gt: { kind: 'type', summary: 'number greater than' },
  gte: { kind: 'type', summary: 'number greater than or equal' },
  exists: { kind: 'type', summary: 'the field is present (true) or absent (false)' },
  fieldref: { kind: 'type', summary: 'compare with another field of the same event' },
  minute: { kind: 'type', summary: 'minute (0-59) of a timestamp field' },
  hour: { kind: 'type', summary: 'hour (0-23) of a timestamp field' },
  day: { kind: 'type', summary: 'day of month (1-31) of a timestamp field' },
  week: { kind: 'type', summary: 'ISO week (1-53) of a timestamp field' },
  month: { kind: 'type', summary: 'month (1-12) of a timestamp field' },
  year: { kind: 'type', summary: 'year of a timestamp field' },
});

/** Whether a name is a registered modifier (own property, so `toString` etc. are unknown). */
export function isModifier(name: string): boolean {
  return Object.hasOwn(MODIFIERS, name);
}
