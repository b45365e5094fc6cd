/**
 * The commands that work on saved results rather than running the suite: diff, merge,
 * report, replay, repro. Each returns an exit code; bad input throws UsageError (exit 2).
 */
import type { Report } from '../../conformance/report.ts';
import { runFails } from '../../conformance/verdicts.ts';
import { diffReports, formatDiff, GateError, mergeReports, readReport } from '../gate/index.ts';
import { toHtml } from '../report/html.ts';
import { CounterexampleError, formatReplay, profileOf, readCounterexample, replay, reproPython, reproTypeScript } from '../repro/index.ts';
import { requireProfile, UnknownProfileError } from '../../spec/profiles.ts';
import type { Adapter } from '../../conformance/adapter.ts';
import { UsageError } from '../../conformance/load-adapter.ts';
import { write } from './outputs.ts';

type Out = (s: string) => void;

/** Library errors about the user's files are usage errors: exit 2 with their message. */
export function asUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof GateError || e instanceof CounterexampleError || e instanceof UnknownProfileError) throw new UsageError(e.message);
    throw e;
  }
}

/** `loopspec diff old.json new.json`: exit 1 when a rule regressed. */
export function diffCommand(oldFile: string, newFile: string, out: Out): number {
  const [before, after] = asUsage(() => [readReport(oldFile), readReport(newFile)]);
  // A shard holds some rules only: beside another run, its missing rules would read as removed.
  const part = (r: typeof before) => (r.shard ? `shard ${r.shard.index}/${r.shard.count}` : 'a whole run');
  if (JSON.stringify(before.shard) !== JSON.stringify(after.shard))
    throw new UsageError(
      `cannot compare ${part(before)} (${oldFile}) with ${part(after)} (${newFile}): join shards with \`loopspec merge\` first`,
    );
  const { text, regressed } = formatDiff(before, after, diffReports(before, after));
  out(text);
  // Rules missing from an interrupted run are not "removed": the run is not a whole one.
  if (after.interrupted) out(`${newFile} is the report of an interrupted run: it cannot pass a diff`);
  return regressed || after.interrupted ? 1 : 0;
}

/** `loopspec merge -o whole.json shard1.json ...`: joins shard reports into one. */
export function mergeCommand(files: string[], output: string, out: Out): number {
  const merged = asUsage(() =>
    mergeReports(
      files.map((f) => readReport(f)),
      files,
    ),
  );
  write(output, `${JSON.stringify(merged, null, 2)}\n`);
  out(`wrote merged report: ${output} (${merged.rules.length} rules from ${files.length} shards)`);
  return exitOf(merged);
}

/** `loopspec report --html out.html a.json b.json`: the matrix of several implementations. */
export function reportCommand(files: string[], html: string, impls: string[] | undefined, out: Out): number {
  const reports = asUsage(() => files.map((f) => readReport(f)));
  if (impls && impls.length !== reports.length)
    throw new UsageError(`--impl-name was given ${impls.length} times for ${reports.length} reports`);
  write(html, toHtml(reports, { impls }));
  out(`wrote HTML report: ${html} (${reports.length} implementations)`);
  return 0;
}

/** `loopspec replay file.json --impl ...`: the saved program, expected against actual. */
export async function replayCommand(file: string, adapter: Adapter, profileName: string | undefined, out: Out): Promise<number> {
  const c = asUsage(() => readCounterexample(file));
  const profile = profileName ? asUsage(() => requireProfile(profileName)) : profileOf(c);
  const result = await replay(c, adapter, profile);
  out(formatReplay(result));
  return result.status === 'conforms' ? 0 : 1;
}

/** `loopspec repro file.json --as python|typescript [--adapter path]`: a standalone reproducer. */
export function reproCommand(file: string, as: string, adapterPath: string | undefined, out: Out): number {
  const c = asUsage(() => readCounterexample(file));
  if (as === 'python') out(reproPython(c, profileOf(c)));
  else if (as === 'typescript') {
    if (!adapterPath) throw new UsageError('--as typescript needs --adapter <path to the adapter module>');
    out(reproTypeScript(c, adapterPath));
  } else throw new UsageError(`--as must be python or typescript, got '${as}'`);
  return 0;
}

/** The exit code a report stands for: 1 if the run was interrupted or a rule failed, errored or was not exercised. */
export function exitOf(report: Report): number {
  return runFails(report) ? 1 : 0;
}
