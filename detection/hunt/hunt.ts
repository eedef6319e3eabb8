/** Retro-hunt: run a Sigma rule over stored history through the store's own query engine. */
import type { NormalisedEvent } from '../../core/event/event.js';
import type { QueryNode } from '../../core/event/query.js';
import type { Scope } from '../../core/tenancy.js';
import type { DetectionRule, SigmaFilter } from '../sigma/model.js';
import { huntError } from './errors.js';
import { translateRule } from './translate.js';

/**
 * Where a hunt reads: an event store's search (store/types.ts EventStore fits this shape; detection names only
 * what it needs, so it does not import the store).
 */
export interface HuntSource {
  search(
    scope: Scope,
    req: {
      query: QueryNode;
      from: number;
      to: number;
      size: number;
      sort: { field: '@timestamp'; order: 'asc' };
      after?: string;
    },
  ): Promise<{ events: NormalisedEvent[]; next?: string }>;
  /** Reasons the store cannot run this query (absent: it runs every query). */
  unsupported?(query: QueryNode): string[];
}

/** Options of a hunt. */
export interface HuntOptions {
  /** Inclusive start, epoch ms. */
  from: number;
  /** Exclusive end, epoch ms. */
  to: number;
  /** Whose events: a scoped caller only ever hunts its own agency. */
  scope: Scope;
  /** Sigma filters; those that apply to the rule exclude events as in the live engine. */
  filters?: readonly SigmaFilter[];
  /** Events per store round trip (default 1000). */
  pageSize?: number;
}

/**
 * Streams the stored events of [from, to) the rule matches, oldest first. Throws CANHGAC_ERR_HUNT_UNSUPPORTED
 * (with the reasons) before reading anything when the rule cannot be translated.
 */
export async function* hunt(store: HuntSource, rule: DetectionRule, opts: HuntOptions): AsyncIterable<NormalisedEvent> {
  const t = translateRule(rule, opts.filters ?? []);
  const reasons = t.ok ? (store.unsupported?.(t.query) ?? []) : t.reasons;
  if (!t.ok || reasons.length > 0) {
    throw huntError(
      'CANHGAC_ERR_HUNT_UNSUPPORTED',
      { rule: rule.id, reasons: reasons.join('; ') },
      { details: { reasons } },
    );
  }
  yield* huntQuery(store, t.query, opts);
}

/** Streams the events of [from, to) a query tree matches, oldest first (search_after paging). */
export async function* huntQuery(
  store: HuntSource,
  query: QueryNode,
  opts: Omit<HuntOptions, 'filters'>,
): AsyncIterable<NormalisedEvent> {
  if (!Number.isFinite(opts.from) || !Number.isFinite(opts.to) || opts.from > opts.to) {
    throw huntError('CANHGAC_ERR_HUNT_RANGE', { reason: 'from and to must be times with from <= to' });
  }
  const size = opts.pageSize ?? 1000;
  let after: string | undefined;
  do {
    const page = await store.search(opts.scope, {
      query,
      from: opts.from,
      to: opts.to,
      size,
      sort: { field: '@timestamp', order: 'asc' },
      ...(after ? { after } : {}),
    });
    yield* page.events;
    after = page.next;
  } while (after);
}
