/** Strict UTF-8 decoding of rule files, with the position of the first bad byte for the message. */

export class Utf8Error extends Error {
  constructor(
    readonly offset: number,
    readonly line: number,
    readonly col: number,
  ) {
    super('invalid UTF-8');
  }
}

/** Strict UTF-8 decoding (BOM dropped); on failure finds the first bad byte for the message. */
export function decodeUtf8(buf: Buffer, decoder: { decode(b: Uint8Array): string }): string {
  try {
    const s = decoder.decode(buf);
    return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
  } catch {
    const offset = firstInvalidUtf8(buf);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) {
      if (buf[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new Utf8Error(offset, line, offset - lineStart + 1);
  }
}

/** Offset of the first byte that starts an invalid UTF-8 sequence. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    let n = 0;
    if (b < 0x80) n = 0;
    else if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) n = 2;
    else if (b >= 0xf0 && b <= 0xf4) n = 3;
    else return i;
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlongs, surrogates and > U+10FFFF.
    if (n === 2 && ((b === 0xe0 && buf[i + 1]! < 0xa0) || (b === 0xed && buf[i + 1]! > 0x9f))) return i;
    if (n === 3 && ((b === 0xf0 && buf[i + 1]! < 0x90) || (b === 0xf4 && buf[i + 1]! > 0x8f))) return i;
    i += n + 1;
  }
  return buf.length;
}
