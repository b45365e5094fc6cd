/** The terminal report: a table of rules, then each failure with its shrunk program. */
import { locate } from '../../conformance/predictions.ts';
import { formatProgram } from '../../language/python.ts';
import type { RuleResult, SuiteResult } from '../../conformance/runner.ts';
import { formatOutcome, formatWarnings } from '../../language/trace.ts';
import { ruleById } from '../../spec/rules.ts';

const pad = (s: string, n: number) => s.padEnd(n);

export function verdictCounts(r: SuiteResult): Record<string, number> {
  const counts: Record<string, number> = { pass: 0, fail: 0, skipped: 0, unexercised: 0, error: 0 };
  for (const x of r.results) counts[x.verdict]++;
  return counts;
}

export function table(r: SuiteResult): string {
  const rows = r.results.map((x) => [
    x.rule,
    x.verdict.toUpperCase(),
    String(x.runs),
    String(x.exercised),
    `${Math.round(x.ms)} ms`,
    ruleById(x.rule)?.title ?? '',
    note(x),
  ]);
  const header = ['RULE', 'VERDICT', 'RUNS', 'REACHED', 'TIME', 'TITLE', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => pad(c, widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function note(x: RuleResult): string {
  if (x.verdict === 'skipped') return `(${x.skipReasons.join('; ')})`;
  if (x.verdict === 'unexercised') return '(no generated program reached this rule)';
  if (x.skipped > 0) return `(${x.skipped} skipped: ${x.skipReasons.join('; ')})`;
  return '';
}

/** `replay` is the command line that reruns the suite with the run's seed. */
export function failureDetails(x: RuleResult, replay: string, suiteSeed: number): string {
  const c = x.counterexample;
  const out: string[] = [`--- ${x.rule} ${x.verdict.toUpperCase()}: ${ruleById(x.rule)?.title ?? ''}`];
  if (x.error) out.push(`error: ${x.error}`);
  if (c) {
    out.push('program (shrunk):', indent(formatProgram(c.program)));
    for (const m of c.mismatches) {
      out.push(`at ${locate(m.expectation)}:`, `  expected: ${m.expected}`, `  actual:   ${m.actual}`);
    }
    if (c.actual.end.kind !== 'ok') out.push(`the implementation did not finish: ${c.actual.end.kind}: ${c.actual.end.detail}`);
    out.push('program (JSON):', indent(JSON.stringify(c.program)));
    out.push(`replay: ${replay} --rule ${x.rule} --seed ${suiteSeed}${c.path ? ` --path ${c.path}` : ''}`);
  }
  return out.join('\n');
}

const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

export function summary(r: SuiteResult): string {
  const c = verdictCounts(r);
  return `${r.results.length} rules: ${c.pass} passed, ${c.fail} failed, ${c.error} errors, ${c.unexercised} not exercised, ${c.skipped} skipped (${(r.ms / 1000).toFixed(1)} s, seed ${r.seed})`;
}

export { formatOutcome, formatWarnings };
