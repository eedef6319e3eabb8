import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { RawRecord } from '../ingest/spool/types.js';
import { createProcessor, type PipelineOutput } from './processor.js';

const dir = mkdtempSync(join(tmpdir(), 'canhgac-proc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'evil.yml'),
  [
    'title: Evil word',
    'id: 5f0c4b5e-3d6a-4f3e-9d61-0c9f3c1f2a11',
    'status: experimental',
    'logsource:',
    '  product: linux',
    'detection:',
    '  selection:',
    '    message|contains: evilword',
    '  condition: selection',
    'level: high',
    '',
  ].join('\n'),
);

const rec = (source: string): RawRecord => ({
  id: `r-${source}`,
  receivedAt: Date.UTC(2026, 11, 7, 4, 0, 0),
  transport: 'udp',
  source,
  data: '<13>Dec  7 11:00:00 web01 app: evilword here',
});

describe('pipeline processor', () => {
  it('never matches quarantined events (senders no agency claims) but stores them', async () => {
    const p = await createProcessor({
      ruleDirs: [dir],
      normalise: {
        agencies: [{ id: '000.00.31.H40', name: 'Sở', networks: ['10.31.0.0/16'] }],
        unclaimedSenders: 'quarantine',
      },
    });
    const out = (await p.process([rec('10.31.0.5'), rec('203.0.113.9')])) as PipelineOutput[];
    expect(out).toHaveLength(2);
    expect(out[0]!.matches?.map((m) => m.title)).toEqual(['Evil word']);
    expect(out[1]!.event['canhgac.quarantine']).toBe('unclaimed_sender');
    expect(out[1]!.matches).toBeUndefined();
  });
});
