/**
 * The in-process adapter for the reference implementation: each program runs on a fresh
 * runtime (optionally patched, which is how a mutant is built) and is interpreted statement
 * by statement (see interpret/interpreter.ts).
 */
import { readFileSync } from 'node:fs';
import { createRuntime, type Runtime } from '../../reference/index.ts';
import { ALL_CAPABILITIES, type Adapter } from '../adapter.ts';
import { numberProgram, walk, type Program } from '../program.ts';
import type { Trace } from '../trace.ts';
import { interpret } from './interpret/interpreter.ts';

export interface ReferenceAdapterOptions {
  /** Adapter name (default 'loopspec-reference'); a mutant gives its own. */
  name?: string;
  /** Applied to every fresh runtime before the program runs: a mutant's one change. */
  patch?: (rt: Runtime) => void;
}

const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

/** Runs `program` on a fresh (patched) runtime and returns its trace. */
export function runOnReference(program: Program, patch?: (rt: Runtime) => void): Trace {
  const rt = createRuntime();
  patch?.(rt);
  const numbered = [...walk(program.main)].every((s) => s.id !== undefined) ? program : numberProgram(program);
  return interpret(rt, numbered);
}

export function referenceAdapter(options: ReferenceAdapterOptions = {}): Adapter {
  return {
    name: options.name ?? 'loopspec-reference',
    version: VERSION,
    capabilities: { ...ALL_CAPABILITIES },
    run: async (program) => runOnReference(program, options.patch),
    close: async () => {},
  };
}
