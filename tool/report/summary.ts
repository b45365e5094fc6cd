/** What every report file says the same way: the run's counts and the implementation's label. */
import type { Report } from '../../conformance/report.ts';
import { VERDICTS, verdictCounts } from '../../conformance/verdicts.ts';

/** "40 rules: 38 pass, 2 fail, 0 error, 0 not exercised, 0 skipped" */
export function countsText(report: Report): string {
  const c = verdictCounts(report.rules);
  const parts = VERDICTS.map((v) => `${c[v]} ${v === 'unexercised' ? 'not exercised' : v}`);
  return `${report.rules.length} rules: ${parts.join(', ')}${report.interrupted ? ' (run interrupted: not every rule finished)' : ''}`;
}

/** The implementation as a column or a title names it: "name version (profile)". */
export const implLabel = (report: Report): string => `${report.implementation.name} ${report.implementation.version} (${report.profile})`;
