/**
 * A rule's findings (verdict, counts, counterexample) as the runner collects them, and as the
 * report's rule: the one place a rule's result takes the report's shape.
 */
import type { Mismatch } from './predictions.ts';
import type { Profile } from '../spec/profiles.ts';
import { clauseApplies, ruleById } from '../spec/rules.ts';
import type { ReportClause, ReportCounterexample, ReportRule } from './report.ts';
import { reportMismatch } from './report.ts';
import type { Verdict } from './verdicts.ts';

/**
 * The runner's counterexample: the report's, with the rule and the oracle's own expectations
 * in the mismatches (reportMismatch names them for the report). `seed` is the rule's.
 */
export type Counterexample = Omit<ReportCounterexample, 'mismatches' | 'consequences'> & {
  rule: string;
  mismatches: Mismatch[];
  consequences: Mismatch[];
};

/** What runRule finds out about a rule, before it becomes the report's rule. */
export interface RuleFindings {
  verdict: Verdict;
  runs: number;
  exercised: number;
  skipped: number;
  /** Programs that reached each clause of the rule. */
  clauses: Map<string, number>;
  counterexample?: Counterexample;
  error?: string;
  /** With verdict 'error' from a faulting implementation: which fault. */
  fault?: string;
}

/** The clauses of the rule that apply under the profile, or that a program reached, with their counts. */
function reportClauses(rule: string, reached: Map<string, number>, profile: Profile): ReportClause[] {
  const clauses = ruleById(rule)?.clauses ?? [];
  return clauses.filter((c) => clauseApplies(c, profile) || reached.has(c.id)).map((c) => ({ id: c.id, programs: reached.get(c.id) ?? 0 }));
}

export function reportRule(rule: string, found: RuleFindings, skipReasons: string[], ms: number, profile: Profile): ReportRule {
  const c = found.counterexample;
  return {
    id: rule,
    group: rule.split('-')[0],
    title: ruleById(rule)?.title ?? '',
    verdict: found.verdict,
    fault: found.fault ?? null,
    error: found.error ?? null,
    runs: found.runs,
    exercised: found.exercised,
    skipped: found.skipped,
    clauses: reportClauses(rule, found.clauses, profile),
    skipReasons,
    durationMs: Math.round(ms),
    counterexample: c
      ? {
          program: c.program,
          mismatches: c.mismatches.map(reportMismatch),
          ...(c.consequences.length > 0 ? { consequences: c.consequences.map(reportMismatch) } : {}),
          ...(c.foundBy ? { foundBy: c.foundBy } : {}),
          predicted: c.predicted,
          actual: c.actual,
          seed: c.seed,
          path: c.path,
          ...(c.reruns ? { reruns: c.reruns } : {}),
          ...(c.shrinkStopped ? { shrinkStopped: c.shrinkStopped } : {}),
          ...(c.rewritten ? { rewritten: c.rewritten } : {}),
        }
      : null,
  };
}
