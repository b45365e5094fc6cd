/**
 * How many driver processes a run of an out-of-process implementation wants (speed issue:
 * from the cores and from how much of the work is waiting, not a fixed number).
 *
 * A program through a driver costs the machine about PROGRAM_CPU_MS of CPU and waits on real
 * timers for at most its virtual seconds (deadlines.ts). To keep every core busy, a run needs
 * cores × (1 + wait / cpu) programs in flight: a suite of programs that never sleep wants one
 * driver per core, one whose programs mostly wait wants many.
 */
import fc from 'fast-check';
import type { Program } from '../language/program.ts';
import type { Profile } from '../spec/profiles.ts';
import { virtualSeconds } from './deadlines.ts';
import { PROPERTIES } from './properties/index.ts';
import { programsOf, ruleSeed } from './runner.ts';

/**
 * CPU (ms) one program costs through the Python driver, CPython 3.12.1 on the project's
 * machine (`npm run bench:python`, README: driver parent, its forked child and the harness).
 */
export const PROGRAM_CPU_MS = 4;
/**
 * The most drivers a default run starts: 16 was measured sound and the fastest on the project's
 * 2-core machine (`npm run bench:suite-python`); more only delays real timers on a loaded one.
 */
export const MAX_DRIVERS = 16;
/** Programs per rule sampled to estimate the waiting (the run's own seed, as the run draws them). */
const SAMPLE = 20;

/** Drivers for programs like these on `cores` cores: between one per core and `max`. */
export function driversFor(programs: Program[], cores: number, max = MAX_DRIVERS): number {
  if (programs.length === 0) return Math.min(cores, max);
  const waitMs = (1000 * programs.reduce((sum, p) => sum + virtualSeconds(p), 0)) / programs.length;
  return Math.max(1, Math.min(max, Math.ceil(cores * (1 + waitMs / PROGRAM_CPU_MS))));
}

/** A sample of the programs a run of these rules draws with this seed (each rule's first ones). */
export function sampleOfRun(rules: string[] | undefined, profile: Profile, seed: number): Program[] {
  const props = rules ? PROPERTIES.filter((p) => rules.includes(p.rule)) : PROPERTIES;
  return props.flatMap((p) => fc.sample(programsOf(p, profile), { numRuns: SAMPLE, seed: ruleSeed(seed, p.rule) }));
}
