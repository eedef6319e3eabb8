import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSpoolConformance } from '../../tests/conformance/spool.js';
import { FileSpool } from './file-spool.js';
import { MemorySpool } from './memory-spool.js';

const base = mkdtempSync(join(tmpdir(), 'canhgac-spool-conf-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

runSpoolConformance('FileSpool', (maxBytes) =>
  FileSpool.open({ dir: join(base, String(n++)), ...(maxBytes ? { maxBytes, segmentBytes: 4096 } : {}) }),
);
runSpoolConformance('MemorySpool', async (maxBytes) => new MemorySpool(maxBytes ? { maxBytes } : {}));
