/**
 * A non-passing rule as plain text: what went wrong, the shrunk program as Python and as JSON,
 * the replay command. The terminal and the JUnit body show the same parts, each in its own order.
 */
import type { Report, ReportRule } from '../../conformance/report.ts';
import { counterexampleNotes, mismatchWhere, problemLine, replayCommand } from '../../conformance/verdicts.ts';
import { formatProgram } from '../../language/python.ts';

/** Each part as lines; all but `error` are empty without a counterexample. */
export interface FailureParts {
  error: string[];
  /** The mismatches, then how the implementation ended when it did not finish. */
  mismatches: string[];
  program: string[];
  json: string[];
  replay: string[];
}

const indent = (s: string): string =>
  s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

/** `impl` is what --impl was, for a report without its run's replay arguments. */
export function failureParts(report: Report, rule: ReportRule, impl?: string): FailureParts {
  const c = rule.counterexample;
  const parts: FailureParts = { error: [], mismatches: [], program: [], json: [], replay: [] };
  if (rule.verdict === 'error') parts.error.push(`error: ${problemLine(rule)}`);
  if (!c) return parts;
  for (const m of c.mismatches) parts.mismatches.push(`at ${mismatchWhere(m)}:`, `  expected: ${m.expected}`, `  actual:   ${m.actual}`);
  if (c.actual.end.kind !== 'ok') parts.mismatches.push(`the implementation did not finish: ${c.actual.end.kind}: ${c.actual.end.detail}`);
  parts.mismatches.push(...counterexampleNotes(c));
  parts.program.push('program (shrunk):', indent(formatProgram(c.program)));
  parts.json.push('program (JSON):', indent(JSON.stringify(c.program)));
  parts.replay.push(`replay: ${replayCommand(report, rule, impl)}`);
  return parts;
}

/** The body of a JUnit failure: what went wrong first. */
export function failureText(report: Report, rule: ReportRule, impl?: string): string {
  const p = failureParts(report, rule, impl);
  return [...p.error, ...p.mismatches, ...p.program, ...p.json, ...p.replay].join('\n');
}
