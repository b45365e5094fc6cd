/**
 * The gate: a run's report against the expectations file. It passes when every rule did what
 * the file says (listed rules deviate as listed, all others pass) and fails on any surprise,
 * naming it, so a CI failure always says what to fix: the code, or a line of the file.
 *
 *   verdict \ entry   none              fail                    error         skip
 *   pass              ok                unexpected pass (stale) unexp. pass   unexpected pass (stale)
 *   fail/unexercised  regression        matched                 regression    regression
 *   error             regression        matched, with a warning matched       regression
 *   skipped           unexpected skip   unexpected skip         unexp. skip   matched
 *
 * An error listed as `fail` still matches (files written before the `error` status said
 * `fail` for every verdict that does not hold), but is warned about: it hides that the
 * adapter or the run failed, which is not the deviation the line describes.
 */
import type { Report, ReportRule } from '../../conformance/report.ts';
import type { Verdict } from '../../conformance/verdicts.ts';
import { problemLine, verdictClass } from '../../conformance/verdicts.ts';
import type { ExpectationEntry, Expectations } from './expectations.ts';

export interface Surprise {
  rule: string;
  verdict: Verdict;
  /** The entry the verdict contradicts, or null when the file does not list the rule. */
  entry: ExpectationEntry | null;
  /** The rule's first mismatch, error or skip reason. */
  detail: string;
}

export interface Matched {
  rule: string;
  verdict: Verdict;
  entry: ExpectationEntry;
}

export interface ExpectationsCheck {
  ok: boolean;
  file: string;
  /** Rules that do not hold (fail, error, unexercised) and are not listed as fail. */
  regressions: Surprise[];
  /** Listed rules that now pass: their lines are stale. */
  unexpectedPasses: (Surprise & { entry: ExpectationEntry })[];
  /** Rules skipped that are not listed as skip. */
  unexpectedSkips: Surprise[];
  matched: Matched[];
  /** The lines to delete from the file (the unexpected passes), ascending. */
  staleLines: number[];
  /** Entries for rules this report does not contain (a shard or a --rule run): not checked. */
  notRun: ExpectationEntry[];
  /** Entries listed as fail whose verdict is error: matched, and a warning (say `error`). */
  errorsAsFail: Matched[];
  /** Entries whose reason is still the placeholder writeExpectations leaves: a warning only. */
  unexplained: ExpectationEntry[];
  /** An interrupted run proves nothing about the rules it did not finish: never ok. */
  interrupted: boolean;
}

export const PLACEHOLDER_PREFIX = 'TODO';

export function checkExpectations(report: Report, expectations: Expectations): ExpectationsCheck {
  const byRule = new Map(expectations.entries.map((e) => [e.rule, e]));
  const out: ExpectationsCheck = {
    ok: false,
    file: expectations.file,
    regressions: [],
    unexpectedPasses: [],
    unexpectedSkips: [],
    matched: [],
    staleLines: [],
    notRun: [],
    errorsAsFail: [],
    unexplained: expectations.entries.filter((e) => e.reason.startsWith(PLACEHOLDER_PREFIX)),
    interrupted: report.interrupted,
  };
  for (const r of report.rules) classify(r, byRule.get(r.id) ?? null, out);
  const ran = new Set(report.rules.map((r) => r.id));
  out.notRun = expectations.entries.filter((e) => !ran.has(e.rule));
  out.staleLines = out.unexpectedPasses.map((s) => s.entry.line).sort((a, b) => a - b);
  out.ok = !out.interrupted && out.regressions.length + out.unexpectedPasses.length + out.unexpectedSkips.length === 0;
  return out;
}

function classify(r: ReportRule, entry: ExpectationEntry | null, out: ExpectationsCheck): void {
  const surprise = { rule: r.id, verdict: r.verdict, entry, detail: problemLine(r, 'gate') };
  const cls = verdictClass(r.verdict);
  if (cls === 'pass') {
    if (entry) out.unexpectedPasses.push({ ...surprise, entry, detail: 'passes' });
  } else if (cls === 'bad') {
    const error = r.verdict === 'error';
    if (entry?.status === 'fail' || (error && entry?.status === 'error')) {
      out.matched.push({ rule: r.id, verdict: r.verdict, entry });
      if (error && entry.status === 'fail') out.errorsAsFail.push({ rule: r.id, verdict: r.verdict, entry });
    } else out.regressions.push(surprise);
  } else if (entry?.status === 'skip') out.matched.push({ rule: r.id, verdict: r.verdict, entry });
  else out.unexpectedSkips.push(surprise);
}

export function formatExpectationsCheck(c: ExpectationsCheck): string {
  const out: string[] = [];
  const listed = (s: Surprise) => (s.entry ? `listed as ${s.entry.status} on line ${s.entry.line}` : 'not listed');
  for (const s of c.regressions) out.push(`REGRESSION       ${s.rule} ${s.verdict} (${listed(s)}): ${s.detail}`);
  for (const s of c.unexpectedSkips) out.push(`UNEXPECTED SKIP  ${s.rule} (${listed(s)}): ${s.detail}`);
  for (const s of c.unexpectedPasses) out.push(`UNEXPECTED PASS  ${s.rule} (${listed(s)}): delete line ${s.entry.line}`);
  if (c.staleLines.length > 0) out.push(`${c.file} is stale: delete line${c.staleLines.length > 1 ? 's' : ''} ${c.staleLines.join(', ')}`);
  if (c.interrupted) out.push('the run was interrupted: rules that did not finish are not checked, so the gate fails');
  for (const m of c.errorsAsFail)
    out.push(
      `warning: ${c.file}:${m.entry.line}: ${m.rule} is listed as fail but its verdict is error (the adapter or the run failed, not the rule): list it as error if that is known`,
    );
  for (const e of c.unexplained) out.push(`warning: ${c.file}:${e.line}: ${e.rule} still has the placeholder reason: say why it deviates`);
  if (c.notRun.length > 0) out.push(`note: not in this run, not checked: ${c.notRun.map((e) => `${e.rule} (line ${e.line})`).join(', ')}`);
  const n = (k: number, what: string, plural = 's') => `${k} ${what}${k === 1 ? '' : plural}`;
  const bad = c.regressions.length + c.unexpectedPasses.length + c.unexpectedSkips.length;
  const known = c.matched.map((m) =>
    m.verdict === m.entry.status || (m.verdict === 'skipped' && m.entry.status === 'skip') ? m.rule : `${m.rule} (${m.verdict})`,
  );
  out.push(
    c.ok
      ? `expectations ${c.file}: as expected (${n(c.matched.length, 'known deviation')}${known.length ? `: ${known.join(', ')}` : ''})`
      : `expectations ${c.file}: FAILED, ${n(bad, 'surprise')} (${n(c.regressions.length, 'regression')}, ${n(c.unexpectedPasses.length, 'unexpected pass', 'es')}, ${n(c.unexpectedSkips.length, 'unexpected skip')})`,
  );
  return out.join('\n');
}
