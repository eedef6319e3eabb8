/**
 * `canhgac parse`: decodes and normalises log lines from stdin (one message per line) and prints one event
 * per line as JSON; W3C header lines print nothing. A summary `{"lines","events","failed"}` goes to stderr.
 * Streams, so files of any size work.
 */

import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { pino } from 'pino';
import { newEventId } from '../core/ids.js';
import { setRootLogger } from '../core/log.js';
import { DECODERS } from '../ingest/decoders/index.js';
import { createNormaliseContext, normaliseRecord } from '../ingest/normalise/index.js';

const USAGE = `Usage: canhgac parse [--format NAME] [--json] [--tz ZONE] [--source ADDR] [--no-original] < FILE

  --format NAME   decoder: ${Object.keys(DECODERS).join('|')} (default auto)
  --json          one JSON event per line (the default)
  --text          one short human-readable line per event instead
  --tz ZONE       zone for timestamps without an offset (default Asia/Ho_Chi_Minh)
  --source ADDR   sender address to attribute the lines to (default 127.0.0.1)
  --no-original   leave event.original out
`;

/** Parsed command-line options. */
interface ParseArgs {
  format: string;
  tz: string | undefined;
  source: string;
  text: boolean;
  keepOriginal: boolean;
}

function parseArgs(argv: string[]): ParseArgs | string {
  const a: ParseArgs = { format: 'auto', tz: undefined, source: '127.0.0.1', text: false, keepOriginal: true };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const eq = k.indexOf('=');
    const name = eq > 0 ? k.slice(0, eq) : k;
    const value = (): string | undefined => (eq > 0 ? k.slice(eq + 1) : argv[++i]);
    if (name === '--format' || name === '-f') {
      const v = value();
      if (v === undefined) return '--format needs a value';
      a.format = v;
    } else if (name === '--tz') {
      const v = value();
      if (v === undefined) return '--tz needs a value';
      a.tz = v;
    } else if (name === '--source') {
      const v = value();
      if (v === undefined) return '--source needs a value';
      a.source = v;
    } else if (name === '--json') a.text = false;
    else if (name === '--text') a.text = true;
    else if (name === '--no-original') a.keepOriginal = false;
    else return `unknown option '${k}'`;
  }
  return a;
}

function textLine(ev: Record<string, unknown>): string {
  const ls = [ev['logsource.product'], ev['logsource.category'], ev['logsource.service']].filter(Boolean).join('/');
  const app = ev['log.syslog.appname'];
  const err = ev['canhgac.decode_error'];
  return `${ev['@timestamp']} ${ev['host.name'] ?? '-'} ${app ?? '-'} [${ls || '-'}]${err ? ` (raw: ${err})` : ''} ${ev.message}\n`;
}

/** Runs the parse loop over streams (exported for tests); returns the summary. */
export async function parseStream(
  input: Readable,
  output: Writable,
  args: { format?: string; tz?: string; source?: string; text?: boolean; keepOriginal?: boolean },
): Promise<{ lines: number; events: number; failed: number }> {
  const ctx = createNormaliseContext({
    format: args.format ?? 'auto',
    ...(args.tz !== undefined ? { tz: args.tz } : {}),
    keepOriginal: args.keepOriginal ?? true,
  });
  const source = args.source ?? '127.0.0.1';
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  // A closed reader (`| head`) ends the run quietly instead of crashing on EPIPE.
  let closed = false;
  output.on('error', () => {
    closed = true;
    rl.close();
  });
  let lines = 0;
  let events = 0;
  let failed = 0;
  let buf = '';
  const flush = async (): Promise<void> => {
    if (buf === '') return;
    const chunk = buf;
    buf = '';
    if (closed) return;
    if (!output.write(chunk)) {
      await new Promise<void>((resolve) => {
        output.once('drain', resolve);
        output.once('error', resolve);
      });
    }
  };
  for await (const line of rl) {
    if (closed) break;
    lines++;
    if (line === '') continue;
    const now = Date.now();
    const ev = normaliseRecord({ id: newEventId(now), receivedAt: now, transport: 'tcp', source, data: line }, ctx);
    if (ev === undefined) continue;
    events++;
    if (ev['canhgac.decode_error'] !== undefined) failed++;
    buf += args.text ? textLine(ev) : `${JSON.stringify(ev)}\n`;
    if (buf.length > 65_536) await flush();
  }
  await flush();
  return { lines, events, failed };
}

/** `canhgac parse` entry point. */
export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const a = parseArgs(argv);
  if (typeof a === 'string') {
    process.stderr.write(`canhgac parse: ${a}\n\n${USAGE}`);
    return 2;
  }
  // stdout carries events only: log lines go to stderr.
  setRootLogger(
    pino({ level: process.env.CANHGAC_LOG_LEVEL ?? 'warn', base: { service: 'canhgac' } }, pino.destination(2)),
  );
  const summary = await parseStream(process.stdin, process.stdout, {
    format: a.format,
    ...(a.tz !== undefined ? { tz: a.tz } : {}),
    source: a.source,
    text: a.text,
    keepOriginal: a.keepOriginal,
  });
  process.stderr.write(`${JSON.stringify(summary)}\n`);
  return 0;
}
