/**
 * What a verdict means, in one place, so every output of a run agrees: the order verdicts are
 * counted in, which of them fail a run (exit 1), the one line that says why a rule did not
 * pass, and the command that replays a rule's counterexample. The runner makes the verdicts;
 * the terminal table, the report files, the expectations gate, diff and the exit code read
 * them through here.
 */
import type { Report, ReportCounterexample, ReportMismatch, ReportRule } from './report.ts';

export type Verdict = 'pass' | 'fail' | 'error' | 'unexercised' | 'skipped';

/** In the order every count of a run lists them. */
export const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'error', 'unexercised', 'skipped'];

export const VERDICT_LABEL: Record<Verdict, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  error: 'ERROR',
  unexercised: 'NOT EXERCISED',
  skipped: 'SKIPPED',
};

/**
 * The three things a verdict can mean to a gate: the rule holds ('pass'); it does not, or
 * nothing checked it ('bad': fail, error, unexercised, what a run exits 1 on); or the
 * implementation lacks a capability the rule's programs need ('skipped').
 */
export type VerdictClass = 'pass' | 'bad' | 'skipped';

export function verdictClass(v: Verdict): VerdictClass {
  return v === 'pass' ? 'pass' : v === 'skipped' ? 'skipped' : 'bad';
}

/** Fail or error: the verdicts that come with something to show, a counterexample or an error. */
export function failedOrErrored(v: Verdict): boolean {
  return v === 'fail' || v === 'error';
}

/** True when the report's run fails: interrupted, or some rule failed, errored or was not exercised. */
export function runFails(report: Pick<Report, 'interrupted' | 'rules'>): boolean {
  return report.interrupted || report.rules.some((r) => verdictClass(r.verdict) === 'bad');
}

export function verdictCounts(rules: readonly Pick<ReportRule, 'verdict'>[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { pass: 0, fail: 0, error: 0, unexercised: 0, skipped: 0 };
  for (const r of rules) counts[r.verdict]++;
  return counts;
}

// Spelled out wherever it appears: a rule no program reached must never read as a pass.
export const NOT_EXERCISED = 'not exercised: no generated program reached this rule, so nothing was checked (not a pass)';

/** Where a mismatch is, with the clause that decides it: "s2 warnings (GET-3.3)". */
export function mismatchWhere(m: Pick<ReportMismatch, 'where' | 'clause'>): string {
  return m.clause ? `${m.where} (${m.clause})` : m.where;
}

/**
 * The clauses of a passing rule that no program reached: nothing checked them, so they never
 * count as passed. (A rule that failed stopped generating at its failure: what it did not
 * reach by then says nothing; a skipped rule ran nothing.)
 */
export function clausesNotExercised(rule: Pick<ReportRule, 'verdict' | 'clauses'>): string[] {
  if (rule.verdict !== 'pass') return [];
  return (rule.clauses ?? []).filter((c) => c.programs === 0).map((c) => c.id);
}

/** Clauses of the run's passing rules that apply under its profile, and how many of them some program reached. */
export function clauseCoverage(rules: readonly Pick<ReportRule, 'verdict' | 'clauses'>[]): {
  reached: number;
  total: number;
  notExercised: string[];
} {
  const counted = rules.filter((r) => r.verdict === 'pass' && r.clauses);
  const total = counted.reduce((n, r) => n + r.clauses!.length, 0);
  const notExercised = counted.flatMap(clausesNotExercised);
  return { reached: total - notExercised.length, total, notExercised };
}

export const CLAUSES_NOT_EXERCISED = 'clauses not exercised (no program reached them, so nothing checked them: not a pass)';

/**
 * How a problem line is worded. 'report': the report files (a JUnit message, a Markdown cell,
 * an HTML note), empty for a pass. 'gate': a diff or expectations line in the terminal and the
 * comments of an expectations file, which first say what kind of problem it is and are cut to
 * one bounded line.
 */
export type ProblemWording = 'report' | 'gate';

/**
 * For a counterexample that failed when found but not in every rerun (`--verify`): says so.
 * The verdict stands: it is what the implementation did once.
 */
export function intermittentNote(c: { reruns?: { runs: number; failed: number } } | null | undefined): string | undefined {
  if (!c?.reruns || c.reruns.failed === c.reruns.runs) return undefined;
  return `intermittent: seen once, failed again in ${c.reruns.failed} of ${c.reruns.runs} reruns`;
}

/**
 * Lines about a counterexample beyond its mismatches: whether it came back when rerun, where
 * it came from, and what else it broke (first-divergence attribution).
 */
export function counterexampleNotes(c: ReportCounterexample | null | undefined): string[] {
  if (!c) return [];
  const intermittent = intermittentNote(c);
  const out: string[] = intermittent ? [intermittent] : [];
  if (c.foundBy) out.push(`found among the programs of ${c.foundBy}, where it broke this rule first`);
  if (c.shrinkStopped) out.push(c.shrinkStopped);
  const end = c.actual.end;
  // A fault at a statement in flight is this rule's failure: say what the run ended in.
  if (c.mismatches.length > 0 && end.kind !== 'ok' && end.kind !== 'skipped')
    out.push(`the run ended in ${end.kind}: ${end.detail.split('\n')[0]}`);
  for (const m of c.consequences ?? [])
    out.push(`consequence (not counted against ${m.rule}): at ${mismatchWhere(m)}: expected ${m.expected}, actual ${m.actual}`);
  return out;
}

/** Why a rule did not pass, in one line: its first mismatch, its error, or why it was skipped or not reached. */
export function problemLine(rule: ReportRule, wording: ProblemWording = 'report'): string {
  const gate = wording === 'gate';
  const line = problem(rule, gate);
  return gate ? oneLine(line) : line;
}

function problem(rule: ReportRule, gate: boolean): string {
  switch (rule.verdict) {
    case 'pass':
      return gate ? 'pass' : '';
    case 'fail': {
      const ms = rule.counterexample?.mismatches ?? [];
      if (ms.length === 0) return gate ? 'fail' : 'failed';
      const first = `${ms[0].where}: expected ${ms[0].expected}, actual ${ms[0].actual}`;
      if (gate) return `at ${first}`;
      return ms.length > 1 ? `${first} (and ${ms.length - 1} more)` : first;
    }
    case 'error':
      return gate ? `error: ${rule.error ?? rule.fault ?? 'unknown'}` : `${rule.fault ? `${rule.fault}: ` : ''}${errorWithoutFault(rule)}`;
    case 'skipped':
      return `skipped: ${rule.skipReasons.join('; ') || (gate ? 'no reason given' : 'the implementation declined every program')}`;
    case 'unexercised':
      return gate ? 'no generated program reached this rule (try more --runs)' : NOT_EXERCISED;
  }
}

// The runner writes a fault's error as "<fault>: <detail>"; say the fault once.
function errorWithoutFault(rule: ReportRule): string {
  const e = rule.error ?? 'error';
  return rule.fault && e.startsWith(`${rule.fault}: `) ? e.slice(rule.fault.length + 2) : e;
}

/** Single line, bounded: for terminal lines and comments. */
export function oneLine(s: string, max = 240): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** POSIX-shell quoting, so a path with spaces pastes as one argument. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * `npx loopspec run --impl <impl> --profile <p> --rule <ID> --seed <seed> --path <path>`.
 * The seed is the run's: the rule's own seed is derived from it (runner.ts ruleSeed). The
 * report's `replay` arguments choose the implementation when it has them (driver flags
 * included); else `impl`, what was passed to --impl (the report only knows the name).
 */
export function replayCommand(report: Report, rule: ReportRule, impl: string = report.implementation.name): string {
  const path = rule.counterexample?.path;
  const chooses = report.replay ?? ['--impl', impl, '--profile', report.profile];
  // Found by another rule's programs: that rule's property at the path makes it again (run
  // alone, the finder reports it as its own failure, with this rule's divergence first).
  const args = ['npx', 'loopspec', 'run', ...chooses, '--rule', rule.counterexample?.foundBy ?? rule.id, '--seed', String(report.seed)];
  if (path) args.push('--path', path);
  const command = args.map(shellQuote).join(' ');
  // The path makes the program before the diagnosis rewrote it: say so, and how to replay this one.
  return rule.counterexample?.rewritten
    ? `${command}  # makes it before its ${rule.counterexample.rewritten} rewrite (diagnosis); to run this program, save it (--save-failures) and \`loopspec replay\` it`
    : command;
}
