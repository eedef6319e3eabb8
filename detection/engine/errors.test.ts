import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ENGINE_ERRORS, engineError } from './errors.js';

describe('engine error catalogue', () => {
  it('every code is well formed, documented in the README, and builds an error', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    for (const [code, spec] of Object.entries(ENGINE_ERRORS)) {
      expect(code).toMatch(/^CANHGAC_ERR_ENGINE_[A-Z_]+$/);
      expect(readme).toContain(`\`${code}\``);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      const e = engineError(code as keyof typeof ENGINE_ERRORS, { rule: 'r', reason: 'x', cidr: 'c', name: 'n' });
      expect(e.message).not.toContain('{');
    }
  });
});
