/**
 * CANCEL-1: cancelling tasks. One shape: the coroutine of a run of L1 makes K1 (it sleeps,
 * catching its CancelledError now and then, or cancels itself, then returns) and now and then
 * K2 (it awaits K1), lets them start or not, cancels K1 (with a message now and then, twice
 * now and then), asks its state, cancelling() and uncancel(), and all_tasks(), then awaits K1
 * and K2 catching their CancelledError; after the run: the tasks again, and all_tasks(L1) and
 * all_tasks() with no running loop. No mark: cancellation moves a task's wake-up (its order
 * among the loop's callbacks is the scheduling rules'). Every statement is removable but the
 * run, its tasks and the cancel.
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { flagged, keeps, program } from './blocks.ts';

const ask = (task: string): fc.Arbitrary<Stmt> =>
  fc.constantFrom<Stmt>(
    { op: 'task_call', task, method: 'cancelled' },
    { op: 'task_call', task, method: 'cancelling' },
    { op: 'task_call', task, method: 'uncancel' },
    { op: 'task_state', task },
    { op: 'all_tasks' },
    { op: 'all_tasks', task },
  );

/** K1's body: it sleeps (catching now and then), or cancels itself first; returns 1. */
const k1Body = fc
  .tuple(fc.constantFrom(0, 0, 0.05), fc.boolean(), fc.boolean(), fc.boolean())
  .map(([delay, catching, self, sleeps]): Stmt[] => [
    ...(self ? [{ op: 'cancel_task', task: 'K1' } as Stmt] : []),
    ...(sleeps || !self ? [{ op: 'sleep', delay, ...(catching ? { catch: true } : {}) } as Stmt] : []),
    { op: 'return', value: 1 },
  ]);

export const cancelPrograms = fc
  .tuple(
    k1Body,
    fc.boolean(),
    fc.constantFrom(0, 1, 1, 2),
    fc.option(fc.constantFrom('m', 'stop'), { nil: undefined }),
    fc.boolean(),
    fc.array(ask('K1'), { maxLength: 3 }),
    fc.array(ask('K1'), { maxLength: 2 }),
    fc.boolean(),
    keeps(8),
  )
  .map(([k1, withK2, started, message, twice, asked, after, k2catch, flags]) => {
    const keep = flagged(flags);
    const sleep0: Stmt = { op: 'sleep', delay: 0 };
    const cancel: Stmt = { op: 'cancel_task', task: 'K1', ...(message === undefined ? {} : { message }) };
    const body: Stmt[] = [
      ...keep({ op: 'all_tasks' }),
      { op: 'create_task', as: 'K1', body: k1 },
      ...(withK2
        ? [{ op: 'create_task', as: 'K2', body: [{ op: 'await', task: 'K1', ...(k2catch ? { catch: true } : {}) }] } as Stmt]
        : []),
      ...Array.from({ length: started }, () => sleep0),
      cancel,
      ...(twice ? keep(cancel) : []),
      ...asked,
      ...keep({ op: 'await', task: 'K1', catch: true }),
      ...(withK2 ? keep({ op: 'await', task: 'K2', catch: true }) : []),
      ...keep({ op: 'task_call', task: 'K1', method: 'cancelled' }, { op: 'cancel_task', task: 'K1' }),
      ...after,
    ];
    return program([
      { op: 'new_event_loop', as: 'L1' },
      ...keep({ op: 'all_tasks' }),
      { op: 'run_until_complete', loop: 'L1', body },
      ...keep({ op: 'task_state', task: 'K1' }, { op: 'all_tasks', loop: 'L1' }),
      ...(withK2 ? keep({ op: 'task_state', task: 'K2' }) : []),
      ...keep({ op: 'close', loop: 'L1' }),
    ]);
  });
