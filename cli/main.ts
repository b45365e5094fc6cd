/**
 * The command line: `loopspec run` runs the suite against an implementation.
 * Exit codes: 0 every rule passed (or was skipped for a stated capability), 1 some rule
 * failed, errored or was not exercised, 2 bad usage or a broken adapter.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { DEFAULT_RUNS, runSuite } from '../conformance/runner.ts';
import { PROPERTIES } from '../conformance/properties/index.ts';
import { GROUP_TITLES, RULES } from '../spec/rules.ts';
import { loadAdapter, UsageError } from './load-adapter.ts';
import { failureDetails, summary, table } from './report.ts';

export const EXIT = { ok: 0, fail: 1, usage: 2 } as const;

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY: boolean;
  env: Record<string, string | undefined>;
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
  isTTY: Boolean(process.stderr.isTTY),
  env: process.env,
};

function positiveInt(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${name} must be a positive whole number, got '${v}'`);
    return Number(v);
  };
}

function int32(v: string): number {
  if (!/^-?\d+$/.test(v) || Math.abs(Number(v)) > 2 ** 31) throw new InvalidArgumentError(`seed must be a whole number, got '${v}'`);
  return Number(v);
}

/** `--rule GET-1` or a whole group, `--rule GET`. */
export function selectRules(wanted: string[]): string[] {
  const ids = PROPERTIES.map((p) => p.rule);
  const chosen = new Set<string>();
  for (const w of wanted.flatMap((x) => x.split(',')).map((x) => x.trim().toUpperCase())) {
    if (ids.includes(w)) chosen.add(w);
    else if (w in GROUP_TITLES) ids.filter((id) => id.startsWith(`${w}-`)).forEach((id) => chosen.add(id));
    else throw new UsageError(`unknown rule '${w}': see \`loopspec rules\` for the list`);
  }
  return ids.filter((id) => chosen.has(id));
}

function version(): string {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('loopspec')
    .description("Conformance suite for Python asyncio's event-loop semantics")
    .version(version())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showSuggestionAfterError();

  program
    .command('run')
    .description('run the suite against an implementation (the built-in reference by default)')
    .option('--impl <name|path>', "'reference', 'oracle', or a path to an adapter module", 'reference')
    .option('--runs <n>', `programs generated per rule (default ${DEFAULT_RUNS})`, positiveInt('--runs'))
    .option('--seed <n>', 'seed of the run (printed with every run, to replay it)', int32)
    .option('--rule <id...>', 'only these rules or rule groups (repeatable, or comma-separated)')
    .option('--path <path>', "fast-check's replay path of a counterexample (with --rule and --seed)")
    .option('--progress', 'print progress even when not on a terminal or in CI')
    .option('--no-progress', 'never print progress')
    .action(async (opts: { impl: string; runs?: number; seed?: number; rule?: string[]; path?: string; progress?: boolean }) => {
      code = await runCommand(opts, io);
    });

  program
    .command('rules')
    .description('list the rules of the specification')
    .action(() => {
      for (const r of RULES) if (!r.retired) io.out(`${r.id.padEnd(8)} ${r.title}`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; everything else commander rejects is a usage error.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.err(`loopspec: ${e.message}`);
      return EXIT.usage;
    }
    throw e;
  }
  return code;
}

async function runCommand(opts: { impl: string; runs?: number; seed?: number; rule?: string[]; path?: string; progress?: boolean }, io: Io): Promise<number> {
  const rules = opts.rule ? selectRules(opts.rule) : undefined;
  if (opts.path && (!rules || rules.length !== 1 || opts.seed === undefined)) throw new UsageError('--path replays one counterexample: give it with one --rule and its --seed');
  const adapter = await loadAdapter(opts.impl);
  const inCi = Boolean(io.env.CI) && io.env.CI !== 'false';
  const progress = opts.progress ?? (io.isTTY && !inCi);
  const started = Date.now();
  io.out(`loopspec: ${adapter.name} ${adapter.version}, profile cpython-3.12`);
  try {
    const result = await runSuite({
      adapter,
      rules,
      runs: opts.runs,
      seed: opts.seed,
      path: opts.path,
      onRuleEnd: (r, i, total) => {
        if (progress) io.err(`[${i + 1}/${total}] ${r.rule} ${r.verdict} (${((Date.now() - started) / 1000).toFixed(1)} s elapsed)`);
      },
    });
    io.out(table(result));
    const replay = `npx loopspec run --impl ${opts.impl}${opts.runs ? ` --runs ${opts.runs}` : ''}`;
    for (const r of result.results) if (r.verdict === 'fail' || r.verdict === 'error') io.out('\n' + failureDetails(r, replay, result.seed));
    io.out('\n' + summary(result));
    const bad = result.results.some((r) => r.verdict === 'fail' || r.verdict === 'error' || r.verdict === 'unexercised');
    return bad ? EXIT.fail : EXIT.ok;
  } finally {
    await adapter.close();
  }
}
