/**
 * Untrusted text (log content, host names, rule titles) in the console: controls and bidi characters are shown,
 * never obeyed (`invoice\u202egpj.exe` must not read as `invoiceexe.jpg`). The character list is the CLI's
 * (core/unsafe-chars.ts); ui.tsx LogText renders the pieces, each value inside its own bidi isolate.
 */
import { escapeChar, UNSAFE_CHARS_SOURCE } from '../../../core/unsafe-chars.js';

/** A piece of untrusted text: plain text, or one control/bidi character in its visible form. */
export interface TextPiece {
  text: string;
  /** Where the piece starts in the original text (a stable key). */
  at: number;
  /** Set for a control or bidi character: its code point as U+XXXX (a tooltip). */
  code?: string;
}

const UNSAFE = new RegExp(UNSAFE_CHARS_SOURCE, 'g');
const UNSAFE_KEEP_LINES = new RegExp(`(?![\\t\\n])${UNSAFE_CHARS_SOURCE}`, 'g');

/** Splits text into plain pieces and visible escapes of its control and bidi characters (tab and newline kept on request). */
export function textPieces(s: string, keepLines = false): TextPiece[] {
  const out: TextPiece[] = [];
  let last = 0;
  const re = keepLines ? UNSAFE_KEEP_LINES : UNSAFE;
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index > last) out.push({ text: s.slice(last, m.index), at: last });
    out.push({
      at: m.index,
      text: escapeChar(m[0]),
      code: `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
    });
    last = m.index + 1;
  }
  if (last < s.length || out.length === 0) out.push({ text: s.slice(last), at: last });
  return out;
}
