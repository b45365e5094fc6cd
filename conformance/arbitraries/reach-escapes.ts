/**
 * ERR-2: KeyboardInterrupt and SystemExit escape the loop. Three shapes. Callbacks (ERR-2.1):
 * a few call_soon and call_later(0) callbacks on a loop with an exception handler or none, one
 * of them raising, maybe after a stop(); the run (run_forever, ended by a stop queued last, or
 * run_until_complete of a coroutine that waits at a sleep(30)) raises it; the loop's state
 * after; a second run in which the callbacks left queued run first. Tasks (ERR-2.2): a task
 * raising after a few sleep(0) (run_until_complete's coroutine awaits it), or run_until_complete's
 * own coroutine raising, beside a task that does not; the tasks' states; a later run awaiting
 * them; a run after that (not stopped by run_until_complete's done callback). asyncio.run and a
 * Runner (ERR-2.3): the coroutine or a callback of its loop raising, a task cancelled by the
 * cleanup, the loop closed; a Runner left open and run again. No run waits for a timer that is
 * not due at once (call_later(0); the sleep(30) and sleep(1) are cancelled or left pending), so
 * no turn depends on real time; whether the escape comes before run_until_complete's coroutine
 * ends does not depend on the order of the ready queue or the sleep(0) round robin either (their
 * mutants stay theirs). Every statement but the one raising is removable.
 */
import fc from 'fast-check';
import type { Escape, Stmt } from '../../language/program.ts';
import { flagged, keeps, program } from './blocks.ts';

const exc = fc.constantFrom<Escape>('KeyboardInterrupt', 'SystemExit');
const raise = (e: Escape, message: string): Stmt => ({ op: 'raise', message, exc: e });
const mark = (tag: string): Stmt => ({ op: 'mark', tag });
const sleeps = (n: number): Stmt[] => Array.from({ length: n }, (): Stmt => ({ op: 'sleep', delay: 0 }));

/** A callback: call_soon or call_later(0), a mark, maybe a stop() of its loop. */
const callback = fc.tuple(fc.boolean(), fc.boolean(), fc.nat(99)).map(([later, stops, n]) => ({ later, stops, n }));

/** ERR-2.1: callbacks, one of them raising, run by run_forever or run_until_complete, then run again. */
export const callbackEscapePrograms = fc
  .tuple(exc, fc.array(callback, { minLength: 1, maxLength: 4 }), fc.nat(3), fc.boolean(), fc.boolean(), fc.boolean(), keeps(12))
  .map(([e, cbs, at, forever, handler, laterRaises, flags]) => {
    const keep = flagged(flags);
    const where = at % (cbs.length + 1);
    const schedule = (body: Stmt[], later: boolean): Stmt =>
      later ? { op: 'call_later', loop: 'L', delay: 0, body } : { op: 'call_soon', loop: 'L', body };
    const queued: Stmt[] = [];
    cbs.forEach((c, i) => {
      if (i === where) queued.push(schedule([mark('x'), raise(e, 'cb')], laterRaises));
      queued.push(...keep(schedule([mark(`c${i}`), ...(c.stops ? [{ op: 'stop', loop: 'L' } as Stmt] : [])], c.later)));
    });
    if (where === cbs.length) queued.push(schedule([mark('x'), raise(e, 'cb')], laterRaises));
    const run: Stmt[] = forever
      ? [
          { op: 'call_soon', loop: 'L', body: [{ op: 'stop', loop: 'L' }] },
          { op: 'run_forever', loop: 'L' },
        ]
      : [{ op: 'run_until_complete', loop: 'L', body: [mark('main'), { op: 'sleep', delay: 30 }, { op: 'return', value: 1 }] }];
    return program([
      { op: 'new_event_loop', as: 'L' },
      ...(handler && forever ? keep({ op: 'set_exception_handler', loop: 'L', body: [mark('handler')] }) : []),
      ...queued,
      ...run,
      ...keep({ op: 'is_running', loop: 'L' }),
      ...keep({ op: 'is_closed', loop: 'L' }),
      ...keep({ op: 'get_running_loop' }),
      ...keep({ op: 'peek_running_loop' }),
      ...keep({ op: 'call_soon', loop: 'L', body: [mark('z'), { op: 'stop', loop: 'L' }] }),
      ...keep({ op: 'run_forever', loop: 'L' }),
      ...keep({ op: 'run_until_complete', loop: 'L', body: [...sleeps(1), { op: 'return', value: 2 }] }),
      ...keep({ op: 'close', loop: 'L' }),
    ]);
  });

/** ERR-2.2: a task (or the run's own coroutine) raising, another task not; their states; later runs. */
export const taskEscapePrograms = fc
  .tuple(exc, fc.boolean(), fc.nat(2), fc.nat(2), fc.nat(2), keeps(12))
  .map(([e, own, a, b, c, flags]) => {
    const keep = flagged(flags);
    const raiser: Stmt = { op: 'create_task', as: 'K1', body: [...sleeps(a), mark('k1'), raise(e, 'task')] };
    const other: Stmt = { op: 'create_task', as: 'K2', body: [...sleeps(b), mark('k2'), { op: 'return', value: 2 }] };
    const main: Stmt[] = own
      ? [...keep(other), ...sleeps(c), mark('main'), raise(e, 'own')]
      : [raiser, ...keep(other), ...sleeps(c), mark('main'), { op: 'await', task: 'K1' }, { op: 'return', value: 1 }];
    return program([
      { op: 'new_event_loop', as: 'L' },
      { op: 'run_until_complete', loop: 'L', body: main },
      ...keep({ op: 'is_running', loop: 'L' }),
      ...keep({ op: 'task_state', task: 'K1' }),
      ...keep({ op: 'task_state', task: 'K2' }),
      ...keep({
        op: 'run_until_complete',
        loop: 'L',
        body: [...keep({ op: 'await', task: 'K1' }), ...keep({ op: 'await', task: 'K2' }), ...sleeps(1), { op: 'return', value: 3 }],
      }),
      ...keep({ op: 'task_state', task: 'K2' }),
      ...keep({ op: 'run_until_complete', loop: 'L', body: [...sleeps(2), { op: 'return', value: 4 }] }),
      ...keep({ op: 'close', loop: 'L' }),
    ]);
  });

/** ERR-2.3: asyncio.run or a Runner whose coroutine, or a callback of its loop, raises. */
export const runEscapePrograms = fc
  .tuple(exc, fc.constantFrom(false, false, true), fc.boolean(), fc.boolean(), fc.nat(2), keeps(10))
  .map(([e, runner, viaCallback, long, n, flags]) => {
    const keep = flagged(flags);
    const task: Stmt = {
      op: 'create_task',
      as: 'K',
      body: [...sleeps(n), ...(long ? [{ op: 'sleep', delay: 30 } as Stmt] : []), mark('k')],
    };
    const body: Stmt[] = [
      { op: 'get_running_loop', as: 'L' },
      ...keep(task),
      ...sleeps(1),
      ...(viaCallback
        ? [{ op: 'call_soon', loop: 'L', body: [mark('x'), raise(e, 'cb')] } as Stmt, { op: 'sleep', delay: 1 } as Stmt, mark('never')]
        : [mark('main'), raise(e, 'main')]),
    ];
    if (!runner)
      return program([
        { op: 'asyncio_run', body },
        ...keep({ op: 'task_state', task: 'K' }),
        ...keep({ op: 'is_closed', loop: 'L' }),
        ...keep({ op: 'get_event_loop' }),
      ]);
    return program([
      { op: 'runner_new', as: 'R' },
      { op: 'runner_run', runner: 'R', body },
      ...keep({ op: 'is_closed', loop: 'L' }),
      ...keep({ op: 'task_state', task: 'K' }),
      ...keep({ op: 'runner_run', runner: 'R', body: [...sleeps(2), { op: 'return', value: 5 }] }),
      ...keep({ op: 'task_state', task: 'K' }),
      ...keep({ op: 'runner_close', runner: 'R' }),
      ...keep({ op: 'is_closed', loop: 'L' }),
    ]);
  });

/** Every shape of ERR-2. */
export const escapePrograms = fc.oneof(
  { weight: 2, arbitrary: callbackEscapePrograms },
  { weight: 2, arbitrary: taskEscapePrograms },
  { weight: 3, arbitrary: runEscapePrograms },
);
