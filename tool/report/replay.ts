/** The command line that replays one rule's counterexample of a report. */
import type { Report, ReportRule } from '../../conformance/report.ts';

/** POSIX-shell quoting, so a path with spaces pastes as one argument. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * `npx loopspec run --impl <impl> --profile <p> --rule <ID> --seed <seed> --path <path>`.
 * The seed is the run's: the rule's own seed is derived from it (runner.ts ruleSeed).
 * `impl` is what was passed to --impl (the report only knows the implementation's name).
 */
export function replayCommand(report: Report, rule: ReportRule, impl: string): string {
  const path = rule.counterexample?.path;
  // The run's own arguments when the report has them: driver flags (--policy ...) included.
  const chooses = report.replay ?? ['--impl', impl, '--profile', report.profile];
  const args = ['npx', 'loopspec', 'run', ...chooses, '--rule', rule.id, '--seed', String(report.seed)];
  if (path) args.push('--path', path);
  return args.map(shellQuote).join(' ');
}
