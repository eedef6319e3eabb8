/**
 * Aho-Corasick over lowercase needles: one automaton per (route, field) finds every indexed literal of a field
 * value in one pass. The automaton is a full DFA over a compressed alphabet (only the characters that occur in
 * needles get a column; every other character sends the scan back to the root), so the scan is one table read
 * per character. States are stored pre-multiplied by the row width, and states that emit are stored negative,
 * so the common path per character is two loads and one sign test.
 */

/** Fold-table marker of a code unit whose lowercase is not one context-free unit (İ, Σ, surrogates). */
const SPECIAL = 0xffff;
/** Table value met on a SPECIAL unit: scan a lowered copy instead. */
const BAIL = -0x40000000;

let foldTemplate: Uint16Array | undefined;
let upperOf: Map<number, number[]> | undefined;
let specialUnits: Uint16Array | undefined;
/** Per code unit its one-unit lowercase (SPECIAL units: themselves; only read for non-special units). */
let lowerUnit: Uint16Array | undefined;

/**
 * Builds, once: the template of special units, per lowercase unit the units that lowercase to it, and the list
 * of special units (so each automaton marks them without a pass over all 65,536 units).
 */
function foldTables(): [Uint16Array, Map<number, number[]>, Uint16Array] {
  if (!foldTemplate || !upperOf || !specialUnits) {
    foldTemplate = new Uint16Array(65536);
    upperOf = new Map();
    const specials: number[] = [];
    for (let u = 0; u < 65536; u++) {
      const l = String.fromCharCode(u).toLowerCase();
      if (l.length !== 1 || u === 0x3a3 || (u >= 0xd800 && u <= 0xdfff)) {
        foldTemplate[u] = SPECIAL;
        specials.push(u);
      } else {
        const lc = l.charCodeAt(0);
        if (lc !== u) {
          const us = upperOf.get(lc);
          if (us) us.push(u);
          else upperOf.set(lc, [u]);
        }
      }
    }
    specialUnits = Uint16Array.from(specials);
    lowerUnit = new Uint16Array(65536);
    for (let u = 0; u < 65536; u++)
      lowerUnit[u] = foldTemplate[u] === SPECIAL ? u : String.fromCharCode(u).toLowerCase().charCodeAt(0);
  }
  return [foldTemplate, upperOf, specialUnits];
}

/** A built automaton: needles map to the payload ids (rule numbers) given when adding them. */
export class AhoCorasick {
  /** Column of each (lowercase) code unit; 0 = no needle has it. */
  /** Indexed by code unit: all 65,536 when a needle has a unit above 0xff, else only 0..0xff (see high()). */
  private classOf = new Uint16Array(0);
  /** Column of each unit's lowercase, for case-blind scans; the last column for SPECIAL units. */
  private foldOf = new Uint16Array(0);
  private width = 1;
  /** Encoded next state per (state, column): s*width, or -(s*width)-1 when s emits, or BAIL. */
  private delta: Int32Array = new Int32Array(0);
  /** Payload ids emitted at a node: outStart[node]..outStart[node+1] in outIds. */
  private outStart: Int32Array = new Int32Array(0);
  private outIds: Int32Array = new Int32Array(0);
  /** The nearest proper suffix node with output (-1 when none). */
  private dictLink: Int32Array = new Int32Array(0);
  private readonly pending = new Map<string, number[]>();
  /** Length of the shortest needle: shorter lowercase texts cannot contain any. */
  private minLen = 0;
  /**
   * Bigrams (column pairs) found inside the first minLen characters of some needle, or null when skipping is off
   * (needles shorter than 4 or not all ASCII). At the root, a text bigram outside this set ending a window of
   * minLen characters proves no needle starts in that window, so the scan jumps minLen-1 characters.
   */
  private bigrams: Uint8Array | null = null;

  /** Registers a needle (already lowercase) for a payload id. */
  add(needle: string, id: number): void {
    if (needle === '') return;
    let ids = this.pending.get(needle);
    if (!ids) {
      ids = [];
      this.pending.set(needle, ids);
    }
    ids.push(id);
  }

  /** Number of distinct needles. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Marks the needles complete; call once after every add. The DFA itself is made at the first scan: a rule set
   * of thousands of rules has hundreds of automata, most of whose rules never see an event of their log source
   * (Windows rules in a province that sends Linux syslog), and building them all made up a quarter of a load.
   */
  build(): void {
    this.stale = true;
  }

  /** Set by build(), cleared once the DFA is made. */
  private stale = false;

  private compile(): void {
    this.stale = false;
    // Needles of Latin-1 units only (nearly all) get 256-entry tables: a 65,536-entry pair per automaton cost
    // 256 KB each, hundreds of automata per rule set, and most of a cold rule load's allocation.
    let small = true;
    for (const needle of this.pending.keys()) if (/[^\x00-\xff]/.test(needle)) small = false;
    const size = small ? 256 : 65536;
    const classOf = new Uint16Array(size);
    let classes = 1;
    const units: number[] = [];
    for (const needle of this.pending.keys()) {
      for (let i = 0; i < needle.length; i++) {
        const c = needle.charCodeAt(i);
        if (classOf[c] === 0) {
          classOf[c] = classes++;
          units.push(c);
        }
      }
    }
    // Columns: 0 = other characters, 1..classes-1 = needle characters, classes = SPECIAL units.
    // One table, used in place: first the trie (child node ids), then the goto function (BFS fills the holes
    // from the failure state's row), then the encoded states.
    const w = classes + 1;
    let capacity = 1;
    for (const needle of this.pending.keys()) capacity += needle.length;
    let table = new Int32Array(capacity * w);
    const own: number[][] = [[]];
    for (const [needle, ids] of this.pending) {
      let node = 0;
      for (let i = 0; i < needle.length; i++) {
        const k = classOf[needle.charCodeAt(i)]!;
        let next = table[node * w + k]!;
        if (next === 0) {
          next = own.length;
          own.push([]);
          table[node * w + k] = next;
        }
        node = next;
      }
      own[node]!.push(...ids);
    }
    const n = own.length;
    const fail = new Int32Array(n);
    const dict = new Int32Array(n).fill(-1);
    const queue = new Int32Array(n);
    let qn = 0;
    for (let k = 1; k < classes; k++) {
      const c = table[k]!;
      if (c !== 0) queue[qn++] = c;
    }
    for (let qi = 0; qi < qn; qi++) {
      const u = queue[qi]!;
      const f = fail[u]!;
      dict[u] = own[f]!.length > 0 ? f : dict[f]!;
      const row = u * w;
      const frow = f * w;
      for (let k = 1; k < classes; k++) {
        const c = table[row + k]!;
        if (c !== 0) {
          fail[c] = table[frow + k]!;
          queue[qn++] = c;
        } else table[row + k] = table[frow + k]!;
      }
    }
    const emits = new Uint8Array(n);
    for (let v = 0; v < n; v++) emits[v] = own[v]!.length > 0 || dict[v]! >= 0 ? 1 : 0;
    table = table.slice(0, n * w);
    for (let u = 0; u < n; u++) {
      const row = u * w;
      for (let k = 0; k < classes; k++) {
        const v = table[row + k]!;
        table[row + k] = emits[v] === 1 ? -(v * w) - 1 : v * w;
      }
      table[row + classes] = BAIL;
    }
    const delta = table;
    const outStart = new Int32Array(n + 1);
    let total = 0;
    for (let i = 0; i < n; i++) {
      outStart[i] = total;
      total += own[i]!.length;
    }
    outStart[n] = total;
    const outIds = new Int32Array(total);
    for (let i = 0; i < n; i++) outIds.set(own[i]!, outStart[i]!);

    const [template, uppers, specials] = foldTables();
    const fold = new Uint16Array(size);
    for (let i = 0; i < specials.length && specials[i]! < size; i++) fold[specials[i]!] = classes;
    // Only the needles' units have a column (each unit lowercases to one unit: the writes never overlap).
    for (const c of units) {
      const k = classOf[c]!;
      if (template[c] !== SPECIAL && String.fromCharCode(c).toLowerCase().charCodeAt(0) === c) fold[c] = k;
      for (const u of uppers.get(c) ?? []) if (u < size) fold[u] = k;
    }
    let minLen = Number.MAX_SAFE_INTEGER;
    let ascii = true;
    for (const needle of this.pending.keys()) {
      minLen = Math.min(minLen, needle.length);
      if (/[^\x00-\x7f]/.test(needle)) ascii = false;
    }
    this.minLen = minLen;
    this.bigrams = null;
    if (ascii && minLen >= 4 && minLen !== Number.MAX_SAFE_INTEGER) {
      const bi = new Uint8Array(w * w);
      for (const needle of this.pending.keys()) {
        for (let j = 1; j < minLen; j++)
          bi[classOf[needle.charCodeAt(j - 1)]! * w + classOf[needle.charCodeAt(j)]!] = 1;
      }
      // A SPECIAL unit on either side: no proof, no skip.
      for (let k = 0; k < w; k++) {
        bi[classes * w + k] = 1;
        bi[k * w + classes] = 1;
      }
      this.bigrams = bi;
    }
    this.classOf = classOf;
    this.foldOf = fold;
    this.width = w;
    this.delta = delta;
    this.outStart = outStart;
    this.outIds = outIds;
    this.dictLink = dict;
    this.pending.clear();
  }

  /** The fold column of any unit. */
  private fold(u: number): number {
    return u < this.foldOf.length ? this.foldOf[u]! : this.high(u);
  }

  /** The fold column of a unit above 0xff in a small automaton (no needle has such a unit). */
  private high(u: number): number {
    const t = foldTemplate!;
    if (t[u] === SPECIAL) return this.width - 1;
    const l = lowerUnit![u]!;
    return l < 256 ? this.classOf[l]! : 0;
  }

  /** Emits the payloads of a node and of its dictionary-suffix chain. */
  private emitAt(node: number, emit: (id: number) => void): void {
    const outStart = this.outStart;
    let o = node;
    while (o > 0) {
      for (let j = outStart[o]!; j < outStart[o + 1]!; j++) emit(this.outIds[j]!);
      o = this.dictLink[o]!;
    }
  }

  /** Calls `emit(id)` for every payload whose needle occurs in an already lowercase `text` (ids may repeat). */
  scan(text: string, emit: (id: number) => void): void {
    if (this.stale) this.compile();
    if (text.length < this.minLen) return;
    const delta = this.delta;
    const classOf = this.classOf;
    const w = this.width;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      s = delta[s + (c < classOf.length ? classOf[c]! : 0)]!;
      if (s < 0) {
        s = -s - 1;
        this.emitAt(s / w, emit);
      }
    }
  }

  /**
   * Like `scan(text.toLowerCase(), emit)` without lowercasing the text (no allocation): each code unit is folded
   * through a table; a unit whose lowercase depends on context or spans two units makes it scan a lowered copy.
   */
  scanFolded(text: string, emit: (id: number) => void): void {
    if (this.stale) this.compile();
    const n = text.length;
    // Lowercasing only ever lengthens (İ becomes two units), so a short text without İ cannot hold a needle.
    if (n < this.minLen && !text.includes('\u0130')) return;
    const delta = this.delta;
    const foldOf = this.foldOf;
    const w = this.width;
    const bi = this.bigrams;
    const span = this.minLen - 1;
    let s = 0;
    let i = 0;
    while (i < n) {
      if (s === 0 && bi !== null) {
        // At the root no match is in progress: jump windows whose last bigram no needle has.
        let e = i + span;
        while (e < n && bi[this.fold(text.charCodeAt(e - 1)) * w + this.fold(text.charCodeAt(e))] === 0) {
          i = e;
          e = i + span;
        }
        if (e >= n) return;
      }
      const c = text.charCodeAt(i);
      s = delta[s + (c < foldOf.length ? foldOf[c]! : this.high(c))]!;
      i++;
      if (s < 0) {
        if (s === BAIL) {
          this.scan(text.toLowerCase(), emit);
          return;
        }
        s = -s - 1;
        this.emitAt(s / w, emit);
      }
    }
  }
}
