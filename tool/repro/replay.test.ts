import { describe, expect, it } from 'vitest';
import { ALL_CAPABILITIES } from '../../conformance/adapter.ts';
import { oracleAdapter } from '../../conformance/adapters/oracle.ts';
import { profileByName } from '../../spec/profiles.ts';
import implicitCreationAnyThread from '../../fixtures/mutants/implicit-creation-any-thread.ts';
import { formatReplay, replay } from './replay.ts';
import {
  callbacksInOrder,
  implicitCreationThenTypeCheck,
  implicitCreationWarns,
  noImplicitCreationInThreads,
  runningLoopIsTheLoop,
} from '../../fixtures/helpers/counterexamples.ts';

const oracle = (v = '3.12') => oracleAdapter(profileByName(`cpython-${v}`)!);

describe('replay', () => {
  it.each([implicitCreationWarns, noImplicitCreationInThreads, callbacksInOrder, runningLoopIsTheLoop])(
    'shows no deviation against the oracle ($rule)',
    async (c) => {
      const r = await replay(c, oracle());
      expect(r.status).toBe('conforms');
      expect(r.checks.length).toBeGreaterThan(0);
      expect(r.checks.every((k) => k.ok && k.ofRule && k.rule === c.rule)).toBe(true);
      expect(r.others).toEqual([]);
      const text = formatReplay(r);
      expect(text).not.toContain('DEVIATES');
      expect(text).toContain(`CONFORMS: loopspec-oracle meets ${c.rule}`);
    },
  );

  it('prints the program as Python, then expected / actual per expectation', async () => {
    const text = formatReplay(await replay(runningLoopIsTheLoop, oracle()));
    expect(text).toContain('s1   L = asyncio.new_event_loop()');
    expect(text).toContain('s8 outcome: OK\n      expected: L1 (the loop of s1)\n      actual:   L1');
  });

  it('shows the deviation of an implementation bug, allowed by no profile', async () => {
    const r = await replay(noImplicitCreationInThreads, implicitCreationAnyThread.adapter);
    expect(r.status).toBe('deviates');
    expect(r.checks.find((k) => k.where === 's2 outcome')).toMatchObject({
      ok: false,
      expected: `RuntimeError("There is no current event loop in thread 'T1'.")`,
      actual: 'L1',
    });
    expect(r.holdsUnder).toEqual([]);
    const text = formatReplay(r);
    expect(text).toContain('s2 outcome: DEVIATES');
    expect(text).toContain('a bug of the implementation, not a difference between Python versions');
  });

  it('tells a difference between Python versions from a bug', async () => {
    const r = await replay(implicitCreationWarns, oracle('3.11'));
    expect(r.status).toBe('deviates');
    expect(r.checks.find((k) => !k.ok)).toMatchObject({
      where: 's1 warnings',
      expected: 'DeprecationWarning("There is no current event loop")',
      actual: 'no warning',
    });
    expect(r.holdsUnder).toEqual(['cpython-3.8', 'cpython-3.9', 'cpython-3.10', 'cpython-3.11']);
    expect(formatReplay(r)).toContain(
      'They satisfy GET-3 under cpython-3.8, cpython-3.9, cpython-3.10, cpython-3.11: the behaviour of another Python version',
    );
    // replayed with the profile of the implementation's version, it conforms
    expect((await replay(implicitCreationWarns, oracle('3.11'), profileByName('cpython-3.11'))).status).toBe('conforms');
  });

  it("lists the other rules' mismatches apart, marked as such", async () => {
    const r = await replay(implicitCreationThenTypeCheck, oracle('3.10'));
    expect(r.checks.every((k) => k.ofRule && k.rule === 'GET-3')).toBe(true);
    expect(r.others).toEqual([
      {
        rule: 'NEW-5',
        ofRule: false,
        kind: 'outcome',
        where: 's2 outcome',
        expected: `TypeError("loop must be an instance of AbstractEventLoop or None, not 'int'")`,
        actual: 'AssertionError("")',
        ok: false,
      },
    ]);
    expect(formatReplay(r)).toMatch(/Other rules' mismatches \(not GET-3, shown for context\):\n {2}NEW-5 s2 outcome: DEVIATES/);
  });

  it('is skipped, never passed, when the implementation lacks a capability', async () => {
    const r = await replay(noImplicitCreationInThreads, { ...oracle(), capabilities: { ...ALL_CAPABILITIES, threads: false } });
    expect(r.status).toBe('skipped');
    expect(formatReplay(r)).toContain('SKIPPED: loopspec-oracle lacks threads');
  });
});
