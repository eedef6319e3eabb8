import { describe, expect, it } from '@jest/globals';
import { API_ERRORS, OIDC_ERRORS } from './api.js';
import { CONSOLE_MESSAGES } from './console.js';
import { HUNT_ERRORS } from './detection.js';
import { INCIDENT_ERRORS, NOTIFY_ERRORS, REPORT_ERRORS } from './incidents.js';
import { ERRORS } from './index.js';
import { QUERY_ERRORS, STORE_ERRORS } from './store.js';

/** The parts whose errors reach the console through the API. */
const SHOWN = [
  API_ERRORS,
  OIDC_ERRORS,
  INCIDENT_ERRORS,
  NOTIFY_ERRORS,
  REPORT_ERRORS,
  STORE_ERRORS,
  QUERY_ERRORS,
  HUNT_ERRORS,
];
const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('console messages of the error catalogue', () => {
  it('every code the API can show has Vietnamese and English wording', () => {
    const missing = SHOWN.flatMap((p) => Object.keys(p)).filter(
      (c) => !CONSOLE_MESSAGES[c]?.vi || !CONSOLE_MESSAGES[c]?.en,
    );
    expect(missing).toEqual([]);
  });

  it('uses only placeholders the catalogue message fills, the same in both languages', () => {
    for (const [code, m] of Object.entries(CONSOLE_MESSAGES)) {
      const spec = ERRORS[code];
      expect([code, spec !== undefined]).toEqual([code, true]);
      const known = new Set(holes(spec!.message));
      for (const h of holes(m.vi)) expect([code, h, known.has(h)]).toEqual([code, h, true]);
      expect([code, holes(m.vi)]).toEqual([code, holes(m.en)]);
    }
  });

  it('the Vietnamese wording is Vietnamese (diacritics) and differs from the English', () => {
    for (const [code, m] of Object.entries(CONSOLE_MESSAGES)) {
      expect([code, /[ăâđêôơưáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ]/i.test(m.vi)]).toEqual([code, true]);
      expect([code, m.vi === m.en]).toEqual([code, false]);
    }
  });
});
