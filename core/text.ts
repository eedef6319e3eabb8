/**
 * Untrusted text (log content, host names, rule titles) shown to a person: characters that would act instead of
 * being read are replaced by a visible escape. C0 controls (ESC starts terminal sequences: a title change, a
 * cleared screen, a forged prompt), DEL, C1 controls (CSI and OSC in one byte), and the bidirectional embeddings,
 * overrides, isolates and marks that reorder what follows (`invoice\u202egpj.exe` reads as `invoiceexe.jpg`),
 * plus the line and paragraph separators and the byte-order mark. The escape is `\uXXXX`, valid in JSON as well.
 */

/** Every character that is escaped, tab and newline included (one field, one line). */
const FIELD_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
/** The same without tab and newline (a whole output: lines stay lines). */
const OUTPUT_UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

const toEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One field of untrusted text, every control and bidi character shown as `\uXXXX` (tab and newline too). */
export function visibleText(s: string): string {
  FIELD_UNSAFE.lastIndex = 0;
  return FIELD_UNSAFE.test(s) ? s.replace(FIELD_UNSAFE, toEscape) : s;
}

/** A whole text output (many lines): like visibleText but tab and newline are kept. */
export function terminalText(s: string): string {
  OUTPUT_UNSAFE.lastIndex = 0;
  return OUTPUT_UNSAFE.test(s) ? s.replace(OUTPUT_UNSAFE, toEscape) : s;
}

/**
 * Makes every string written to a stream pass through terminalText (the CLI's stdout and stderr), so no command
 * can forget it. Buffers pass unchanged (binary output such as a PDF is not text).
 */
export function guardTextStream(stream: NodeJS.WriteStream): void {
  const marked = stream as NodeJS.WriteStream & { __canhgacGuarded?: boolean };
  if (marked.__canhgacGuarded) return;
  marked.__canhgacGuarded = true;
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === 'string' ? terminalText(chunk) : chunk, ...rest)) as typeof stream.write;
}
