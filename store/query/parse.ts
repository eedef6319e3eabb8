/**
 * The search language (a documented subset of Lucene / DQL, see README.md) parsed once into the query AST.
 * Syntax errors are CANHGAC_ERR_QUERY_SYNTAX with the 1-based column in `details.col`.
 */
import type { CanhgacError } from '../../core/errors.js';
import { ANY, ONE, type PatternPart, type QueryNode, q } from '../../core/event/query.js';
import { queryError } from './errors.js';

/** Longest query text accepted (characters). */
export const MAX_QUERY_LENGTH = 20000;
/** Deepest nesting of parentheses / NOT accepted. */
export const MAX_QUERY_DEPTH = 64;

/** The field free text searches (case-insensitive substring). */
export const FREE_TEXT_FIELD = 'message';

type Tok =
  | { t: 'lparen'; col: number }
  | { t: 'rparen'; col: number }
  | { t: 'lrange'; incl: boolean; col: number }
  | { t: 'rrange'; incl: boolean; col: number }
  | { t: 'and' | 'or' | 'not'; col: number }
  /** raw: the text as written (escapes kept), for field splitting and keyword detection. */
  | { t: 'term'; raw: string; col: number }
  | { t: 'quoted'; value: string; col: number }
  | { t: 'end'; col: number };

function syntax(col: number, reason: string): CanhgacError {
  return queryError('CANHGAC_ERR_QUERY_SYNTAX', { col, reason }, { details: { col, reason } });
}

const DELIM = new Set([' ', '\t', '\n', '\r', '(', ')', '"', '[', ']', '{', '}']);

function lex(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    const col = i + 1;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(') {
      out.push({ t: 'lparen', col });
      i++;
    } else if (c === ')') {
      out.push({ t: 'rparen', col });
      i++;
    } else if (c === '[' || c === '{') {
      out.push({ t: 'lrange', incl: c === '[', col });
      i++;
    } else if (c === ']' || c === '}') {
      out.push({ t: 'rrange', incl: c === ']', col });
      i++;
    } else if (c === '"') {
      let v = '';
      i++;
      let closed = false;
      while (i < n) {
        const d = text[i]!;
        if (d === '\\') {
          if (i + 1 >= n) throw syntax(i + 1, 'a backslash ends the query');
          v += text[i + 1];
          i += 2;
        } else if (d === '"') {
          closed = true;
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      if (!closed) throw syntax(col, 'unterminated quoted phrase');
      out.push({ t: 'quoted', value: v, col });
    } else {
      let raw = '';
      while (i < n && !DELIM.has(text[i]!)) {
        if (text[i] === '\\') {
          if (i + 1 >= n) throw syntax(i + 1, 'a backslash ends the query');
          raw += text.slice(i, i + 2);
          i += 2;
        } else raw += text[i++];
      }
      if (raw === 'AND' || raw === '&&') out.push({ t: 'and', col });
      else if (raw === 'OR' || raw === '||') out.push({ t: 'or', col });
      else if (raw === 'NOT' || raw === '!') out.push({ t: 'not', col });
      else out.push({ t: 'term', raw, col });
    }
  }
  out.push({ t: 'end', col: n + 1 });
  return out;
}

/** Index of the first unescaped ':' in a raw term, or -1. */
function colonAt(raw: string): number {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\') i++;
    else if (raw[i] === ':') return i;
  }
  return -1;
}

/** Undoes escapes; wildcards become ANY / ONE parts unless `literal`. */
function toParts(raw: string, literal: boolean): PatternPart[] {
  const parts: PatternPart[] = [];
  let lit = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      lit += raw[++i] ?? '';
    } else if (!literal && (c === '*' || c === '?')) {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(c === '*' ? ANY : ONE);
    } else lit += c;
  }
  if (lit || parts.length === 0) parts.push(lit);
  return parts;
}

function unescapeRaw(raw: string): string {
  return raw.replace(/\\(.)/gs, '$1');
}

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.pos]!;
  }
  private next(): Tok {
    return this.toks[this.pos++]!;
  }

  parseAll(): QueryNode {
    if (this.peek().t === 'end') return q.all();
    const node = this.orExpr(null);
    const t = this.peek();
    if (t.t !== 'end') throw syntax(t.col, t.t === 'rparen' ? 'unbalanced closing parenthesis' : 'unexpected token');
    return node;
  }

  private orExpr(field: string | null): QueryNode {
    const args = [this.andExpr(field)];
    while (this.peek().t === 'or') {
      this.next();
      args.push(this.andExpr(field));
    }
    return args.length === 1 ? args[0]! : q.or(...args);
  }

  private andExpr(field: string | null): QueryNode {
    const args = [this.notExpr(field)];
    for (;;) {
      const t = this.peek();
      if (t.t === 'and') {
        this.next();
        args.push(this.notExpr(field));
      } else if (t.t === 'term' || t.t === 'quoted' || t.t === 'lparen' || t.t === 'not') {
        args.push(this.notExpr(field)); // implicit AND
      } else break;
    }
    return args.length === 1 ? args[0]! : q.and(...args);
  }

  private notExpr(field: string | null): QueryNode {
    const t = this.peek();
    if (t.t === 'not') {
      this.next();
      this.enter(t.col);
      const arg = this.notExpr(field);
      this.depth--;
      return q.not(arg);
    }
    return this.primary(field);
  }

  private enter(col: number): void {
    if (++this.depth > MAX_QUERY_DEPTH) throw syntax(col, `nesting deeper than ${MAX_QUERY_DEPTH}`);
  }

  private group(field: string | null): QueryNode {
    const open = this.next();
    this.enter(open.col);
    if (this.peek().t === 'rparen') throw syntax(this.peek().col, 'empty parentheses');
    const inner = this.orExpr(field);
    const close = this.next();
    if (close.t !== 'rparen') throw syntax(open.col, 'unclosed parenthesis');
    this.depth--;
    return inner;
  }

  private primary(field: string | null): QueryNode {
    const t = this.peek();
    switch (t.t) {
      case 'lparen':
        return this.group(field);
      case 'quoted':
        this.next();
        return field === null ? freeText([t.value]) : q.match(field, [t.value]);
      case 'term': {
        this.next();
        const c = colonAt(t.raw);
        if (c < 0) {
          if (field !== null) return this.valueOf(field, t.raw, t.col);
          if (t.raw === '*') return q.all();
          return freeText(toParts(t.raw, false));
        }
        const name = unescapeRaw(t.raw.slice(0, c));
        if (name === '') throw syntax(t.col, 'a field name is missing before ":"');
        const rest = t.raw.slice(c + 1);
        const valueCol = t.col + c + 1;
        if (name === '_exists_') {
          const f = rest === '' ? this.bareValue(valueCol) : unescapeRaw(rest);
          if (f === '') throw syntax(valueCol, 'a field name is missing after _exists_:');
          return q.exists(f);
        }
        if (rest !== '') return this.valueOf(name, rest, valueCol);
        return this.afterColon(name, valueCol);
      }
      case 'end':
        throw syntax(t.col, 'the query ends where a term was expected');
      case 'rparen':
        throw syntax(t.col, 'unbalanced closing parenthesis');
      case 'and':
      case 'or':
        throw syntax(t.col, 'an operator has no left operand');
      default:
        throw syntax(t.col, 'unexpected token');
    }
  }

  private bareValue(col: number): string {
    const t = this.next();
    if (t.t === 'term') return unescapeRaw(t.raw);
    if (t.t === 'quoted') return t.value;
    throw syntax(t.t === 'end' ? col : t.col, 'a field name was expected');
  }

  /** What follows `field:` when the value is its own token: a phrase, a group, a range. */
  private afterColon(field: string, col: number): QueryNode {
    const t = this.peek();
    if (t.t === 'quoted') {
      this.next();
      return q.match(field, [t.value]);
    }
    if (t.t === 'lparen') return this.group(field);
    if (t.t === 'lrange') return this.range(field);
    throw syntax(t.t === 'end' ? col : t.col, `a value was expected after "${field}:"`);
  }

  private range(field: string): QueryNode {
    const open = this.next() as Extract<Tok, { t: 'lrange' }>;
    const lo = this.bound(field);
    const to = this.next();
    if (to.t !== 'term' || to.raw !== 'TO') throw syntax(to.col, 'a range needs "TO" between its bounds');
    const hi = this.bound(field);
    const close = this.next();
    if (close.t !== 'rrange') throw syntax(close.col, 'a range must end with "]" or "}"');
    const node: Extract<QueryNode, { kind: 'range' }> = { kind: 'range', field };
    if (lo !== undefined) node[open.incl ? 'gte' : 'gt'] = lo;
    if (hi !== undefined) node[close.incl ? 'lte' : 'lt'] = hi;
    return node;
  }

  private bound(field: string): number | string | undefined {
    const t = this.next();
    if (t.t === 'term') return t.raw === '*' ? undefined : boundValue(field, unescapeRaw(t.raw), t.col, false);
    if (t.t === 'quoted') return boundValue(field, t.value, t.col, true);
    throw syntax(t.col, 'a range bound was expected');
  }

  /** `field:value` written as one term: comparison, wildcard pattern or plain value. */
  private valueOf(field: string, raw: string, col: number): QueryNode {
    const cmp = /^(>=|<=|>|<)/.exec(raw);
    if (cmp) {
      const op = cmp[1]!;
      let text = unescapeRaw(raw.slice(op.length));
      let quoted = false;
      if (text === '') {
        const t = this.next();
        if (t.t === 'quoted') {
          text = t.value;
          quoted = true;
        } else if (t.t === 'term') text = unescapeRaw(t.raw);
        else throw syntax(t.col, `a value was expected after "${op}"`);
      }
      const v = boundValue(field, text, col + op.length, quoted);
      const node: Extract<QueryNode, { kind: 'range' }> = { kind: 'range', field };
      node[op === '>' ? 'gt' : op === '>=' ? 'gte' : op === '<' ? 'lt' : 'lte'] = v;
      return node;
    }
    return q.match(field, toParts(raw, false));
  }
}

function boundValue(field: string, text: string, col: number, quoted: boolean): number | string {
  if (field === '@timestamp') {
    if (NUMBER.test(text)) return Number(text);
    const t = Date.parse(text);
    if (Number.isNaN(t)) throw syntax(col, `"${text}" is not a date (use ISO-8601, e.g. 2026-01-31T08:00:00Z)`);
    return t;
  }
  return !quoted && NUMBER.test(text) ? Number(text) : text;
}

function freeText(parts: PatternPart[]): QueryNode {
  return q.match(FREE_TEXT_FIELD, [ANY, ...parts, ANY]);
}

/** Parses a search-language query into the AST; throws CANHGAC_ERR_QUERY_SYNTAX (details.col) on bad input. */
export function parseQuery(text: string): QueryNode {
  if (text.length > MAX_QUERY_LENGTH) {
    throw queryError('CANHGAC_ERR_QUERY_TOO_COMPLEX', { reason: `longer than ${MAX_QUERY_LENGTH} characters` });
  }
  return new Parser(lex(text)).parseAll();
}
