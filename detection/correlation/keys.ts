/** How group-by, value_count and baseline values become keys (bounded in length). */

/** Keys longer than this are shortened to a prefix plus a hash, so one huge field value cannot bloat memory. */
const MAX_KEY_CHARS = 512;

/** FNV-1a over UTF-16 code units, as 8 hex digits (collisions only matter between equally long, equal-prefix keys). */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The string a group-by or value_count value is keyed by; undefined when the field is absent or null. */
export function valueKey(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') s = String(v);
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      // Untrusted input: a value JSON cannot write (BigInt inside, cycles) still gets a key.
      s = String(v);
    }
  }
  return s.length <= MAX_KEY_CHARS ? s : `${s.slice(0, 200)}\u2026${s.length}:${fnv1a(s)}`;
}
