// Fails loudly when a native module did not build (npm 11 skips install scripts that are not approved).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let failed = false;
for (const [name, probe] of [
  ['better-sqlite3', (m) => new m(':memory:').prepare('select 1 as x').get().x === 1],
  ['re2', (m) => new m('a+b').test('xaab')],
]) {
  try {
    if (!probe(require(name))) throw new Error('probe returned a wrong answer');
  } catch (err) {
    failed = true;
    process.stderr.write(
      `Native module ${name} is not usable: ${err.message}\n` +
        `  Its install script must run: check "allowScripts" in package.json, then \`npm rebuild ${name}\`.\n`,
    );
  }
}
if (failed) process.exit(1);
