/**
 * The commands that work on saved results rather than running the suite: diff, merge,
 * report, replay, repro. Each returns an exit code; bad input throws UsageError (exit 2).
 */
import type { Report } from '../../conformance/report.ts';
import { runFails } from '../../conformance/verdicts.ts';
import { diffReports, formatDiff, GateError, mergeReports, readReport } from '../gate/index.ts';
import { toHtml } from '../report/html.ts';
import { CounterexampleError, formatReplay, profileOf, readCounterexample, replay, reproPython, reproTypeScript } from '../repro/index.ts';
import type { SavedCounterexample } from '../repro/index.ts';
import { predictCounterexample } from '../repro/expected.ts';
import { requireProfile, UnknownProfileError } from '../../spec/profiles.ts';
import type { Profile } from '../../spec/profiles.ts';
import type { Adapter } from '../../conformance/adapter.ts';
import { adapterModuleFile, UsageError } from '../../conformance/load-adapter.ts';
import { write } from './outputs.ts';
import { checkOutputFile } from './files.ts';

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
  checkOutputFile('-o', output);
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
  checkOutputFile('--html', html);
  const reports = asUsage(() => files.map((f) => readReport(f)));
  if (impls && impls.length !== reports.length)
    throw new UsageError(`--impl-name was given ${impls.length} times for ${reports.length} reports`);
  write(html, toHtml(reports, { impls }));
  out(`wrote HTML report: ${html} (${reports.length} implementations)`);
  return 0;
}

/**
 * What `loopspec replay` checks before it starts the implementation: the file, the profile,
 * and that the oracle can predict the program under it (a program that hangs cannot be a test).
 */
export function prepareReplay(file: string, profileName: string | undefined): { c: SavedCounterexample; profile: Profile } {
  return asUsage(() => {
    const c = readCounterexample(file);
    // Judged by the counterexample's own semantics unless told otherwise.
    const profile = profileName === undefined ? profileOf(c) : requireProfile(profileName);
    predictCounterexample(c, profile);
    return { c, profile };
  });
}

/** `loopspec replay file.json --impl ...`: the saved program, expected against actual. */
export async function replayCommand(c: SavedCounterexample, adapter: Adapter, profile: Profile, out: Out): Promise<number> {
  const result = await replay(c, adapter, profile);
  out(formatReplay(result));
  return result.status === 'conforms' ? 0 : 1;
}

/** `loopspec repro file.json --as python|typescript [--adapter path]`: a standalone reproducer. */
export function reproCommand(file: string, as: string, adapterPath: string | undefined, out: Out): number {
  if (as !== 'python' && as !== 'typescript') throw new UsageError(`--as must be python or typescript, got '${as}'`);
  if (as === 'python' && adapterPath !== undefined)
    throw new UsageError('--adapter goes with --as typescript: the Python reproducer runs on its own');
  if (as === 'typescript' && adapterPath === undefined)
    throw new UsageError('--as typescript needs --adapter <path to the adapter module>');
  const adapter = adapterPath === undefined ? undefined : adapterModuleFile(adapterPath);
  const c = asUsage(() => readCounterexample(file));
  // Both reproducers need the oracle's prediction: a program it cannot predict is refused here.
  const text = asUsage(() => {
    if (adapter === undefined) return reproPython(c, profileOf(c));
    predictCounterexample(c);
    return reproTypeScript(c, adapter);
  });
  out(text);
  return 0;
}

/** The exit code a report stands for: 1 if the run was interrupted or a rule failed, errored or was not exercised. */
export function exitOf(report: Report): number {
  return runFails(report) ? 1 : 0;
}
