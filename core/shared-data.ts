import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder holding package.json), found from this file whether run from source or dist/. */
export const projectRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('Cannot find the canhgac project root');
    dir = up;
  }
  return dir;
})();

/** `../shared` beside the project (SigmaHQ rules, specification, corpus), or undefined on a user's clone. */
export function sharedDir(): string | undefined {
  const dir = process.env.CANHGAC_SHARED_DIR ?? resolve(projectRoot, '..', 'shared');
  return existsSync(dir) ? dir : undefined;
}

/** A path under ../shared, or undefined when ../shared (or that path) is absent. */
export function sharedPath(...parts: string[]): string | undefined {
  const base = sharedDir();
  if (!base) return undefined;
  const p = join(base, ...parts);
  return existsSync(p) ? p : undefined;
}

/** Says once, clearly, why a test that needs ../shared is skipped. */
export function explainSkip(what: string): void {
  process.stderr.write(
    `SKIPPED: ${what} needs ../shared (absent on this clone: set CANHGAC_SHARED_DIR or check out shared/ beside the project).\n`,
  );
}
