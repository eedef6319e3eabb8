/** User regular expressions on RE2 (linear time), compiled once and cached: search, hunt and their translators. */
import RE2 from 're2';

const regexCache = new Map<string, RE2 | null>();

/** Compiles an RE2 regex (cached); null when RE2 rejects the source (the node then matches nothing). */
export function compileRegex(source: string, i: boolean, m: boolean, s: boolean): RE2 | null {
  const flags = `${i ? 'i' : ''}${m ? 'm' : ''}${s ? 's' : ''}`;
  const key = `${flags}/${source}`;
  let re = regexCache.get(key);
  if (re === undefined) {
    try {
      re = new RE2(source, flags);
    } catch {
      re = null;
    }
    if (regexCache.size > 10000) regexCache.clear();
    regexCache.set(key, re);
  }
  return re;
}

/** Whether RE2 accepts the regex (translators report the ones it rejects). */
export function regexValid(source: string, i = false, m = false, s = false): boolean {
  return compileRegex(source, i, m, s) !== null;
}
