import { describe, expect, it } from '@jest/globals';
import { CanhgacError, defineErrors, errorFactory, formatMessage } from './errors.js';

describe('error catalogue', () => {
  const CAT = defineErrors({ CANHGAC_ERR_TEST: { status: 400, message: 'bad {what}', meaning: 'm', remedy: 'r' } });
  it('formats messages and the API shape', () => {
    const e = errorFactory(CAT)(
      'CANHGAC_ERR_TEST',
      { what: 'thing' },
      { location: { file: 'a.yml', line: 3, col: 5 } },
    );
    expect(e).toBeInstanceOf(CanhgacError);
    expect(e.describe()).toBe('a.yml:3:5: bad thing');
    expect(e.toJSON()).toEqual({ error: { code: 'CANHGAC_ERR_TEST', message: 'bad thing' } });
    expect(formatMessage('{a} {b}', { a: 1 })).toBe('1 {b}');
  });
  it('refuses codes outside the namespace', () => {
    expect(() => defineErrors({ BAD: { status: 500, message: 'x', meaning: 'm', remedy: 'r' } })).toThrow(
      /CANHGAC_ERR_/,
    );
  });
});
