/**
 * Per-rule expectations of `canhgac rules backtest`: how many alerts each rule should raise over a set of events.
 *
 * ```yaml
 * rules:
 *   ssh_bruteforce_one_host: 2          # exactly two alerts (rule id or name)
 *   7d6c...-uuid: { min: 1, max: 5 }    # a range
 *   web_scanner_ua: 0                   # must stay quiet
 * others: fail                          # alerts of rules not listed: fail (default) or ignore
 * ```
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import type { CliProblem } from './common.js';

/** One rule's expected alert count, inclusive bounds. */
export interface Expectation {
  rule: string;
  min: number;
  max: number;
  line: number;
}

/** A parsed expectations file. */
export interface Expectations {
  rules: Expectation[];
  others: 'fail' | 'ignore';
}

function position(file: string, lc: LineCounter, node: Node | null | undefined, message: string): CliProblem {
  const at = node?.range ? lc.linePos(node.range[0]) : { line: 1, col: 1 };
  return { file, line: at.line, col: at.col, message };
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** Reads an expectations file; problems carry file:line:col and are collected, not thrown on the first. */
export function readExpectations(file: string): { expectations?: Expectations; problems: CliProblem[] } {
  const text = readFileSync(file, 'utf8');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const problems: CliProblem[] = doc.errors.map((e) => {
    const at = lc.linePos(e.pos[0]);
    return { file, line: at.line, col: at.col, message: e.message.split('\n')[0] ?? e.message };
  });
  if (problems.length) return { problems };
  const root = doc.contents;
  if (!isMap(root)) return { problems: [position(file, lc, root, "expected a mapping with 'rules:'")] };
  const out: Expectations = { rules: [], others: 'fail' };
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    if (key === 'others') {
      const v = isScalar(value) ? value.value : undefined;
      if (v === 'fail' || v === 'ignore') out.others = v;
      else problems.push(position(file, lc, value, "'others' must be fail or ignore"));
    } else if (key === 'rules') {
      if (!isMap(value)) {
        problems.push(position(file, lc, value, "'rules' must map rule ids or names to counts"));
        continue;
      }
      for (const r of value.items) {
        const rule = isScalar(r.key) ? String(r.key.value) : '';
        const v = r.value as Node | null;
        const line = position(file, lc, r.key as Node, '').line;
        if (isScalar(v) && count(v.value) !== undefined) {
          const n = count(v.value) as number;
          out.rules.push({ rule, min: n, max: n, line });
        } else if (isMap(v)) {
          const o = v.toJSON() as Record<string, unknown>;
          const unknown = Object.keys(o).filter((k) => k !== 'min' && k !== 'max');
          const min = o.min === undefined ? 0 : count(o.min);
          const max = o.max === undefined ? Number.POSITIVE_INFINITY : count(o.max);
          if (unknown.length || min === undefined || max === undefined || min > max) {
            problems.push(position(file, lc, v, `'${rule}': expected a count or { min, max } (counts, min <= max)`));
          } else out.rules.push({ rule, min, max, line });
        } else {
          problems.push(position(file, lc, v, `'${rule}': expected a count or { min, max }`));
        }
      }
    } else {
      problems.push(position(file, lc, pair.key as Node, `unknown key '${key}' (rules, others)`));
    }
  }
  return problems.length ? { problems } : { expectations: out, problems };
}

/** One rule's outcome. */
export interface BacktestCase {
  rule: string;
  title: string;
  expected: { min: number; max: number | null } | null;
  actual: number;
  passed: boolean;
  message?: string;
}

function expectedText(e: { min: number; max: number | null }): string {
  if (e.max === e.min) return String(e.min);
  return e.max === null ? `at least ${e.min}` : `${e.min}..${e.max}`;
}

/**
 * Judges alert counts per rule (keyed by id; `names` maps names to ids) against the expectations. A rule listed
 * by a name or id that is not in the rule set fails (a typo must not pass silently).
 */
export function judge(
  exp: Expectations,
  counts: ReadonlyMap<string, number>,
  titles: ReadonlyMap<string, string>,
  names: ReadonlyMap<string, string>,
): BacktestCase[] {
  const cases: BacktestCase[] = [];
  const listed = new Set<string>();
  for (const e of exp.rules) {
    const id = names.get(e.rule) ?? e.rule;
    listed.add(id);
    const expected = { min: e.min, max: Number.isFinite(e.max) ? e.max : null };
    if (!titles.has(id)) {
      cases.push({ rule: e.rule, title: '', expected, actual: 0, passed: false, message: 'no such rule in the set' });
      continue;
    }
    const actual = counts.get(id) ?? 0;
    const passed = actual >= e.min && actual <= e.max;
    cases.push({
      rule: id,
      title: titles.get(id) ?? '',
      expected,
      actual,
      passed,
      ...(passed ? {} : { message: `expected ${expectedText(expected)} alerts, got ${actual}` }),
    });
  }
  for (const [id, actual] of counts) {
    if (listed.has(id)) continue;
    const passed = exp.others === 'ignore';
    cases.push({
      rule: id,
      title: titles.get(id) ?? '',
      expected: null,
      actual,
      passed,
      ...(passed ? {} : { message: `${actual} alerts from a rule the expectations do not list` }),
    });
  }
  return cases;
}

function xml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/gu, '?');
}

/** JUnit XML (one testsuite, one testcase per rule) as CI systems read it. */
export function junit(cases: readonly BacktestCase[], seconds: number, source: string): string {
  const failures = cases.filter((c) => !c.passed).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="canhgac rules backtest" tests="${cases.length}" failures="${failures}" time="${seconds.toFixed(3)}">`,
    `  <testsuite name="${xml(`backtest ${source}`)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${seconds.toFixed(3)}">`,
  ];
  for (const c of cases) {
    const name = xml(c.title ? `${c.title} (${c.rule})` : c.rule);
    const head = `    <testcase classname="canhgac.rules" name="${name}" time="0">`;
    if (c.passed) lines.push(`${head}</testcase>`);
    else lines.push(head, `      <failure message="${xml(c.message ?? 'failed')}"/>`, '    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
