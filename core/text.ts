/**
 * Untrusted text (log content, host names, rule titles) shown to a person: characters that would act instead of
 * being read are replaced by a visible escape. C0 controls (ESC starts terminal sequences: a title change, a
 * cleared screen, a forged prompt), DEL, C1 controls (CSI and OSC in one byte), and the bidirectional embeddings,
 * overrides, isolates and marks that reorder what follows (`invoice\u202egpj.exe` reads as `invoiceexe.jpg`),
 * plus the line and paragraph separators and the byte-order mark. The escape is `\uXXXX`, valid in JSON as well.
 */
import { escapeChar, UNSAFE_CHARS_SOURCE } from './unsafe-chars.js';

/** Every character that is escaped, tab and newline included (one field, one line). */
const FIELD_UNSAFE = new RegExp(UNSAFE_CHARS_SOURCE, 'g');
/** The same without tab and newline (a whole output: lines stay lines). */
const OUTPUT_UNSAFE = new RegExp(`(?![\\t\\n])${UNSAFE_CHARS_SOURCE}`, 'g');

/** One field of untrusted text, every control and bidi character shown as `\uXXXX` (tab and newline too). */
export function visibleText(s: string): string {
  FIELD_UNSAFE.lastIndex = 0;
  return FIELD_UNSAFE.test(s) ? s.replace(FIELD_UNSAFE, escapeChar) : s;
}

/** A whole text output (many lines): like visibleText but tab and newline are kept. */
export function terminalText(s: string): string {
  OUTPUT_UNSAFE.lastIndex = 0;
  return OUTPUT_UNSAFE.test(s) ? s.replace(OUTPUT_UNSAFE, escapeChar) : s;
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
