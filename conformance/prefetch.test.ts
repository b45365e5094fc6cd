// Running a rule's programs ahead, several at once, changes how long a run takes, never what it
// finds: the same verdicts, counterexamples, consequences and blames as one program at a time.
import { describe, expect, it } from 'vitest';
import type { Adapter } from './adapter.ts';
import { referenceAdapter } from './adapters/reference.ts';
import { runAhead } from './prefetch.ts';
import type { Report } from './report.ts';
import { runSuite } from './runner.ts';
import { MUTANTS } from '../fixtures/mutants/index.ts';
import type { Program } from '../language/program.ts';

/** What a report finds, without when and how long. */
const findings = (r: Report) =>
  r.rules.map(({ id, verdict, error, fault, runs, exercised, skipped, clauses, counterexample }) => ({
    id,
    verdict,
    error,
    fault,
    runs,
    exercised,
    skipped,
    clauses,
    counterexample,
  }));

/** The same in-process implementation, as a pool of `n`: programs run ahead, interleaved. */
const poolOf = (a: Adapter, n: number): Adapter[] => Array.from({ length: n }, () => a);

describe('running ahead', () => {
  // A conforming run, a mutant that fails exactly its rule, one whose finds cross rules
  // (blames, probes), one that breaks orders.
  const cases: Array<[string, Adapter]> = [
    ['the reference', referenceAdapter()],
    ...['running-flag-not-reset', 'policy-not-installed', 'callbacks-lifo'].map(
      (name) => [name, MUTANTS.find((m) => m.name === name)!.adapter] as [string, Adapter],
    ),
  ];
  it.each(cases)(
    'finds what one program at a time finds: %s',
    async (_name, adapter) => {
      const one = await runSuite({ adapter, runs: 40, seed: 23 });
      const four = await runSuite({ adapter: poolOf(adapter, 4), runs: 40, seed: 23 });
      expect(findings(four)).toEqual(findings(one));
    },
    60_000,
  );

  it('runs at most that many at once, in order, and starts nothing after a stop', async () => {
    const programs: Program[] = Array.from({ length: 6 }, (_, i) => ({ version: 1, main: [{ op: 'mark', tag: `t${i}` }] }));
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const release: Array<() => void> = [];
    const ahead = runAhead(
      programs,
      async (p) => {
        running++;
        most = Math.max(most, running);
        order.push((p.main[0] as { tag: string }).tag);
        await new Promise<void>((resolve) => release.push(resolve));
        running--;
        return (p.main[0] as { tag: string }).tag;
      },
      2,
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(['t0', 't1']);
    ahead.stop();
    for (let i = 0; i < 6; i++) {
      release.shift()?.();
      await new Promise((r) => setTimeout(r, 5));
    }
    await ahead.drained();
    expect(most).toBe(2);
    // Stopped after two started: the others never ran, and the first two kept their results.
    expect(order).toEqual(['t0', 't1']);
    await expect(ahead.take(programs[0])).resolves.toBe('t0');
    await expect(ahead.take(programs[5])).rejects.toThrow();
  });
});
