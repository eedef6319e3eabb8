import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { projectRoot } from '../shared-data.js';
import { configReference } from './docs.js';

describe('configuration reference', () => {
  it('docs/configuration.md is the one generated from the schema', () => {
    const committed = readFileSync(join(projectRoot, 'docs', 'configuration.md'), 'utf8');
    expect(committed).toBe(configReference());
  });
});
