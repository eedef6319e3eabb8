/**
 * Child process of the crash-safety test: a RELP source on a free loopback port appending to a FileSpool
 * (fsync always) in argv[2]. Prints `READY <port>` and runs until killed (the test uses SIGKILL).
 *   node --import ./tests/ingest/ts-register.mjs tests/ingest/relp-crash-child.ts <spool-dir>
 */
import { FileSpool } from '../../ingest/spool/file-spool.js';
import { RelpSource } from '../../ingest/sources/relp/source.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: relp-crash-child.ts <spool-dir>');
const spool = await FileSpool.open({ dir, fsync: 'always', name: 'crash' });
const src = new RelpSource({ host: '127.0.0.1', port: 0 }, spool);
const port = await src.start();
process.stdout.write(`READY ${port}\n`);
process.on('SIGTERM', () => {
  void src
    .stop()
    .then(() => spool.close())
    .then(() => process.exit(0));
});
