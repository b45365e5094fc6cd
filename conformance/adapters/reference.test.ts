import { describe, expect, it } from 'vitest';
import { PyError, createRuntime, type BaseEventLoop, type Coro, type Runtime } from '../../reference/index.ts';
import { PROFILES, profileByName } from '../../spec/profiles.ts';
import { numberProgram, type Stmt } from '../../language/program.ts';
import { canonicalize, type Observation, type Trace } from '../../language/trace.ts';
import { referenceAdapter } from './reference.ts';

const adapter = referenceAdapter();

async function run(main: Stmt[], patch?: (rt: Runtime) => void, profile?: string): Promise<Trace> {
  const a = patch || profile ? referenceAdapter({ name: 'patched', patch, profile }) : adapter;
  return canonicalize(await a.run(numberProgram({ version: 1, main })));
}

const val = (value: unknown, warnings: Observation['warnings'] = []) => ({ outcome: { value }, warnings });
const err = (type: string, message: string, warnings: Observation['warnings'] = []) => ({
  outcome: { error: { type, message } },
  warnings,
});
const loop = (id: string) => ({ obj: 'loop', id });
const task = (id: string) => ({ obj: 'task', id });
const NO_LOOP_WARNING = [{ category: 'DeprecationWarning', message: 'There is no current event loop' }];

describe('reference adapter', () => {
  it('describes itself', () => {
    expect(adapter.name).toBe('loopspec-reference');
    expect(adapter.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(adapter.capabilities).toEqual({ threads: true, fork: true, executor: true });
    expect(adapter.profile).toBe('cpython-3.12');
  });

  it('creates the main thread loop implicitly once, with a DeprecationWarning (GET-3, GET-2)', async () => {
    const t = await run([{ op: 'get_event_loop', as: 'L1' }, { op: 'get_event_loop' }, { op: 'get_policy' }, { op: 'get_policy' }]);
    expect(t.obs).toEqual({
      s1: val(loop('L1'), NO_LOOP_WARNING),
      s2: val(loop('L1')),
      s3: val({ obj: 'policy', id: 'P1' }),
      s4: val({ obj: 'policy', id: 'P1' }),
    });
    expect(t.end).toEqual({ kind: 'ok' });
  });

  it('set_event_loop counts as a call even when it fails its type check (NEW-4, NEW-5, GET-4)', async () => {
    const t = await run([{ op: 'set_event_loop', arg: 3 }, { op: 'get_event_loop' }, { op: 'set_policy', arg: 'x' as unknown as null }]);
    expect(t.obs).toEqual({
      s1: err('TypeError', "loop must be an instance of AbstractEventLoop or None, not 'int'"),
      s2: err('RuntimeError', "There is no current event loop in thread 'MainThread'."),
      s3: err('TypeError', "policy must be an instance of AbstractEventLoopPolicy or None, not 'str'"),
    });
  });

  it('gives a thread no implicit loop, and names it with %r (GET-4, THR-1)', async () => {
    const t = await run([
      {
        op: 'start_thread',
        thread: "T'1",
        body: [
          { op: 'get_event_loop' },
          { op: 'current_thread' },
          { op: 'new_event_loop', as: 'L1' },
          { op: 'set_event_loop', arg: 'L1' },
          { op: 'get_event_loop' },
        ],
      },
      { op: 'join_thread', thread: "T'1" },
      { op: 'current_thread' },
      { op: 'get_event_loop' },
    ]);
    expect(t.obs.s2).toEqual(err('RuntimeError', `There is no current event loop in thread "T'1".`));
    expect(t.obs.s3).toEqual(val("T'1"));
    expect(t.obs.s6).toEqual(val(loop('L1')));
    expect(t.obs.s8).toEqual(val('main'));
    expect(t.obs.s9).toEqual(val(loop('L2'), NO_LOOP_WARNING));
    expect(t.order).toEqual({ main: ['s1', 's7', 's8', 's9'], "T'1": ['s2', 's3', 's4', 's5', 's6'] });
  });

  it('steps tasks and callbacks in loop order (TASK-1, TASK-3, TASK-5, SCHED-1, SCHED-2)', async () => {
    const t = await run([
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          // s2
          {
            op: 'create_task',
            as: 'K1',
            body: [{ op: 'mark', tag: 'k1' }, { op: 'sleep', delay: 0 }, { op: 'current_task' }, { op: 'return', value: 7 }],
          }, // s3..s7
          { op: 'call_later', loop: 'L1', delay: 1, body: [{ op: 'mark', tag: 'late-b' }] }, // s8, s9
          { op: 'call_later', loop: 'L1', delay: 0.5, body: [{ op: 'mark', tag: 'early' }, { op: 'current_task' }] }, // s10..s12
          { op: 'call_later', loop: 'L1', delay: 1, body: [{ op: 'mark', tag: 'late-c' }] }, // s13, s14
          { op: 'call_soon', loop: 'L1', body: [{ op: 'mark', tag: 'soon' }] }, // s15, s16
          { op: 'await', task: 'K1' }, // s17
          { op: 'sleep', delay: 2 }, // s18
          { op: 'current_task' }, // s19
          { op: 'return', value: 'done' }, // s20
        ],
      },
      { op: 'is_running', loop: 'L1' },
      { op: 'close', loop: 'L1' },
      { op: 'close', loop: 'L1' },
      { op: 'run_forever', loop: 'L1' },
      { op: 'call_soon', loop: 'L1', body: [] },
    ]);
    // Statement ids in the order they started (`return` and `raise` are not listed).
    expect(t.order.main).toEqual([
      's1',
      's2',
      's3',
      's8',
      's10',
      's13',
      's15',
      's17',
      's4',
      's5',
      's16',
      's6',
      's18',
      's11',
      's12',
      's9',
      's14',
      's19',
      's21',
      's22',
      's23',
      's24',
      's25',
    ]);
    expect(t.obs).toMatchObject({
      s2: val('done'),
      s3: val(task('K1')),
      s6: val(task('K1')),
      s12: val(null),
      s17: val(7),
      s19: val(task('K2')),
      s21: val(false),
      s22: val(null),
      s23: val(null),
      s24: err('RuntimeError', 'Event loop is closed'),
      s25: err('RuntimeError', 'Event loop is closed'),
    });
  });

  it('reports re-entrancy and early stops (LIFE-1, LIFE-3, LIFE-4, LIFE-5, LIFE-8)', async () => {
    const t = await run([
      { op: 'new_event_loop', as: 'L1' },
      { op: 'new_event_loop', as: 'L2' },
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          // s3
          { op: 'run_until_complete', loop: 'L1', body: [] }, // s4
          { op: 'run_until_complete', loop: 'L2', body: [] }, // s5
          { op: 'close', loop: 'L1' }, // s6
          { op: 'get_running_loop' }, // s7
          { op: 'raise', message: 'boom' }, // s8
        ],
      },
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          { op: 'stop', loop: 'L1' },
          { op: 'sleep', delay: 1 },
        ],
      }, // s9..s11
      { op: 'peek_running_loop' }, // s12
      { op: 'get_running_loop' }, // s13
    ]);
    expect(t.obs).toEqual({
      s1: val(loop('L1')),
      s2: val(loop('L2')),
      s3: err('ValueError', 'boom'),
      s4: err('RuntimeError', 'This event loop is already running'),
      s5: err('RuntimeError', 'Cannot run the event loop while another loop is running'),
      s6: err('RuntimeError', 'Cannot close a running event loop'),
      s7: val(loop('L1')),
      s9: err('RuntimeError', 'Event loop stopped before Future completed.'),
      s10: val(null),
      s12: val(null),
      s13: err('RuntimeError', 'no running event loop'),
    });
  });

  it('runs asyncio.run on a fresh loop, cancels leftovers, and clears the current loop (ARUN-1..4)', async () => {
    const t = await run([
      {
        op: 'asyncio_run',
        body: [
          // s1
          {
            op: 'create_task',
            as: 'K1',
            body: [
              { op: 'sleep', delay: 10 },
              { op: 'mark', tag: 'never' },
            ],
          }, // s2..s4
          { op: 'get_running_loop', as: 'L1' }, // s5
          { op: 'get_event_loop' }, // s6
          { op: 'asyncio_run', body: [] }, // s7
          { op: 'return', value: 1 }, // s8
        ],
      },
      { op: 'task_state', task: 'K1' }, // s9
      { op: 'is_closed', loop: 'L1' }, // s10
      { op: 'get_event_loop' }, // s11
    ]);
    expect(t.obs).toEqual({
      s1: val(1),
      s2: val(task('K1')),
      s3: err('CancelledError', ''),
      s5: val(loop('L1')),
      s6: val(loop('L1')),
      s7: err('RuntimeError', 'asyncio.run() cannot be called from a running event loop'),
      s9: val('cancelled'),
      s10: val(true),
      s11: err('RuntimeError', "There is no current event loop in thread 'MainThread'."),
    });
  });

  it('runs executor functions on a worker without a loop, and delivers the outcome (EXEC-1, EXEC-2)', async () => {
    const t = await run([
      {
        op: 'asyncio_run',
        body: [
          // s1
          {
            op: 'run_in_executor',
            body: [{ op: 'current_thread' }, { op: 'peek_running_loop' }, { op: 'get_event_loop' }, { op: 'return', value: 'x' }],
          }, // s2..s6
          { op: 'run_in_executor', body: [{ op: 'raise', message: 'bad' }] }, // s7, s8
          { op: 'current_thread' }, // s9
        ],
      },
      { op: 'run_in_executor', body: [] }, // s10
    ]);
    expect(t.obs).toEqual({
      s1: val(null),
      s2: val('x'),
      s3: val('other'),
      s4: val(null),
      s5: err('RuntimeError', "There is no current event loop in thread 'asyncio_0'."),
      s7: err('ValueError', 'bad'),
      s9: val('main'),
      s10: err('LoopspecInvalid', 'run_in_executor outside a coroutine'),
    });
    expect(t.order).toEqual({ main: ['s1', 's2', 's7', 's9', 's10'], 'exec:s2': ['s3', 's4', 's5'] });
  });

  it('wakes a loop blocked in select from another thread (SCHED-3)', async () => {
    const t = await run([
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'start_thread',
        thread: 'T1',
        body: [{ op: 'call_soon_threadsafe', loop: 'L1', body: [{ op: 'current_thread' }, { op: 'stop', loop: 'L1' }] }],
      },
      { op: 'run_forever', loop: 'L1' },
      { op: 'mark', tag: 'after' },
    ]);
    expect(t.end).toEqual({ kind: 'ok' });
    expect(t.obs.s4).toEqual(val('main'));
    expect(t.order).toEqual({ main: ['s1', 's2', 's6', 's4', 's5', 's7'], T1: ['s3'] });
  });

  it('lets a thread blocked in run_forever be woken by the main thread later (SCHED-3)', async () => {
    const t = await run([
      { op: 'new_event_loop', as: 'L1' },
      { op: 'new_event_loop', as: 'L2' },
      {
        op: 'start_thread',
        thread: 'T1',
        body: [
          { op: 'set_event_loop', arg: 'L1' },
          { op: 'run_forever', loop: 'L1' },
          { op: 'mark', tag: 'T1-after' },
        ],
      }, // s3..s6
      { op: 'run_until_complete', loop: 'L2', body: [{ op: 'sleep', delay: 0.2 }] }, // s7, s8: T1 blocks meanwhile
      { op: 'call_soon_threadsafe', loop: 'L1', body: [{ op: 'current_thread' }, { op: 'stop', loop: 'L1' }] }, // s9..s11
      { op: 'join_thread', thread: 'T1' }, // s12
      { op: 'is_running', loop: 'L1' }, // s13
    ]);
    expect(t.end).toEqual({ kind: 'ok' });
    expect(t.obs.s5).toEqual(val(null));
    expect(t.obs.s10).toEqual(val('T1'));
    expect(t.obs.s13).toEqual(val(false));
    expect(t.order).toEqual({ main: ['s1', 's2', 's3', 's7', 's8', 's9', 's12', 's13'], T1: ['s4', 's5', 's10', 's11', 's6'] });
  });

  it('gives a fork child no running loop and fresh policy state, the parent unchanged (FORK-1, FORK-2)', async () => {
    const t = await run([
      { op: 'set_event_loop', arg: null }, // s1
      { op: 'new_event_loop', as: 'L1' }, // s2
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          // s3
          {
            op: 'fork',
            body: [
              { op: 'peek_running_loop' },
              { op: 'get_event_loop', as: 'L2' },
              { op: 'current_thread' },
              { op: 'is_running', loop: 'L1' },
            ],
          }, // s4..s8
          { op: 'peek_running_loop' }, // s9
        ],
      },
      { op: 'get_event_loop' }, // s10
      { op: 'is_closed', loop: 'L2' }, // s11: the child's binding did not reach the parent
    ]);
    expect(t.obs).toEqual({
      s1: val(null),
      s2: val(loop('L1')),
      s3: val(null),
      s4: val(null),
      s5: val(null),
      s6: val(loop('L2'), NO_LOOP_WARNING),
      s7: val('main'),
      s8: val(true),
      s9: val(loop('L1')),
      s10: err('RuntimeError', "There is no current event loop in thread 'MainThread'."),
      s11: err('LoopspecUnbound', 'L2'),
    });
    expect(t.order['fork:s4']).toEqual(['s5', 's6', 's7', 's8']);
  });

  it('reports a deadlock as a hang, with the observations so far', async () => {
    const t = await run([
      { op: 'new_event_loop', as: 'L1' },
      { op: 'start_thread', thread: 'T1', body: [{ op: 'mark', tag: 't1' }] },
      { op: 'join_thread', thread: 'T1' },
      { op: 'run_forever', loop: 'L1' }, // nothing scheduled, no thread left: blocks forever
      { op: 'mark', tag: 'never' },
    ]);
    expect(t.end.kind).toBe('hang');
    expect(t.obs).toEqual({ s1: val(loop('L1')), s2: val(null), s3: val('t1'), s4: val(null) });
    expect(t.order).toEqual({ main: ['s1', 's2', 's4', 's5'], T1: ['s3'] });
  });

  it('reports a join cycle as a hang', async () => {
    const t = await run([
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'start_thread',
        thread: 'T1',
        body: [
          { op: 'run_until_complete', loop: 'L1', body: [{ op: 'sleep', delay: 1 }] },
          { op: 'join_thread', thread: 'T2' },
        ],
      },
      { op: 'start_thread', thread: 'T2', body: [{ op: 'join_thread', thread: 'T1' }] },
      { op: 'join_thread', thread: 'T1' },
    ]);
    expect(t.end.kind).toBe('hang');
  });

  it('reports unbound variables and coroutine-only statements in sync bodies', async () => {
    const t = await run([
      { op: 'close', loop: 'L9' },
      { op: 'await', task: 'K1' },
      { op: 'join_thread', thread: 'T9' },
      { op: 'sleep', delay: 0 },
    ]);
    expect(t.obs).toEqual({
      s1: err('LoopspecUnbound', 'L9'),
      s2: err('LoopspecInvalid', 'await outside a coroutine'),
      s3: err('LoopspecUnbound', 'T9'),
      s4: err('LoopspecInvalid', 'sleep outside a coroutine'),
    });
  });

  it('runs every program from pristine state, and applies a patch to its own runtime only', async () => {
    await run([
      { op: 'set_policy', arg: 'new' },
      { op: 'set_event_loop', arg: null },
    ]);
    const fresh = await run([{ op: 'get_event_loop' }]);
    expect(fresh.obs.s1).toEqual(val(loop('L1'), NO_LOOP_WARNING));
    // A mutant: set_event_loop forgets to record the call (breaks NEW-4).
    const mutant = (rt: Runtime) => {
      rt.DefaultEventLoopPolicy.prototype.set_event_loop = function (l: unknown) {
        if (l !== null && !(l instanceof rt.EventLoop)) throw new PyError('TypeError', 'not a loop');
        this._local.get()._loop = l as InstanceType<Runtime['EventLoop']> | null;
      };
    };
    const broken = await run([{ op: 'set_event_loop', arg: null }, { op: 'get_event_loop' }], mutant);
    expect(broken.obs.s2).toEqual(val(loop('L1'), NO_LOOP_WARNING));
    const again = await run([{ op: 'set_event_loop', arg: null }, { op: 'get_event_loop' }]);
    expect(again.obs.s2).toEqual(err('RuntimeError', "There is no current event loop in thread 'MainThread'."));
  });
});

const POLICY_WARNING = (name: string) => [
  { category: 'DeprecationWarning', message: `'asyncio.${name}' is deprecated and slated for removal in Python 3.16` },
];

describe('reference adapter under a profile', () => {
  it('takes a profile by name or object, reports its name, and keeps the package version', () => {
    for (const p of PROFILES) {
      expect(referenceAdapter({ profile: p.name }).profile).toBe(p.name);
      expect(referenceAdapter({ profile: p }).profile).toBe(p.name);
      expect(referenceAdapter({ profile: p }).version).toBe(adapter.version);
      expect(createRuntime(p).profile).toBe(p);
    }
    expect(createRuntime().profile.name).toBe('cpython-3.12');
    expect(() => referenceAdapter({ profile: 'cpython-2.7' })).toThrow(/unknown profile 'cpython-2.7'/);
  });

  it('3.8 to 3.10: the type checks are asserts, and set_event_loop counts before its assert (typeCheck; NEW-5, POL-2)', async () => {
    for (const profile of ['cpython-3.8', 'cpython-3.9', 'cpython-3.10']) {
      const t = await run(
        [{ op: 'set_event_loop', arg: 3 }, { op: 'get_event_loop' }, { op: 'set_policy', arg: 7 }, { op: 'get_policy' }],
        undefined,
        profile,
      );
      expect(t.obs).toEqual({
        s1: err('AssertionError', ''),
        s2: err('RuntimeError', "There is no current event loop in thread 'MainThread'."),
        s3: err('AssertionError', ''),
        s4: val({ obj: 'policy', id: 'P1' }),
      });
    }
    const t = await run(
      [
        { op: 'set_event_loop', arg: 3 },
        { op: 'set_policy', arg: 7 },
      ],
      undefined,
      'cpython-3.11',
    );
    expect(t.obs.s1).toEqual(err('TypeError', "loop must be an instance of AbstractEventLoop or None, not 'int'"));
    expect(t.obs.s2).toEqual(err('TypeError', "policy must be an instance of AbstractEventLoopPolicy or None, not 'int'"));
  });

  it('3.8 to 3.11 create the main thread loop silently (implicitCreationWarns; GET-3)', async () => {
    for (const profile of ['cpython-3.8', 'cpython-3.11']) {
      const t = await run([{ op: 'new_event_loop' }, { op: 'get_event_loop' }, { op: 'get_event_loop' }], undefined, profile);
      expect(t.obs).toEqual({ s1: val(loop('L1')), s2: val(loop('L2')), s3: val(loop('L2')) });
    }
  });

  it('3.14: no implicit creation, in the main thread either (implicitCreation; GET-3)', async () => {
    const t = await run(
      [
        { op: 'get_event_loop' }, // s1
        { op: 'set_event_loop', arg: 3 }, // s2
        { op: 'new_event_loop', as: 'L1' }, // s3
        { op: 'set_event_loop', arg: 'L1' }, // s4
        { op: 'get_event_loop' }, // s5
        { op: 'fork', body: [{ op: 'get_event_loop' }] }, // s6, s7: the at-fork hook is kept (FORK-2)
      ],
      undefined,
      'cpython-3.14',
    );
    expect(t.obs).toEqual({
      s1: err('RuntimeError', "There is no current event loop in thread 'MainThread'."),
      s2: err('TypeError', "loop must be an instance of AbstractEventLoop or None, not 'int'"),
      s3: val(loop('L1')),
      s4: val(null),
      s5: val(loop('L1')),
      s6: val(null),
      s7: err('RuntimeError', "There is no current event loop in thread 'MainThread'."),
    });
    // No _set_called to mark: set_event_loop leaves the flag alone.
    const rt = createRuntime(profileByName('cpython-3.14'));
    rt.events.set_event_loop(null);
    expect(rt.events._get_event_loop_policy()).toMatchObject({ _local: expect.anything() });
    expect((rt.events._get_event_loop_policy() as InstanceType<Runtime['DefaultEventLoopPolicy']>)._local.get()._set_called).toBe(false);
  });

  it("3.14: the public policy API warns, asyncio's own lookups do not (policyDeprecated; POL-1, POL-2)", async () => {
    const t = await run(
      [
        { op: 'get_event_loop' }, // s1: raises, no policy warning
        { op: 'get_policy' }, // s2
        { op: 'set_policy', arg: 'new' }, // s3: reads asyncio.DefaultEventLoopPolicy, then sets it
        { op: 'set_policy', arg: 7 }, // s4: warns before its type check
        { op: 'set_policy', arg: null }, // s5
        { op: 'new_event_loop', as: 'L1' }, // s6
        { op: 'set_event_loop', arg: 'L1' }, // s7
        { op: 'asyncio_run', body: [{ op: 'get_event_loop' }] }, // s8, s9
      ],
      undefined,
      'cpython-3.14',
    );
    expect(t.obs).toEqual({
      s1: err('RuntimeError', "There is no current event loop in thread 'MainThread'."),
      s2: val({ obj: 'policy', id: 'P1' }, POLICY_WARNING('get_event_loop_policy')),
      s3: val(null, [...POLICY_WARNING('DefaultEventLoopPolicy'), ...POLICY_WARNING('set_event_loop_policy')]),
      s4: err(
        'TypeError',
        "policy must be an instance of AbstractEventLoopPolicy or None, not 'int'",
        POLICY_WARNING('set_event_loop_policy'),
      ),
      s5: val(null, POLICY_WARNING('set_event_loop_policy')),
      s6: val(loop('L1')),
      s7: val(null),
      s8: val(null),
      s9: val(loop('L2')),
    });
  });

  it("before 3.12 a fork child keeps the forking thread's policy state (forkHook; FORK-1, FORK-2)", async () => {
    const main: Stmt[] = [
      { op: 'new_event_loop', as: 'L1' }, // s1
      { op: 'set_event_loop', arg: 'L1' }, // s2
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          // s3
          { op: 'fork', body: [{ op: 'peek_running_loop' }, { op: 'get_event_loop' }] }, // s4..s6
        ],
      },
      { op: 'set_event_loop', arg: null }, // s7
      { op: 'fork', body: [{ op: 'get_event_loop' }] }, // s8, s9
    ];
    const old = await run(main, undefined, 'cpython-3.11');
    expect(old.obs).toMatchObject({
      s5: val(null), // the running-loop record is copied, but its pid is the parent's
      s6: val(loop('L1')),
      s9: err('RuntimeError', "There is no current event loop in thread 'MainThread'."),
    });
    const hooked = await run(main, undefined, 'cpython-3.12');
    expect(hooked.obs).toMatchObject({ s5: val(null), s6: val(loop('L2'), NO_LOOP_WARNING), s9: val(loop('L3'), NO_LOOP_WARNING) });
  });

  // Measured on CPython 3.12.1 and 3.13.0 with drivers/python/loopspec_driver.py: the same
  // observations (3.12.1 never reaches s7: the task is left pending).
  it('3.13.0: a refused run_forever clears the running loop while it goes on (failedRunForeverCleansUp; LIFE-3)', async () => {
    const main: Stmt[] = [
      { op: 'new_event_loop', as: 'L1' }, // s1
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          // s2
          { op: 'stop', loop: 'L1' }, // s3
          { op: 'run_forever', loop: 'L1' }, // s4
          { op: 'is_running', loop: 'L1' }, // s5
          { op: 'peek_running_loop' }, // s6
          { op: 'sleep', delay: 0 }, // s7: _stopping was cleared too, so the loop goes on
          { op: 'return', value: 'done' },
        ],
      },
      { op: 'is_running', loop: 'L1' }, // s9
    ];
    const bug = await run(main, undefined, 'cpython-3.13');
    expect(bug.obs).toEqual({
      s1: val(loop('L1')),
      s2: val('done'),
      s3: val(null),
      s4: err('RuntimeError', 'This event loop is already running'),
      s5: val(false),
      s6: val(null),
      s7: val(null),
      s9: val(false),
    });
    for (const profile of ['cpython-3.12', 'cpython-3.14']) {
      const fine = await run(main, undefined, profile);
      // stop() holds: the loop stops after this iteration, before the task finishes.
      expect(fine.obs).toMatchObject({
        s2: err('RuntimeError', 'Event loop stopped before Future completed.'),
        s5: val(true),
        s6: val(loop('L1')),
      });
    }
  });

  it("3.8's asyncio.run does not shut down the default executor (runShutsDownExecutor; ARUN-2)", () => {
    const joiners = (profile: string) => {
      const rt = createRuntime(profileByName(profile));
      const self = rt;
      let loop: BaseEventLoop | null = null;
      rt.world.runMain(function* () {
        yield* self.runners.run(
          (function* (): Coro<null> {
            loop = self.events.get_running_loop() as BaseEventLoop;
            yield* loop.run_in_executor(null, () => 1).await();
            return null;
          })(),
        );
      });
      return {
        shutdownThreads: rt.world.mainProcess.threads.filter((t) => t.name.endsWith('(_do_shutdown)')).length,
        closed: loop!.is_closed(),
      };
    };
    expect(joiners('cpython-3.8')).toEqual({ shutdownThreads: 0, closed: true });
    expect(joiners('cpython-3.9')).toEqual({ shutdownThreads: 1, closed: true });
  });
});
