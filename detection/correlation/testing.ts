/** Builders for correlation rule models in tests and examples (the parser produces the same shape from YAML). */
import type { CorrelationRule } from '../sigma/model.js';

/** A CorrelationRule with defaults for everything but what the caller gives. */
export function correlationRule(
  p: Partial<CorrelationRule> & Pick<CorrelationRule, 'type' | 'rules'>,
): CorrelationRule {
  const id = p.id ?? `corr-${p.name ?? p.type}`;
  return {
    kind: 'correlation',
    id,
    title: p.title ?? id,
    tags: [],
    references: [],
    falsepositives: [],
    fields: [],
    file: 'test.yml',
    doc: 0,
    loc: { line: 1, col: 1 },
    groupBy: [],
    timespanMs: 60_000,
    aliases: {},
    generate: false,
    ...p,
  };
}
