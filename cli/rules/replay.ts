/**
 * Where `canhgac rules backtest|tune` read events from: an events file (cli/rules/events-file.ts), or the events
 * already stored (SQLite or OpenSearch, as configured), oldest first, in a time range and optionally one agency.
 */
import { existsSync } from 'node:fs';
import type { SigmaEvent } from '../../detection/sigma/model.js';
import { cliError } from '../errors.js';
import { parseTime } from '../hunt.js';
import { type EventFileProblem, readEventFile } from './events-file.js';

/** Where to read: a file, or the store. */
export type ReplaySource =
  | { kind: 'file'; file: string; onProblem: (p: EventFileProblem) => void }
  | {
      kind: 'store';
      from: number;
      to: number;
      agency?: string | undefined;
      config?: string | undefined;
      dataDir?: string | undefined;
    };

/** Reads the `--from/--to/--agency/--config/--data-dir` options into a store source; a string is a usage error. */
export function storeSource(v: {
  from?: string | undefined;
  to?: string | undefined;
  agency?: string | undefined;
  config?: string | undefined;
  'data-dir'?: string | undefined;
}): ReplaySource | string {
  const now = Date.now();
  if (!v.from) return '--stored needs --from (ISO-8601, epoch ms or an age such as 7d)';
  const from = parseTime(v.from, now);
  const to = v.to === undefined ? now : parseTime(v.to, now);
  if (from === undefined || to === undefined || from > to) return '--from and --to must be times with from <= to';
  return { kind: 'store', from, to, agency: v.agency, config: v.config, dataDir: v['data-dir'] };
}

/** Events of the source in order (file order, or `@timestamp` ascending for the store). */
export async function* replayEvents(src: ReplaySource): AsyncGenerator<SigmaEvent> {
  if (src.kind === 'file') {
    yield* readEventFile(src.file, { onProblem: src.onProblem });
    return;
  }
  const { loadConfig } = await import('../../core/config/load.js');
  const store = await import('../../store/index.js');
  const config = loadConfig({ ...(src.config ? { file: src.config } : {}), overrides: { dataDir: src.dataDir } });
  if (config.store?.kind !== 'opensearch' && !existsSync(store.sqlitePath(config.dataDir))) {
    throw cliError('CANHGAC_ERR_CLI_NO_STORE', { path: store.sqlitePath(config.dataDir) });
  }
  const stores = await store.openStores(config, { retention: false });
  const scope = src.agency ? store.agencyScope(src.agency) : store.SCOPE_ALL;
  try {
    let after: string | undefined;
    do {
      const page = await stores.events.search(scope, {
        query: store.q.all(),
        from: src.from,
        to: src.to,
        sort: { field: '@timestamp', order: 'asc' },
        size: 1000,
        ...(after ? { after } : {}),
      });
      for (const e of page.events) yield e as SigmaEvent;
      after = page.next;
    } while (after);
  } finally {
    await stores.close();
  }
}
