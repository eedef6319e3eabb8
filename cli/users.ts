/** `canhgac users`: create users, reset passwords, unlock, list, and make API keys, on the configured store. */
import type { Stores } from '../store/types.js';
import { cliError } from './errors.js';

const USAGE = `Usage: canhgac users <action> [options]

Actions:
  create <username> --role ROLE [--agency ID]   new user; password from CANHGAC_USER_PASSWORD or stdin (first line)
  reset-password <username>                     new password (same source); also clears a lockout
  unlock <username>                             clear a lockout
  list                                          users, one a line
  create-key --name NAME --role ROLE [--agency ID]
                                                new API key, printed once (only its sha256 is stored)
Roles: admin, analyst, agency_admin (needs --agency), viewer; keys also: intake (needs --agency).
Options: --config FILE, --data-dir DIR
`;

/** Where the command writes and reads (tests pass their own). */
export interface UsersIo {
  out(s: string): void;
  err(s: string): void;
  /** The password source when CANHGAC_USER_PASSWORD is unset. */
  readStdin(): Promise<string>;
  env: Record<string, string | undefined>;
  /** Opens the stores (default: the configured ones). */
  openStores?: (args: { config?: string; dataDir?: string }) => Promise<Stores>;
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const defaultIo: UsersIo = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  readStdin: readAll,
  env: process.env,
};

interface Args {
  action: string;
  positional: string[];
  flags: Record<string, string>;
}

function parse(argv: string[]): Args | string {
  const [action, ...rest] = argv;
  if (!action) return 'an action is required';
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.startsWith('--')) {
      const v = rest[i + 1];
      if (v === undefined || v.startsWith('--')) return `${a} needs a value`;
      flags[a.slice(2)] = v;
      i++;
    } else positional.push(a);
  }
  const known = new Set(['role', 'agency', 'name', 'config', 'data-dir']);
  for (const k of Object.keys(flags)) if (!known.has(k)) return `unknown option --${k}`;
  return { action, positional, flags };
}

async function configuredStores(args: { config?: string; dataDir?: string }): Promise<Stores> {
  const { cliLogsToStderr } = await import('./logs.js');
  cliLogsToStderr();
  const { loadConfig } = await import('../core/config/load.js');
  const store = await import('../store/index.js');
  const config = loadConfig({
    ...(args.config ? { file: args.config } : {}),
    ...(args.dataDir ? { overrides: { dataDir: args.dataDir } } : {}),
  });
  return store.openStores(config, { retention: false });
}

async function password(io: UsersIo): Promise<string> {
  const p = io.env.CANHGAC_USER_PASSWORD ?? (await io.readStdin()).split(/\r?\n/)[0] ?? '';
  if (p.length < 12)
    throw cliError('CANHGAC_ERR_CLI_USAGE', { reason: 'the password must have at least 12 characters' });
  return p;
}

/** Runs `canhgac users`; returns the exit code. */
export async function run(argv: string[], io: UsersIo = defaultIo): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const args = parse(argv);
  if (typeof args === 'string') {
    io.err(`canhgac users: ${args}\n\n${USAGE}`);
    return 2;
  }
  const { AuthService } = await import('../api/auth/service.js');
  const { USER_ROLES } = await import('../api/auth/roles.js');
  const { SCOPE_ALL } = await import('../store/types.js');
  const stores = await (io.openStores ?? configuredStores)({
    ...(args.flags.config ? { config: args.flags.config } : {}),
    ...(args.flags['data-dir'] ? { dataDir: args.flags['data-dir'] } : {}),
  });
  const auth = new AuthService(stores.state);
  const actor = `cli:${io.env.USER ?? 'operator'}`;
  const role = args.flags.role;
  const agency = args.flags.agency;
  try {
    const name = args.positional[0];
    switch (args.action) {
      case 'create': {
        if (!name || !role) throw cliError('CANHGAC_ERR_CLI_USAGE', { reason: 'create needs <username> and --role' });
        if (!(USER_ROLES as readonly string[]).includes(role))
          throw cliError('CANHGAC_ERR_CLI_USAGE', { reason: `unknown role ${role}` });
        if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(name))
          throw cliError('CANHGAC_ERR_CLI_USAGE', { reason: 'usernames are 2-64 of a-z 0-9 . _ -' });
        const u = await auth.createUser(actor, {
          username: name,
          password: await password(io),
          role: role as 'admin',
          ...(agency ? { agencyId: agency } : {}),
        });
        io.out(`Created user ${u.username} (${u.role}${u.agencyId ? `, ${u.agencyId}` : ''})\n`);
        return 0;
      }
      case 'reset-password': {
        if (!name) throw cliError('CANHGAC_ERR_CLI_USAGE', { reason: 'reset-password needs <username>' });
        await auth.setPassword(actor, name, await password(io));
        io.out(`Password of ${name} reset; its sessions ended\n`);
        return 0;
      }
      case 'unlock': {
        if (!name) throw cliError('CANHGAC_ERR_CLI_USAGE', { reason: 'unlock needs <username>' });
        await auth.unlock(actor, name);
        io.out(`Unlocked ${name}\n`);
        return 0;
      }
      case 'list': {
        let after: string | undefined;
        do {
          const page = await auth.users.list(SCOPE_ALL, { size: 1000, ...(after ? { after } : {}) });
          for (const u of page.docs) {
            const state = u.disabled ? 'disabled' : u.lockedUntil && u.lockedUntil > Date.now() ? 'locked' : 'active';
            io.out(`${u.username}\t${u.role}\t${u.agencyId ?? '-'}\t${state}\n`);
          }
          after = page.next;
        } while (after);
        return 0;
      }
      case 'create-key': {
        const keyName = args.flags.name;
        if (!keyName || !role)
          throw cliError('CANHGAC_ERR_CLI_USAGE', { reason: 'create-key needs --name and --role' });
        if (![...USER_ROLES, 'intake'].includes(role as 'admin'))
          throw cliError('CANHGAC_ERR_CLI_USAGE', { reason: `unknown role ${role}` });
        const made = await auth.createKey(actor, SCOPE_ALL, {
          name: keyName,
          role: role as 'admin',
          ...(agency ? { agencyId: agency } : {}),
        });
        io.err(`API key ${made.doc.id} (${made.doc.role}) created; it is shown once, store it now:\n`);
        io.out(`${made.key}\n`);
        return 0;
      }
      default:
        io.err(`canhgac users: unknown action ${args.action}\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    io.err(`canhgac users: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await stores.close();
  }
}
