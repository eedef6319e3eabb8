import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { registry } from '../../core/metrics.js';
import { explainSkip, sharedPath } from '../../core/shared-data.js';
import { clearRuleCacheMemory } from './cache.js';
import { loadRules } from './load.js';

const rule = (id: string, value: string, extra = '') => `title: Rule ${id}
id: ${id}
logsource:
  product: linux
  service: auth
detection:
  selection:
    message|contains: '${value}'
  constructor:
    user: root
  condition: selection and not constructor
level: high
${extra}`;
const CORR = `title: Many
name: many
correlation:
  type: event_count
  rules: [r1]
  group-by: [host.name]
  timespan: 5m
  aliases:
    __proto__:
      r1: user.name
  condition:
    gte: 3
`;
const ID1 = '00000000-0000-4000-8000-000000000001';
const ID2 = '00000000-0000-4000-8000-000000000002';

async function lookups(outcome: string): Promise<number> {
  const m = await registry.getSingleMetric('canhgac_sigma_cache_lookups_total')?.get();
  return m?.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}

function tree() {
  const dir = mkdtempSync(join(tmpdir(), 'canhgac-rule-cache-'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'a.yml'), rule(ID1, 'Failed password'));
  writeFileSync(join(dir, 'rules', 'b.yml'), rule(ID2, 'Accepted', 'name: r1\n'));
  writeFileSync(join(dir, 'rules', 'c.yml'), CORR);
  writeFileSync(join(dir, 'rules', 'bad.yml'), 'title: [unclosed\n');
  return dir;
}

describe('compiled-rule cache', () => {
  it('gives back exactly what parsing gives, paths filled in, bare maps kept bare', async () => {
    const dir = tree();
    try {
      clearRuleCacheMemory();
      const fresh = await loadRules([join(dir, 'rules')], { cache: false });
      const first = await loadRules([join(dir, 'rules')], { cacheDir: join(dir, 'cache') });
      clearRuleCacheMemory(); // the next load reads the cache file
      const hits = await lookups('hit');
      const fromFile = await loadRules([join(dir, 'rules')], { cacheDir: join(dir, 'cache') });
      expect(await lookups('hit')).toBe(hits + 4);
      expect(isDeepStrictEqual(first, fresh)).toBe(true);
      expect(isDeepStrictEqual(fromFile, fresh)).toBe(true);
      expect(fromFile.problems.some((p) => p.file.endsWith('bad.yml') && p.severity === 'error')).toBe(true);
      const r = fromFile.documents.find((d) => d.id === ID1)!;
      expect(r.file).toBe(join(dir, 'rules', 'a.yml'));
      expect(r.kind === 'rule' && Object.getPrototypeOf(r.searches)).toBeNull();
      const c = fromFile.documents.find((d) => d.kind === 'correlation')!;
      expect(c.kind === 'correlation' && Object.getPrototypeOf(c.aliases)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses a changed file again and only that one; the same text under another name is one entry', async () => {
    const dir = tree();
    try {
      clearRuleCacheMemory();
      await loadRules([join(dir, 'rules')], { cacheDir: join(dir, 'cache') });
      writeFileSync(join(dir, 'rules', 'a.yml'), rule(ID1, 'Invalid user'));
      writeFileSync(join(dir, 'rules', 'copy.yml'), readFileSync(join(dir, 'rules', 'bad.yml')));
      const misses = await lookups('miss');
      const next = await loadRules([join(dir, 'rules')], { cacheDir: join(dir, 'cache') });
      expect(await lookups('miss')).toBe(misses + 1);
      const r = next.documents.find((d) => d.id === ID1)!;
      expect(JSON.stringify(r)).toContain('Invalid user');
      expect(next.problems.filter((p) => p.file.endsWith('copy.yml')).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('placeholder values are part of the key', async () => {
    const dir = tree();
    try {
      writeFileSync(
        join(dir, 'rules', 'p.yml'),
        rule(ID1, 'x').replace("message|contains: 'x'", 'user|expand: "%admins%"'),
      );
      rmSync(join(dir, 'rules', 'a.yml'));
      const load = (v: string) =>
        loadRules([join(dir, 'rules')], { cacheDir: join(dir, 'cache'), placeholders: { admins: [v] } });
      const a = await load('alice');
      const b = await load('bob');
      expect(JSON.stringify(a.documents.find((d) => d.id === ID1))).toContain('alice');
      expect(JSON.stringify(b.documents.find((d) => d.id === ID1))).toContain('bob');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a damaged cache file is ignored, never an error', async () => {
    const dir = tree();
    try {
      mkdirSync(join(dir, 'cache'));
      await loadRules([join(dir, 'rules')], { cacheDir: join(dir, 'cache') });
      const f = join(dir, 'cache', 'sigma-rules.cache');
      writeFileSync(
        f,
        readFileSync(f, 'utf8')
          .replace(/\{"documents"/g, '{"docu')
          .concat('garbage\n\t\t'),
      );
      clearRuleCacheMemory();
      const fresh = await loadRules([join(dir, 'rules')], { cache: false });
      const again = await loadRules([join(dir, 'rules')], { cacheDir: join(dir, 'cache') });
      expect(isDeepStrictEqual(again, fresh)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const SIGMA = sharedPath('sigma', 'rules');
  if (!SIGMA) explainSkip('the SigmaHQ cache round trip');
  (SIGMA ? it : it.skip)(
    'every SigmaHQ rule comes back from the cache as parsing made it',
    async () => {
      if (!SIGMA) return;
      clearRuleCacheMemory();
      const dir = mkdtempSync(join(tmpdir(), 'canhgac-rule-cache-'));
      try {
        const fresh = await loadRules([SIGMA], { cache: false });
        await loadRules([SIGMA], { cacheDir: dir });
        clearRuleCacheMemory();
        const cached = await loadRules([SIGMA], { cacheDir: dir });
        expect(cached.documents.length).toBeGreaterThan(3000);
        expect(isDeepStrictEqual(cached, fresh)).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
