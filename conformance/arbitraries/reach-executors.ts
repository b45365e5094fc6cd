/**
 * EXEC-3: a loop's default executor. Three shapes: executors the program makes set as the
 * default of asyncio.run's loop (or of a new loop it runs), or None, between jobs on the
 * default executor and on an executor given (EXEC-3.1, EXEC-3.2); shutdown_default_executor
 * (with a timeout or not), then jobs on the default executor, on the one it shut down and on
 * another (EXEC-3.3); a loop closed with or without the program's executor as its default,
 * then run_in_executor on it and on that executor, or an executor shut down by the end of an
 * asyncio.run (EXEC-3.4). Every job observes its thread; each executor is shut down by the
 * driver at the end.
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { flagged, keeps, program, removable } from './blocks.ts';

type Ex = 'X' | 'Y' | null;
const job = (executor?: Ex, extra: Partial<Extract<Stmt, { op: 'run_in_executor' }>> = {}, end: Stmt[] = []): Stmt => ({
  op: 'run_in_executor',
  body: [{ op: 'current_thread' }, ...end],
  ...(executor ? { executor } : {}),
  ...extra,
});
const setDefault = (loop: string, executor: Ex): Stmt => ({ op: 'set_default_executor', loop, executor });
const makers: Stmt[] = [
  { op: 'new_executor', as: 'X' },
  { op: 'new_executor', as: 'Y' },
];

/** A step of EXEC-3.1/3.2 on loop L: set the default (X, Y, None), or a job (default, X, Y) that returns or raises. */
const step: fc.Arbitrary<Stmt> = fc
  .tuple(fc.constantFrom<Ex | 'job'>('X', 'Y', null, 'job', 'job', 'job'), fc.constantFrom<Ex>(null, null, 'X', 'Y'), fc.nat(3))
  .map(([what, ex, k]) => {
    if (what !== 'job') return setDefault('L', what);
    const end: Stmt[] = k === 3 ? [{ op: 'raise', message: 'm' }] : [{ op: 'return', value: k }];
    return job(ex, {}, end);
  });

/** EXEC-3.1, EXEC-3.2: defaults set and jobs run, in asyncio.run or in run_until_complete of a new loop. */
export const defaultExecutorPrograms = fc
  .tuple(fc.array(removable(step), { minLength: 2, maxLength: 6 }), fc.boolean(), keeps(2))
  .map(([xs, viaRun, flags]) => {
    const keep = flagged(flags);
    const body = [{ op: 'get_running_loop', as: 'L' } as Stmt, ...xs.filter((x): x is Stmt => x !== null)];
    return program([
      ...makers,
      ...(viaRun
        ? [{ op: 'asyncio_run', body } as Stmt]
        : [
            { op: 'new_event_loop', as: 'L0' } as Stmt,
            { op: 'run_until_complete', loop: 'L0', body } as Stmt,
            ...keep({ op: 'close', loop: 'L0' }),
          ]),
      ...keep({ op: 'asyncio_run', body: [job('X'), job('Y')] }),
    ]);
  });

/** EXEC-3.3: shutdown_default_executor after jobs, then jobs on the default, on what it shut down, on another. */
export const shutdownPrograms = fc
  .tuple(fc.constantFrom<Ex>('X', 'X', null), fc.constantFrom<number | undefined>(undefined, undefined, 30), fc.boolean(), keeps(7))
  .map(([dflt, timeout, again, flags]) => {
    const keep = flagged(flags);
    const body: Stmt[] = [
      { op: 'get_running_loop', as: 'L' },
      ...(dflt ? keep(setDefault('L', dflt)) : []),
      ...keep(job()),
      timeout === undefined ? { op: 'shutdown_default_executor' } : { op: 'shutdown_default_executor', timeout },
      ...keep(job()),
      ...keep(job('X')),
      ...(again ? keep(setDefault('L', 'Y'), job()) : []),
      ...keep(job('Y')),
    ];
    return program([...makers, { op: 'asyncio_run', body }, ...keep({ op: 'asyncio_run', body: [job('X'), job('Y')] })]);
  });

/** EXEC-3.4: run_in_executor on a closed loop (X given or not), and on X once the loop that had it as default closed. */
export const closedLoopPrograms = fc
  .tuple(fc.boolean(), fc.boolean(), fc.constantFrom<'new' | 'run'>('new', 'new', 'run'), keeps(6))
  .map(([asDefault, used, how, flags]) => {
    const keep = flagged(flags);
    const first: Stmt[] =
      how === 'new'
        ? [
            { op: 'new_event_loop', as: 'L1' },
            ...(asDefault ? [setDefault('L1', 'X')] : []),
            ...(used ? keep({ op: 'run_until_complete', loop: 'L1', body: [job()] }) : []),
            { op: 'close', loop: 'L1' },
          ]
        : [
            {
              op: 'asyncio_run',
              body: [{ op: 'get_running_loop', as: 'L1' }, ...(asDefault ? [setDefault('L1', 'X')] : []), ...(used ? keep(job()) : [])],
            },
          ];
    const body: Stmt[] = [...keep(job(undefined, { loop: 'L1' })), ...keep(job('X', { loop: 'L1' })), ...keep(job('X')), ...keep(job('Y'))];
    return program([...makers, ...first, { op: 'asyncio_run', body }]);
  });

/** Every shape of EXEC-3. */
export const executorPrograms = fc.oneof(
  { weight: 5, arbitrary: defaultExecutorPrograms },
  { weight: 4, arbitrary: shutdownPrograms },
  { weight: 3, arbitrary: closedLoopPrograms },
);
