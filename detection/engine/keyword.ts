/** Keyword (field-less) search values, in the form the compiler and the translators share. */
import { ANY, type ValueMatcher } from '../sigma/model.js';

/**
 * Keyword values are substring searches ("searching for keywords across an entire event"): strings are wrapped
 * in `*`, numbers and booleans searched as their text.
 */
export function keywordForm(m: ValueMatcher): ValueMatcher {
  if (m.t === 'str') return { t: 'str', parts: [ANY, ...m.parts, ANY], cased: m.cased };
  if (m.t === 'num' || m.t === 'bool') return { t: 'str', parts: [ANY, String(m.value), ANY], cased: false };
  return m;
}
