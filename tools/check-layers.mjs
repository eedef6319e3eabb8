#!/usr/bin/env node
// The folder order of docs/architecture.md, checked. Reads every TypeScript source (tests included: a test beside
// the code lives in that folder's layer), resolves each relative import to its top-level folder, and fails on an
// import that goes against the order and on any folder-level cycle. Prints the folder edges either way, so anyone
// can see the house: `npm run check:layers` (or `node tools/check-layers.mjs --root DIR` for another tree).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The documented order, top to bottom. A folder may import itself and any folder in a tier above its own, nothing
 * else: ingest, detection and store stand on core alone and never import each other.
 */
export const TIERS = [
  ['core'],
  ['ingest', 'detection', 'store'],
  ['context'],
  ['incidents'],
  ['notify'],
  ['reports'],
  ['pipeline'],
  ['api'],
  ['cli'],
];
/**
 * What each product folder may import, derived from TIERS. The web console talks to api/ over HTTP only; its
 * bundle may share the floor's vocabulary (core/: the glossary of states and severities), nothing else.
 */
export const LAYERS = Object.fromEntries([
  ...TIERS.flatMap((tier, i) => tier.map((folder) => [folder, TIERS.slice(0, i).flat()])),
  ['dashboards', ['core']],
]);
/** Benchmarks, cross-cutting tests and tools may import anything; no product folder may import them. */
export const FREE = ['bench', 'tests', 'tools'];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.tmp', 'data', 'target']);
const TEST_FILE = /\.test\.tsx?$/;
const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;
// Static imports and re-exports (`import x from '...'`, `export * from '...'`, `import '...'`) and dynamic ones.
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

/** Strips comments so a commented-out import does not count (strings are kept: imports live in them). */
function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
}

/** Every cross-folder import of the tree under `root`: `{ from, to, file, spec }`. */
export function folderImports(root) {
  const folders = [...Object.keys(LAYERS), ...FREE];
  const out = [];
  for (const top of folders) {
    let entries;
    try {
      entries = [...walk(join(root, top))];
    } catch {
      continue;
    }
    for (const file of entries) {
      // The console's browser bundle is built separately and reaches the API over HTTP: a fetch, not an import.
      const text = stripComments(readFileSync(file, 'utf8'));
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2];
        if (!spec.startsWith('.')) continue;
        const target = relative(root, resolve(dirname(file), spec));
        const to = target.split(sep)[0];
        if (to === top || to.startsWith('..')) continue;
        out.push({ from: top, to, file: relative(root, file), spec });
      }
    }
  }
  return out;
}

/**
 * The test layout rule (docs/architecture.md "Tests"): a test's kind is its suffix, one per kind: `.test.ts`
 * (unit: no network, no other process), `.int.test.ts` (real Redis, OpenSearch, SMTP, local programs),
 * `.browser.test.ts` (real chromium). Test kits (servers, fixtures, generators, conformance suites) live under
 * tests/, never in a product folder. Returns one problem per file that breaks it.
 */
export function testLayout(root) {
  const problems = [];
  for (const top of Object.keys(LAYERS)) {
    let files;
    try {
      files = [...walk(join(root, top))];
    } catch {
      continue;
    }
    for (const file of files) {
      const rel = relative(root, file);
      const name = rel.split(sep).pop();
      const kind = /\.([a-z0-9-]+)\.test\.tsx?$/.exec(name);
      if (kind && !['int', 'browser'].includes(kind[1]))
        problems.push(`${rel}: test suffix .${kind[1]}.test.ts; use .test.ts, .int.test.ts or .browser.test.ts`);
      if (!TEST_FILE.test(name) && /(testkit|test-env|fixture|arbitraries|conformance)/.test(name))
        problems.push(`${rel}: a test kit in a product folder; move it under tests/`);
    }
  }
  return problems;
}

/** Most lines a product source file may have (tests, benchmarks and generated data files aside). */
export const MAX_LINES = 500;

/** Product source files (no tests) by line count, largest first: `{ file, lines }`. */
export function fileSizes(root) {
  const out = [];
  for (const top of Object.keys(LAYERS)) {
    let files;
    try {
      files = [...walk(join(root, top))];
    } catch {
      continue;
    }
    for (const file of files) {
      if (TEST_FILE.test(file)) continue;
      const text = readFileSync(file, 'utf8');
      out.push({ file: relative(root, file), lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) });
    }
  }
  return out.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
}

/** Checks the imports against the order; returns `{ edges, violations, cycles }`. */
export function checkLayers(root) {
  const imports = folderImports(root);
  const edges = new Map();
  const product = new Map();
  const violations = [];
  for (const imp of imports) {
    const key = `${imp.from} -> ${imp.to}`;
    edges.set(key, (edges.get(key) ?? 0) + 1);
    if (LAYERS[imp.from] && LAYERS[imp.to]) product.set(key, (product.get(key) ?? 0) + 1);
    if (FREE.includes(imp.from)) {
      if (FREE.includes(imp.to) || LAYERS[imp.to]) continue;
    } else if (LAYERS[imp.from]?.includes(imp.to)) continue;
    // A test beside the code may use the shared test kits of tests/ (servers, certificates, clients); nothing
    // else in a product folder may. Such an import is not a folder edge of the product.
    else if (imp.to === 'tests' && TEST_FILE.test(imp.file)) continue;
    violations.push(imp);
  }
  // Cycles among product folders; bench/, tests/ and tools/ sit outside the order (they may import anything).
  return { edges, violations, cycles: folderCycles(product) };
}

/** Strongly connected folder groups with more than one folder (Tarjan), each sorted. */
function folderCycles(edges) {
  const graph = new Map();
  for (const key of edges.keys()) {
    const [a, b] = key.split(' -> ');
    if (!graph.has(a)) graph.set(a, []);
    if (!graph.has(b)) graph.set(b, []);
    graph.get(a).push(b);
  }
  let index = 0;
  const stack = [];
  const info = new Map();
  const out = [];
  const visit = (v) => {
    info.set(v, { index, low: index, on: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v)) {
      if (!info.has(w)) {
        visit(w);
        info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
      } else if (info.get(w).on) info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
    }
    if (info.get(v).low === info.get(v).index) {
      const group = [];
      let w;
      do {
        w = stack.pop();
        info.get(w).on = false;
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!info.has(v)) visit(v);
  return out;
}

function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--root');
  const root = at >= 0 ? resolve(args[at + 1]) : resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const { edges, violations, cycles } = checkLayers(root);
  console.log('Folder edges (imports):');
  for (const [key, n] of [...edges.entries()].sort()) console.log(`  ${key}  (${n})`);
  for (const v of violations) {
    console.error(`layers: ${v.file} imports '${v.spec}': ${v.from} may not import ${v.to}`);
  }
  for (const c of cycles) console.error(`layers: folder-level cycle among ${c.join(', ')}`);
  const layout = testLayout(root);
  for (const p of layout) console.error(`test layout: ${p}`);
  const sizes = fileSizes(root);
  const large = sizes.filter((f) => f.lines > MAX_LINES);
  for (const f of large) console.error(`file size: ${f.file} has ${f.lines} lines; split it (at most ${MAX_LINES})`);
  if (sizes.length) console.log(`largest product file: ${sizes[0].file} (${sizes[0].lines} lines)`);
  if (violations.length || cycles.length || layout.length || large.length) {
    console.error(
      `layers: ${violations.length} forbidden import(s), ${cycles.length} folder cycle(s); order in docs/architecture.md`,
    );
    process.exit(1);
  }
  console.log('layers: ok, every import follows the folder order; no folder-level cycle');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
