/**
 * `canhgac quarantine list|replay`: the records no worker could process, kept with their reason (cli/quarantine.ts).
 * `replay` marks them (all, or the ids given); the running service replays marked records within seconds, and at
 * its next start: the ones that pass leave the quarantine, the others come back with one more failure.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config/load.js';
import { openStores } from '../store/index.js';
import { listQuarantine, markForReplay } from '../pipeline/quarantine.js';

const HELP = `Usage: canhgac quarantine list [--json] [--config FILE] [--data-dir DIR]
       canhgac quarantine replay [--all | ID...] [--config FILE] [--data-dir DIR]

Records that no worker could process (each failed every try) are kept in quarantine with the reason, never
replayed forever. 'list' shows them; 'replay' (after an upgrade that fixes the cause) marks them for the running
service, which processes them again: those that pass leave the quarantine.
`;

/** Neutralises control characters (log content is untrusted: no terminal escapes reach the operator's terminal). */
const safe = (s: string) =>
  s.replace(
    /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/** `canhgac quarantine`. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      'data-dir': { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [verb, ...ids] = positionals;
  if (values.help || (verb !== 'list' && verb !== 'replay')) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  if (verb === 'replay' && !values.all && ids.length === 0) {
    process.stderr.write('canhgac quarantine replay: give record ids or --all\n');
    return 2;
  }
  const config = loadConfig({
    ...(values.config ? { file: values.config } : {}),
    overrides: { dataDir: values['data-dir'] },
  });
  const stores = await openStores(config);
  try {
    if (verb === 'replay') {
      const n = await markForReplay(stores.state, values.all ? [] : ids);
      process.stdout.write(`${n} record(s) marked for replay; the running service replays them within seconds\n`);
      return n > 0 || values.all ? 0 : 1;
    }
    const docs = await listQuarantine(stores.state);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(docs.map(({ version: _v, ...d }) => d))}\n`);
      return 0;
    }
    for (const d of docs)
      process.stdout.write(
        `${d.id}\t${new Date(d.quarantinedAt).toISOString()}\t${d.record.source}\tfailures=${d.failures}${d.replay ? ' (replay requested)' : ''}\t${safe(d.reason)}\t${safe(d.record.data.slice(0, 120))}\n`,
      );
    process.stdout.write(`${docs.length} record(s) in quarantine\n`);
    return 0;
  } finally {
    await stores.close();
  }
}
