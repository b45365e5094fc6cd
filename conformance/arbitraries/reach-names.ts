/**
 * TASK-6: task names. asyncio.run's coroutine makes tasks by asyncio.create_task or the running
 * loop's create_task, with name= (a str, an int, None) or without, reads and sets their names,
 * sets the loop's task factory (a function, asyncio.eager_task_factory, None) between them, and
 * tasks read their own name in their first step (an eager one before create_task renames it);
 * then a second loop's run_until_complete reads its own task's default name, which counts the
 * tasks asyncio.run's shutdown made. Every statement is removable.
 */
import fc from 'fast-check';
import type { Stmt, TaskName } from '../../language/program.ts';
import { flagged, keeps, program, removable } from './blocks.ts';

const task = fc.constantFrom('K1', 'K2', 'K3');
/** set_task_factory on asyncio.run's loop: a function (its Task takes a default name), eager_task_factory, None. */
const factory = fc.constantFrom<Stmt>(
  { op: 'set_task_factory', loop: 'L1', body: [] },
  { op: 'set_task_factory', loop: 'L1', body: [] },
  { op: 'set_task_factory', loop: 'L1', body: [], arg: 'eager' },
  { op: 'set_task_factory', loop: 'L1', body: [], arg: null },
);
const self = (k: string): string => `S${k.slice(1)}`;
/** name=: absent (twice as likely), a str, an int, None. */
const nameArg = fc.constantFrom<TaskName | undefined>(undefined, undefined, 'alpha', 'beta', 7, null);

/** create_task, asyncio's or the loop's, a body that reads its own name first, or sleeps, or nothing. */
const create: fc.Arbitrary<Stmt> = fc
  // 'none' first: fast-check shrinks constantFrom towards its first value, so a body that does not matter shrinks away.
  .tuple(task, nameArg, fc.boolean(), fc.constantFrom('none', 'self', 'self', 'sleep'))
  .map(([k, name, loopMethod, body]) => {
    const b: Stmt[] =
      body === 'self'
        ? [
            { op: 'current_task', as: self(k) },
            { op: 'task_name', task: self(k) },
          ]
        : body === 'sleep'
          ? [{ op: 'sleep', delay: 0 }]
          : [];
    return {
      op: 'create_task',
      as: k,
      body: [...b, { op: 'return', value: 1 }],
      ...(name === undefined ? {} : { name }),
      ...(loopMethod ? { loop_method: true } : {}),
    } as Stmt;
  });

/** A step: a task made and its name read at once, a name set and read, a factory set, a name read, an await, a sleep(0). */
const step: fc.Arbitrary<Stmt[]> = fc.oneof(
  { weight: 4, arbitrary: create.map((c): Stmt[] => [c, { op: 'task_name', task: (c as { as: string }).as }]) },
  { weight: 1, arbitrary: create.map((c): Stmt[] => [c]) },
  { weight: 2, arbitrary: task.map((k): Stmt[] => [{ op: 'task_name', task: k }]) },
  {
    weight: 2,
    arbitrary: fc.tuple(task, fc.constantFrom<TaskName>('gamma', 3, null)).map(([k, value]): Stmt[] => [
      { op: 'set_task_name', task: k, value },
      { op: 'task_name', task: k },
    ]),
  },
  { weight: 1, arbitrary: factory.map((f): Stmt[] => [f]) },
  { weight: 1, arbitrary: task.map((k): Stmt[] => [{ op: 'await', task: k }]) },
  { weight: 1, arbitrary: fc.constant<Stmt[]>([{ op: 'sleep', delay: 0 }]) },
);

const steps = (max: number) => fc.array(removable(step), { maxLength: max }).map((xs) => xs.filter((x): x is Stmt[] => x !== null).flat());

/**
 * TASK-6.1 to TASK-6.5 in asyncio.run: steps, then a factory set on its loop and a task made
 * through it (its name read), more steps; then a second loop's own task (TASK-6.2 across
 * asyncio.run's shutdown).
 */
export const namePrograms = fc
  .tuple(steps(5), factory, create, steps(3), fc.boolean(), keeps(12))
  .map(([before, f, made, after, early, flags]) => {
    const keep = flagged(flags);
    const k = (made as { as: string }).as;
    // A second loop's own task, before asyncio.run (its main task's number counts it) or after (it counts the shutdown's tasks).
    const other: Stmt[] = keep({
      op: 'run_until_complete',
      loop: 'L2',
      body: [...keep({ op: 'current_task', as: 'S9' }), ...keep({ op: 'task_name', task: 'S9' })],
    });
    return program([
      ...keep({ op: 'new_event_loop', as: 'L2' }),
      ...(early ? other : []),
      {
        op: 'asyncio_run',
        body: [
          ...keep({ op: 'get_running_loop', as: 'L1' }),
          ...keep({ op: 'current_task', as: 'S0' }),
          ...keep({ op: 'task_name', task: 'S0' }),
          ...before,
          ...keep(f),
          ...keep(made),
          ...keep({ op: 'task_name', task: k }),
          ...after,
        ],
      },
      ...(early ? [] : other),
      ...keep({ op: 'close', loop: 'L2' }),
    ]);
  });
