/**
 * The report: one run's results, the one model of them. The runner produces it (runSuite);
 * every output is a view of it: the terminal table, the JSON file (versioned,
 * protocol/schemas/report.schema.json), JUnit, Markdown, HTML, the expectations gate, diff,
 * merge and the exit code. What verdicts mean is in verdicts.ts.
 */
import type { Program } from '../language/program.ts';
import type { Trace } from '../language/trace.ts';
import type { Mismatch } from './predictions.ts';
import { locate } from './predictions.ts';
import type { Verdict } from './verdicts.ts';
import { LOOPSPEC_VERSION } from './version.ts';

export const REPORT_FORMAT = 'loopspec-report';
/**
 * 2: optional fields a version 1 reader's schema refuses (consequences, foundBy, reruns,
 * shrinkStopped, incidents). A version 1 report is a version 2 report without them: both are read.
 */
export const REPORT_VERSION = 2;
export const READABLE_REPORT_VERSIONS: readonly number[] = [1, 2];

export interface ReportMismatch {
  rule: string;
  /** The clause of the rule that decides the expectation (`SCHED-2.3`); absent in reports of other tools. */
  clause?: string;
  kind: string;
  /** A statement id and what of it, or a context's order, or the end of the program. */
  where: string;
  expected: string;
  actual: string;
}

export interface ReportClause {
  id: string;
  programs: number;
}

export interface ReportCounterexample {
  program: Program;
  mismatches: ReportMismatch[];
  predicted: Trace;
  actual: Trace;
  /** Replays it with `--rule <id> --seed <run seed> --path <path>`. */
  seed: number;
  path: string;
  /**
   * The counterexample run again after it was found (`--verify`): how many of those runs
   * failed again. Fewer than all: the failure is intermittent (it is still the verdict).
   */
  reruns?: { runs: number; failed: number };
  /**
   * Other rules' expectations the program broke after this rule's (first-divergence
   * attribution, conformance/attribution.ts): consequences, not counted against their rules.
   */
  consequences?: ReportMismatch[];
  /**
   * When another rule's property generated the program (its first divergence was this
   * rule's): that rule. `seed` and `path` are then that rule's: `--rule <foundBy> --seed
   * <run seed> --path <path>` makes the program again.
   */
  foundBy?: string;
  /** Why shrinking stopped before the end (its budget was spent): the program may not be minimal. */
  shrinkStopped?: string;
  /**
   * How the generated program was rewritten to find whose deviation it shows (diagnosis.ts:
   * 'probes', 'unfolded', 'fresh', 'fifo', 'without <RULE>'): `--path` makes the program before that rewrite; the
   * program here replays from a saved failure (`run --save-failures`, `replay`).
   */
  rewritten?: string;
}

export interface ReportRule {
  id: string;
  group: string;
  title: string;
  verdict: Verdict;
  /** With verdict 'error' from a faulting implementation: timeout, crash, protocol-error, error. */
  fault: string | null;
  error: string | null;
  /** Programs the adapter ran for this rule. */
  runs: number;
  /** Of those, programs in which the oracle tagged an expectation with this rule. */
  exercised: number;
  /** Programs not run because the adapter lacks a capability they need. */
  skipped: number;
  /**
   * The rule's clauses that apply under the profile, in order, each with the number of this
   * rule's programs that reached it; 0 means not exercised. Absent in reports of other tools.
   */
  clauses?: ReportClause[];
  skipReasons: string[];
  durationMs: number;
  counterexample: ReportCounterexample | null;
}

export interface Report {
  format: typeof REPORT_FORMAT;
  version: number;
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
  /**
   * What an out-of-process driver did wrong between programs (it exited after a reply, it
   * replied twice): no program's verdict, as no program was running. Absent when nothing was.
   */
  incidents?: string[];
  rules: ReportRule[];
}

/** The oracle's expectation, as the report names it. */
export function reportMismatch(m: Mismatch): ReportMismatch {
  return {
    rule: m.expectation.rule,
    clause: m.expectation.clause,
    kind: m.expectation.kind,
    where: locate(m.expectation),
    expected: m.expected,
    actual: m.actual,
  };
}

/** A report of this loopspec: format, version and tool filled in, the fields in the file's order. */
export function newReport(run: Omit<Report, 'format' | 'version' | 'tool'>): Report {
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    tool: { name: 'loopspec', version: LOOPSPEC_VERSION },
    implementation: run.implementation,
    profile: run.profile,
    seed: run.seed,
    runs: run.runs,
    shard: run.shard,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    interrupted: run.interrupted,
    ...(run.replay ? { replay: run.replay } : {}),
    ...(run.incidents && run.incidents.length > 0 ? { incidents: run.incidents } : {}),
    rules: run.rules,
  };
}
