/**
 * What a matrix is made of and what each row of it means. A row is an implementation of the
 * config with its run's Report (the one result model: the matrix adds nothing to it but
 * where it came from) or, when it has none, why. Its judgement is the expectations gate of
 * `loopspec run --expect` (tool/gate/check.ts) against its expectations file; without a file,
 * `loopspec run`'s own: every rule passes or is skipped. The views and the exit code read
 * rows through here only, so they always agree.
 */
import type { Report } from '../../conformance/report.ts';
import { runFails, verdictClass, verdictCounts, VERDICTS } from '../../conformance/verdicts.ts';
import { checkExpectations } from '../gate/index.ts';
import type { ExpectationsCheck } from '../gate/index.ts';
import type { MatrixEntry } from './config.ts';

export interface MatrixRow {
  entry: MatrixEntry;
  /** What was passed to `--impl` (a pyenv version resolved to its interpreter). */
  impl: string;
  report: Report | null;
  /** Without a report: why (it could not be started, or it was not run). */
  missing: { kind: 'unavailable' | 'not-run'; reason: string } | null;
  /** The folder of its files, as the user names it (`<out>/<name>`). */
  dir: string;
}

export interface Matrix {
  /** The config file, as named on the command line. */
  config: string;
  description?: string;
  seed: number;
  runs: number;
  rows: MatrixRow[];
}

/**
 * A cell's standing against the row's expectations: 'ok' (passed, or skipped with no file to
 * say otherwise), 'expected' (the file lists it as it came), 'unexpected' (it did not pass and
 * the file does not say so: a regression or an unexpected skip), 'stale' (it passed and the
 * file says it fails: the line is to delete).
 */
export type CellMark = 'ok' | 'expected' | 'unexpected' | 'stale';

export type RowState = 'as-expected' | 'surprise' | 'interrupted' | 'unavailable' | 'not-run';

export interface RowStatus {
  state: RowState;
  /** Whether this row makes the matrix exit 1. */
  failing: boolean;
  /** Per rule ID of the report. */
  marks: Map<string, CellMark>;
  check: ExpectationsCheck | null;
  /** One line: "as expected (2 known deviations: GET-3, NEW-4)", "1 surprise: FORK-2 fail, not listed", ... */
  summary: string;
}

const plural = (n: number, what: string, s = 's') => `${n} ${what}${n === 1 ? '' : s}`;
/** A list in one short line: "a, b, c, d, e, and 3 more". */
const few = (xs: string[]) => (xs.length > 6 ? [...xs.slice(0, 5), `and ${xs.length - 5} more`] : xs).join(', ');

function marksOf(report: Report, check: ExpectationsCheck | null): Map<string, CellMark> {
  const marks = new Map<string, CellMark>();
  for (const r of report.rules) {
    const cls = verdictClass(r.verdict);
    marks.set(r.id, check ? 'ok' : cls === 'bad' ? 'unexpected' : 'ok');
  }
  if (check) {
    for (const m of check.matched) marks.set(m.rule, 'expected');
    for (const s of [...check.regressions, ...check.unexpectedSkips]) marks.set(s.rule, 'unexpected');
    for (const s of check.unexpectedPasses) marks.set(s.rule, 'stale');
  }
  return marks;
}

export function rowStatus(row: MatrixRow): RowStatus {
  const { report, entry } = row;
  if (!report) {
    const kind = row.missing?.kind ?? 'not-run';
    const why = row.missing?.reason ?? 'not run';
    const optional = entry.optional ? ' (optional: not counted)' : '';
    const summary = kind === 'unavailable' ? `could not start: ${why}${optional}` : `${why}${optional}`;
    return { state: kind, failing: !entry.optional, marks: new Map(), check: null, summary };
  }
  const check = entry.expectations ? checkExpectations(report, entry.expectations) : null;
  const marks = marksOf(report, check);
  if (report.interrupted) return { state: 'interrupted', failing: true, marks, check, summary: 'run interrupted: not every rule finished' };
  const bad = [...marks].filter(([, m]) => m === 'unexpected' || m === 'stale');
  const failing = check ? !check.ok : runFails(report);
  if (!failing) {
    const known = check?.matched.map((m) => m.rule) ?? [];
    const summary = known.length > 0 ? `as expected (${plural(known.length, 'known deviation')}: ${few(known)})` : 'as expected';
    return { state: 'as-expected', failing, marks, check, summary };
  }
  const verdict = new Map(report.rules.map((r) => [r.id, r.verdict]));
  const listOf = (m: CellMark, said: (id: string) => string, why: string) => {
    const ids = bad.filter(([, x]) => x === m).map(([id]) => said(id));
    if (ids.length === 0) return [];
    return [`${few(ids)} (${why})`];
  };
  const said = [
    ...listOf('unexpected', (id) => `${id} ${verdict.get(id)}`, check ? `not in ${check.file}` : 'no expectations file'),
    ...listOf('stale', (id) => `${id} passes`, `listed as failing in ${check?.file}: stale`),
  ];
  return { state: 'surprise', failing, marks, check, summary: `${plural(bad.length, 'surprise')}: ${said.join('; ')}` };
}

/** "38 pass, 2 fail": the verdicts a report has, in the order runs count them. */
export function countsLine(report: Report): string {
  const c = verdictCounts(report.rules);
  return VERDICTS.filter((v) => c[v] > 0)
    .map((v) => `${c[v]} ${v === 'unexercised' ? 'not exercised' : v}`)
    .join(', ');
}

/** A cell's mark in words: "expected", "not listed" (or "unexpected", for a row without a file), "listed as failing"; nothing for ok. */
export function markNote(row: MatrixRow, mark: CellMark): string {
  if (mark === 'unexpected') return row.entry.expectations ? 'not listed' : 'unexpected';
  return { ok: '', expected: 'expected', stale: 'listed as failing' }[mark];
}

/** The matrix's exit code: 1 when some row fails (see RowStatus.failing), else 0. */
export function matrixExit(rows: readonly MatrixRow[]): number {
  return rows.some((r) => rowStatus(r).failing) ? 1 : 0;
}

/** "12 of 14 implementations as expected, 1 with surprises, 1 could not start (optional)". */
export function matrixSummary(rows: readonly MatrixRow[]): string {
  const states = rows.map((r) => ({ s: rowStatus(r), optional: r.entry.optional }));
  const count = (f: (x: (typeof states)[number]) => boolean) => states.filter(f).length;
  const parts = [`${count((x) => x.s.state === 'as-expected')} of ${plural(rows.length, 'implementation')} as expected`];
  const surprises = count((x) => x.s.state === 'surprise');
  if (surprises) parts.push(`${surprises} with surprises`);
  const interrupted = count((x) => x.s.state === 'interrupted');
  if (interrupted) parts.push(`${interrupted} interrupted`);
  for (const [state, said] of [
    ['unavailable', 'could not start'],
    ['not-run', 'not run'],
  ] as const) {
    const n = count((x) => x.s.state === state);
    const optional = count((x) => x.s.state === state && x.optional);
    if (n) parts.push(`${n} ${said}${optional === n ? ' (optional)' : optional ? ` (${optional} optional)` : ''}`);
  }
  return parts.join(', ');
}
