/**
 * The hostile-input harness (bench/hostile-input.ts) for 20 s against a real `canhgac start`: ordinary lines over
 * UDP, TCP, TLS, RELP and HTTP mixed with deep/wide JSON, huge fields, NULs, invalid UTF-8, broken framing and
 * _bulk, fast-check samples. The 5-minute run is `node dist/bench/hostile-input.js --seconds 300`.
 */

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runHostile } from '../../bench/hostile-input.js';
import { projectRoot } from '../../core/shared-data.js';

const built = existsSync(join(projectRoot, 'dist', 'pipeline', 'processor.js'));
let openssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  openssl = false;
}

(built && openssl ? describe : describe.skip)('hostile input (short run)', () => {
  it('stores every ordinary event, keeps or counts every hostile record, /readyz tells the truth, memory bounded', async () => {
    const f = await runHostile(20);
    process.stdout.write(`${JSON.stringify(f)}\n`);
    for (const t of ['tcp', 'tls', 'relp', 'http'] as const) expect(f.ordinaryStored[t]).toBe(f.ordinarySent[t]);
    // UDP on loopback at this rate does not lose datagrams; allow none.
    expect(f.ordinaryStored.udp).toBe(f.ordinarySent.udp);
    expect(f.hostileSent).toBeGreaterThan(50);
    expect(f.hostileStored).toBeGreaterThan(0);
    expect(f.metrics['canhgac_decode_limits_total{limit="depth"}']).toBeGreaterThanOrEqual(1);
    expect(f.bulkRefused).toBeGreaterThan(0);
    expect(f.readyzLies).toBe(0);
    expect(f.readyzNot200).toBe(0);
    expect(f.metrics.canhgac_pipeline_stalled).toBe(0);
    expect(f.rssMaxMb).toBeLessThan(f.rssStartMb + 400);
  }, 240_000);
});
