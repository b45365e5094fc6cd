/**
 * asyncio.run_coroutine_threadsafe (tasks.py) and asyncio.wrap_future (futures.py
 * _chain_future, _copy_future_state, _set_concurrent_future_state), and the
 * concurrent.futures.Future between them, with the rule that decides them (RCT-1).
 *
 * A concurrent future is thread-safe and runs its done callbacks in the thread that sets it;
 * what crosses threads here goes through call_soon_threadsafe, as in CPython 3.8 to 3.14.
 */
import type { Stmt } from '../../language/program.ts';
import { walk as statements } from '../../language/program.ts';
import { tag } from '../predictions.ts';
import { callbackContext, inCallback, taskCoro } from './contexts.ts';
import { OutOfModel, PyErr } from './state.ts';
import type { Coro, MFuture, MLoop, MTask, PyResult } from './state.ts';
import type { ClauseTags, StmtOf, Walk } from './walk.ts';

/** A concurrent.futures.Future made by run_coroutine_threadsafe for a coroutine on `loop`. */
export interface MConcurrent {
  kind: 'cfuture';
  loop: MLoop;
  state: 'pending' | 'done' | 'cancelled';
  result?: PyResult;
  /** The task its callback made, once that callback ran. */
  task: MTask | null;
  /** Done callbacks, called in the thread that settles it (concurrent.futures). */
  callbacks: Array<() => void>;
  /** The callback of run_coroutine_threadsafe has run (a coroutine never run is out of the model at close). */
  started: boolean;
}

/** Per walk: the concurrent futures whose callback has not run, by loop (checked when a loop closes). */
const pendingStarts = new WeakMap<Walk, Set<MConcurrent>>();

function pendingOf(walk: Walk): Set<MConcurrent> {
  let set = pendingStarts.get(walk);
  if (!set) {
    set = new Set();
    pendingStarts.set(walk, set);
    walk.m.closeHooks.push((loop) => {
      for (const cf of set!)
        if (cf.loop === loop)
          throw new OutOfModel(
            'a loop closed before the callback of run_coroutine_threadsafe ran (a coroutine never awaited warns when collected)',
          );
    });
  }
  return set;
}

/** The concurrent future bound to `name`, read or changed in a thread where no other thread can change it now. */
function cfutureVar(walk: Walk, name: string, op: string): MConcurrent {
  const cf = walk.guards.useVar(name, op) as unknown as MConcurrent;
  if (!('kind' in cf) || cf.kind !== 'cfuture') throw new OutOfModel(`${name} is not a concurrent future`);
  const m = walk.m;
  if (cf.loop.thread !== null && cf.loop.thread !== m.thread)
    throw new OutOfModel('a concurrent future used from another thread while its loop runs (real thread timing)');
  if (m.threads.some((t) => t !== m.thread && t.pid === m.pid && t.status === 'runnable' && t.kind === 'program'))
    throw new OutOfModel('a concurrent future used while a program thread could run its loop');
  return cf;
}

/** Settles `cf` (set_result, set_exception, cancel) and calls its done callbacks at once, in this thread. */
function settle(cf: MConcurrent, state: 'done' | 'cancelled', result: PyResult): void {
  cf.state = state;
  cf.result = result;
  const cbs = cf.callbacks;
  cf.callbacks = [];
  for (const cb of cbs) logged(cb);
}

/** concurrent.futures.Future.add_done_callback: called at once where it is done. */
function addDoneCallback(cf: MConcurrent, cb: () => void): void {
  if (cf.state === 'pending') cf.callbacks.push(cb);
  else logged(cb);
}

/**
 * A done callback's exception goes to concurrent.futures' log, not to whoever settled the
 * future (`_invoke_callbacks` and `add_done_callback`: `except Exception: LOGGER.exception`,
 * 3.8.18 and 3.13.0): CF.cancel() after its loop closed still returns True, though the
 * cancel it forwards is refused (call_soon_threadsafe on a closed loop).
 */
function logged(cb: () => void): void {
  try {
    cb();
  } catch (e) {
    if (!(e instanceof PyErr)) throw e;
  }
}

/**
 * A coroutine that tells the walk its first step ran (RCT-1.1): the body's first statement must
 * run. Where tasks of its loop slept(0) by then, that the callback and the first step came
 * before the loop stopped is the round robin's too (TASK-5.2, a condition, as runs.ts says of callbacks).
 */
function* started(walk: Walk, loop: MLoop, body: Stmt[], coro: Coro): Coro {
  const first = body.find((x) => x.op !== 'return' && x.op !== 'raise');
  if (first) {
    walk.expect({ ...tag('RCT-1.1'), kind: 'ran', stmt: first.id!, expected: true });
    if (walk.orderings.slept0(loop)) walk.expect({ ...tag('TASK-5.2'), condition: true, kind: 'ran', stmt: first.id!, expected: true });
  }
  return yield* coro;
}

/** `CF = asyncio.run_coroutine_threadsafe(coro(), L)` (RCT-1.1): a callback queued by call_soon_threadsafe makes the task. */
export function runCoroutineThreadsafe(walk: Walk, s: StmtOf<'run_coroutine_threadsafe'>, tags: ClauseTags): null {
  const m = walk.m;
  const loop = walk.guards.loopVar(s.loop, 'run_coroutine_threadsafe');
  tags.outcome.push('RCT-1.1');
  if (s.arg !== undefined) {
    for (const x of statements(s.body)) walk.expect({ ...tag('RCT-1.1'), kind: 'ran', stmt: x.id!, expected: false });
    throw new PyErr('TypeError', 'A coroutine object is required');
  }
  if (m.thread.kind === 'fork') throw new OutOfModel('run_coroutine_threadsafe in a fork child');
  if (loop.closed) throw new OutOfModel('run_coroutine_threadsafe on a closed loop (a coroutine never awaited warns when collected)');
  if (loop.taskFactory) throw new OutOfModel("run_coroutine_threadsafe on a loop with a task factory (called in the loop's callback)");
  if (loop.debug) throw new OutOfModel('run_coroutine_threadsafe on a loop in debug mode');
  if (m.thread.kind === 'executor' && m.lateJob?.loop === loop)
    throw new OutOfModel('run_coroutine_threadsafe from a job that outlived the coroutine of asyncio.run');
  const cf: MConcurrent = { kind: 'cfuture', loop, state: 'pending', task: null, callbacks: [], started: false };
  const pending = pendingOf(walk);
  pending.add(cf);
  const ctx = callbackContext(walk);
  const callback = inCallback(walk, ctx, () => {
    pending.delete(cf);
    cf.started = true;
    if (loop.taskFactory || loop.debug)
      throw new OutOfModel('a task factory or debug mode set before the callback of run_coroutine_threadsafe ran');
    // ensure_future(coro, loop=loop): loop.create_task, its first step queued by call_soon (TASK-1.3)
    const task = m.createTask(loop, taskCoro(walk, started(walk, loop, s.body, walk.coroBody(s.body))));
    walk.bodyTask.set(s.body, task);
    cf.task = task;
    // _chain_future(task, cf): cf's done callback first (at once where cf is cancelled already), then the task's.
    addDoneCallback(cf, () => {
      if (cf.state !== 'cancelled') return;
      task.cancelClause = 'RCT-1.3';
      m.callSoonThreadsafe(loop, () => m.cancel(task));
    });
    m.addDoneCallback(task, () => {
      // _set_concurrent_future_state, in the loop's thread.
      if (task.state === 'cancelled') {
        if (cf.state === 'pending') settle(cf, 'cancelled', { error: new PyErr('CancelledError', '') });
        return;
      }
      if (cf.state !== 'pending') {
        // The task's exception is then never retrieved: logged when collected.
        if ('error' in task.result!) throw new OutOfModel('a task raised after its concurrent future was cancelled');
        return;
      }
      settle(cf, 'done', task.result!);
    });
  });
  m.callSoonThreadsafe(loop, callback);
  if (loop.thread !== m.thread) walk.threadsafeFromOtherThread = true;
  walk.guards.bind(s.as, cf);
  return null;
}

/** `CF.<method>()` without waiting (RCT-1.1 while pending, RCT-1.2 once done, RCT-1.3 for cancel). */
export function cfutureCall(walk: Walk, s: StmtOf<'cfuture_call'>, tags: ClauseTags): unknown {
  const cf = cfutureVar(walk, s.future, 'cfuture_call');
  const pending = cf.state === 'pending';
  // Done by now where tasks of its loop slept(0): that the iterations its callback, its task and
  // the copy of the task's state needed came is the round robin's (TASK-5.2), whatever the method
  // reads or does; a chain run early shows where it is still pending (RCT-1.1).
  if (!pending && walk.orderings.slept0(cf.loop)) tags.conditions.push('TASK-5.2');
  if (s.method === 'cancel') {
    tags.outcome.push('RCT-1.3');
    // concurrent.futures.Future.cancel: True on a cancelled future, False on a finished one.
    if (!pending) return cf.state === 'cancelled';
    settle(cf, 'cancelled', { error: new PyErr('CancelledError', '') });
    return true;
  }
  tags.outcome.push(pending ? 'RCT-1.1' : 'RCT-1.2');
  // Cancelled by the program: that cancel decided the state (RCT-1.3).
  if (cf.task?.cancelClause || (cf.state === 'cancelled' && !cf.task)) tags.conditions.push('RCT-1.3');
  switch (s.method) {
    case 'done':
      return !pending;
    case 'cancelled':
      return cf.state === 'cancelled';
    case 'result':
    case 'exception': {
      if (pending) throw new PyErr('TimeoutError', '');
      if (cf.state === 'cancelled') throw new PyErr('CancelledError', '');
      const o = cf.result!;
      if (s.method === 'result') {
        if ('error' in o) throw o.error;
        return o.value;
      }
      return 'error' in o ? `${o.error.type}: ${o.error.message}` : null;
    }
  }
  throw new OutOfModel(`unknown concurrent future method ${s.method}`);
}

/** `F = asyncio.wrap_future(X, loop=L)` (RCT-1.4). */
export function wrapFuture(walk: Walk, s: StmtOf<'wrap_future'>, tags: ClauseTags): string | null {
  const m = walk.m;
  const loop = walk.guards.loopVar(s.loop, 'wrap_future');
  tags.outcome.push('RCT-1.4');
  if (s.arg !== undefined) {
    if (!Number.isInteger(s.arg)) throw new OutOfModel('wrap_future of a float: its repr is not modelled');
    throw new PyErr('AssertionError', `concurrent.futures.Future is expected, got ${s.arg}`);
  }
  if (s.future === undefined) throw new OutOfModel('wrap_future of nothing');
  const x = walk.guards.useVar(s.future, 'wrap_future') as unknown as MFuture | MConcurrent;
  if (!('kind' in x)) throw new OutOfModel(`${s.future} is not a future`);
  if (x.kind === 'future' || x.kind === 'task') {
    walk.guards.bind(s.as, x);
    return 'same';
  }
  if (x.kind !== 'cfuture') throw new OutOfModel(`${s.future} is not a future`);
  const cf = cfutureVar(walk, s.future, 'wrap_future');
  if (cf.loop !== loop) throw new OutOfModel("wrap_future of a concurrent future of another loop (its state is set in that loop's thread)");
  if (loop.closed) throw new OutOfModel('wrap_future on a closed loop (the copy is never made)');
  if (loop.thread !== null && loop.thread !== m.thread) throw new OutOfModel('wrap_future on a loop running in another thread');
  const f = m.newFuture(loop);
  f.wrappedBy = 'RCT-1.4';
  // _chain_future(cf, f): f's done callback (a cancel of f cancels cf), then cf's (the copy, by call_soon_threadsafe).
  m.addDoneCallback(f, () => {
    if (f.state === 'cancelled' && cf.state === 'pending') settle(cf, 'cancelled', { error: new PyErr('CancelledError', '') });
  });
  addDoneCallback(cf, () => {
    if (loop.closed) return;
    m.callSoonThreadsafe(loop, () => {
      // _copy_future_state
      if (f.state !== 'pending') return;
      if (cf.state === 'cancelled') m.cancel(f);
      else if ('error' in cf.result!) m.setException(f, (cf.result as { error: PyErr }).error);
      else m.setResult(f, (cf.result as { value: unknown }).value);
    });
  });
  walk.guards.bind(s.as, f);
  return null;
}
