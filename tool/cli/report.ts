/** The terminal report of a run: a table of rules, then each failure with its shrunk program, then the counts. */
import type { Report, ReportRule } from '../../conformance/report.ts';
import { failedOrErrored, verdictCounts } from '../../conformance/verdicts.ts';
import { failureParts } from '../report/failure-text.ts';
import { clausesText, notExercisedText, ruleNotExercisedNote } from '../report/summary.ts';

function table(report: Report): string {
  const rows = report.rules.map((x) => [
    x.id,
    x.verdict.toUpperCase(),
    String(x.runs),
    String(x.exercised),
    `${x.durationMs} ms`,
    x.title,
    note(x),
  ]);
  const header = ['RULE', 'VERDICT', 'RUNS', 'REACHED', 'TIME', 'TITLE', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function note(x: ReportRule): string {
  if (x.verdict === 'skipped') return `(${x.skipReasons.join('; ')})`;
  if (x.verdict === 'unexercised') return '(no generated program reached this rule)';
  const notes: string[] = [];
  if (x.skipped > 0) notes.push(`${x.skipped} skipped: ${x.skipReasons.join('; ')}`);
  const missed = ruleNotExercisedNote(x);
  if (missed) notes.push(missed);
  return notes.length > 0 ? `(${notes.join('; ')})` : '';
}

/** A failing or erroring rule: the program first, as a reader at a terminal wants it. */
function failureDetails(report: Report, rule: ReportRule, impl: string): string {
  const p = failureParts(report, rule, impl);
  const header = `--- ${rule.id} ${rule.verdict.toUpperCase()}: ${rule.title}`;
  return [header, ...p.error, ...p.program, ...p.mismatches, ...p.json, ...p.replay].join('\n');
}

function summary(report: Report): string {
  const c = verdictCounts(report.rules);
  const counts = `${report.rules.length} rules: ${c.pass} passed, ${c.fail} failed, ${c.error} errors, ${c.unexercised} not exercised, ${c.skipped} skipped${clausesText(report)} (${(report.durationMs / 1000).toFixed(1)} s, seed ${report.seed})`;
  const missed = notExercisedText(report);
  return missed ? `${missed}\n${counts}` : counts;
}

/** All of it, as `loopspec run` prints it; `impl` is what --impl was. */
export function terminalReport(report: Report, impl: string): string {
  const failures = report.rules.filter((r) => failedOrErrored(r.verdict));
  return [table(report), ...failures.map((r) => failureDetails(report, r, impl)), summary(report)].join('\n\n');
}
