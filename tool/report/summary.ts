/** What every report format says the same way: verdict labels, counts, a rule's problem in one line. */
import type { Report, ReportRule } from '../../conformance/report.ts';
import type { Verdict } from '../../conformance/runner.ts';

export const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'error', 'unexercised', 'skipped'];

export const VERDICT_LABEL: Record<Verdict, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  error: 'ERROR',
  unexercised: 'NOT EXERCISED',
  skipped: 'SKIPPED',
};

// Spelled out wherever it appears: a rule no program reached must never read as a pass.
export const NOT_EXERCISED = 'not exercised: no generated program reached this rule, so nothing was checked (not a pass)';

export function verdictCounts(report: Report): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { pass: 0, fail: 0, error: 0, unexercised: 0, skipped: 0 };
  for (const r of report.rules) counts[r.verdict]++;
  return counts;
}

/** "40 rules: 38 pass, 2 fail, 0 error, 0 not exercised, 0 skipped" */
export function countsText(report: Report): string {
  const c = verdictCounts(report);
  const parts = VERDICTS.map((v) => `${c[v]} ${v === 'unexercised' ? 'not exercised' : v}`);
  return `${report.rules.length} rules: ${parts.join(', ')}${report.interrupted ? ' (run interrupted: not every rule finished)' : ''}`;
}

/** The implementation as a column or a title names it: "name version (profile)". */
export const implLabel = (report: Report): string => `${report.implementation.name} ${report.implementation.version} (${report.profile})`;

/** Why a rule did not pass, in one line; empty for a pass. */
export function problemLine(rule: ReportRule): string {
  switch (rule.verdict) {
    case 'pass':
      return '';
    case 'fail': {
      const ms = rule.counterexample?.mismatches ?? [];
      if (ms.length === 0) return 'failed';
      const m = ms[0];
      return `${m.where}: expected ${m.expected}, actual ${m.actual}${ms.length > 1 ? ` (and ${ms.length - 1} more)` : ''}`;
    }
    case 'error':
      return `${rule.fault ? `${rule.fault}: ` : ''}${stripFault(rule)}`;
    case 'skipped':
      return `skipped: ${rule.skipReasons.join('; ') || 'the implementation declined every program'}`;
    case 'unexercised':
      return NOT_EXERCISED;
  }
}

// runRule writes a fault's error as "<fault>: <detail>"; say the fault once.
function stripFault(rule: ReportRule): string {
  const e = rule.error ?? 'error';
  return rule.fault && e.startsWith(`${rule.fault}: `) ? e.slice(rule.fault.length + 2) : e;
}
