import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { projectRoot } from '../core/shared-data.js';
import { STAGES, WORKER_STAGES } from './stages.js';

describe('the stage list', () => {
  it('runs the stages in the documented order, each once', () => {
    expect(WORKER_STAGES.map((s) => s.name)).toEqual(['decode-normalise', 'match']);
    expect(STAGES.map((s) => s.name)).toEqual(['context', 'correlate', 'store', 'alert', 'incident']);
    const names = [...WORKER_STAGES, ...STAGES].map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('is the order docs/architecture.md shows', () => {
    const doc = readFileSync(join(projectRoot, 'docs', 'architecture.md'), 'utf8');
    expect(doc).toContain('`context`, `correlate`, `store`, `alert`, `incident`');
    expect(doc).toContain('`decodeNormalise`, `match`');
  });
});
