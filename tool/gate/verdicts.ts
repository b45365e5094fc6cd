/**
 * What a verdict means to the gate, in one place so expectations, diff and the CLI agree:
 * the verdicts `loopspec run` exits 1 on are "not holding" (fail, error, unexercised);
 * 'skipped' is its own thing (the implementation lacks a capability), and 'pass' is a pass.
 */
import type { ReportRule } from '../../conformance/report.ts';
import type { Verdict } from '../../conformance/runner.ts';

export const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'skipped', 'unexercised', 'error'];

export type Outcome = 'pass' | 'bad' | 'skipped';

export function outcomeOf(v: Verdict): Outcome {
  return v === 'pass' ? 'pass' : v === 'skipped' ? 'skipped' : 'bad';
}

/** One line saying why a rule did not pass: its first mismatch, error, or skip reason. */
export function problemOf(r: ReportRule): string {
  const m = r.counterexample?.mismatches[0];
  if (r.verdict === 'fail' && m) return oneLine(`at ${m.where}: expected ${m.expected}, actual ${m.actual}`);
  if (r.verdict === 'error') return oneLine(`error: ${r.error ?? r.fault ?? 'unknown'}`);
  if (r.verdict === 'skipped') return oneLine(`skipped: ${r.skipReasons.join('; ') || 'no reason given'}`);
  if (r.verdict === 'unexercised') return 'no generated program reached this rule (try more --runs)';
  return r.verdict;
}

/** Single line, bounded: these go into comments and terminal lines. */
export function oneLine(s: string, max = 240): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
