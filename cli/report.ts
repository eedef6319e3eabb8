/**
 * `canhgac report weekly --agency ID|all --week 2026-W47 --out FILE.pdf|FILE.html [--lang vi|en] [--config FILE]`
 * `canhgac report semiannual --agency ID|all --half 2026-H2 --out FILE.pdf|FILE.html [--lang vi|en] [--config FILE]`
 */
import { writeFile } from 'node:fs/promises';
import { CanhgacError } from '../core/errors.js';

const USAGE = `Usage:
  canhgac report weekly --agency ID|all --week YYYY-Www --out FILE.pdf|FILE.html [--lang vi|en] [--config FILE]
  canhgac report semiannual --agency ID|all --half YYYY-H1|YYYY-H2 --out FILE.pdf|FILE.html [--lang vi|en] [--config FILE]

  --agency ID|all   the agency's code (its report, in its scope), or all for the province-wide report
  --week YYYY-Www   ISO week, Monday 00:00 to Sunday 23:59 Vietnam time (e.g. 2026-W47)
  --half YYYY-Hn    H1 = 1/1-30/6, H2 = 1/7-31/12
  --out FILE        .pdf (rendered by chromium: reports.chromiumPath) or .html
  --lang vi|en      language (default vi)
  --config FILE     canhgac.yaml (store settings)
  --data-dir DIR    data directory of the embedded store (default: the configuration's dataDir)
`;

interface Args {
  kind: 'weekly' | 'semiannual';
  agency?: string;
  period?: string;
  out?: string;
  lang: 'vi' | 'en';
  config?: string;
  dataDir?: string;
}

function parseArgs(argv: string[]): Args | string {
  const [kind, ...rest] = argv;
  if (kind !== 'weekly' && kind !== 'semiannual') return `unknown report '${kind ?? ''}' (weekly or semiannual)`;
  const a: Args = { kind, lang: 'vi' };
  for (let i = 0; i < rest.length; i++) {
    const k = rest[i]!;
    const v = rest[i + 1];
    if (v === undefined || v.startsWith('--')) return `${k} needs a value`;
    i++;
    if (k === '--agency') a.agency = v;
    else if (k === '--week' && kind === 'weekly') a.period = v;
    else if (k === '--half' && kind === 'semiannual') a.period = v;
    else if (k === '--out') a.out = v;
    else if (k === '--lang') {
      if (v !== 'vi' && v !== 'en') return '--lang is vi or en';
      a.lang = v;
    } else if (k === '--config') a.config = v;
    else if (k === '--data-dir') a.dataDir = v;
    else return `unknown option ${k}`;
  }
  if (!a.agency) return '--agency is required (an agency code, or all)';
  if (!a.period) return kind === 'weekly' ? '--week is required' : '--half is required';
  if (!a.out || !/\.(pdf|html?)$/i.test(a.out)) return '--out FILE.pdf or FILE.html is required';
  return a;
}

/** Runs `canhgac report`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return argv.length ? 0 : 2;
  }
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`canhgac report: ${args}\n\n${USAGE}`);
    return 2;
  }
  const { cliLogsToStderr } = await import('./logs.js');
  cliLogsToStderr();
  const { loadConfig } = await import('../core/config/load.js');
  const store = await import('../store/index.js');
  const { generateReport } = await import('../reports/index.js');
  const { parseHalf, parseWeek } = await import('../reports/period.js');
  try {
    (args.kind === 'weekly' ? parseWeek : parseHalf)(args.period!);
  } catch (err) {
    process.stderr.write(`canhgac report: ${(err as Error).message}\n`);
    return 2;
  }
  const config = loadConfig({ ...(args.config ? { file: args.config } : {}), overrides: { dataDir: args.dataDir } });
  const storeCfg = config;
  const { existsSync } = await import('node:fs');
  if (storeCfg.store?.kind !== 'opensearch' && !existsSync(store.sqlitePath(config.dataDir))) {
    process.stderr.write(
      `canhgac report: no store at ${store.sqlitePath(config.dataDir)} (check --data-dir / --config)\n`,
    );
    return 1;
  }
  const stores = await store.openStores(storeCfg, { retention: false });
  try {
    const all = args.agency === 'all';
    const pdf = /\.pdf$/i.test(args.out!);
    const reports = config.reports;
    if (!all && !(await stores.state.collection('agencies').get(store.SCOPE_ALL, args.agency!))) {
      process.stderr.write(
        `canhgac report: note: agency ${args.agency} is not in the agencies collection; reporting on its events anyway\n`,
      );
    }
    const r = await generateReport(stores, {
      kind: args.kind,
      period: args.period!,
      scope: all ? store.SCOPE_ALL : store.agencyScope(args.agency!),
      ...(all ? {} : { agencyId: args.agency! }),
      lang: args.lang,
      pdf,
      ...(reports.chromiumPath ? { chromiumPath: reports.chromiumPath } : {}),
      ...(reports.topN ? { topN: reports.topN } : {}),
    });
    await writeFile(args.out!, pdf ? r.pdf! : r.printHtml);
    const h = r.model.headline;
    process.stdout.write(
      `${args.out}: ${r.model.period.label} ${all ? 'province-wide' : args.agency}: ${h.events.current} events, ${h.incidents.current} incidents (${h.criticalHigh.current} critical/high), ${h.slaBreaches.current} SLA breaches\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`canhgac report: ${err instanceof CanhgacError ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await stores.close();
  }
}
