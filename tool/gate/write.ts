/**
 * Writes an expectations file from a run: every rule that did not pass becomes an entry, with
 * a placeholder reason the user must replace, and the rule's first mismatch as a comment so
 * they can tell what they are accepting. Parses back to the same entries (see the tests).
 */
import type { Report } from '../../conformance/report.ts';
import { PLACEHOLDER_PREFIX } from './check.ts';
import { EXPECTATIONS_HEADER } from './expectations.ts';
import { oneLine, problemLine, verdictClass } from '../../conformance/verdicts.ts';

export const PLACEHOLDER_REASON = `${PLACEHOLDER_PREFIX}: say why this implementation deviates`;

export function writeExpectations(report: Report): string {
  const impl = `${report.implementation.name} ${report.implementation.version}`;
  const out = [
    EXPECTATIONS_HEADER,
    `# Known deviations of ${oneLine(impl)}: written from a run with profile ${report.profile}, seed ${report.seed}, ${report.runs} runs per rule.`,
    '# One entry a line: <RULE-ID> fail|error|skip <reason>. fail covers verdicts fail and unexercised,',
    '# error covers error (the adapter or the run failed), skip covers skipped.',
    '# Replace each placeholder reason with why the implementation deviates.',
  ];
  if (report.interrupted) out.push('# WARNING: the run was interrupted; rules it did not finish are missing here.');
  const deviating = report.rules.filter((r) => verdictClass(r.verdict) !== 'pass');
  if (deviating.length === 0) out.push('', '# No known deviations: every rule passed.');
  for (const r of deviating) {
    const status = r.verdict === 'skipped' ? 'skip' : r.verdict === 'error' ? 'error' : 'fail';
    out.push('', `# ${r.id} ${r.verdict}${r.title ? `: ${oneLine(r.title)}` : ''}`, `#   ${problemLine(r, 'gate')}`);
    if (r.verdict === 'unexercised') out.push('#   (better: raise --runs until it is exercised than list it here)');
    out.push(`${r.id} ${status} ${PLACEHOLDER_REASON}`);
  }
  return `${out.join('\n')}\n`;
}
