import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { parseStream } from './parse.js';

async function parse(text: string, args: Parameters<typeof parseStream>[2] = {}) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const summary = await parseStream(Readable.from([text]), out, args);
  out.end();
  const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean);
  return { summary, lines };
}

describe('canhgac parse', () => {
  it('prints one JSON event per line, none for W3C headers, and a summary', async () => {
    const input = [
      '<38>Nov 22 09:59:58 web01 sshd[4242]: Accepted password for a from 1.2.3.4 port 1 ssh2',
      '#Fields: date time c-ip cs-method cs-uri-stem sc-status',
      '2024-01-01 00:00:01 1.2.3.4 GET /x 404',
      'garbage line',
      '',
    ].join('\r\n');
    const { summary, lines } = await parse(input, { tz: 'UTC', keepOriginal: false });
    expect(summary).toEqual({ lines: 4, events: 3, failed: 1 });
    const evs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(evs[0]).toMatchObject({
      'host.name': 'web01',
      'log.syslog.appname': 'sshd',
      'log.source.address': '127.0.0.1',
    });
    expect(evs[0]!['event.original']).toBeUndefined();
    expect(evs[1]).toMatchObject({ 'cs-method': 'GET', 'sc-status': 404 });
    expect(evs[2]).toMatchObject({ message: 'garbage line', 'canhgac.decode_error': 'unrecognised' });
  });

  it('honours --format and the text output', async () => {
    const { lines } = await parse('a=1 b=2\n', { format: 'kv', text: true, source: '10.0.0.1' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('a=1 b=2');
  });

  it('streams large inputs', async () => {
    const line = '<13>Nov 22 09:59:58 h p[1]: message number\n';
    const { summary } = await parse(line.repeat(5000));
    expect(summary).toEqual({ lines: 5000, events: 5000, failed: 0 });
  });
});
