import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../shared-data.js';
import { loadConfig } from './load.js';
import { CONFIG_SCHEMA } from './schema.js';
import type { Config } from './types.js';

describe('the configuration type derived from the schema', () => {
  it('types defaulted keys as present and carries the schema defaults', () => {
    const config: Config = loadConfig({ env: {} });
    // Compile-time: these read without a cast or a second default (a wrong type fails `tsc`).
    const workers: number = config.workers;
    const level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = config.log.level;
    const apiPort: number = config.api.port;
    expect(workers).toBe(CONFIG_SCHEMA.properties.workers.default);
    expect(level).toBe(CONFIG_SCHEMA.properties.log.properties.level.default);
    expect(apiPort).toBe(CONFIG_SCHEMA.properties.api.properties.port.default);
    // A key without a default stays optional (undefined until set).
    expect(config.auth.oidc).toBeUndefined();
  });

  it('leaves no `config as {...}` cast in product code', () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const n of readdirSync(dir)) {
        const p = join(dir, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith('.ts') && !n.endsWith('.test.ts')) {
          const text = readFileSync(p, 'utf8');
          if (/\bconfig(\.[A-Za-z]+)*\)? as [{A-Z(u]/.test(text)) found.push(relative(projectRoot, p));
        }
      }
    };
    for (const f of [
      'core',
      'ingest',
      'detection',
      'store',
      'incidents',
      'notify',
      'reports',
      'pipeline',
      'api',
      'cli',
    ]) {
      try {
        walk(join(projectRoot, f));
      } catch {
        // a folder that does not exist yet
      }
    }
    expect(found).toEqual([]);
  });
});
