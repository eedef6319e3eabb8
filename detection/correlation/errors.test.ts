import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { CORRELATION_ERRORS, correlationError } from './errors.js';

describe('correlation error catalogue', () => {
  it('documents every code in README.md', () => {
    const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'README.md'), 'utf8');
    for (const code of Object.keys(CORRELATION_ERRORS)) expect(readme).toContain(`\`${code}\``);
  });
  it('builds errors with the code and message', () => {
    const e = correlationError('CANHGAC_ERR_CORRELATION_TIMESPAN', { rule: 'r', value: 0 });
    expect(e.code).toBe('CANHGAC_ERR_CORRELATION_TIMESPAN');
    expect(e.message).toContain('Correlation r');
  });
});
