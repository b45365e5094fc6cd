/**
 * A rule's programs run ahead of fast-check, several at once (speed issue: overlap the
 * waiting). fast-check generates a rule's programs from the seed alone until one fails, so a
 * dry run of the property yields exactly the programs the real run will ask for, in its order;
 * they run on the pool as fast as it takes them, and the real run reads each result when it
 * gets there. Once it meets a failure, nothing more is started: the shrinking runs one program
 * at a time, as without prefetching, so verdicts and counterexamples are the same.
 */
import fc from 'fast-check';
import type { Program } from '../language/program.ts';

/** The programs fast-check's run of `arbitrary` with this seed generates, in order, when none fails. */
export async function generated(arbitrary: fc.Arbitrary<Program>, runs: number, seed: number): Promise<Program[]> {
  const programs: Program[] = [];
  await fc.assert(
    fc.asyncProperty(arbitrary, async (p) => {
      programs.push(p);
    }),
    { numRuns: runs, seed },
  );
  return programs;
}

export interface Ahead<T> {
  /** The result for this program (by its content), if it was started ahead; each is taken once. */
  take(program: Program): Promise<T> | undefined;
  /** Starts nothing more (the real run met a failure and shrinks now). */
  stop(): void;
  /** Settles when every started program has finished. */
  drained(): Promise<void>;
}

/** Runs `evaluate` on the programs in order, at most `concurrency` at once. */
export function runAhead<T>(programs: Program[], evaluate: (p: Program) => Promise<T>, concurrency: number): Ahead<T> {
  const started = new Map<string, Promise<T>>();
  const slots: Array<() => void> = [];
  let stopped = false;
  let running = 0;
  const all: Promise<unknown>[] = [];
  const release = () => {
    running--;
    slots.shift()?.();
  };
  for (const p of programs) {
    const key = JSON.stringify(p);
    if (started.has(key)) continue;
    const result = (async () => {
      if (running >= concurrency) await new Promise<void>((resolve) => slots.push(resolve));
      running++;
      try {
        if (stopped) throw new Stopped();
        return await evaluate(p);
      } finally {
        release();
      }
    })();
    // A result nobody takes (after a stop) must not surface as an unhandled rejection.
    all.push(result.catch(() => undefined));
    started.set(key, result);
  }
  return {
    take(program) {
      const key = JSON.stringify(program);
      const r = started.get(key);
      started.delete(key);
      return r;
    },
    stop() {
      stopped = true;
    },
    async drained() {
      await Promise.all(all);
    },
  };
}

/** A program not started because the run stopped prefetching. */
class Stopped extends Error {}
