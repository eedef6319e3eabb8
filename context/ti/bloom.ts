/**
 * The front filters of the indicator set: a text hash computed straight over an event's characters (no string is
 * built to look a value up) and a Bloom filter that says "certainly absent" for almost every observable before the
 * Maps are asked. A million indicators' Maps do not fit the processor caches, so each Map probe of an absent value
 * was a trip to memory (plus the string built for it); the filters are about 2 bytes per indicator and stay cached.
 */

/** FNV-1a offset basis: the hash of the empty text. */
export const SEED = 0x811c9dc5 | 0;

/** One FNV-1a step over a UTF-16 code unit. */
export function step(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}

/**
 * Hash of `s[from, to)` taken right to left (so a domain's suffixes are hashed on the way to its start), ASCII
 * upper case folded to lower case when `lower`.
 */
export function hashRange(h: number, s: string, from: number, to: number, lower: boolean): number {
  let x = h;
  for (let i = to - 1; i >= from; i--) {
    let c = s.charCodeAt(i);
    if (lower && c >= 65 && c <= 90) c |= 32;
    x = Math.imul(x ^ c, 0x01000193);
  }
  return x;
}

/** Hash of a whole text (as it is: indicator values are already normalised). */
export function hashText(s: string): number {
  return hashRange(SEED, s, 0, s.length, false);
}

/** Murmur3's finaliser: spreads FNV's weak low bits over the word. */
function fmix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/**
 * A register-blocked Bloom filter: three bits in one 32-bit word per key, 16-32 bits per key, so one memory read
 * answers and about 1 % of absent keys pass.
 */
export class Bloom {
  private readonly words: Uint32Array;
  private readonly mask: number;

  constructor(keys: number) {
    let n = 1;
    while (n * 2 < keys) n <<= 1;
    this.words = new Uint32Array(n);
    this.mask = n - 1;
  }

  /** Adds a hash (from hashRange/hashText). */
  add(h: number): void {
    const x = fmix(h);
    this.words[x & this.mask] |= bits(x);
  }

  /** False: certainly absent. True: maybe present (ask the Map). */
  has(h: number): boolean {
    const x = fmix(h);
    const m = bits(x);
    return (this.words[x & this.mask]! & m) === m;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.words.byteLength;
  }
}

/** The key's three bit positions, from bits the word index does not use. */
function bits(x: number): number {
  const y = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d);
  return (1 << (y >>> 27)) | (1 << ((y >>> 22) & 31)) | (1 << ((y >>> 17) & 31));
}
