/**
 * Which detections become alerts: one rule, read by the service's alert and correlate stages and by
 * `canhgac rules match|backtest|tune`, so the command line shows exactly the alerts the service raises.
 *
 * - A base rule's match raises an alert unless correlations reference the rule and none of them says
 *   `generate: true` (Sigma's default: only the correlation alert is raised).
 * - A correlation alert is raised unless a correlation chaining on it says `generate: false` (it is then raised
 *   only through that chain).
 */
import type { BaseMatch, CorrelationAlert, CorrelationEngine } from './correlation/index.js';
import { eventTime } from './correlation/index.js';
import type { Engine, RuleMatch } from './engine/index.js';
import type { SigmaEvent } from './sigma/model.js';

/** Whether a base rule's match raises an alert of its own. */
export function raisesAlert(corr: CorrelationEngine | undefined, m: BaseMatch): boolean {
  return corr === undefined || corr.shouldAlert(m);
}

/** Whether a fired correlation raises an alert of its own. */
export function correlationRaises(a: CorrelationAlert): boolean {
  return a.standalone;
}

/** One alert as the service would raise it, for the command line. */
export interface RaisedAlert {
  kind: 'rule' | 'correlation';
  ruleId: string;
  ruleName?: string | undefined;
  title: string;
  level?: string | undefined;
  /** Correlation alerts: the window's aggregate, group and the events that made it. */
  correlation?: {
    type: string;
    group: Record<string, unknown>;
    value: number;
    count: number;
    ruleIds: string[];
    eventIds: string[];
    /** Above a learned normal (docs/baselines.md): whose, the normal, the least value that could fire. */
    baseline?: { key: Record<string, unknown>; normal: number; floor: number; learning?: boolean };
  };
}

/** One event's outcome: what it matched, and which of it (plus any correlation fired) raises alerts. */
export interface EventOutcome {
  matches: readonly RuleMatch[];
  alerts: RaisedAlert[];
  /** Base matches that raise nothing (a correlation references the rule with generate: false). */
  silent: RuleMatch[];
}

/**
 * Runs events through the engine and the correlations in order, as the pipeline's match, correlate and alert
 * stages do (the event time is `@timestamp`, as the correlate stage reads it), and returns per event what the
 * service raises. Disabled rule ids are left out, as the service does (build the correlation engine without the
 * disabled correlations, as the pipeline does: see `enabledCorrelations`).
 */
export class AlertRaiser {
  constructor(
    private readonly engine: Engine,
    private readonly corr: CorrelationEngine | undefined,
    private readonly disabled: ReadonlySet<string> = new Set(),
  ) {}

  /** One event (file order is event order). */
  process(ev: SigmaEvent): EventOutcome {
    const all = ev['canhgac.quarantine'] === undefined ? this.engine.match(ev) : [];
    const matches = this.disabled.size ? all.filter((m) => !this.disabled.has(m.id)) : all;
    const alerts: RaisedAlert[] = [];
    const silent: RuleMatch[] = [];
    for (const m of matches) {
      if (raisesAlert(this.corr, m))
        alerts.push({ kind: 'rule', ruleId: m.id, ruleName: m.name, title: m.title, level: m.level });
      else silent.push(m);
    }
    if (this.corr && matches.length && matches.some((m) => this.corr?.references(m))) {
      const t = eventTime(ev['@timestamp']);
      for (const a of this.corr.process(ev, matches, Number.isFinite(t) ? t : undefined)) {
        if (!correlationRaises(a)) continue;
        alerts.push({
          kind: 'correlation',
          ruleId: a.correlation.id,
          ruleName: a.correlation.name,
          title: a.correlation.title,
          level: a.correlation.level,
          correlation: {
            type: a.type,
            group: a.group,
            value: a.value,
            count: a.count,
            ruleIds: a.ruleIds,
            eventIds: a.eventIds,
            ...(a.baseline ? { baseline: a.baseline } : {}),
          },
        });
      }
    }
    return { matches, alerts, silent };
  }
}

/** The correlations of a loaded rule set that run, without the disabled ones (what the pipeline builds). */
export function enabledCorrelations<T extends { id: string }>(all: readonly T[], disabled: ReadonlySet<string>): T[] {
  return all.filter((c) => !disabled.has(c.id));
}
