/**
 * TFACT-1: a loop's task factory. Three shapes, one a clause: set_task_factory (a function,
 * None, an int, asyncio.eager_task_factory) and get_task_factory on two new loops, before,
 * during and after a run of one, and after it closes (TFACT-1.1); a factory set on the running
 * loop (or on the other one, or before the run, where run_until_complete calls it too) and
 * tasks created through it, then with the factory reset to None (TFACT-1.2); and
 * asyncio.eager_task_factory on the running loop, tasks that suspend or not, return or raise,
 * state and order asked right after create_task (TFACT-1.3). Every statement is removable.
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { flagged, keeps, program, removable } from './blocks.ts';

const mark = (t: string): Stmt => ({ op: 'mark', tag: t });
const getFactory = (loop: string): Stmt => ({ op: 'get_task_factory', loop });
type Arg = 'fn' | 'eager' | null | 5;
const setFactory = (loop: string, arg: Arg, body: Stmt[] = []): Stmt =>
  arg === 'fn' ? { op: 'set_task_factory', loop, body } : { op: 'set_task_factory', loop, body: [], arg };

/** A step on L1 or L2: set their factory (a function that observes its thread, eager, None, 5) or ask it. */
const flagStep: fc.Arbitrary<Stmt> = fc
  .tuple(fc.constantFrom('L1', 'L1', 'L2'), fc.constantFrom<Arg | 'get'>('get', 'get', 'fn', 'eager', null, 5))
  .map(([loop, what]) => (what === 'get' ? getFactory(loop) : setFactory(loop, what, [{ op: 'current_thread' }])));

const steps = (max: number) => fc.array(removable(flagStep), { maxLength: max }).map((xs) => xs.filter((x): x is Stmt => x !== null));

/** TFACT-1.1: two new loops, their factories set and asked before, during and after a run of L1, and after it closes. */
export const factoryFlagPrograms = fc.tuple(steps(4), steps(3), steps(2), keeps(4)).map(([before, inside, after, flags]) => {
  const keep = flagged(flags);
  return program([
    ...keep({ op: 'new_event_loop', as: 'L1' }),
    ...keep({ op: 'new_event_loop', as: 'L2' }),
    ...keep(getFactory('L1')),
    ...before,
    ...keep({ op: 'run_until_complete', loop: 'L1', body: [...inside, getFactory('L1')] }),
    ...after,
    ...keep({ op: 'close', loop: 'L1' }),
  ]);
});

/** Where the factory of a TFACT-1.2 program is set: on the running loop, inside; on L1 before the run; on the other loop. */
type Where = 'inside' | 'before' | 'other';

/**
 * TFACT-1.2: a factory whose body marks (inside the run) or only observes (before it, where
 * run_until_complete calls it too); a task created through it that asks for itself, the
 * creator's next mark; then the factory reset to None and another task.
 */
export const factoryCallPrograms = fc
  .tuple(fc.constantFrom<Where>('inside', 'inside', 'inside', 'before', 'before', 'other'), fc.boolean(), keeps(9))
  .map(([where, reset, flags]) => {
    const keep = flagged(flags);
    const fbody: Stmt[] =
      where === 'before' ? [{ op: 'current_thread' }, { op: 'peek_running_loop' }] : [mark('f'), { op: 'current_thread' }];
    const target = where === 'other' ? 'L2' : 'L1';
    const body: Stmt[] = [
      ...(where !== 'before' ? [setFactory(target, 'fn', fbody)] : []),
      ...keep({ op: 'create_task', as: 'K1', body: [...keep(mark('a')), ...keep({ op: 'current_task' }), { op: 'return', value: 1 }] }),
      ...keep(mark('b')),
      ...keep({ op: 'await', task: 'K1' }),
      ...(reset ? keep(setFactory(target, null), getFactory(target)) : []),
      ...keep({ op: 'create_task', as: 'K2', body: [...keep({ op: 'current_task' }), mark('c')] }),
      ...keep(mark('d')),
      ...keep({ op: 'await', task: 'K2' }),
    ];
    return program([
      { op: 'new_event_loop', as: 'L1' },
      ...(where === 'other' ? [{ op: 'new_event_loop', as: 'L2' } as Stmt] : []),
      ...(where === 'before' ? [setFactory('L1', 'fn', fbody)] : []),
      { op: 'run_until_complete', loop: 'L1', body },
    ]);
  });

/** An eager task's end, one time in four: the exception is the task's, even from its first step, run inside create_task. */
const raise: Stmt = { op: 'raise', message: 'boom' };

/** What an eager task's coroutine does first: nothing that suspends, a sleep(0), a sleep for a time. */
type First = 'none' | 'sleep0' | 'sleep';

/**
 * TFACT-1.3: asyncio.eager_task_factory set on the running loop (or before the run: the run's
 * own task is not eager); tasks whose first step ends at once, or at a sleep, that return or
 * raise; the creator's next mark, the task's state right after create_task, then awaited.
 */
export const eagerPrograms = fc
  .tuple(fc.constantFrom<First>('none', 'none', 'sleep0', 'sleep'), fc.boolean(), fc.boolean(), fc.nat(3), keeps(10))
  .map(([first, before, nested, ends, flags]) => {
    const keep = flagged(flags);
    const suspend: Stmt[] = first === 'none' ? [] : [{ op: 'sleep', delay: first === 'sleep0' ? 0 : 0.05 }];
    const inner: Stmt[] = nested ? keep({ op: 'create_task', as: 'K2', body: [mark('e'), { op: 'return', value: 2 }] }) : [];
    const body: Stmt[] = [
      ...(before ? [] : [setFactory('L1', 'eager')]),
      ...keep({
        op: 'create_task',
        as: 'K1',
        body: [
          ...keep(mark('a')),
          ...keep({ op: 'current_task' }),
          ...inner,
          ...suspend,
          ...keep(mark('c')),
          ends === 3 ? raise : { op: 'return', value: 1 },
        ],
      }),
      ...keep(mark('b')),
      ...keep({ op: 'task_state', task: 'K1' }),
      ...keep({ op: 'current_task' }),
      ...keep({ op: 'await', task: 'K1' }),
      ...keep({ op: 'task_state', task: 'K1' }),
      ...keep(mark('d')),
    ];
    return program([
      { op: 'new_event_loop', as: 'L1' },
      ...(before ? [setFactory('L1', 'eager')] : []),
      { op: 'run_until_complete', loop: 'L1', body: [...keep(mark('r')), ...body] },
    ]);
  });

/** Every shape of TFACT-1. */
export const factoryPrograms = fc.oneof(
  { weight: 2, arbitrary: factoryFlagPrograms },
  { weight: 6, arbitrary: factoryCallPrograms },
  { weight: 4, arbitrary: eagerPrograms },
);
