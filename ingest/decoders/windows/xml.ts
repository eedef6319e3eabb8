/**
 * A tiny, non-validating reader for Windows event XML (`<Event><System>...</System><EventData>...`), as
 * Sysmon for Linux writes it into syslog and as WEF/NXLog `to_xml()` forwards it. It understands elements,
 * attributes, text, CDATA and the five XML entities plus numeric references; it never throws: malformed input
 * yields `undefined` so the caller can count and report the record.
 */

/** One XML element: its name, attributes and children (text pieces are joined into `text`). */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Resolves `&amp;`, `&#x41;`, `&#65;`; unknown entities stay as written (never throws). */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,6});/g, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITY[e] ?? m;
  });
}

const NAME_END = /[\s/>]/;
const MAX_DEPTH = 64;

/** Options of parseXml. */
export interface XmlOptions {
  /**
   * Accept a document cut short (syslog relays truncate long messages, e.g. Sysmon for Linux events at 2 KiB):
   * open elements are closed at the end and a partial start tag is dropped; `truncated` is set on the result.
   */
  lenient?: boolean;
}

/** Parses one XML document into its root element, or undefined when it is not well-formed enough to use. */
export function parseXml(src: string, opts: XmlOptions = {}): (XmlElement & { truncated?: boolean }) | undefined {
  const cut = (): (XmlElement & { truncated?: boolean }) | undefined => {
    const r = opts.lenient ? root.children[0] : undefined;
    return r ? Object.assign(r, { truncated: true }) : undefined;
  };
  const root: XmlElement = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const lt = src.indexOf('<', i);
    const top = stack[stack.length - 1]!;
    if (lt < 0) {
      top.text += decodeEntities(src.slice(i));
      break;
    }
    if (lt > i) top.text += decodeEntities(src.slice(i, lt));
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt + 4);
      if (end < 0) return cut();
      i = end + 3;
      continue;
    }
    if (src.startsWith('<![CDATA[', lt)) {
      const end = src.indexOf(']]>', lt + 9);
      if (end < 0) {
        if (opts.lenient) top.text += src.slice(lt + 9);
        return cut();
      }
      top.text += src.slice(lt + 9, end);
      i = end + 3;
      continue;
    }
    if (src[lt + 1] === '?' || src[lt + 1] === '!') {
      const end = src.indexOf('>', lt + 2);
      if (end < 0) return cut();
      i = end + 1;
      continue;
    }
    if (src[lt + 1] === '/') {
      const end = src.indexOf('>', lt + 2);
      if (end < 0) return cut();
      const name = src.slice(lt + 2, end).trim();
      if (stack.length < 2 || top.name !== name) return undefined;
      stack.pop();
      i = end + 1;
      continue;
    }
    // Start tag: name, then attributes until > or />.
    let j = lt + 1;
    while (j < n && !NAME_END.test(src[j]!)) j++;
    const name = src.slice(lt + 1, j);
    if (!name) return j >= n ? cut() : undefined;
    const el: XmlElement = { name, attrs: Object.create(null) as Record<string, string>, children: [], text: '' };
    let selfClose = false;
    for (;;) {
      while (j < n && /\s/.test(src[j]!)) j++;
      if (j >= n) return cut();
      if (src[j] === '>') {
        j++;
        break;
      }
      if (src[j] === '/' && src[j + 1] === '>') {
        selfClose = true;
        j += 2;
        break;
      }
      const eq = src.indexOf('=', j);
      if (eq < 0) return cut();
      const an = src.slice(j, eq).trim();
      const q = src[eq + 1];
      if (q !== '"' && q !== "'") return undefined;
      const close = src.indexOf(q, eq + 2);
      if (close < 0 && an) return cut();
      if (close < 0 || !an) return undefined;
      el.attrs[an] = decodeEntities(src.slice(eq + 2, close));
      j = close + 1;
    }
    top.children.push(el);
    if (!selfClose) {
      if (stack.length > MAX_DEPTH) return undefined;
      stack.push(el);
    }
    i = j;
  }
  if (stack.length !== 1) return cut();
  return root.children[0];
}

/** The first child element with that name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (c.name === name) return c;
  return undefined;
}
