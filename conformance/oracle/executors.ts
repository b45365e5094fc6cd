/**
 * The executors a program makes and a loop's default executor (base_events.py
 * set_default_executor, run_in_executor, shutdown_default_executor, close), with the rule that
 * decides them (EXEC-3). asyncio's own default executor is base_events.ts's (EXEC-1).
 */
import * as baseEvents from './base_events.ts';
import { closedError, OutOfModel, PyErr } from './state.ts';
import type { Coro, MExecutor } from './state.ts';
import type { ClauseTags, StmtOf, Walk } from './walk.ts';

const NOT_A_POOL_WARNING =
  'Using the default executor that is not an instance of ThreadPoolExecutor is deprecated and will be prohibited in Python 3.9';

/** The executor bound to `name`: one the program made, in this process. */
function executorVar(walk: Walk, name: string, op: string): MExecutor {
  const x = walk.guards.useVar(name, op) as unknown as MExecutor;
  if (!('kind' in x) || x.kind !== 'executor') throw new OutOfModel(`${name} is not an executor`);
  // A pool inherited through fork has no workers in the child.
  if (x.pid !== walk.m.thread.pid) throw new OutOfModel('an executor used in a fork child');
  return x;
}

/** `X = ThreadPoolExecutor(thread_name_prefix='loopspec_X')` (EXEC-3.1): bound, observes None. */
export function newExecutor(walk: Walk, s: StmtOf<'new_executor'>, tags: ClauseTags): null {
  if (walk.m.thread.kind === 'fork') throw new OutOfModel('an executor made in a fork child');
  tags.outcome.push('EXEC-3.1');
  const x: MExecutor = { kind: 'executor', name: s.as, pid: walk.m.thread.pid, shutdownBy: null };
  walk.guards.bind(s.as, x);
  return null;
}

/** `L.set_default_executor(X)` (EXEC-3.1) or of None (EXEC-3.2, defaultExecutorTypeCheck). */
export function setDefaultExecutor(walk: Walk, s: StmtOf<'set_default_executor'>, tags: ClauseTags): null {
  const loop = walk.guards.loopVar(s.loop, 'set_default_executor');
  // Which executor a job of the loop's thread meets would be a race.
  if (loop.thread !== null && loop.thread !== walk.m.thread)
    throw new OutOfModel('set_default_executor on a loop running in another thread');
  if (s.executor === null) {
    tags.outcome.push('EXEC-3.2');
    if (walk.sw.defaultExecutorTypeCheck === 'TypeError') throw new PyErr('TypeError', 'executor must be ThreadPoolExecutor instance');
    tags.warnings.push('EXEC-3.2');
    walk.warn('DeprecationWarning', NOT_A_POOL_WARNING);
    // None: the loop has no default executor again; run_in_executor(None) makes one (EXEC-1).
    loop.defaultExecutor = null;
    loop.executorUsed = false;
    return null;
  }
  const x = executorVar(walk, s.executor, 'set_default_executor');
  tags.outcome.push('EXEC-3.1');
  loop.defaultExecutor = x;
  // _default_executor is not None: shutdown_default_executor waits for a helper thread.
  loop.executorUsed = true;
  return null;
}

/**
 * `await L.run_in_executor(X or None, fn)`: refused on a closed loop (EXEC-3.4), after
 * shutdown_default_executor for the default executor (EXEC-3.3), by an executor shut down
 * (EXEC-3.3 or EXEC-3.4, whichever shut it down); else fn runs on a worker of X (EXEC-3.1),
 * or of asyncio's default executor (EXEC-1).
 */
export function* runInExecutor(walk: Walk, s: StmtOf<'run_in_executor'>, tags: ClauseTags): Coro {
  const running = walk.guards.requireRunning();
  const loop = s.loop === undefined ? running : walk.guards.loopVar(s.loop, 'run_in_executor');
  if (loop.closed) {
    tags.outcome.push('EXEC-3.4');
    // Closed by the end of asyncio.run: ARUN-2.3 says it closes it.
    if (loop.fromRun) tags.conditions.push('ARUN-2.3');
    throw closedError();
  }
  // Its future would be another loop's: awaited here, a different-loop error while the job runs.
  if (loop !== running) throw new OutOfModel('run_in_executor on an open loop that is not the running loop');
  let x: MExecutor | null;
  if (s.executor === undefined) {
    // After asyncio.run's own shutdown (a job calling back into its loop), EXEC-1 as before.
    if (loop.executorShutdown && loop.executorShutdownByProgram) {
      tags.outcome.push('EXEC-3.3');
      throw new PyErr('RuntimeError', 'Executor shutdown has been called');
    }
    x = loop.defaultExecutor ?? null;
    if (x === null) return yield* baseEvents.runInExecutor(walk, s, tags);
  } else x = executorVar(walk, s.executor, 'run_in_executor');
  if (x.shutdownBy !== null) {
    tags.outcome.push(x.shutdownBy);
    // Shut down by the end of asyncio.run (its shutdown_default_executor, 3.9+, or its close): ARUN-2.3 says it does.
    const from = x.shutdownFrom;
    if (from?.fromRun && !from.executorShutdownByProgram) tags.conditions.push('ARUN-2.3');
    throw new PyErr('RuntimeError', 'cannot schedule new futures after shutdown');
  }
  tags.outcome.push('EXEC-3.1');
  return yield* walk.executorJob(loop, s, undefined, { name: x.name, viaDefault: s.executor === undefined });
}

/** `await asyncio.get_running_loop().shutdown_default_executor(timeout=t)` (EXEC-3.3). */
export function* shutdownDefaultExecutor(walk: Walk, s: StmtOf<'shutdown_default_executor'>, tags: ClauseTags): Coro {
  const loop = walk.guards.requireRunning();
  tags.outcome.push('EXEC-3.3');
  if (!walk.sw.runShutsDownExecutor) {
    throw new PyErr('AttributeError', "'_UnixSelectorEventLoop' object has no attribute 'shutdown_default_executor'");
  }
  if (s.timeout !== undefined) {
    // 3.9.18 names 'shutdown_default_executor()', 3.10.13 and 3.11.7 'BaseEventLoop.shutdown_default_executor()'.
    if (!walk.sw.shutdownExecutorTimeout) throw new OutOfModel('shutdown_default_executor(timeout=) before 3.12');
    // A job still running when the join's timeout passes: a RuntimeWarning, by real time.
    if (walk.m.runnableThreads().some((t) => t.kind === 'executor'))
      throw new OutOfModel('shutdown_default_executor(timeout=) with a job running');
  }
  loop.executorShutdownByProgram = true;
  const task = loop.currentTask;
  try {
    return yield* walk.m.shutdownDefaultExecutor(loop);
  } finally {
    if (task) walk.orderings.resumed(task);
  }
}
