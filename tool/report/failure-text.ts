/** A non-passing rule as plain text: what went wrong, the shrunk program as Python, the replay. */
import { formatProgram } from '../../language/python.ts';
import type { Report, ReportRule } from '../../conformance/report.ts';
import { replayCommand } from './replay.ts';
import { problemLine } from './summary.ts';

const indent = (s: string): string =>
  s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

export function failureText(report: Report, rule: ReportRule, impl: string): string {
  const c = rule.counterexample;
  const out: string[] = [];
  if (rule.verdict === 'error') out.push(`error: ${problemLine(rule)}`);
  if (!c) return out.join('\n');
  for (const m of c.mismatches) out.push(`at ${m.where}:`, `  expected: ${m.expected}`, `  actual:   ${m.actual}`);
  if (c.actual.end.kind !== 'ok') out.push(`the implementation did not finish: ${c.actual.end.kind}: ${c.actual.end.detail}`);
  out.push('program (shrunk):', indent(formatProgram(c.program)));
  out.push('program (JSON):', indent(JSON.stringify(c.program)));
  out.push(`replay: ${replayCommand(report, rule, impl)}`);
  return out.join('\n');
}
