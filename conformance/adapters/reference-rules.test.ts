// The reference under the default profile (cpython-3.12), rule by rule: each test runs a
// program through the adapter and checks the observations and their order.
import { describe, expect, it } from 'vitest';
import { numberProgram, type Stmt } from '../../language/program.ts';
import { canonicalize, type Trace } from '../../language/trace.ts';
import { referenceAdapter } from './reference.ts';
import { val, err, loop, task, NO_LOOP_WARNING } from '../../fixtures/helpers/observations.ts';

const adapter = referenceAdapter();

/** Runs `main` on a fresh default-profile reference and returns its canonical trace. */
async function run(main: Stmt[]): Promise<Trace> {
  return canonicalize(await adapter.run(numberProgram({ version: 1, main })));
}

describe('reference adapter: the rules under the default profile', () => {
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
});
