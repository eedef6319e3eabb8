import { describe, expect, it } from '@jest/globals';
import { WINDOWS_ERRORS, windowsError } from './errors.js';

describe('Windows/pipelines/event file error catalogue', () => {
  it('every code has a status and a message, and builds an error', () => {
    for (const [code, spec] of Object.entries(WINDOWS_ERRORS)) {
      expect(code).toMatch(/^CANHGAC_ERR_(PIPELINE|EVENTS)_[A-Z_]+$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.message.length).toBeGreaterThan(10);
      expect(
        windowsError(code as keyof typeof WINDOWS_ERRORS, { reason: 'r', file: 'f', malformed: 0 }).message,
      ).not.toContain('{');
    }
  });
});
