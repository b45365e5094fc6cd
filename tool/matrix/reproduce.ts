/**
 * How to reproduce one failing cell of the matrix: the counterexample file its run saved
 * (`loopspec run --save-failures`, named as tool/repro/counterexample.ts names it), `loopspec
 * replay` of that file against the same implementation with the same flags, and a standalone
 * reproducer (`loopspec repro`) where one fits: the Python script for a Python implementation
 * with at most a policy (the script takes --policy only), the TypeScript snippet for an adapter
 * module. Each command carries the environment the row ran with (PYTHONPATH for a policy's
 * module), which the report's own replay arguments cannot.
 */
import { join } from 'node:path';
import type { ReportRule } from '../../conformance/report.ts';
import { shellQuote } from '../../conformance/verdicts.ts';
import { counterexampleFileName, counterexampleFromReport } from '../repro/counterexample.ts';
import { entryEnv } from './config.ts';
import type { MatrixRow } from './status.ts';

export interface CellReproduction {
  /** The saved counterexample, as a path from the working directory of the run. */
  file: string;
  /** The same, relative to the row's folder (for a link from a page in the folder above it). */
  link: string;
  /** Shell commands, one a line, to run from where the matrix was run. */
  commands: string[];
}

const command = (words: string[]) => words.map(shellQuote).join(' ');

/** The flags of `loopspec replay` that choose the row's implementation as it ran. */
function implFlags(row: MatrixRow): string[] {
  const e = row.entry;
  const flags = ['--impl', row.impl];
  if (e.policy) flags.push('--policy', e.policy);
  if (e.loopFactory) flags.push('--loop-factory', e.loopFactory);
  if (e.setup) flags.push('--setup', e.setup);
  if (e.timeout) flags.push('--timeout', String(e.timeout));
  for (const a of e.driverArgs ?? []) flags.push(`--driver-arg=${a}`);
  return flags;
}

/** `K=V ` for each variable the row sets, shell-quoted, or nothing. */
export function envPrefix(row: MatrixRow): string {
  return Object.entries(entryEnv(row.entry, {}))
    .map(([k, v]) => `${k}=${shellQuote(v)} `)
    .join('');
}

/** The reproduction of a rule of the row's report, or undefined when the rule has no counterexample. */
export function cellReproduction(row: MatrixRow, rule: ReportRule): CellReproduction | undefined {
  if (!row.report || !rule.counterexample) return undefined;
  const name = counterexampleFileName(counterexampleFromReport(row.report, rule.id));
  const file = join(row.dir, 'counterexamples', name);
  const env = envPrefix(row);
  const commands = [`${env}${command(['npx', 'loopspec', 'replay', file, ...implFlags(row)])}`];
  const e = row.entry;
  if (e.kind === 'python' && !e.loopFactory && !e.setup) {
    const python = row.impl.startsWith('python:') ? row.impl.slice('python:'.length) : 'python3';
    commands.push(`${command(['npx', 'loopspec', 'repro', file, '--as', 'python'])} > repro.py`);
    commands.push(`${env}${command([python, 'repro.py', ...(e.policy ? ['--policy', e.policy] : [])])}`);
  } else if (e.kind === 'module') {
    commands.push(`${command(['npx', 'loopspec', 'repro', file, '--as', 'typescript', '--adapter', row.impl])} > repro.mts`);
    commands.push(`${env}npx tsx repro.mts`);
  }
  return { file, link: join(e.name, 'counterexamples', name), commands };
}
