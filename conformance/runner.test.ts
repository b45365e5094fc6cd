// The harness itself: the oracle as an implementation passes, a vacuous property is never a
// pass, and a deviating implementation fails with a shrunk, replayable counterexample.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Adapter } from './adapter.ts';
import type { Program } from '../language/program.ts';
import { oracleAdapter } from './adapters/oracle.ts';
import { runRule, runSuite } from './runner.ts';
import type { Trace } from '../language/trace.ts';
import { intermittentNote } from './verdicts.ts';
import { findingPrograms } from './arbitraries/index.ts';

/** The oracle, except that no statement ever warns (GET-3's deprecation warning is missing). */
function neverWarns(): Adapter {
  const base = oracleAdapter();
  return {
    ...base,
    run: async (p) => {
      const t = await base.run(p);
      for (const o of Object.values(t.obs)) o.warnings = [];
      return t;
    },
  };
}

describe('the suite runner', () => {
  it('passes every rule when the implementation is the oracle itself', async () => {
    const r = await runSuite({ adapter: oracleAdapter(), runs: 100, seed: 4 });
    expect(r.rules.filter((x) => x.verdict !== 'pass').map((x) => `${x.id}: ${x.verdict}`)).toEqual([]);
    for (const x of r.rules) expect(x.exercised, x.id).toBeGreaterThan(0);
  });

  it('gives the same results with several instances of an implementation running rules side by side', async () => {
    const one = await runSuite({ adapter: oracleAdapter(), runs: 30, seed: 8, rules: ['GET-1', 'GET-3', 'LIFE-1', 'SCHED-1'] });
    const two = await runSuite({
      adapter: [oracleAdapter(), oracleAdapter()],
      runs: 30,
      seed: 8,
      rules: ['GET-1', 'GET-3', 'LIFE-1', 'SCHED-1'],
    });
    const strip = (r: typeof one) => r.rules.map(({ durationMs: _ms, ...rest }) => rest);
    expect(strip(two)).toEqual(strip(one));
  });

  it('reports a rule that no program reaches as unexercised, not as a pass', async () => {
    const marksOnly = fc.constant<Program>({ version: 1, main: [{ op: 'mark', tag: 'a' }] });
    const r = await runRule({ rule: 'GET-3', programs: marksOnly }, oracleAdapter(), 20, 1);
    expect(r.verdict).toBe('unexercised');
    expect(r.exercised).toBe(0);
  });

  it('skips, and says why, when the implementation lacks a capability', async () => {
    const noThreads: Adapter = { ...oracleAdapter(), capabilities: { threads: false, fork: true, executor: true } };
    const r = await runRule({ rule: 'THR-1', programs: (await import('./arbitraries/index.ts')).workerThreadPrograms }, noThreads, 20, 1);
    expect(r.verdict).toBe('skipped');
    expect(r.skipReasons).toEqual(['needs threads']);
  });

  it('fails a deviating implementation with a shrunk counterexample that replays', async () => {
    // Deviation: get_event_loop never warns.
    const silent = neverWarns();
    const r = await runRule({ rule: 'GET-3', programs: findingPrograms }, silent, 100, 9);
    expect(r.verdict).toBe('fail');
    const c = r.counterexample!;
    expect(c.mismatches[0].rule).toBe('GET-3');
    expect(c.mismatches[0].expected).toContain('DeprecationWarning');
    // Shrunk: a single get_event_loop in a fresh main thread is the whole story.
    expect(c.program.main.filter((s) => s.op === 'get_event_loop').length).toBe(1);
    const again = await runRule({ rule: 'GET-3', programs: findingPrograms }, silent, 100, c.seed, c.path);
    expect(again.verdict).toBe('fail');
    expect(again.counterexample!.program).toEqual(c.program);
  });

  // A fault or a wrong observation that happens once: the verdict is what was seen, marked
  // intermittent by the rerun, never an invented trace (issue 9).
  const once = (spoil: (t: Trace) => Trace): Adapter => {
    const base = oracleAdapter();
    let calls = 0;
    return {
      ...base,
      run: async (p) => {
        const t = await base.run(p);
        return ++calls === 3 ? spoil(t) : t;
      },
    };
  };

  it('keeps a crash seen once as the verdict, with its trace, and marks it intermittent', async () => {
    const crashOnce = once((t) => ({ ...t, end: { kind: 'crash', detail: 'the driver died (exit 139)' } }));
    const r = await runRule({ rule: 'GET-3', programs: findingPrograms }, crashOnce, 20, 3);
    expect(r.verdict).toBe('error');
    expect(r.fault).toBe('crash');
    expect(r.error).toContain('exit 139');
    const c = r.counterexample!;
    expect(c.actual.end).toEqual({ kind: 'crash', detail: 'the driver died (exit 139)' });
    expect(c.reruns).toEqual({ runs: 1, failed: 0 });
    expect(intermittentNote(c)).toBe('intermittent: seen once, failed again in 0 of 1 reruns');
  });

  it('keeps a wrong observation seen once as a failure, marked intermittent, and counts more reruns with verify', async () => {
    const wrongOnce = once((t) => {
      for (const o of Object.values(t.obs)) o.warnings = [{ category: 'UserWarning', message: 'spurious' }];
      return t;
    });
    const r = await runRule({ rule: 'GET-3', programs: findingPrograms }, wrongOnce, 20, 3, undefined, undefined, 4);
    expect(r.verdict).toBe('fail');
    expect(r.counterexample!.mismatches[0].actual).toContain('spurious');
    expect(r.counterexample!.reruns).toEqual({ runs: 4, failed: 0 });
  });

  it('says nothing of intermittence when every rerun fails again', async () => {
    const silent = neverWarns();
    const r = await runRule({ rule: 'GET-3', programs: findingPrograms }, silent, 50, 9, undefined, undefined, 2);
    expect(r.counterexample!.reruns).toEqual({ runs: 2, failed: 2 });
    expect(intermittentNote(r.counterexample)).toBeUndefined();
  });
});
