/**
 * Aho-Corasick over lowercase needles: one automaton per (route, field) finds every indexed literal of a field
 * value in one pass. The automaton is a full DFA over a compressed alphabet (only the characters that occur in
 * needles get a column; every other character sends the scan back to the root), so the scan is one table read
 * per character.
 */

/** Marks a code unit whose lowercase is not one context-free code unit (İ, Σ, surrogates): scan a lowered copy. */
const SPECIAL = 0xffff;
let foldTemplate: Uint16Array | undefined;
let upperOf: Map<number, number[]> | undefined;

/** Builds, once: the template of special units and, per lowercase unit, the units that lowercase to it. */
function foldTables(): [Uint16Array, Map<number, number[]>] {
  if (!foldTemplate || !upperOf) {
    foldTemplate = new Uint16Array(65536);
    upperOf = new Map();
    for (let u = 0; u < 65536; u++) {
      const l = String.fromCharCode(u).toLowerCase();
      if (l.length !== 1 || u === 0x3a3 || (u >= 0xd800 && u <= 0xdfff)) foldTemplate[u] = SPECIAL;
      else {
        const lc = l.charCodeAt(0);
        if (lc !== u) {
          const us = upperOf.get(lc);
          if (us) us.push(u);
          else upperOf.set(lc, [u]);
        }
      }
    }
  }
  return [foldTemplate, upperOf];
}

/** A built automaton: needles map to the payload ids (rule numbers) given when adding them. */
export class AhoCorasick {
  private readonly classOf = new Uint16Array(65536);
  /** classOf of each unit's lowercase (SPECIAL: fall back to lowercasing the text), for case-blind scans. */
  private foldOf = new Uint16Array(0);
  private width = 1;
  private delta: Int32Array = new Int32Array(0);
  /** Payload ids emitted at a node: outStart[node]..outStart[node+1] in outIds. */
  private outStart: Int32Array = new Int32Array(0);
  private outIds: Int32Array = new Int32Array(0);
  /** The nearest proper suffix node with output (-1 when none). */
  private dictLink: Int32Array = new Int32Array(0);
  private readonly pending = new Map<string, number[]>();

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

  /** Builds the DFA; call once after every add. */
  build(): void {
    let classes = 1;
    for (const needle of this.pending.keys()) {
      for (let i = 0; i < needle.length; i++) {
        const c = needle.charCodeAt(i);
        if (this.classOf[c] === 0) this.classOf[c] = classes++;
      }
    }
    const w = classes;
    this.width = w;
    const [template, uppers] = foldTables();
    const fold = template.slice();
    for (let c = 0; c < 65536; c++) {
      const k = this.classOf[c]!;
      if (k === 0) continue;
      if (fold[c] !== SPECIAL && String.fromCharCode(c).toLowerCase().charCodeAt(0) === c) fold[c] = k;
      for (const u of uppers.get(c) ?? []) fold[u] = k;
    }
    this.foldOf = fold;
    // Trie as growable child tables.
    const children: Int32Array[] = [new Int32Array(w)];
    const own: number[][] = [[]];
    for (const [needle, ids] of this.pending) {
      let node = 0;
      for (let i = 0; i < needle.length; i++) {
        const k = this.classOf[needle.charCodeAt(i)]!;
        let next = children[node]![k]!;
        if (next === 0) {
          next = children.length;
          children.push(new Int32Array(w));
          own.push([]);
          children[node]![k] = next;
        }
        node = next;
      }
      own[node]!.push(...ids);
    }
    const n = children.length;
    const delta = new Int32Array(n * w);
    const fail = new Int32Array(n);
    const dict = new Int32Array(n).fill(-1);
    // BFS: delta(node, k) = child or delta(fail(node), k); column 0 (unknown characters) always goes to root.
    const queue: number[] = [];
    for (let k = 1; k < w; k++) {
      const c = children[0]![k]!;
      if (c !== 0) {
        delta[k] = c;
        fail[c] = 0;
        queue.push(c);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const u = queue[qi]!;
      const f = fail[u]!;
      dict[u] = own[f]!.length > 0 ? f : dict[f]!;
      for (let k = 1; k < w; k++) {
        const c = children[u]![k]!;
        if (c !== 0) {
          fail[c] = delta[f * w + k]!;
          delta[u * w + k] = c;
          queue.push(c);
        } else delta[u * w + k] = delta[f * w + k]!;
      }
    }
    const outStart = new Int32Array(n + 1);
    let total = 0;
    for (let i = 0; i < n; i++) {
      outStart[i] = total;
      total += own[i]!.length;
    }
    outStart[n] = total;
    const outIds = new Int32Array(total);
    for (let i = 0; i < n; i++) outIds.set(own[i]!, outStart[i]!);
    this.delta = delta;
    this.outStart = outStart;
    this.outIds = outIds;
    this.dictLink = dict;
    this.pending.clear();
  }

  /** Calls `emit(id)` for every payload whose needle occurs in `text` (an id may be emitted more than once). */
  scan(text: string, emit: (id: number) => void): void {
    const delta = this.delta;
    const classOf = this.classOf;
    const outStart = this.outStart;
    const w = this.width;
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      node = delta[node * w + classOf[text.charCodeAt(i)]!]!;
      if (node === 0) continue;
      let o = node;
      if (outStart[o] === outStart[o + 1]) o = this.dictLink[o]!;
      while (o > 0) {
        for (let j = outStart[o]!; j < outStart[o + 1]!; j++) emit(this.outIds[j]!);
        o = this.dictLink[o]!;
      }
    }
  }

  /**
   * Like `scan(text.toLowerCase(), emit)` without lowercasing the text (no allocation): each code unit is folded
   * through a table; a unit whose lowercase depends on context or spans two units makes it scan a lowered copy.
   */
  scanFolded(text: string, emit: (id: number) => void): void {
    const delta = this.delta;
    const foldOf = this.foldOf;
    const outStart = this.outStart;
    const w = this.width;
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const k = foldOf[text.charCodeAt(i)]!;
      if (k === SPECIAL) {
        this.scan(text.toLowerCase(), emit);
        return;
      }
      node = delta[node * w + k]!;
      if (node === 0) continue;
      let o = node;
      if (outStart[o] === outStart[o + 1]) o = this.dictLink[o]!;
      while (o > 0) {
        for (let j = outStart[o]!; j < outStart[o + 1]!; j++) emit(this.outIds[j]!);
        o = this.dictLink[o]!;
      }
    }
  }
}
