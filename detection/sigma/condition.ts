/**
 * The Sigma condition language: `or` < `and` < `not` < `x of` < parentheses. Errors carry the 0-based column
 * inside the condition text; the caller maps it to the file position.
 */
import type { Condition } from './model.js';

/** A condition syntax or reference problem at a column of the condition text. */
export interface ConditionIssue {
  kind: 'syntax' | 'undefined' | 'empty-pattern' | 'unsupported';
  message: string;
  /** 0-based offset in the condition string. */
  col: number;
  name?: string;
}

type Tok =
  | { k: 'id'; v: string; col: number }
  | { k: 'kw'; v: 'and' | 'or' | 'not' | 'of' | 'them' | 'all' | 'any' | '1'; col: number }
  | { k: '('; col: number }
  | { k: ')'; col: number }
  | { k: '|'; col: number }
  | { k: 'end'; col: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all', 'any', '1']);
const IDENT = /[A-Za-z0-9_*.-]/;
/** Deepest nesting of parentheses/not accepted (guards the recursive parser against hostile input). */
export const MAX_CONDITION_DEPTH = 200;

class ParseError extends Error {
  constructor(
    readonly col: number,
    message: string,
    readonly kind: ConditionIssue['kind'] = 'syntax',
  ) {
    super(message);
  }
}

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ k: c, col: i });
      i++;
    } else if (c === '|') {
      // Everything after | is a Sigma 1 aggregation; the parser reports it as unsupported.
      out.push({ k: '|', col: i });
      break;
    } else if (IDENT.test(c)) {
      const start = i;
      while (i < s.length && IDENT.test(s[i]!)) i++;
      const word = s.slice(start, i);
      const lower = word.toLowerCase();
      if (KEYWORDS.has(lower)) out.push({ k: 'kw', v: lower as 'and', col: start });
      else out.push({ k: 'id', v: word, col: start });
    } else {
      throw new ParseError(i, `unexpected character ${JSON.stringify(c)}`);
    }
  }
  out.push({ k: 'end', col: s.length });
  return out;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i]!;
  }
  private isKw(v: string): boolean {
    const t = this.peek();
    return t.k === 'kw' && t.v === v;
  }

  parse(): Condition {
    const c = this.or();
    const t = this.peek();
    if (t.k === '|') {
      throw new ParseError(
        t.col,
        'aggregation after | (Sigma 1 syntax) is not supported: use a correlation rule',
        'unsupported',
      );
    }
    if (t.k !== 'end') throw new ParseError(t.col, `unexpected ${describe(t)}`);
    return c;
  }

  private or(): Condition {
    const args: Condition[] = [this.and()];
    while (this.isKw('or')) {
      this.i++;
      args.push(this.and());
    }
    return flatten('or', args);
  }

  private and(): Condition {
    const args: Condition[] = [this.not()];
    while (this.isKw('and')) {
      this.i++;
      args.push(this.not());
    }
    return flatten('and', args);
  }

  private not(): Condition {
    if (this.isKw('not')) {
      this.i++;
      this.enter();
      const arg = this.not();
      this.depth--;
      // `not not x` is x: keeps the tree small.
      return arg.op === 'not' ? arg.arg : { op: 'not', arg };
    }
    return this.primary();
  }

  private enter(): void {
    if (++this.depth > MAX_CONDITION_DEPTH) {
      throw new ParseError(this.peek().col, `nesting deeper than ${MAX_CONDITION_DEPTH}`);
    }
  }

  private primary(): Condition {
    const t = this.peek();
    if (t.k === '(') {
      this.i++;
      this.enter();
      const c = this.or();
      this.depth--;
      const close = this.peek();
      if (close.k !== ')') throw new ParseError(close.col, `expected ) to close the ( at column ${t.col + 1}`);
      this.i++;
      return c;
    }
    if (t.k === 'kw' && (t.v === '1' || t.v === 'any' || t.v === 'all')) {
      this.i++;
      if (!this.isKw('of')) throw new ParseError(this.peek().col, `expected "of" after "${t.v}"`);
      this.i++;
      const target = this.peek();
      this.i++;
      const quantifier = t.v === 'all' ? 'all' : 'any';
      if (target.k === 'kw' && target.v === 'them') return { op: 'of', quantifier, pattern: 'them' };
      if (target.k === 'id') return { op: 'of', quantifier, pattern: target.v };
      throw new ParseError(target.col, `expected "them" or a search identifier pattern after "of"`);
    }
    if (t.k === 'id') {
      this.i++;
      if (/^\d+$/.test(t.v) && this.isKw('of')) {
        throw new ParseError(t.col, `"${t.v} of" is not supported (use 1 of, any of or all of)`, 'unsupported');
      }
      if (t.v.includes('*')) throw new ParseError(t.col, `pattern ${t.v} needs "1 of" or "all of"`);
      return { op: 'ref', name: t.v };
    }
    throw new ParseError(t.col, `unexpected ${describe(t)}`);
  }
}

function describe(t: Tok): string {
  if (t.k === 'end') return 'end of condition';
  if (t.k === 'id' || t.k === 'kw') return `"${t.v}"`;
  return `"${t.k}"`;
}

function flatten(op: 'and' | 'or', args: Condition[]): Condition {
  if (args.length === 1) return args[0]!;
  const out: Condition[] = [];
  for (const a of args) {
    if (a.op === op) out.push(...a.args);
    else out.push(a);
  }
  return { op, args: out };
}

/** Parses one condition string; returns the tree or the first syntax issue (with its column). */
export function parseCondition(text: string): { cond: Condition } | { issue: ConditionIssue } {
  try {
    return { cond: new Parser(tokenize(text)).parse() };
  } catch (e) {
    if (e instanceof ParseError) return { issue: { kind: e.kind, message: e.message, col: e.col } };
    if (e instanceof RangeError) return { issue: { kind: 'syntax', message: 'condition too deeply nested', col: 0 } };
    throw e;
  }
}

/** Glob match of a search-identifier pattern (`*` any run) against a name. */
export function patternMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const parts = pattern.split('*');
  if (!name.startsWith(parts[0]!)) return false;
  let pos = parts[0]!.length;
  for (let k = 1; k < parts.length - 1; k++) {
    const idx = name.indexOf(parts[k]!, pos);
    if (idx < 0) return false;
    pos = idx + parts[k]!.length;
  }
  const last = parts[parts.length - 1]!;
  return name.length - pos >= last.length && name.endsWith(last);
}

/** The searches an `x of` pattern selects: `them` skips names starting with `_`. */
export function selectSearches(pattern: string, names: readonly string[]): string[] {
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  return names.filter((n) => patternMatches(pattern, n));
}

/**
 * Checks references of a parsed condition against the defined searches. Columns are not kept in the tree, so
 * the column is found again by scanning the text for the name.
 */
export function checkReferences(cond: Condition, text: string, names: readonly string[]): ConditionIssue[] {
  const issues: ConditionIssue[] = [];
  const set = new Set(names);
  // A plain scan, not a RegExp built from rule text (rule-supplied patterns only ever run on RE2).
  const colOf = (word: string): number => {
    for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
      const before = i > 0 ? text[i - 1]! : ' ';
      const after = text[i + word.length] ?? ' ';
      if (!IDENT.test(before) && !IDENT.test(after)) return i;
    }
    return 0;
  };
  const walk = (c: Condition): void => {
    switch (c.op) {
      case 'and':
      case 'or':
        c.args.forEach(walk);
        return;
      case 'not':
        walk(c.arg);
        return;
      case 'ref':
        if (!set.has(c.name)) {
          issues.push({ kind: 'undefined', message: `undefined search ${c.name}`, col: colOf(c.name), name: c.name });
        }
        return;
      case 'of':
        if (selectSearches(c.pattern, names).length === 0) {
          issues.push({
            kind: 'empty-pattern',
            message: `pattern ${c.pattern} matches no search`,
            col: colOf(c.pattern),
            name: c.pattern,
          });
        }
        return;
    }
  };
  walk(cond);
  return issues;
}
