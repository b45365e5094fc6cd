// State probes and diagnosis: a failure whose cause is state the program never asked about is
// blamed on the rule of the probe that shows that state first; a failure no probe explains
// stays the rule's; probes that would race a thread are dropped.
import { describe, expect, it } from 'vitest';
import type { Adapter } from './adapter.ts';
import { blameOf, checkProgram } from './check.ts';
import { diagnose } from './diagnosis.ts';
import { keepOnly, probe } from './probes.ts';
import runningFlagNotReset from '../fixtures/mutants/running-flag-not-reset.ts';
import runForeverNoClosedCheck from '../fixtures/mutants/run-forever-no-closed-check.ts';
import runningLoopNotCleared from '../fixtures/mutants/running-loop-not-cleared.ts';
import policyPerThread from '../fixtures/mutants/policy-per-thread.ts';
import callbacksLifo from '../fixtures/mutants/callbacks-lifo.ts';
import setNotRecorded from '../fixtures/mutants/set-not-recorded.ts';
import { numberProgram, walk } from '../language/program.ts';
import type { Program, Stmt } from '../language/program.ts';
import { defaultProfile } from '../spec/profiles.ts';
import { runSuite } from './runner.ts';
import { replayCommand } from './verdicts.ts';

const profile = defaultProfile();
const program = (main: Stmt[]): Program => numberProgram({ version: 1, main });
const ops = (p: Program) => [...walk(p.main)].map((s) => ('loop' in s ? `${s.op} ${s.loop}` : s.op));

// L1 = new_event_loop(); L1.run_until_complete(coro()); L1.run_until_complete(coro())
const twoRuns = program([
  { op: 'new_event_loop', as: 'L1' },
  { op: 'run_until_complete', loop: 'L1', body: [] },
  { op: 'run_until_complete', loop: 'L1', body: [] },
]);

describe('probes', () => {
  it('read the running loop, each loop bound so far and the policy, after every statement and at the start of every body', () => {
    const p = probe(twoRuns, profile)!;
    const reads = ['peek_running_loop', 'is_running L1', 'is_closed L1', 'get_policy'];
    // Between the main thread's own statements, another thread reads the policy and its own loop.
    const elsewhere = ['start_thread', 'get_policy', 'get_event_loop', 'join_thread'];
    expect(ops(p.program)).toEqual([
      'peek_running_loop',
      'get_policy',
      'new_event_loop',
      ...reads,
      ...elsewhere,
      'run_until_complete L1',
      ...reads,
      ...reads,
      ...elsewhere,
      'run_until_complete L1',
      ...reads,
      ...reads,
      ...elsewhere,
    ]);
    expect(p.probes.size).toBe(ops(p.program).length - 3);
    // Numbered in pre-order, as any program.
    expect([...walk(p.program.main)].map((s) => s.id)).toEqual(ops(p.program).map((_, i) => `s${i + 1}`));
  });

  it("bind asyncio.run's loop, keep that binding with a probe that reads it, and never read a fork child's variable in the parent", () => {
    const p = probe(
      program([
        { op: 'asyncio_run', body: [] },
        { op: 'fork', body: [{ op: 'new_event_loop', as: 'C1' }] },
      ]),
      profile,
    )!;
    const reads = (...loops: string[]) => [
      'peek_running_loop',
      ...loops.flatMap((l) => [`is_running ${l}`, `is_closed ${l}`]),
      'get_policy',
    ];
    const elsewhere = ['start_thread', 'get_policy', 'get_event_loop', 'join_thread'];
    expect(ops(p.program)).toEqual([
      ...reads(),
      'asyncio_run',
      'get_running_loop',
      ...reads('LR1'),
      ...reads('LR1'),
      ...elsewhere,
      'fork',
      ...reads('LR1'),
      'new_event_loop',
      ...reads('LR1', 'C1'),
      ...reads('LR1'),
      ...elsewhere,
    ]);
    const after = [...walk(p.program.main)].filter((s) => s.op === 'is_running' && s.loop === 'LR1')[1];
    expect(ops(keepOnly(p, new Set([after.id!])).program)).toEqual([
      'asyncio_run',
      'get_running_loop',
      'is_running LR1',
      'fork',
      'new_event_loop',
    ]);
  });
});

describe('probes and threads', () => {
  it('leave a thread joined at once joined at once, so that a program with threads is probed too', () => {
    const p = probe(
      program([
        { op: 'new_event_loop', as: 'L1' },
        { op: 'start_thread', thread: 'T1', body: [{ op: 'is_closed', loop: 'L1' }] },
        { op: 'join_thread', thread: 'T1' },
      ]),
      profile,
    );
    expect(p).toBeDefined();
    const main = p!.program.main.map((s) => s.op);
    expect(main[main.indexOf('start_thread') + 1]).toBe('join_thread');
  });
});

describe('probes and threads, reading', () => {
  it("read a loop a thread bound only after the thread's join (before it, a read races the binding)", () => {
    const p = probe(
      program([
        { op: 'start_thread', thread: 'T1', body: [{ op: 'new_event_loop', as: 'T1L' }] },
        { op: 'mark', tag: 'a' },
        { op: 'join_thread', thread: 'T1' },
      ]),
      profile,
    )!;
    const main = p.program.main.map((s) => ('loop' in s ? `${s.op} ${s.loop}` : s.op));
    const join = main.indexOf('join_thread');
    expect(main.slice(0, join)).not.toContain('is_running T1L');
    expect(main.slice(join)).toContain('is_running T1L');
  });
});

/** The program judged for `rule` on `adapter`, and its diagnosis where it diverged. */
async function judged(rule: string, p: Program, adapter: Adapter) {
  const c = await checkProgram(rule, p, adapter, profile);
  const d = 'first' in c ? await diagnose(rule, p, c, { adapter, profile, deadlines: {} }) : undefined;
  return { c, d };
}

describe('diagnosis', () => {
  it('blames a refused second run on the running flag left set (LIFE-6), with the one probe that shows it', async () => {
    const { c: alone, d } = await judged('LIFE-1', twoRuns, runningFlagNotReset.adapter);
    expect(alone.status).toBe('fail');
    expect(d!.check.status).toBe('consequence');
    expect(d!.check.first.map((m) => m.expectation.clause)).toEqual(['LIFE-6.2']);
    expect(ops(d!.program)).toEqual(['new_event_loop', 'run_until_complete L1', 'is_running L1', 'run_until_complete L1']);
  });

  it('writes asyncio.run out as its loop calls to find which went wrong inside it (a running loop never cleared: RUN-2)', async () => {
    const run = program([{ op: 'asyncio_run', body: [] }]);
    const { c, d } = await judged('ARUN-1', run, runningLoopNotCleared.adapter);
    expect(c.status).toBe('fail');
    expect(d!.how).toBe('unfolded');
    expect(d!.check.first.map((m) => m.expectation.clause)).toEqual(['RUN-2.2']);
    expect(ops(d!.program)).toEqual([
      'new_event_loop',
      'set_event_loop',
      'run_until_complete LU1',
      'peek_running_loop',
      'set_event_loop',
      'close LU1',
    ]);
  });

  it("reads the policy from another thread: a policy kept per thread is POL-1's, not what set_event_loop_policy(None) then seems to do", async () => {
    // get_event_loop(); set_event_loop_policy(None); get_event_loop(): the second lookup should make a new loop.
    const uninstall = program([{ op: 'get_event_loop' }, { op: 'set_policy', arg: null }, { op: 'get_event_loop' }]);
    const { c, d } = await judged('POL-2', uninstall, policyPerThread.adapter);
    // The new loop not made is GET-3's, under POL-2.3's condition (a new policy).
    expect(c.status).toBe('tie');
    expect(d!.check.first.map((m) => m.expectation.clause)).toEqual(['POL-1.1']);
    // The main thread's read names the policy the thread's read is compared with.
    expect(ops(d!.program)).toEqual([
      'get_event_loop',
      'get_policy',
      'start_thread',
      'get_policy',
      'join_thread',
      'set_policy',
      'get_event_loop',
    ]);
  });

  it('runs the program without the lookups inside a run when they are only a condition (GET-1.2), and blames the rest', async () => {
    // set_event_loop(None) inside a run, lookups there, and one after: a loop that forgets the
    // "set called" flag makes a loop there, with or without the lookups inside the run.
    const cleared = program([
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [{ op: 'get_event_loop' }, { op: 'set_event_loop', arg: null }, { op: 'get_event_loop' }],
      },
      { op: 'get_event_loop' },
    ]);
    const { c, d } = await judged('GET-1', cleared, setNotRecorded.adapter);
    expect(c.status).toBe('tie');
    expect(d!.how).toBe('without GET-1');
    expect(blameOf(d!.check.first)).toEqual({ rules: ['NEW-4'], unless: ['GET-4'] });
    expect(ops(d!.program)).toEqual(['new_event_loop', 'run_until_complete L1', 'set_event_loop', 'get_event_loop']);
  });

  it('queues witness callbacks before each run: a ready queue used as a stack shows in their order first (SCHED-1), not as an early stop that lost a callback (LIFE-7)', async () => {
    // A callback queued, a stop before the run, a run: the stopping iteration runs every callback already queued.
    const stopped = program([
      { op: 'new_event_loop', as: 'L1' },
      { op: 'call_soon', loop: 'L1', body: [{ op: 'mark', tag: 'a' }] },
      { op: 'stop', loop: 'L1' },
      { op: 'run_until_complete', loop: 'L1', body: [] },
    ]);
    const { c, d } = await judged('LIFE-7', stopped, callbacksLifo.adapter);
    expect(c.status).toBe('fail');
    expect(d!.how).toBe('fifo');
    expect(blameOf(d!.check.first)).toEqual({ rules: ['SCHED-1'], unless: [] });
    expect(ops(d!.program)).toEqual([
      'new_event_loop',
      'call_soon L1',
      'mark',
      'stop L1',
      'call_soon L1',
      'mark',
      'call_soon L1',
      'mark',
      'run_until_complete L1',
      // The drain: the loop run once more at the end, to run what a stack left queued.
      'run_until_complete L1',
    ]);
  });

  it('runs the loop once more at the end: witnesses a stack left queued run there, the newest first, and that swap is SCHED-1 before the round robin (TASK-5) breaks', async () => {
    // A task created before a sleep(0): round robin runs it first; a stack runs the creator on and stops.
    const roundRobin = program([
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          { op: 'create_task', as: 'K1', body: [{ op: 'mark', tag: 'a' }] },
          { op: 'sleep', delay: 0 },
          { op: 'mark', tag: 'a' },
        ],
      },
    ]);
    const { c, d } = await judged('TASK-5', roundRobin, callbacksLifo.adapter);
    expect(c.status).toBe('fail');
    expect(d!.how).toBe('fifo');
    expect(blameOf(d!.check.first)).toEqual({ rules: ['SCHED-1'], unless: [] });
    expect(ops(d!.program).at(-1)).toBe('run_until_complete L1');
  });

  it('resolves a tie with the round robin by two witnesses queued back to back that ran the other way round (SCHED-1 proven in the program)', async () => {
    // Stopped early, then run again: the task's resumption (LIFE-8.2) never comes on a stack.
    const stoppedEarly = program([
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          { op: 'stop', loop: 'L1' },
          { op: 'sleep', delay: 0 },
          { op: 'mark', tag: 'm' },
          { op: 'return', value: 1 },
        ],
      },
      { op: 'run_until_complete', loop: 'L1', body: [{ op: 'return', value: 2 }] },
    ]);
    const { c, d } = await judged('LIFE-8', stoppedEarly, callbacksLifo.adapter);
    expect(c.status).toBe('fail');
    expect(d!.how).toBe('fifo');
    expect(blameOf(d!.check.first)).toEqual({ rules: ['SCHED-1'], unless: [] });
    expect(d!.check.first.some((m) => m.expectation.condition)).toBe(false);
  });

  it("queues witnesses in asyncio.run's coroutine once it binds its running loop: a stack that starves run_coroutine_threadsafe's callback shows as SCHED-1, not as the round robin (TASK-5)", async () => {
    const starved = program([
      {
        op: 'asyncio_run',
        body: [
          { op: 'get_running_loop', as: 'L' },
          { op: 'run_coroutine_threadsafe', loop: 'L', as: 'CF', body: [{ op: 'return', value: 5 }] },
          { op: 'sleep', delay: 0 },
          { op: 'sleep', delay: 0 },
          { op: 'sleep', delay: 0 },
          { op: 'cfuture_call', future: 'CF', method: 'cancel' },
        ],
      },
    ]);
    const { c, d } = await judged('RCT-1', starved, callbacksLifo.adapter);
    expect(c.status).toBe('tie');
    expect(d!.how).toBe('fifo');
    expect(blameOf(d!.check.first)).toEqual({ rules: ['SCHED-1'], unless: [] });
  });

  it('leaves a failure no probe explains with its rule', async () => {
    // A closed loop that runs anyway (one iteration: it was stopped): every probe reads what the oracle says, up to the run itself.
    const closedRun = program([
      { op: 'new_event_loop', as: 'L1' },
      { op: 'close', loop: 'L1' },
      { op: 'stop', loop: 'L1' },
      { op: 'run_forever', loop: 'L1' },
    ]);
    const { c, d } = await judged('LIFE-2', closedRun, runForeverNoClosedCheck.adapter);
    expect(c.status).toBe('fail');
    expect(d).toBeUndefined();
  });

  it('marks a counterexample found with probes, and its replay command says --path makes it before the rewrite', async () => {
    // A policy kept per thread: at this seed only a thread's read among the probes shows it (POL-1).
    const r = await runSuite({ adapter: policyPerThread.adapter, runs: 100, seed: 1 });
    const rewritten = r.rules.filter((x) => x.counterexample?.rewritten);
    expect(rewritten.map((x) => x.id)).toEqual(['POL-1']);
    for (const x of rewritten)
      expect(replayCommand(r, x)).toMatch(/# makes it before its (probes|unfolded|fresh|fifo|without [A-Z]+-\d+) rewrite/);
    const plain = r.rules.find((x) => x.counterexample && !x.counterexample.rewritten);
    if (plain) expect(replayCommand(r, plain)).not.toMatch(/#/);
  });
});
