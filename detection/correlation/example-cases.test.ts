/**
 * Declarative behaviour tests: for each `examples/<rule>.cases.json`, log events in (normalised fields, time
 * in seconds), correlation alerts out, through the parser, the base-rule engine and the correlation engine.
 * Rule authors add cases here without writing code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { Engine } from '../engine/index.js';
import { parseRuleText } from '../sigma/load.js';
import type { SigmaEvent } from '../sigma/model.js';
import { CorrelationEngine } from './engine.js';

interface EventSpec {
  t: number;
  repeat?: number;
  every?: number;
  step?: Record<string, number>;
  fields: Record<string, unknown>;
}

interface AlertSpec {
  at: number;
  title: string;
  group?: Record<string, unknown>;
  value?: number;
  standalone?: boolean;
}

interface CaseFile {
  cases: Array<{ name: string; events: EventSpec[]; alerts: AlertSpec[] }>;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), 'examples');
const T0 = Date.parse('2024-05-01T01:00:00Z');

/** Expands repeats and orders by time (stable: ties keep file order). */
function expand(specs: EventSpec[]): Array<{ ts: number; event: SigmaEvent }> {
  const out: Array<{ ts: number; event: SigmaEvent }> = [];
  for (const s of specs) {
    for (let i = 0; i < (s.repeat ?? 1); i++) {
      const event: SigmaEvent = { ...s.fields };
      for (const [k, d] of Object.entries(s.step ?? {})) event[k] = Number(s.fields[k]) + d * i;
      const ts = T0 + Math.round((s.t + i * (s.every ?? 0)) * 1000);
      event['@timestamp'] = new Date(ts).toISOString();
      out.push({ ts, event });
    }
  }
  out.sort((a, b) => a.ts - b.ts);
  out.forEach((e, i) => {
    e.event['event.id'] = `ev-${i}`;
  });
  return out;
}

const files = readdirSync(dir).filter((f) => f.endsWith('.cases.json'));

describe('example rules: events in, alerts out', () => {
  it('every example rule file has cases', () => {
    const rules = readdirSync(dir).filter((f) => f.endsWith('.yml'));
    expect(files.map((f) => f.replace('.cases.json', '.yml')).sort()).toEqual(rules.sort());
  });

  for (const file of files) {
    const ruleFile = file.replace('.cases.json', '.yml');
    const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CaseFile;
    for (const c of data.cases) {
      it(`${ruleFile}: ${c.name}`, () => {
        const res = parseRuleText(readFileSync(join(dir, ruleFile), 'utf8'), ruleFile);
        expect(res.problems).toEqual([]);
        const base = new Engine(res.documents);
        const corr = new CorrelationEngine(base.correlations, {
          knownRules: res.documents.filter((d) => d.kind === 'rule'),
        });
        expect(corr.problems).toEqual([]);
        const got: AlertSpec[] = [];
        expand(c.events).forEach(({ event }, at) => {
          for (const a of corr.process(event, base.match(event))) {
            const g: AlertSpec = { at, title: a.correlation.title };
            const want = c.alerts[got.length];
            if (want?.group) g.group = a.group;
            if (want?.value !== undefined) g.value = a.value;
            if (want?.standalone !== undefined) g.standalone = a.standalone;
            got.push(g);
          }
        });
        expect(got).toEqual(c.alerts);
      });
    }
  }
});
