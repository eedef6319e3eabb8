/**
 * The Sigma rule model: what detection/sigma/ (parse + validate) produces and every backend consumes
 * (the compiled matcher in detection/engine/, the reference interpreter, the retro-hunt translators).
 * Values arrive here fully resolved: escapes undone, value-transforming modifiers (base64, base64offset,
 * utf16*, wide, windash, expand) already applied, so a backend only needs to know the comparisons below.
 */

/** 1-based position inside the rule's file. */
export interface Loc {
  line: number;
  col: number;
}

import type { NormalisedEvent } from '../../core/event/event.js';
import type { PatternPart } from '../../core/event/pattern.js';

/** String patterns are the floor's (core/event/pattern.ts); re-exported for the rule model's users. */
export { ANY, ONE, type PatternPart } from '../../core/event/pattern.js';

/** One resolved comparison against a field value (or, with field null, against the keyword search fields). */
export type ValueMatcher =
  /** String comparison; contains/startswith/endswith are expressed as leading/trailing ANY parts. */
  | { t: 'str'; parts: PatternPart[]; cased: boolean }
  /** RE2 regular expression; flags from |re|i |re|m |re|s (a leading (?i) stays in the source: RE2 accepts it). */
  | { t: 're'; source: string; i: boolean; m: boolean; s: boolean }
  /** Numeric equality (a YAML number without a modifier); also matches the number's string form. */
  | { t: 'num'; value: number }
  /** lt / lte / gt / gte. */
  | { t: 'cmp'; op: 'lt' | 'lte' | 'gt' | 'gte'; value: number }
  /** YAML boolean value. */
  | { t: 'bool'; value: boolean }
  /** The field is absent or null (a `null` value). */
  | { t: 'null' }
  /** |exists: true / false. */
  | { t: 'exists'; value: boolean }
  /** |cidr, IPv4 or IPv6 network. */
  | { t: 'cidr'; cidr: string }
  /** |fieldref: compare with another field of the same event; `mode` carries startswith/endswith/contains. */
  | { t: 'fieldref'; field: string; mode: 'equals' | 'contains' | 'startswith' | 'endswith'; cased: boolean }
  /** Time part modifiers (|minute |hour |day |week |month |year) of the field's timestamp, in UTC. */
  | { t: 'time'; unit: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year'; value: number };

/** One `field|mods: values` entry (field null: keywords). */
export interface DetectionItem {
  /** The Sigma field name after pipeline mapping, or null for field-less keyword search. */
  field: string | null;
  /** Modifiers as written, for messages and translation. */
  modifiers: string[];
  /** Matchers; by default any one suffices (OR); with `all` every one must hold (AND). */
  matchers: ValueMatcher[];
  all: boolean;
  /** |neq: the item holds when the field exists and none of the values match (Sigma 2.1). */
  negate: boolean;
  loc: Loc;
}

/** A search identifier (`selection:`): OR over alternatives, AND within one alternative. */
export interface Search {
  name: string;
  alternatives: DetectionItem[][];
  loc: Loc;
}

/** The condition grammar after parsing (precedence or < and < not < x of < parentheses). */
export type Condition =
  | { op: 'and' | 'or'; args: Condition[] }
  | { op: 'not'; arg: Condition }
  | { op: 'ref'; name: string }
  /** `1 of sel*`, `any of them`, `all of filter_*`; pattern 'them' = every search not starting with `_`. */
  | { op: 'of'; quantifier: 'all' | 'any'; pattern: string };

/** Sigma logsource. */
export interface LogSource {
  product?: string;
  category?: string;
  service?: string;
  definition?: string;
}

/** What every kind of Sigma document carries. */
export interface RuleMeta {
  /** UUID from `id:`; rules without one get `file#doc` so they stay addressable. */
  id: string;
  name?: string;
  title: string;
  status?: string;
  level?: 'informational' | 'low' | 'medium' | 'high' | 'critical';
  description?: string;
  author?: string;
  date?: string;
  tags: string[];
  references: string[];
  falsepositives: string[];
  fields: string[];
  file: string;
  /** Index of the YAML document inside the file (0-based). */
  doc: number;
  loc: Loc;
}

/** A detection rule. */
export interface DetectionRule extends RuleMeta {
  kind: 'rule';
  logsource: LogSource;
  searches: Record<string, Search>;
  /** One or more conditions (a condition list is an OR of them). */
  conditions: Condition[];
  /** The condition text as written, for display. */
  conditionText: string[];
}

/** Correlation types of Sigma 2.1. */
export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile';

/** A correlation condition: every given bound must hold (`gt: 5, lte: 10` is a range). */
export interface CorrelationCondition {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
  neq?: number;
  /** value_count / value_sum / value_avg / value_percentile: the field the value is taken from. */
  field?: string;
  /** value_percentile: which percentile (0-100). */
  percentile?: number;
}

/** A correlation rule. */
export interface CorrelationRule extends RuleMeta {
  kind: 'correlation';
  type: CorrelationType;
  /** Referenced rules by id or name (detection rules or other correlations). */
  rules: string[];
  groupBy: string[];
  timespanMs: number;
  /** temporal types may omit it (all referenced rules must occur); count types must have it. */
  condition?: CorrelationCondition;
  /** alias -> (rule id or name -> field name in that rule's events). */
  aliases: Record<string, Record<string, string>>;
  /** Whether the referenced rules also raise their own alerts. */
  generate: boolean;
  /** canhgac's extension `correlation.baseline` (not Sigma 2.1): also need a multiple of the learned normal. */
  baseline?: CorrelationBaseline;
}

/**
 * A learned normal for a count correlation (docs/baselines.md): per value of `by`, the average over the last
 * `learnMs` of the highest aggregate any group of that value reached per timespan; the condition then also needs
 * `factor` times it. Until a value has `warmupMs` of history the fixed condition alone applies.
 */
export interface CorrelationBaseline {
  /** Fields whose values each learn their own normal (default: the group-by fields). */
  by: string[];
  /** The aggregate must also reach factor x the normal (0: no rate floor, with `newValues`). */
  factor: number;
  /**
   * value_count only (`values: new`): count only values of condition.field the key has not seen within `learn`
   * (first-seen accounts, ports, ...), once the key is past its warm-up.
   */
  newValues: boolean;
  /** The averaging length (an exponential moving average over learnMs / timespan buckets). */
  learnMs: number;
  /** History the correlation needs (from its first observation) before normals apply. */
  warmupMs: number;
  /**
   * The level of the fixed condition's alerts during warm-up: informational (default) and low only add risk and
   * join incidents (docs/grouping.md); 'same' raises them at the rule's level.
   */
  warmupLevel: 'informational' | 'low' | 'same';
}

/** A Sigma filter document: conditions that exclude events from the rules it names. */
export interface SigmaFilter extends RuleMeta {
  kind: 'filter';
  logsource: LogSource;
  /** Rule ids or names the filter applies to. */
  rules: string[];
  searches: Record<string, Search>;
  conditions: Condition[];
  conditionText: string[];
}

/** Any loaded document. */
export type SigmaDocument = DetectionRule | CorrelationRule | SigmaFilter;

/** One problem found while loading; collected, never thrown on the first. */
export interface RuleProblem {
  file: string;
  line: number;
  col: number;
  message: string;
  /** A stable machine code (CANHGAC_ERR_*). */
  code: string;
  severity: 'error' | 'warning';
}

/** The outcome of loading files or directories of rules. */
export interface LoadResult {
  documents: SigmaDocument[];
  problems: RuleProblem[];
  /** Number of documents rejected (each has at least one error in problems). */
  rejected: number;
}

/** The event a rule is matched against: the normalised event of the floor (core/event/event.ts). */
export type SigmaEvent = NormalisedEvent;
