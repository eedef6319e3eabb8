/** The `export` configuration section: defaults, validation, the password from the environment, and exportSetup. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../core/config/load.js';
import { type ExportConfig, exportSetup, startExport } from '../../reports/export/start.js';
import { openSqliteStores } from '../../store/sqlite/index.js';

const dir = mkdtempSync(join(tmpdir(), 'canhgac-export-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const load = (yaml: string, env: NodeJS.ProcessEnv = {}) => {
  const file = join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadConfig({ file, env }).export as ExportConfig;
};

describe('export configuration', () => {
  it('is off by default, monitoring only and TLP:AMBER unless said otherwise', async () => {
    const c = load('');
    expect(c).toMatchObject({
      enabled: false,
      defaultProfile: 'monitoring_only',
      defaultTlp: 'amber',
      maxTlp: 'amber',
    });
    const stores = openSqliteStores({ path: ':memory:' });
    await startExport(stores, c).stop();
    await stores.close();
  });

  it('a TAXII target with per-agency sharing; the password from CANHGAC_EXPORT_PASSWORD', () => {
    const c = load(
      [
        'export:',
        '  enabled: true',
        '  producer: Trung tâm Giám sát an toàn thông tin tỉnh',
        '  target: { kind: taxii, name: a05, apiRoot: "https://centre.example/api1/", collectionId: c1, username: tinh }',
        '  agencies:',
        '    000.00.34.H40: { securityLevel: 5, profile: full }',
        '    000.00.33.H40: { tlp: red }',
      ].join('\n'),
      { CANHGAC_EXPORT_PASSWORD: 'bí-mật' },
    );
    const { target, policy } = exportSetup(c);
    expect(target).toEqual({
      kind: 'taxii',
      name: 'a05',
      apiRoot: 'https://centre.example/api1/',
      collectionId: 'c1',
      username: 'tinh',
      password: 'bí-mật',
    });
    expect(policy.agencies?.['000.00.34.H40']).toEqual({ securityLevel: 5, profile: 'full' });
  });

  it('rejects unknown keys and bad values, and an HTTPS target without its URL', () => {
    expect(() => load('export:\n  target: { kind: ftp }')).toThrow(/export\/target\/kind/);
    expect(() => load('export:\n  agencies: { x: { securityLevel: 6 } }')).toThrow(/securityLevel/);
    expect(() => load('export:\n  colour: red')).toThrow(/unknown key 'colour'/);
    expect(() => exportSetup(load('export:\n  enabled: true'))).toThrow(
      'export.target.url is required when export.target.kind is https',
    );
  });
});
