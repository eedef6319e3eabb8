/**
 * Required literals of a regular expression: the longest run of plain characters that every match must
 * contain, found by a deliberately conservative scan (any top-level `|` gives up; groups, classes, escapes
 * with meaning and optional characters end a run). Used to index regex rules and to pre-check before RE2 runs.
 */

const MEANINGFUL_ESCAPES = new Set('dDwWsSbBAzZpPQECxuU0123456789'.split(''));

/** The longest required literal (ASCII only), lowercased; '' when none is certain. */
export function requiredLiteral(source: string, caseInsensitive: boolean): string {
  let src = source;
  let ci = caseInsensitive;
  if (src.startsWith('(?i)')) {
    src = src.slice(4);
    ci = true;
  }
  // Inline flags later on may switch case folding on for the rest: assume they do.
  if (src.includes('(?')) ci = true;
  let best = '';
  let run = '';
  const end = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '|') return '';
    if (c === '(') {
      end();
      // Skip the group (alternations inside it are fine: nothing inside is taken).
      let depth = 0;
      for (; i < src.length; i++) {
        const d = src[i]!;
        if (d === '\\') i++;
        else if (d === '[') i = skipClass(src, i);
        else if (d === '(') depth++;
        else if (d === ')' && --depth === 0) break;
      }
      if (depth !== 0) return '';
      continue;
    }
    if (c === '[') {
      end();
      i = skipClass(src, i);
      continue;
    }
    if (c === '{') {
      end();
      const close = src.indexOf('}', i);
      if (close < 0) return '';
      i = close;
      continue;
    }
    let lit: string | undefined;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return '';
      i++;
      if (!MEANINGFUL_ESCAPES.has(n) && /[\x20-\x7e]/.test(n) && !/[a-zA-Z]/.test(n)) lit = n;
    } else if (!'.^$*+?{}'.includes(c) && /[\x20-\x7e]/.test(c)) lit = c;
    // With case folding RE2 lets `s` match U+017F, whose JS lowercase is not `s`: never take it.
    if (lit !== undefined && ci && (lit === 's' || lit === 'S')) lit = undefined;
    const q = src[i + 1];
    if (lit === undefined) {
      end();
      continue;
    }
    if (q === '*' || q === '?' || q === '{') {
      // The character may be absent: the run ends before it.
      end();
      continue;
    }
    run += lit.toLowerCase();
    if (q === '+') end();
  }
  end();
  return best;
}

/** Index of the `]` closing the class opened at `i` (the end of the string when unclosed). */
function skipClass(src: string, i: number): number {
  let j = i + 1;
  if (src[j] === '^') j++;
  if (src[j] === ']') j++;
  for (; j < src.length; j++) {
    if (src[j] === '\\') j++;
    else if (src[j] === ']') return j;
  }
  return src.length;
}
