/**
 * The JSON report: one run's results for machines, versioned (protocol/schemas/report.schema.json).
 * Every other output (terminal table, JUnit, Markdown, HTML, diff, merge) is made from it.
 */
import type { Program } from '../language/program.ts';
import type { RuleResult, SuiteResult, Verdict } from './runner.ts';
import { locate } from './predictions.ts';
import type { Trace } from '../language/trace.ts';
import { ruleById } from '../spec/rules.ts';

export const REPORT_FORMAT = 'loopspec-report';
export const REPORT_VERSION = 1;

export interface ReportMismatch {
  rule: string;
  kind: string;
  /** A statement id and what of it, or a context's order, or the end of the program. */
  where: string;
  expected: string;
  actual: string;
}

export interface ReportCounterexample {
  program: Program;
  mismatches: ReportMismatch[];
  predicted: Trace;
  actual: Trace;
  /** Replays it with `--rule <id> --seed <run seed> --path <path>`. */
  seed: number;
  path: string;
}

export interface ReportRule {
  id: string;
  group: string;
  title: string;
  verdict: Verdict;
  /** With verdict 'error' from a faulting implementation: timeout, crash, protocol-error, error. */
  fault: string | null;
  error: string | null;
  runs: number;
  exercised: number;
  skipped: number;
  skipReasons: string[];
  durationMs: number;
  counterexample: ReportCounterexample | null;
}

export interface Report {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  tool: { name: 'loopspec'; version: string };
  implementation: { name: string; version: string };
  profile: string;
  seed: number;
  runs: number;
  /** This run's part of a sharded run (1-based), or null for a whole run. */
  shard: { index: number; count: number } | null;
  startedAt: string;
  durationMs: number;
  /** True when the run was interrupted: `rules` holds the rules that finished. */
  interrupted: boolean;
  /**
   * The arguments of `loopspec run` that choose this implementation and its semantics
   * (`--impl`, `--profile`, driver flags): with `--rule`, `--seed` and `--path` added they
   * replay one counterexample. Absent in reports made by other tools.
   */
  replay?: string[];
  rules: ReportRule[];
}

export function ruleToReport(r: RuleResult): ReportRule {
  const c = r.counterexample;
  return {
    id: r.rule,
    group: r.rule.split('-')[0],
    title: ruleById(r.rule)?.title ?? '',
    verdict: r.verdict,
    fault: r.fault ?? null,
    error: r.error ?? null,
    runs: r.runs,
    exercised: r.exercised,
    skipped: r.skipped,
    skipReasons: r.skipReasons,
    durationMs: Math.round(r.ms),
    counterexample: c
      ? {
          program: c.program,
          mismatches: c.mismatches.map((m) => ({
            rule: m.expectation.rule,
            kind: m.expectation.kind,
            where: locate(m.expectation),
            expected: m.expected,
            actual: m.actual,
          })),
          predicted: c.predicted,
          actual: c.actual,
          seed: c.seed,
          path: c.path,
        }
      : null,
  };
}

export interface ReportMeta {
  toolVersion: string;
  startedAt: Date;
  shard?: { index: number; count: number };
  interrupted?: boolean;
  replay?: string[];
}

export function toReport(result: SuiteResult, meta: ReportMeta): Report {
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    tool: { name: 'loopspec', version: meta.toolVersion },
    implementation: result.adapter,
    profile: result.profile,
    seed: result.seed,
    runs: result.runs,
    shard: meta.shard ?? null,
    startedAt: meta.startedAt.toISOString(),
    durationMs: Math.round(result.ms),
    interrupted: meta.interrupted ?? result.interrupted,
    ...(meta.replay ? { replay: meta.replay } : {}),
    rules: result.results.map(ruleToReport),
  };
}
