/**
 * `canhgac hunt --rule FILE --from T --to T [--json] [--data-dir DIR]`: runs Sigma rules over stored history.
 * Events go to stdout (text lines, or one JSON object per line with --json); problems and the per-rule summary
 * go to stderr. Exit code: 0 every rule ran, 1 some rule could not be loaded or hunted (the others still ran),
 * 2 usage error.
 */
import { existsSync } from 'node:fs';
import { cliLogsToStderr } from './logs.js';
import { terminalText, visibleText } from '../core/text.js';

/** Where the command writes (tests pass their own). */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const USAGE = `Usage: canhgac hunt --rule FILE [--rule FILE...] --from TIME [--to TIME] [options]

Runs Sigma detection rules over the events already stored (retro-hunt).

  --rule FILE       Sigma rule file or directory (repeatable)
  --from TIME       start, inclusive: ISO-8601 (2026-03-01T00:00:00Z), epoch ms, or an age such as 24h, 7d
  --to TIME         end, exclusive (default: now)
  --json            one JSON object per matching event: {"rule":{...},"event":{...}}
  --data-dir DIR    data directory of the embedded store (default: the configuration's dataDir)
  --config FILE     canhgac.yaml (store settings; OpenSearch when configured)
  --agency ID       hunt only this agency's events
  --limit N         stop after N events per rule
  --explain         print each rule's store query on stderr
`;

interface Args {
  rules: string[];
  from?: string;
  to?: string;
  json: boolean;
  dataDir?: string;
  config?: string;
  agency?: string;
  limit?: number;
  explain: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = { rules: [], json: false, explain: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const val = (): string | undefined => argv[++i];
    switch (k) {
      case '--rule': {
        const v = val();
        if (!v) return '--rule needs a file';
        a.rules.push(v);
        break;
      }
      case '--from':
      case '--to':
      case '--data-dir':
      case '--config':
      case '--agency':
      case '--limit': {
        const v = val();
        if (v === undefined) return `${k} needs a value`;
        if (k === '--from') a.from = v;
        else if (k === '--to') a.to = v;
        else if (k === '--data-dir') a.dataDir = v;
        else if (k === '--config') a.config = v;
        else if (k === '--agency') a.agency = v;
        else {
          const n = Number(v);
          if (!Number.isInteger(n) || n < 1) return '--limit needs a positive integer';
          a.limit = n;
        }
        break;
      }
      case '--json':
        a.json = true;
        break;
      case '--explain':
        a.explain = true;
        break;
      default:
        return `unknown option ${k}`;
    }
  }
  if (a.rules.length === 0) return '--rule is required';
  if (a.from === undefined) return '--from is required';
  return a;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A time argument: ISO-8601, epoch ms, or an age (`90m`, `24h`, `7d`) before `now`. */
export function parseTime(text: string, now: number): number | undefined {
  const age = /^(\d+)([smhdw])$/.exec(text.trim());
  if (age) return now - Number(age[1]) * UNITS[age[2]!]!;
  if (/^\d{10,}$/.test(text.trim())) return Number(text.trim());
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

function oneLine(e: Record<string, unknown>, title: string, level: string | undefined): string {
  // Every field is log content or a rule's text: controls and bidi characters shown, never obeyed (core/text.ts).
  const msg = typeof e.message === 'string' ? visibleText(e.message.replace(/[ \t\n]+/g, ' ').slice(0, 160)) : '';
  const host = typeof e['host.name'] === 'string' ? visibleText(e['host.name']) : '-';
  const head = `${visibleText(String(e['@timestamp']))}  ${visibleText(String(e['agency.id']))}  ${host}`;
  return `${head}  [${visibleText(level ?? '-')}] ${visibleText(title)}${msg ? `  | ${msg}` : ''}\n`;
}

/** Runs `canhgac hunt`; returns the exit code. */
export async function run(
  argv: string[],
  io: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) },
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.err(`canhgac hunt: ${args}\n\n${USAGE}`);
    return 2;
  }
  const now = Date.now();
  const from = parseTime(args.from!, now);
  const to = args.to === undefined ? now : parseTime(args.to, now);
  if (from === undefined || to === undefined || from > to) {
    io.err('canhgac hunt: --from and --to must be times (ISO-8601, epoch ms or an age like 24h) with from <= to\n');
    return 2;
  }
  cliLogsToStderr();
  // One import at a time: concurrent dynamic imports trip jest's ESM loader, and the cost is the same.
  const { loadConfig } = await import('../core/config/load.js');
  const { loadRules } = await import('../detection/sigma/load.js');
  const store = await import('../store/index.js');
  const { hunt } = await import('../detection/hunt/hunt.js');
  const { translateRule } = await import('../detection/hunt/translate.js');
  const { toQueryString } = await import('../core/event/query.js');
  const config = loadConfig({ ...(args.config ? { file: args.config } : {}), overrides: { dataDir: args.dataDir } });
  const storeCfg = config;
  if (
    storeCfg.store?.kind !== 'opensearch' &&
    !storeCfg.store?.opensearch?.url &&
    !existsSync(store.sqlitePath(config.dataDir))
  ) {
    io.err(`canhgac hunt: no event store at ${store.sqlitePath(config.dataDir)} (check --data-dir)\n`);
    return 1;
  }

  const loaded = await loadRules(args.rules);
  let failed = false;
  for (const p of loaded.problems) {
    if (p.severity === 'error') failed = true;
    io.err(`${p.file}:${p.line}:${p.col}: ${p.severity}: ${p.message} (${p.code})\n`);
  }
  const filters = loaded.documents.filter((d) => d.kind === 'filter');
  const rules = loaded.documents.filter((d) => d.kind === 'rule');
  for (const d of loaded.documents) {
    if (d.kind === 'correlation') {
      io.err(`${d.file}: correlation ${d.id} is not hunted (hunt the detection rules it names)\n`);
    }
  }
  if (rules.length === 0) {
    io.err('canhgac hunt: no detection rule to run\n');
    return 1;
  }

  const stores = await store.openStores(storeCfg, { retention: false });
  const scope = args.agency ? store.agencyScope(args.agency) : store.SCOPE_ALL;
  let total = 0;
  try {
    for (const rule of rules) {
      const t = translateRule(rule, filters);
      const reasons = t.ok ? (stores.events.unsupported?.(t.query) ?? []) : t.reasons;
      if (!t.ok || reasons.length > 0) {
        failed = true;
        io.err(`${rule.file}: rule ${rule.id} (${rule.title}) cannot be hunted: ${reasons.join('; ')}\n`);
        continue;
      }
      if (args.explain) io.err(`${rule.id}: ${toQueryString(t.query)}\n`);
      let n = 0;
      const meta = { id: rule.id, title: rule.title, level: rule.level };
      for await (const e of hunt(stores.events, rule, { from, to, scope, filters })) {
        io.out(
          args.json
            ? `${terminalText(JSON.stringify({ rule: meta, event: e }))}\n`
            : oneLine(e, rule.title, rule.level),
        );
        if (++n === args.limit) break;
      }
      total += n;
      io.err(
        `${rule.id} (${rule.title}): ${n} event${n === 1 ? '' : 's'}${n === args.limit ? ' (limit reached)' : ''}\n`,
      );
    }
  } finally {
    await stores.close();
  }
  io.err(`${rules.length} rule${rules.length === 1 ? '' : 's'}, ${total} event${total === 1 ? '' : 's'}\n`);
  return failed ? 1 : 0;
}
