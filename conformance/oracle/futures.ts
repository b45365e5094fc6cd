/**
 * asyncio.futures: loop.create_future(), a future's methods, its done callbacks, and awaiting
 * a future, with the rule that decides them (FUT-1).
 */
import type { Stmt } from '../../language/program.ts';
import type { Expectation } from '../predictions.ts';
import { tag } from '../predictions.ts';
import { callbackRaised, callbackStarts } from './errors.ts';
import { closedError, OutOfModel, PyErr } from './state.ts';
import type { Callback, Coro, MFuture, MLoop } from './state.ts';
import type { ClauseTags, StmtOf, Walk } from './walk.ts';

/** A callback in a loop's ready queue whose first statement is observed: a done callback, or one call_soon queued. */
interface Queued {
  first: string;
  loop: MLoop;
  cb: Callback;
  /** A done callback (FUT-1.2), with the statement after the call that queued it. */
  done: boolean;
  after?: string;
}

/** What the walk keeps of futures: the callbacks queued on ready queues, in the order they were queued. */
export class FutureBook {
  readonly queued: Queued[] = [];
}

const firstObserved = (body: Stmt[]): string | undefined => body.find((x) => x.op !== 'return' && x.op !== 'raise')?.id;

/** call_soon (or call_soon_threadsafe) queued `cb`, whose body is `body`: its place in the queue. */
export function queuedSoon(walk: Walk, loop: MLoop, cb: Callback, body: Stmt[]): void {
  const first = firstObserved(body);
  if (first) walk.futures.queued.push({ first, loop, cb, done: false });
}

/** `F = L.create_future()` (FUT-1.1): a pending future of L, on a closed loop too. */
export function createFuture(walk: Walk, s: StmtOf<'create_future'>, tags: ClauseTags): null {
  const loop = walk.guards.loopVar(s.loop, 'create_future');
  tags.outcome.push('FUT-1.1');
  const f = walk.m.newFuture(loop);
  f.fromProgram = true;
  walk.guards.bind(s.as, f);
  return null;
}

/** The future bound to `name`; one whose loop runs in another thread is out of the model when the call changes it. */
function futureVar(walk: Walk, name: string, op: string, changes: boolean): MFuture {
  const f = walk.guards.useVar(name, op) as unknown as MFuture;
  if (!('kind' in f) || f.kind !== 'future') throw new OutOfModel(`${name} is not a future`);
  if (changes && f.loop.thread !== null && f.loop.thread !== walk.m.thread)
    throw new OutOfModel("a future changed from another thread than its running loop's (call_soon is not thread-safe)");
  return f;
}

/** `F.<method>()`: its loop and state (FUT-1.1), its result and exception, set once (FUT-1.3). */
export function futureCall(walk: Walk, s: StmtOf<'future_call'>, tags: ClauseTags): unknown {
  const setting = s.method === 'set_result' || s.method === 'set_exception';
  const f = futureVar(walk, s.future, 'future_call', setting);
  const pending = f.state === 'pending';
  // A cancelled future's result() raises CancelledError, which ends a coroutine body in the driver (RCT-1.4's F).
  if (f.state === 'cancelled' && (s.method === 'result' || s.method === 'exception'))
    throw new OutOfModel('a cancelled future read: its CancelledError ends the reading coroutine');
  tags.outcome.push(s.method === 'get_loop' || (s.method === 'done' && pending) ? 'FUT-1.1' : 'FUT-1.3');
  // The state of a future of wrap_future is copied from its concurrent future by RCT-1.4: a condition.
  // Done by now where tasks of its loop slept(0): that the iterations its copy needed came is the
  // round robin's (TASK-5.2); a copy made early shows where it is still pending (RCT-1.4).
  if (f.wrappedBy && s.method === 'done' && !pending && walk.orderings.slept0(f.loop)) tags.conditions.push('TASK-5.2');
  else if (f.wrappedBy && s.method !== 'get_loop') tags.conditions.push(f.wrappedBy);
  switch (s.method) {
    case 'get_loop':
      return f.loop;
    case 'done':
      return !pending;
    case 'result':
      if (pending) {
        // 'Result is not set.' (the C Future, the default) or 'Result is not ready.' (the pure-Python one)
        tags.match = 'prefix';
        throw new PyErr('InvalidStateError', 'Result is not ');
      }
      return walk.m.result(f);
    case 'exception': {
      if (pending) throw new PyErr('InvalidStateError', 'Exception is not set.');
      const o = f.result!;
      return 'error' in o ? `${o.error.type}: ${o.error.message}` : null;
    }
  }
  if (!pending) {
    // 'invalid state' (the C Future) or '<state>: <repr>' (the pure-Python one): the class only
    tags.match = 'prefix';
    throw new PyErr('InvalidStateError', '');
  }
  // A done callback queued on a closed loop: call_soon raises after the state changed (not modelled).
  if (f.callbacks.length > 0 && f.loop.closed) throw new OutOfModel('a future with done callbacks set on a closed loop');
  const before = new Set(f.loop.ready);
  if (s.method === 'set_result') walk.m.setResult(f, s.value ?? null);
  else walk.m.setException(f, new PyErr('ValueError', s.message ?? ''));
  for (const cb of f.loop.ready) if (!before.has(cb)) doneQueued(walk, f.loop, cb, s.id!);
  return null;
}

/** `F.add_done_callback(cb)` (FUT-1.2): queued with call_soon when F is done, at once if it is. */
export function addDoneCallback(walk: Walk, s: StmtOf<'add_done_callback'>, tags: ClauseTags): null {
  const f = futureVar(walk, s.future, 'add_done_callback', true);
  tags.outcome.push('FUT-1.2');
  const loop = f.loop;
  const run = () => {
    callbackStarts(walk, loop, s.body);
    try {
      walk.syncBody(s.body);
    } catch (e) {
      // Handle._run: to the loop's exception handler (ERR-1.2)
      if (!(e instanceof PyErr)) throw e;
      callbackRaised(walk, { loop, via: 'soon', scheduledInDebug: loop.debug }, e);
    }
  };
  bodies.set(run, s.body);
  if (f.state === 'pending') {
    f.callbacks.push(run);
    return null;
  }
  if (loop.closed) throw closedError();
  doneQueued(walk, loop, walk.m.callSoon(loop, run), s.id!);
  return null;
}

/** The program's done callbacks, by the function the future keeps. */
const bodies = new WeakMap<() => void, Stmt[]>();

/** A callback the statement `by` queued on `loop`: a done callback of the program's, or a task's wake-up (not observed). */
function doneQueued(walk: Walk, loop: MLoop, cb: Callback, by: string): void {
  const body = bodies.get(cb.run);
  const first = body && firstObserved(body);
  if (first) walk.futures.queued.push({ first, loop, cb, done: true, after: walk.nextSibling.get(by)?.id });
}

/**
 * `await F`, F a future, in a task (FUT-1.4): a done future gives its result (or raises its
 * exception) at once; a pending one of the task's loop when it is done; a pending one of
 * another loop raises RuntimeError into the coroutine, at the task's next step.
 */
export function* awaitFuture(walk: Walk, f: MFuture, tags: ClauseTags, body: Stmt[]): Coro {
  const task = walk.bodyTask.get(body);
  if (!task) throw new OutOfModel('await outside a task');
  tags.outcome.push(f.wrappedBy ?? 'FUT-1.4');
  try {
    if (f.state !== 'pending') return walk.m.result(f);
    try {
      if (f.loop === task.loop) return yield* walk.m.await(f);
      yield null;
      throw new PyErr('RuntimeError', 'Task <task> got Future <future> attached to a different loop');
    } finally {
      walk.orderings.resumed(task);
    }
  } catch (e) {
    // F cancelled by the copy of its concurrent future's state, the task not cancelled: F's rule decides the error.
    if (e instanceof PyErr && f.wrappedBy && f.state === 'cancelled' && !task.cancelRequested && !task.cancelledByRun && !task.cancelClause)
      ofCancelledFuture.add(e);
    throw e;
  }
}

/** CancelledErrors an await raised because the future it awaited was cancelled, not its task (RCT-1.4's F). */
const ofCancelledFuture = new WeakSet<PyErr>();

/** Whether `e` is the CancelledError of a cancelled future awaited (its clause stays the await's), not of a cancelled task. */
export const raisedByCancelledFuture = (e: PyErr): boolean => ofCancelledFuture.has(e);

/**
 * FUT-1.2's expectations: each done callback the model ran did run (before its loop stopped:
 * SCHED-1.2 a condition); it ran after the statement
 * that follows the call that queued it (never inside that call); and in its loop's queue order
 * against the other callbacks queued there, done callbacks or call_soon's (the queue's FIFO,
 * SCHED-1.2, a condition: a ready queue used as a stack is SCHED-1's deviation).
 */
export function expectations(walk: Walk): Expectation[] {
  const out: Expectation[] = [];
  const ran = (q: Queued) => q.cb.ran === true && q.first in walk.timeline.start;
  const ctxOf = (id: string) => Object.keys(walk.order).find((c) => walk.order[c].includes(id));
  const queued = walk.futures.queued;
  for (const [i, d] of queued.entries()) {
    if (!d.done || !ran(d)) continue;
    // That it ran before its loop stopped is the queue's order too (SCHED-1.2).
    out.push({ ...tag('FUT-1.2'), kind: 'ran', stmt: d.first, expected: true });
    out.push({ ...tag('SCHED-1.2'), condition: true, kind: 'ran', stmt: d.first, expected: true });
    const ctx = ctxOf(d.first);
    if (!ctx) continue;
    if (d.after && ctxOf(d.after) === ctx) out.push({ ...tag('FUT-1.2'), kind: 'order', context: ctx, expected: [d.after, d.first] });
    for (const [j, x] of queued.entries()) {
      if (x === d || x.loop !== d.loop || !ran(x) || ctxOf(x.first) !== ctx || (x.done && j > i)) continue;
      const expected = j < i ? [x.first, d.first] : [d.first, x.first];
      // Which ran first is the ready queue's order (SCHED-1.2) too.
      out.push({ ...tag('FUT-1.2'), kind: 'order', context: ctx, expected });
      out.push({ ...tag('SCHED-1.2'), condition: true, kind: 'order', context: ctx, expected });
    }
  }
  return out;
}
