/**
 * asyncio.base_events: a loop's lifecycle (run, stop, close, is_running, is_closed), its
 * callbacks (call_soon, call_later, call_soon_threadsafe) and its executor, with the rules
 * that decide them (their clauses).
 */
import type { Stmt } from '../../language/program.ts';
import { walk as statements } from '../../language/program.ts';
import { tag } from '../predictions.ts';
import { OutOfModel, PyErr } from './state.ts';
import type { Callback, Coro, MLoop } from './state.ts';
import { callbackRaised, callbackStarts } from './errors.ts';
import { endedBy, escapes, escaping, escapingCallbackRan, leftBehindStarts, runEscaped } from './escapes.ts';
import { queuedSoon } from './futures.ts';
import { forkingThread } from './os.ts';
import { forCallback, inCallback } from './contexts.ts';
import { INVERTED_GAP } from './ordering.ts';
import { makeTask } from './factories.ts';
import { nameMade } from './names.ts';
import { closed as closedWithSignals } from './signals.ts';
import type { ClauseTags, StmtOf, Walk, Where } from './walk.ts';

export function close(walk: Walk, s: StmtOf<'close'>, tags: ClauseTags): null {
  const loop = walk.guards.loopVar(s.loop, 'close');
  tags.outcome.push(loop.thread ? 'LIFE-5.1' : loop.closed ? 'LIFE-5.3' : 'LIFE-5.2');
  const pipe = [...loop.pipe];
  walk.m.close(loop);
  // The Unix loop's close() removes its signal handlers (SIG-1.3).
  closedWithSignals(walk, loop, pipe);
  return null;
}

export function isClosedOrRunning(walk: Walk, s: StmtOf<'is_closed' | 'is_running'>, tags: ClauseTags): boolean {
  const loop = walk.guards.loopVar(s.loop, s.op);
  const m = walk.m;
  // In a fork child, the copy of a loop running in the parent still says it runs (FORK-1.3).
  const parentsRunning = m.thread.kind === 'fork' && loop.thread !== null && loop.thread !== m.thread;
  if (s.op === 'is_closed') tags.outcome.push(loop.closed ? 'LIFE-6.4' : 'LIFE-6.3');
  else tags.outcome.push(parentsRunning ? 'FORK-1.3' : loop.thread ? 'LIFE-6.1' : 'LIFE-6.2');
  // Conditions: what left the loop in this state (asyncio.run closing it, its thread's end).
  if (loop.runFinished) tags.conditions.push('ARUN-2.3');
  if (loop.runnerClosed) tags.conditions.push(loop.runnerExited ? 'RUNNER-2.1' : 'RUNNER-1.3');
  // ERR-2: an escape ended its last run, leaving it open and not running (until a close).
  const escaped = endedBy(loop);
  if (escaped && !loop.closed) tags.conditions.push(escaped);
  const owner = walk.loopOwner.get(loop);
  if (owner && owner.kind === 'program' && owner.joined && owner !== m.thread) tags.conditions.push('THR-1.3');
  return s.op === 'is_closed' ? loop.closed : loop.thread !== null;
}

export function stop(walk: Walk, s: StmtOf<'stop'>, tags: ClauseTags): null {
  const loop = walk.guards.loopVar(s.loop, 'stop');
  tags.outcome.push('LIFE-7.1');
  loop.stopping = true;
  loop.stoppedInRun = loop.thread !== null;
  walk.orderings.stop(loop, walk.m.clock, loop.thread !== null);
  return null;
}

export function runUntilComplete(walk: Walk, s: StmtOf<'run_until_complete'>, tags: ClauseTags): unknown {
  const loop = walk.guards.loopVar(s.loop, 'run_until_complete');
  const refused = refusal(walk, loop);
  if (refused) {
    tags.outcome.push(refused.untilComplete);
    walk.orderings.refused(loop, refused.untilComplete);
    // The refusal comes before the coroutine is wrapped in a task: none of it ever runs.
    for (const x of statements(s.body)) walk.expect({ ...tag(refused.neverRuns), kind: 'ran', stmt: x.id!, expected: false });
  }
  walk.m.checkCanRun(loop);
  // A stop() made before the run ends it after one iteration (LIFE-7.2): the state the run starts in.
  const stoppedBefore = loop.stopping;
  const leftQueued = [...(loop.leftByEarlyStop ?? [])].filter((cb) => !cb.ran);
  if (walk.hasRun.has(loop)) tags.conditions.push('LIFE-1.3');
  walk.hasRun.add(loop);
  // ensure_future: loop.create_task, through the loop's task factory if one is set (TFACT-1.2).
  const { task, clause } = makeTask(walk, loop, s.body);
  // 3.13.0's create_task renames a factory's task whatever the name: 'None' here (TASK-6.4).
  if (loop.taskFactory && walk.sw.factoryTaskName === 'always') nameMade(walk, task, { after: 'None', clause: 'TASK-6.4' });
  walk.orderings.runStarted(loop);
  try {
    const value = walk.m.runUntilComplete(loop, task);
    tags.outcome.push('LIFE-1.1');
    return value;
  } catch (e) {
    if (e instanceof PyErr && e.message === 'Event loop stopped before Future completed.') {
      tags.outcome.splice(0, tags.outcome.length, 'LIFE-8.1');
      // That the task was not done when the loop stopped: the stop's timing, and the round
      // robin's where tasks slept(0) (a sleep(0) that did not yield would have let it finish).
      tags.conditions.splice(
        0,
        tags.conditions.length,
        // Stopped by a callback an earlier run_forever left queued, ended after one iteration by a stop before it.
        ...(stoppedBefore || leftQueued.some((cb) => cb.ran) ? ['LIFE-7.2'] : []),
        ...(walk.orderings.slept0(loop) ? ['TASK-5.2'] : []),
      );
      walk.orderings.stoppedEarly(
        task,
        s.body.map((x) => x.id!),
        new Set(Object.keys(walk.obs)),
      );
    } else if (e instanceof PyErr) tags.outcome.push('LIFE-1.2');
    runEscaped(walk, loop, e, tags, task.result === undefined || !('error' in task.result) || task.result.error !== e);
    throw e;
  } finally {
    // The task run is the one the factory returned: TFACT-1.2 decides, the run's own clause is its condition.
    if (clause === 'TFACT-1.2') tags.conditions.push(...tags.outcome.splice(0, tags.outcome.length, 'TFACT-1.2'));
  }
}

export function runForever(walk: Walk, s: StmtOf<'run_forever'>, tags: ClauseTags): null {
  const m = walk.m;
  const loop = walk.guards.loopVar(s.loop, 'run_forever');
  const refused = refusal(walk, loop);
  const inRunningLoop = m.runningLoop() !== null;
  const stoppedBefore = loop.stopping;
  walk.orderings.runStarted(loop);
  try {
    m.runForever(loop);
    if (stoppedBefore) loop.leftByEarlyStop = new Set([...loop.ready, ...loop.timers.map((t) => t.cb)]);
  } catch (e) {
    if (e instanceof PyErr && refused) {
      tags.outcome.push(refused.forever);
      walk.orderings.refused(loop, refused.forever);
    }
    // That the refusal left the running loop undisturbed is a condition of what its run sees next.
    const running = m.runningLoop();
    if (e instanceof PyErr && refused && running) running.disturbedBy = refused.forever;
    // 3.13.0 (python/cpython#130145): the refused call still clears the running loop,
    // leaving the loop inconsistent. The profile specifies the refusal, not what follows.
    if (e instanceof PyErr && refused && (refused !== REFUSALS.closed || inRunningLoop) && walk.sw.failedRunForeverCleansUp) {
      walk.guards.leaveAfterThis('a refused run_forever leaves 3.13.0 inconsistent (python/cpython#130145)');
    }
    runEscaped(walk, loop, e, tags);
    throw e;
  }
  walk.hasRun.add(loop);
  tags.outcome.push('LIFE-7.2');
  return null;
}

/** Why a loop refuses to run, with the clauses of the refusal of each call and of the coroutine that never runs. */
const REFUSALS = {
  closed: { untilComplete: 'LIFE-2.1', forever: 'LIFE-2.2', neverRuns: 'LIFE-2.3' },
  running: { untilComplete: 'LIFE-3.1', forever: 'LIFE-3.2', neverRuns: 'LIFE-3.3' },
  anotherRunning: { untilComplete: 'LIFE-4.1', forever: 'LIFE-4.2', neverRuns: 'LIFE-4.3' },
};
type Refusal = (typeof REFUSALS)[keyof typeof REFUSALS];

/** The refusal by which a loop cannot run now, if it cannot. */
function refusal(walk: Walk, loop: MLoop): Refusal | undefined {
  if (loop.closed) return REFUSALS.closed;
  if (loop.thread) return REFUSALS.running;
  if (walk.m.runningLoop()) return REFUSALS.anotherRunning;
  return undefined;
}

/** call_soon, call_later, call_at (a timer like call_later's, TIME-1.3) and call_soon_threadsafe. */
export function schedule(
  walk: Walk,
  s: StmtOf<'call_soon' | 'call_later' | 'call_at' | 'call_soon_threadsafe'>,
  tags: ClauseTags,
  where?: Where,
): null {
  const m = walk.m;
  const loop = walk.guards.loopVar(s.loop, s.op);
  // The context the callback runs in, taken now (CTX-1.2).
  const context = forCallback(walk, s, loop);
  // A job that outlived asyncio.run's coroutine reaches the run's loop open because the
  // shutdown waits for it (ARUN-2.3, 3.9+), unless it did not wait itself (a race).
  const late = m.thread.kind === 'executor' && m.lateJob?.loop === loop;
  if (late && m.clock === m.lateJob!.since)
    throw new OutOfModel('an executor job calls back into the loop of asyncio.run while it may not yet be shutting down');
  const closed = s.op === 'call_soon_threadsafe' ? 'SCHED-4.2' : 'SCHED-4.1';
  // In debug mode, call_soon and call_at (call_later's) check the thread after the closed check.
  const debug = loop.debug && !loop.closed;
  if (debug && late) throw new OutOfModel('an executor job calls back into the debug-mode loop of asyncio.run while it shuts down');
  const at = s.op === 'call_at';
  tags.outcome.push(loop.closed ? closed : late ? 'ARUN-2.3' : debug ? 'DEBUG-1.3' : at ? 'TIME-1.3' : 'SCHED-1.1');
  // A closed loop refuses before it schedules: the callback never runs.
  if (loop.closed) for (const x of statements(s.body)) walk.expect({ ...tag(closed), kind: 'ran', stmt: x.id!, expected: false });
  // CPython compares threading.get_ident(): a fork child's thread keeps the forking thread's ident.
  if (debug && s.op !== 'call_soon_threadsafe' && loop.thread !== null && loop.thread !== forkingThread(m.thread)) {
    for (const x of statements(s.body)) walk.expect({ ...tag('DEBUG-1.3'), kind: 'ran', stmt: x.id!, expected: false });
    throw new PyErr('RuntimeError', 'Non-thread-safe operation invoked on an event loop other than the current one');
  }
  const timer = s.op === 'call_later' || at;
  const via = s.op === 'call_soon' ? 'soon' : timer ? 'later' : 'threadsafe';
  const deadline = timer ? m.clock + s.delay : undefined;
  const scheduledInDebug = loop.debug; // now, not when it runs
  const running = m.runningLoop();
  const own: Where = {
    loop,
    via,
    deadline,
    scheduledInDebug,
    ...(at ? { at } : {}),
    escapable: via !== 'threadsafe',
    ...(running && running !== loop ? { fromOtherLoop: true } : {}),
  };
  const cb = inCallback(walk, context, () => callback(walk, s.body, own));
  let handle: Callback;
  if (s.op === 'call_soon') handle = m.callSoon(loop, cb);
  else if (timer) handle = m.callLater(loop, s.delay, cb);
  else {
    handle = m.callSoonThreadsafe(loop, cb);
    if (loop.thread !== m.thread) walk.threadsafeFromOtherThread = true;
  }
  // Its place in the ready queue, against the done callbacks (FUT-1.2)
  // (timers, call_later's and call_at's, wait in the heap first)
  if (!timer) queuedSoon(walk, loop, handle, s.body);
  if (s.op !== 'call_soon_threadsafe' && s.as) {
    walk.guards.bind(s.as, handle);
    walk.handles.set(handle, { loop, via, body: [...statements(s.body)].map((x) => x.id!), ...(at ? { at } : {}) });
  }
  own.handle = handle;
  if (s.body[0]?.op === 'mark' && !at)
    walk.orderings.scheduledCallback({
      id: s.body[0].id!,
      loop,
      via,
      thread: m.thread,
      segment: segment(walk, loop, where),
      deadline,
      handle,
    });
  return null;
}

/** `L.get_debug()`: as a new loop has it (DEBUG-1.1), or as set_debug (DEBUG-1.1) or asyncio.run (DEBUG-1.2) left it. */
export function getDebug(walk: Walk, s: StmtOf<'get_debug'>, tags: ClauseTags): boolean {
  const loop = walk.guards.loopVar(s.loop, 'get_debug');
  tags.outcome.push(loop.debugBy ?? 'DEBUG-1.1');
  return loop.debug;
}

/** `L.set_debug(value)` (DEBUG-1.1); on a running loop it queues the origin-tracking update with call_soon_threadsafe. */
export function setDebug(walk: Walk, s: StmtOf<'set_debug'>, tags: ClauseTags): null {
  const m = walk.m;
  const loop = walk.guards.loopVar(s.loop, 'set_debug');
  // Its wake-up of a loop running elsewhere would race with that loop's iterations.
  if (loop.thread !== null && loop.thread !== m.thread) throw new OutOfModel('set_debug on a loop running in another thread');
  tags.outcome.push('DEBUG-1.1');
  loop.debug = s.value;
  loop.debugBy = 'DEBUG-1.1';
  if (loop.thread !== null) m.callSoonThreadsafe(loop, () => {});
  return null;
}

/** `H.cancel()`: a callback not yet run never runs (SCHED-5.1). */
export function cancelHandle(walk: Walk, s: StmtOf<'cancel_handle'>, tags: ClauseTags): null {
  const handle = walk.guards.handleVar(s.handle, 'cancel_handle');
  const { loop, via, body, at } = walk.handles.get(handle)!;
  // The loop may be taking it from its queue in its own thread at this very moment.
  if (loop.thread !== null && loop.thread !== walk.m.thread)
    throw new OutOfModel('a handle cancelled while its loop runs in another thread');
  tags.outcome.push('SCHED-5.1');
  // A call_at timer cancels by SCHED-5 too: that its handle is the timer scheduled is TIME-1.4's.
  if (at) tags.conditions.push('TIME-1.4');
  // Cancelled from inside the run: that the canceller ran first is the queue's order (SCHED-1.2),
  // or for a timer, that it joined the ready queue behind the callbacks already there (SCHED-2.2).
  // (A call_at timer's place behind them is TIME-1.3's, which schedules it as call_later's.)
  const order = loop.thread === null ? [] : [at ? 'TIME-1.3' : via === 'later' ? 'SCHED-2.2' : 'SCHED-1.2'];
  if (!handle.cancelled && !handle.ran)
    for (const id of body) {
      walk.expect({ ...tag('SCHED-5.1'), kind: 'ran', stmt: id, expected: false });
      if (at) walk.expect({ ...tag('TIME-1.4'), condition: true, kind: 'ran', stmt: id, expected: false });
      for (const clause of order) walk.expect({ ...tag(clause), condition: true, kind: 'ran', stmt: id, expected: false });
    }
  handle.cancelled = true;
  return null;
}

/** `H.cancelled()` (SCHED-5.2; for a call_at timer, TIME-1.4 is the condition: its handle is the timer scheduled). */
export function handleCancelled(walk: Walk, s: StmtOf<'handle_cancelled'>, tags: ClauseTags): boolean {
  const handle = walk.guards.handleVar(s.handle, 'handle_cancelled');
  tags.outcome.push('SCHED-5.2');
  if (walk.handles.get(handle)?.at) tags.conditions.push('TIME-1.4');
  return handle.cancelled;
}

/**
 * The stretch of `loop`'s life the caller is in, in which the loop cannot begin an
 * iteration: the callback of the loop being run, the step of its task, or the time it is
 * idle (from the main thread, no other thread started and not yet run). Else unknown.
 */
function segment(walk: Walk, loop: MLoop, where?: Where): unknown {
  const m = walk.m;
  if (loop.thread === null) {
    const others = m.threads.some((t) => t !== m.thread && t.status === 'runnable');
    return m.thread.kind === 'main' && !others ? walk.orderings.idleSegment(loop) : undefined;
  }
  if (loop.thread !== m.thread) return undefined;
  if (where?.loop === loop) return where;
  return loop.currentTask ? walk.orderings.stepSegment(loop.currentTask) : undefined;
}

/**
 * A timer due in the iteration in which the run already stopped, with a deadline within 0.1 s
 * of the clock: two timers the model finds due together may be apart in real time (the one
 * scheduled later, after a run or on a loaded machine, comes due after the iteration began),
 * and then this one waits for a run that may never come. Whether it runs before the loop
 * stops is real time (3.8.18 under load, seed 10081: `L2.call_later(0.2, stop)` made after
 * a first run, tied with one made before it, never ran).
 */
function tiedAfterStop(walk: Walk, where: Where): void {
  const { loop, via, deadline } = where;
  if (via !== 'later' || !loop.stopping || !loop.stoppedInRun || deadline === undefined) return;
  if (deadline > walk.m.clock - INVERTED_GAP)
    throw new OutOfModel('a timer due with the iteration its loop stops in: whether it is due in time is real time');
}

function callback(walk: Walk, body: Stmt[], where: Where): void {
  tiedAfterStop(walk, where);
  walk.callbacksRun.push({ body: body.map((x) => x.id!), via: where.via, loop: where.loop, at: where.at });
  callbackStarts(walk, where.loop, body);
  leftBehindStarts(walk, where.handle, body);
  escapingCallbackRan(walk, body, where.via);
  try {
    walk.syncBody(body, where);
  } catch (e) {
    // An exception escaping a callback goes to the loop's exception handler (ERR-1.2; the default logs it).
    if (!(e instanceof PyErr)) throw e;
    // ERR-2.1: but a KeyboardInterrupt or SystemExit escapes the loop, its ready queue left as it is.
    if (escapes(e)) {
      escaping(where.loop, e);
      throw e;
    }
    callbackRaised(walk, where, e);
  }
}

/** `await loop.run_in_executor(None, fn)`: fn's body runs on a worker thread. */
export function* runInExecutor(walk: Walk, s: StmtOf<'run_in_executor'>, tags: ClauseTags): Coro {
  const loop = walk.guards.requireRunning();
  tags.outcome.push('EXEC-1.1');
  return yield* walk.executorJob(loop, s);
}
