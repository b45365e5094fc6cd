/** What every report file says the same way: the run's counts and the implementation's label. */
import type { Report, ReportRule } from '../../conformance/report.ts';
import { CLAUSES_NOT_EXERCISED, clauseCoverage, clausesNotExercised, VERDICTS, verdictCounts } from '../../conformance/verdicts.ts';

/** "40 rules: 38 pass, 2 fail, 0 error, 0 not exercised, 0 skipped; 118 of 118 clauses exercised" */
export function countsText(report: Report): string {
  const c = verdictCounts(report.rules);
  const parts = VERDICTS.map((v) => `${c[v]} ${v === 'unexercised' ? 'not exercised' : v}`);
  const interrupted = report.interrupted ? ' (run interrupted: not every rule finished)' : '';
  return `${report.rules.length} rules: ${parts.join(', ')}${clausesText(report)}${interrupted}`;
}

/** "; 117 of 118 clauses exercised", or nothing for a report without clause counts. */
export function clausesText(report: Report): string {
  const c = clauseCoverage(report.rules);
  return c.total > 0 ? `; ${c.reached} of ${c.total} clauses exercised` : '';
}

/** "clauses not exercised (...): LIFE-3.2, SCHED-2.3", or nothing when every clause was. */
export function notExercisedText(report: Report): string {
  const c = clauseCoverage(report.rules);
  return c.notExercised.length > 0 ? `${CLAUSES_NOT_EXERCISED}: ${c.notExercised.join(', ')}` : '';
}

/** The implementation as a column or a title names it: "name version (profile)". */
export const implLabel = (report: Report): string => `${report.implementation.name} ${report.implementation.version} (${report.profile})`;

/** "not exercised: LIFE-3.2, SCHED-2.3", for a passing rule some of whose clauses no program reached; else nothing. */
export function ruleNotExercisedNote(rule: ReportRule): string {
  const missed = clausesNotExercised(rule);
  return missed.length > 0 ? `not exercised: ${missed.join(', ')}` : '';
}
