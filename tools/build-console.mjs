#!/usr/bin/env node
// Builds the web console (dashboards/console/src) with esbuild into dist/console: index.html plus content-hashed
// bundles under assets/ (served with a year's cache by api/console-bundle.ts). No CDN, no inline script or
// style (the page's CSP forbids both). Typechecks the console first (its own tsconfig: DOM types, JSX).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'dashboards/console');
const out = join(root, 'dist/console');

if (!process.argv.includes('--no-typecheck')) {
  const tsc = join(root, 'node_modules/.bin/tsc');
  try {
    execFileSync(tsc, ['--noEmit', '-p', join(src, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
  } catch {
    console.error('build-console: the console does not typecheck (see above)');
    process.exit(1);
  }
}

// Hashed names never collide, so a build next to a running server (or a test) leaves the files it uses in place:
// index.html is swapped atomically and only assets unreferenced and older than an hour are pruned.
mkdirSync(join(out, 'assets'), { recursive: true });
const result = await build({
  entryPoints: [join(src, 'src/main.tsx')],
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox115'],
  minify: true,
  // The map is written for local debugging but not linked from the bundle, and the server never serves .map files.
  sourcemap: 'external',
  jsx: 'automatic',
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});

let js;
let css;
for (const [file, info] of Object.entries(result.metafile.outputs)) {
  if (info.entryPoint && file.endsWith('.js')) js = basename(file);
  if (file.endsWith('.css')) css = basename(file);
}
if (!js) throw new Error('build-console: esbuild wrote no entry bundle');
const html = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Canh Gác SOC</title>
${css ? `<link rel="stylesheet" href="/assets/${css}">\n` : ''}<script type="module" src="/assets/${js}"></script>
</head>
<body>
<noscript>Bảng điều khiển cần JavaScript. / The console needs JavaScript.</noscript>
<div id="root"></div>
</body>
</html>
`;
writeFileSync(join(out, 'index.html.tmp'), html);
renameSync(join(out, 'index.html.tmp'), join(out, 'index.html'));
const keep = new Set(Object.keys(result.metafile.outputs).map((f) => basename(f)));
for (const name of readdirSync(join(out, 'assets'))) {
  const path = join(out, 'assets', name);
  if (!keep.has(name) && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { force: true });
}
const size = Object.values(result.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
console.error(`build-console: ${relative(root, out)} (${js}${css ? `, ${css}` : ''}; ${Math.round(size / 1024)} KiB)`);
