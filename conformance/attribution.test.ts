// First-divergence attribution: a program that breaks several rules' expectations fails only
// the rule whose expectation broke first; a hang or crash is blamed on the statement in flight.
import { describe, expect, it } from 'vitest';
import type { Adapter } from './adapter.ts';
import { oracleAdapter } from './adapters/oracle.ts';
import { numberProgram } from '../language/program.ts';
import type { Program, Stmt } from '../language/program.ts';
import type { Trace } from '../language/trace.ts';
import { predict } from './oracle/oracle.ts';
import { blameOf } from './check.ts';
import type { Blame } from './blame.ts';
import { explainedByAnother } from './blame.ts';
import { checkProgram } from './runner.ts';
import callbacksLifo from '../fixtures/mutants/callbacks-lifo.ts';
import callSoonOnRunningLoop from '../fixtures/mutants/call-soon-on-running-loop.ts';
import nestedRunAllowed from '../fixtures/mutants/nested-run-allowed.ts';
import sleepZeroNoYield from '../fixtures/mutants/sleep-zero-no-yield.ts';
import stopBeforeRunIgnored from '../fixtures/mutants/stop-before-run-ignored.ts';

/** The oracle, except that the program stops at statement `at` (in flight) with this ending. */
function stopsAt(at: string, end: Trace['end']): Adapter {
  const base = oracleAdapter();
  return {
    ...base,
    run: async (p) => {
      const t = await base.run(p);
      const { start, end: finish } = predict(p).timeline;
      // Observed: what ended before `at` started; started: that, and what encloses `at`.
      const ended = (id: string) => finish[id] !== undefined && finish[id] < start[at];
      const started = (id: string) => start[id] !== undefined && start[id] <= start[at];
      return {
        obs: Object.fromEntries(Object.entries(t.obs).filter(([id]) => ended(id))),
        order: Object.fromEntries(Object.entries(t.order).map(([ctx, ids]) => [ctx, ids.filter(started)])),
        end,
      };
    },
  };
}

// s1 L1 = new_event_loop(); s2 L1.run_until_complete(coro(): s3 L1.run_forever(); s4 mark a); s5 L1.is_running(); s6 L1.close()
const reentrant: Program = numberProgram({
  version: 1,
  main: [
    { op: 'new_event_loop', as: 'L1' },
    {
      op: 'run_until_complete',
      loop: 'L1',
      body: [
        { op: 'run_forever', loop: 'L1' },
        { op: 'mark', tag: 'a' },
      ],
    },
    { op: 'is_running', loop: 'L1' },
    { op: 'close', loop: 'L1' },
  ],
});

/** A mismatch of an outcome at s3, of that clause (a condition, or deciding it). */
const mismatch = (rule: string, clause: string, condition?: true) =>
  ({
    expectation: { rule, clause, kind: 'outcome', stmt: 's3', expected: { value: null }, ...(condition ? { condition } : {}) },
    expected: '',
    actual: '',
  }) as const;

describe('first-divergence attribution', () => {
  it('blames a hang on the rule of the statement in flight, and only that rule', async () => {
    const hangs = stopsAt('s3', { kind: 'hang', detail: 'run_forever never returns' });
    const rules = [...new Set(predict(reentrant).expectations.map((x) => x.rule))];
    const verdicts = await Promise.all(rules.map(async (r) => [r, (await checkProgram(r, reentrant, hangs)).status] as const));
    const blamed = verdicts.filter(([, s]) => s === 'fail').map(([r]) => r);
    expect(blamed).toEqual(['LIFE-3']);
    // Every other rule that the program reaches sees consequences, not a failure of its own.
    for (const [r, s] of verdicts) if (r !== 'LIFE-3') expect(['pass', 'consequence'], r).toContain(s);
    const life1 = await checkProgram('LIFE-1', reentrant, hangs);
    expect(life1.status).toBe('consequence');
    if (life1.status === 'consequence') expect(life1.first.map((m) => m.expectation.clause)).toEqual(['LIFE-3.2']);
  });

  it('blames the earliest wrong observation, and lists the later ones as its consequences', async () => {
    // Deviation: the refused run_forever returns None; then the coroutine goes on.
    const base = oracleAdapter();
    const accepts: Adapter = {
      ...base,
      run: async (p) => {
        const t = await base.run(p);
        t.obs.s3 = { outcome: { value: null }, warnings: [] };
        t.obs.s2 = { outcome: { value: 'x' }, warnings: [] };
        return t;
      },
    };
    const life3 = await checkProgram('LIFE-3', reentrant, accepts);
    expect(life3.status).toBe('fail');
    if (life3.status === 'fail') {
      expect(life3.mismatches.map((m) => ('stmt' in m.expectation ? m.expectation.stmt : ''))).toContain('s3');
      expect(life3.consequences.map((m) => m.expectation.rule)).toContain('LIFE-1');
    }
    expect((await checkProgram('LIFE-1', reentrant, accepts)).status).toBe('consequence');
  });

  it('does not attribute a timeout or crash, whose trace does not say where it stopped', async () => {
    // An out-of-process driver that times out returns no observations at all.
    const silent: Adapter = { ...oracleAdapter(), run: async () => ({ obs: {}, order: {}, end: { kind: 'timeout', detail: 'no reply' } }) };
    const rules = [...new Set(predict(reentrant).expectations.map((x) => x.rule))];
    for (const r of rules) expect((await checkProgram(r, reentrant, silent)).status, r).toBe('fault');
  });

  it('blames a crash that comes with the statements started on the statement in flight', async () => {
    // The Python driver streams progress: a crash in s3 leaves s1 observed and s1..s3 started.
    const crashes = stopsAt('s3', { kind: 'crash', detail: "the program's process exited with status 3" });
    const c = await checkProgram('LIFE-3', reentrant, crashes);
    expect(c.status).toBe('fail');
    if (c.status === 'fail') expect(c.mismatches[0].actual).toBe('(started, never finished: crash)');
    expect((await checkProgram('LIFE-1', reentrant, crashes)).status).toBe('consequence');
  });

  it('blames a tie with conditions on whom blameOf says: the conditions, unless the deciding rule explains it', () => {
    expect(blameOf([mismatch('GET-3', 'GET-3.1'), mismatch('FORK-2', 'FORK-2.1', true)])).toEqual({ rules: ['FORK-2'], unless: ['GET-3'] });
    expect(blameOf([mismatch('GET-3', 'GET-3.1'), mismatch('LIFE-6', 'LIFE-6.1')])).toEqual({ rules: ['GET-3', 'LIFE-6'], unless: [] });
    // A condition of the deciding rule's own is no condition.
    expect(blameOf([mismatch('GET-2', 'GET-2.1'), mismatch('GET-2', 'GET-2.2', true)])).toEqual({ rules: ['GET-2'], unless: [] });
  });

  it("clears a tie's condition rule where another of its conditions broke plainly in the run", () => {
    // A task's sleep(0) returned where asyncio.run's cleanup should have cancelled it: it did not yield (TASK-5.2), or
    // the escape that ended the run did not stop the loop (ERR-2.1), unless the cleanup itself is wrong (ARUN-2.1).
    const first = [mismatch('ARUN-2', 'ARUN-2.1'), mismatch('TASK-5', 'TASK-5.2', true), mismatch('ERR-2', 'ERR-2.1', true)];
    const b = { check: { first }, unless: blameOf(first).unless } as unknown as Blame;
    expect(explainedByAnother('TASK-5', b, new Map([['ERR-2', new Set<string>()]]))).toBe(true);
    expect(explainedByAnother('ERR-2', b, new Map([['ERR-2', new Set<string>()]]))).toBe(false);
    expect(explainedByAnother('TASK-5', b, new Map())).toBe(false);
    // A plain find is no tie: nothing clears it.
    expect(explainedByAnother('TASK-5', { ...b, unless: [] }, new Map([['ERR-2', new Set<string>()]]))).toBe(false);
  });

  it('ranks what never ran after a wrong observation that stopped it', async () => {
    // Deviation: run_until_complete refuses at once; its coroutine's statements never run.
    const base = oracleAdapter();
    const refuses: Adapter = {
      ...base,
      run: async (p) => {
        const t = await base.run(p);
        const { start } = predict(p).timeline;
        const kept = (id: string) => start[id] < start.s3 || id === 's2';
        return {
          obs: {
            ...Object.fromEntries(Object.entries(t.obs).filter(([id]) => kept(id))),
            s2: { outcome: { error: { type: 'RuntimeError', message: 'no' } }, warnings: [] },
          },
          order: Object.fromEntries(Object.entries(t.order).map(([ctx, ids]) => [ctx, ids.filter(kept)])),
          end: { kind: 'ok' },
        };
      },
    };
    const inside: Program = numberProgram({
      version: 1,
      main: [
        { op: 'new_event_loop', as: 'L1' },
        { op: 'run_until_complete', loop: 'L1', body: [{ op: 'get_running_loop' }, { op: 'mark', tag: 'a' }] },
      ],
    });
    expect((await checkProgram('LIFE-1', inside, refuses)).status).toBe('fail');
    expect((await checkProgram('RUN-1', inside, refuses)).status).toBe('consequence');
  });

  it('leaves a fault with nothing broken before it to the rule that saw it', async () => {
    // The driver dies after the last statement: no expectation is broken, the fault is the rule's own.
    const diesAtEnd: Adapter = {
      ...oracleAdapter(),
      run: async (p) => ({ ...(await oracleAdapter().run(p)), end: { kind: 'crash', detail: 'exit 1' } }),
    };
    expect((await checkProgram('LIFE-1', reentrant, diesAtEnd)).status).toBe('fault');
  });

  it('blames a callback or a task that never ran on how it was scheduled, not on its first statement', async () => {
    // The ready queue as a stack: the task's wake-up after sleep(0) runs before the callback,
    // the run ends, and the callback (and the second task's first step) never run.
    const neverRun = (first: Stmt): Program =>
      numberProgram({
        version: 1,
        main: [
          { op: 'new_event_loop', as: 'L1' },
          { op: 'run_until_complete', loop: 'L1', body: [first, { op: 'sleep', delay: 0 }] },
        ],
      });
    const callback = neverRun({ op: 'call_soon', loop: 'L1', body: [{ op: 'peek_running_loop' }] });
    const c = await checkProgram('RUN-2', callback, callbacksLifo.adapter);
    expect(c.status).toBe('consequence');
    // Queued before a sleep(0): whether the loop got to it before the run ended is the queue's
    // (SCHED-1.2) and, as a condition, the round robin's (TASK-5.2: a sleep(0) that did not
    // yield ends the run first); SCHED-1 takes it where it fails on its own (a whole run).
    const first = (c as Extract<typeof c, { first: unknown }>).first;
    expect(first.map((m) => m.expectation.clause)).toEqual(['SCHED-1.2', 'TASK-5.2']);
    expect(blameOf(first)).toEqual({ rules: ['TASK-5'], unless: ['SCHED-1'] });
    const task = neverRun({ op: 'create_task', as: 'K1', body: [{ op: 'peek_running_loop' }] });
    const t = await checkProgram('RUN-2', task, callbacksLifo.adapter);
    expect(t.status).toBe('consequence');
    // A task's first step is queued like a callback: TASK-1.3 decides it, the queue (SCHED-1.2) is its condition.
    expect(blameOf((t as Extract<typeof t, { first: unknown }>).first)).toEqual({ rules: ['SCHED-1'], unless: ['TASK-1'] });
  });

  it("blames the queue where a callback's order decides whether a task or a handler ran before the run stopped", async () => {
    // s1 asyncio.run(coro(): s2 K1 = create_task(coro(): s3 K1 = create_task(coro(): )); s4 await K1); s5 state(K1)
    // The outer task queues the inner one's first step, then its end wakes the main task: in
    // FIFO order the inner task is done before the run stops; last in, first out it is still
    // pending, and asyncio.run cancels it. The state is TASK-2's; that it got there, the queue's.
    const raced = numberProgram({
      version: 1,
      main: [
        {
          op: 'asyncio_run',
          body: [
            { op: 'create_task', as: 'K1', body: [{ op: 'create_task', as: 'K1', body: [] }] },
            { op: 'await', task: 'K1' },
          ],
        },
        { op: 'task_state', task: 'K1' },
      ],
    });
    const t = await checkProgram('TASK-2', raced, callbacksLifo.adapter);
    expect(t.status).toBe('tie');
    expect(blameOf((t as Extract<typeof t, { first: unknown }>).first)).toEqual({ rules: ['SCHED-1'], unless: ['TASK-2'] });
    // A handler queued by the self-pipe's reader in the iteration that also runs the stop: in
    // FIFO order it runs before the loop stops (after the stop's callback); last in, first out it
    // never runs. That it runs is SIG-2's; that it did before the end, the queue's.
    const handled = numberProgram({
      version: 1,
      main: [
        { op: 'new_event_loop', as: 'L1' },
        { op: 'add_signal_handler', loop: 'L1', sig: 'SIGUSR1', body: [{ op: 'mark', tag: 'h1' }] },
        { op: 'run_until_complete', loop: 'L1', body: [{ op: 'mark', tag: 't' }] },
        { op: 'signal_self', sig: 'SIGUSR1' },
        {
          op: 'run_until_complete',
          loop: 'L1',
          body: [
            { op: 'mark', tag: 'u' },
            { op: 'call_soon', loop: 'L1', body: [{ op: 'mark', tag: 'sa' }] },
            { op: 'mark', tag: 'v' },
          ],
        },
        { op: 'close', loop: 'L1' },
      ],
    });
    const h = await checkProgram('SIG-2', handled, callbacksLifo.adapter);
    expect(blameOf((h as Extract<typeof h, { first: unknown }>).first)).toEqual({ rules: ['SCHED-1'], unless: ['SIG-2'] });
  });

  it("names the creator's sleep(0) where a task's first step read its name before a later rename", async () => {
    // s1 asyncio.run(coro(): s2 L1 = get_running_loop(); s3 L1.set_task_factory(...); s4 K3 = create_task(name=7,
    // coro(): s5 S3 = current_task(); s6 S3.get_name(); s7 return 1); s8 sleep(0); s9 K3.set_name("gamma"); s10 K3.get_name())
    // create_task names K3 after the factory made it (TASK-6.3); its first step reads "7" because the
    // creator's sleep(0) let it run before s9's rename. A sleep(0) that does not yield shows "gamma"
    // there: the round robin (TASK-5.2) is a condition of that read, beside its step's queuing (TASK-1.3).
    const renamed = numberProgram({
      version: 1,
      main: [
        {
          op: 'asyncio_run',
          body: [
            { op: 'get_running_loop', as: 'L1' },
            { op: 'set_task_factory', loop: 'L1', body: [] },
            {
              op: 'create_task',
              as: 'K3',
              name: 7,
              body: [
                { op: 'current_task', as: 'S3' },
                { op: 'task_name', task: 'S3' },
                { op: 'return', value: 1 },
              ],
            },
            { op: 'sleep', delay: 0 },
            { op: 'set_task_name', task: 'K3', value: 'gamma' },
            { op: 'task_name', task: 'K3' },
          ],
        },
      ],
    });
    const c = await checkProgram('TASK-6', renamed, sleepZeroNoYield.adapter);
    expect(blameOf((c as Extract<typeof c, { first: unknown }>).first)).toEqual({ rules: ['TASK-1', 'TASK-5'], unless: ['TASK-6'] });
  });

  it('blames the early stop of a run_forever whose leftover timer stops a later run', async () => {
    // s1 L1 = new_event_loop(); s2 L1.stop(); s3 L1.call_later(0.2, lambda: s4 L1.stop()); s5 L1.run_forever();
    // s6 L1.run_until_complete(coro(): s7 await sleep(0.2))
    // Stopped before it began, s5 runs one iteration (LIFE-7.2) and leaves s3's timer queued, which
    // then stops s6 before its sleep ends (LIFE-8.1). A run_forever that ignores the early stop runs
    // until the timer fires, and s6 completes: LIFE-7's deviation, seen first at s6.
    const leftover = numberProgram({
      version: 1,
      main: [
        { op: 'new_event_loop', as: 'L1' },
        { op: 'stop', loop: 'L1' },
        { op: 'call_later', loop: 'L1', delay: 0.2, body: [{ op: 'stop', loop: 'L1' }] },
        { op: 'run_forever', loop: 'L1' },
        { op: 'run_until_complete', loop: 'L1', body: [{ op: 'sleep', delay: 0.2 }] },
      ],
    });
    const c = await checkProgram('LIFE-8', leftover, stopBeforeRunIgnored.adapter);
    expect(blameOf((c as Extract<typeof c, { first: unknown }>).first)).toEqual({ rules: ['LIFE-7'], unless: ['LIFE-8'] });
  });

  it("blames the refusal of a run that would have run a callback, and a callback's own loop where it ran in another", async () => {
    // s1 L1 = new_event_loop(); s2 L1.call_soon(lambda: s3 mark a); s4 asyncio.run(coro(): s5 L1.run_until_complete(coro(): ));
    // s6 asyncio.run(coro(): s7 L1.stop())
    // s5 must be refused (another loop runs: LIFE-4.1), so s3 never runs; a loop that runs there runs s3 inside s5,
    // before s5's outcome shows the refusal missing. That s3 never ran is LIFE-7's; that no run of L1 ran it, LIFE-4's.
    const refused = numberProgram({
      version: 1,
      main: [
        { op: 'new_event_loop', as: 'L1' },
        { op: 'call_soon', loop: 'L1', body: [{ op: 'mark', tag: 'a' }] },
        { op: 'asyncio_run', body: [{ op: 'run_until_complete', loop: 'L1', body: [] }] },
        { op: 'asyncio_run', body: [{ op: 'stop', loop: 'L1' }] },
      ],
    });
    const r = await checkProgram('LIFE-7', refused, nestedRunAllowed.adapter);
    expect(blameOf((r as Extract<typeof r, { first: unknown }>).first)).toEqual({ rules: ['LIFE-4'], unless: ['LIFE-7'] });
    // s1 L2 = new_event_loop(); s2 LU1 = new_event_loop(); s3 LU1.run_until_complete(coro(): s4 L2.call_soon(lambda:
    // s5 _get_running_loop())); s6 LU1.close(); s7 L2.run_until_complete(coro(): )
    // Queued on L2 from LU1's run, s5 runs in L2's run and sees L2 (RUN-2.1); a loop that runs it in LU1's run
    // shows LU1 there first: which loop runs a callback is SCHED-1.3's.
    const foreign = numberProgram({
      version: 1,
      main: [
        { op: 'new_event_loop', as: 'L2' },
        { op: 'new_event_loop', as: 'LU1' },
        { op: 'run_until_complete', loop: 'LU1', body: [{ op: 'call_soon', loop: 'L2', body: [{ op: 'peek_running_loop' }] }] },
        { op: 'close', loop: 'LU1' },
        { op: 'run_until_complete', loop: 'L2', body: [] },
      ],
    });
    const f = await checkProgram('RUN-2', foreign, callSoonOnRunningLoop.adapter);
    expect(blameOf((f as Extract<typeof f, { first: unknown }>).first)).toEqual({ rules: ['SCHED-1'], unless: ['RUN-2'] });
  });
});
