/**
 * The in-process adapter for the reference implementation: each program runs on a fresh
 * runtime (optionally patched, which is how a mutant is built) and is interpreted statement
 * by statement (see interpreter.ts).
 */
import { createRuntime, type Runtime } from '../../reference/index.ts';
import { defaultProfile, requireProfile, type Profile } from '../../spec/profiles.ts';
import { ALL_CAPABILITIES, type Adapter } from '../adapter.ts';
import { ensureNumbered, type Program } from '../../language/program.ts';
import { LOOPSPEC_VERSION } from '../version.ts';
import type { Trace } from '../../language/trace.ts';
import { interpret } from './interpreter.ts';

export interface ReferenceAdapterOptions {
  /** Adapter name (default 'loopspec-reference'); a mutant gives its own. */
  name?: string;
  /** Applied to every fresh runtime before the program runs: a mutant's one change. */
  patch?: (rt: Runtime) => void;
  /**
   * The CPython version whose semantics the reference follows: a profile or its name
   * (spec/profiles.ts); default cpython-3.12. The adapter reports it as its `profile`.
   */
  profile?: string | Profile;
}

const VERSION = LOOPSPEC_VERSION;

/** A profile given by name or object; unknown names are an error, not a silent default. */
export function resolveProfile(profile: string | Profile | undefined): Profile {
  if (profile === undefined) return defaultProfile();
  return typeof profile === 'string' ? requireProfile(profile) : profile;
}

/** Runs `program` on a fresh (patched) runtime of `profile` and returns its trace. */
export function runOnReference(program: Program, patch?: (rt: Runtime) => void, profile?: string | Profile): Trace {
  const rt = createRuntime(resolveProfile(profile));
  patch?.(rt);
  return interpret(rt, ensureNumbered(program));
}

export function referenceAdapter(options: ReferenceAdapterOptions = {}): Adapter {
  const profile = resolveProfile(options.profile);
  return {
    name: options.name ?? 'loopspec-reference',
    version: VERSION,
    profile: profile.name,
    capabilities: { ...ALL_CAPABILITIES },
    run: async (program) => runOnReference(program, options.patch, profile),
    close: async () => {},
  };
}
