/** The `canhgac` command: one sub-command per module, loaded lazily so each stays cheap to start. */

/** A sub-command module: `run(argv)` returns the process exit code. */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
}

/** Sub-commands by the name the user types; each area registers its own line here. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  version: { summary: 'print the version', load: async () => ({ run: versionCommand }) },
  start: {
    summary: 'run the whole service in one process (embedded SQLite store by default)',
    load: () => import('./start.js'),
  },
  rules: {
    summary: 'validate Sigma rules, test them on events, match a rule set over an event file',
    load: () => import('./rules.js'),
  },
  bench: {
    summary: 'benchmarks: bench detect --rules <paths...> --events <file>',
    load: () => import('./bench.js'),
  },
  hunt: {
    summary: 'run Sigma rules over stored events: hunt --rule FILE --from T [--to T] [--json]',
    load: () => import('./hunt.js'),
  },
  users: {
    summary: 'users and API keys: users create|reset-password|unlock|list|create-key',
    load: () => import('./users.js'),
  },
  parse: {
    summary: 'decode and normalise log lines from stdin to JSON events',
    load: () => import('./parse.js'),
  },
  ingest: {
    summary:
      'run the intake sources (syslog UDP/TCP/TLS, RELP, HTTP) into the durable spool; with redis.url also the API, forwarding to workers',
    load: () => import('./ingest.js'),
  },
  worker: {
    summary: 'distributed mode: process batches that `canhgac ingest` queued in Redis (needs redis.url)',
    load: () => import('./worker.js'),
  },
  quarantine: {
    summary: 'records no worker could process: quarantine list | quarantine replay --all|ID... (after an upgrade)',
    load: () => import('./quarantine-command.js'),
  },
  report: {
    summary: 'weekly / six-monthly report: report weekly --agency ID|all --week 2026-W47 --out FILE.pdf|.html',
    load: () => import('./report.js'),
  },
};

async function versionCommand(): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const { projectRoot } = await import('../core/shared-data.js');
  const pkg = JSON.parse(await readFile(`${projectRoot}/package.json`, 'utf8')) as { version: string };
  process.stdout.write(`canhgac ${pkg.version}\n`);
  return 0;
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: canhgac <command> [options]\n\nCommands:\n${lines.join('\n')}\n`;
}

/** Runs the CLI with the given arguments (without node and script path). */
export async function run(argv: string[]): Promise<number> {
  // Log content reaches the terminal through many commands (hunt, rules, parse, users): none may pass a control
  // or bidi character through to it (core/text.ts).
  const { guardTextStream } = await import('../core/text.js');
  guardTextStream(process.stdout);
  guardTextStream(process.stderr);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`canhgac: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await cmd.load()).run(rest);
  } catch (err) {
    process.stderr.write(`canhgac ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
