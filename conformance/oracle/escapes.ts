/**
 * ERR-2: KeyboardInterrupt and SystemExit escape the loop. Handle._run and Task.__step catch
 * BaseException but re-raise these two (`except (SystemExit, KeyboardInterrupt): raise`), so
 * they leave _run_once, run_forever (its cleanup done) and the run statement; the callbacks
 * still queued stay queued (ERR-2.1). A task's step stores it as the task's exception first
 * (ERR-2.2). asyncio.run's cleanup runs as for any exception, then it escapes (ERR-2.3).
 *
 * Where the language lets them escape (a callback of call_soon, call_later or call_at, a
 * task's step from its loop, the main body) is in the model; anywhere else (a handler, a
 * factory, a done callback, a signal handler, a thread, an executor job, a fork child, an
 * async generator, an eager first step, asyncio.run's cleanup) is out of it.
 */
import type { Stmt } from '../../language/program.ts';
import type { Outcome } from '../../language/trace.ts';
import { tag } from '../predictions.ts';
import { OutOfModel, PyErr } from './state.ts';
import type { Callback, MLoop, MTask } from './state.ts';
import type { ClauseTags, Walk, Where } from './walk.ts';

/** A KeyboardInterrupt or SystemExit (the program's own: `raise` with `exc`). */
export function escapes(e: unknown): e is PyErr {
  return e instanceof PyErr && (e.type === 'KeyboardInterrupt' || e.type === 'SystemExit');
}

/** The clause by which each escaping exception left the loop: ERR-2.1 (a callback) or ERR-2.2 (a task's step). */
const via = new WeakMap<PyErr, 'ERR-2.1' | 'ERR-2.2'>();
/** The callbacks left in a loop's ready queue by an escape (they run in its next run, ERR-2.1). */
const leftBehind = new WeakSet<Callback>();
/** The loops a run of which an escape ended, with its clause (what they are afterwards: open, not running). */
const ended = new WeakMap<MLoop, string>();
/** While asyncio.run or a Runner cleans up (ARUN-2, RUNNER-1.3): an escape there is out of the model. */
let cleaning = 0;

/** The exception of a `raise` in a sync body: where it may escape (a loop callback, the main body). */
export function raisedInSync(walk: Walk, s: Extract<Stmt, { op: 'raise' }>, body: Stmt[], where?: Where): PyErr {
  if (!s.exc) return new PyErr('ValueError', s.message);
  const callback = where?.escapable === true;
  if (!callback && body !== walk.program.main) throw new OutOfModel(`${s.exc} raised outside a loop callback, a task or the main body`);
  if (cleaning > 0) throw new OutOfModel(`${s.exc} raised while asyncio.run or a Runner cleans up`);
  const e = new PyErr(s.exc, s.message);
  if (callback) via.set(e, 'ERR-2.1');
  return e;
}

/** The exception of a `raise` in a coroutine body: only a task's, stepped by its loop. */
export function raisedInCoro(s: Extract<Stmt, { op: 'raise' }>, task: MTask | undefined): PyErr {
  if (!s.exc) return new PyErr('ValueError', s.message);
  if (!task) throw new OutOfModel(`${s.exc} raised in a coroutine that is no task's (an async generator)`);
  if (task.eagerStepping) throw new OutOfModel(`${s.exc} raised in an eager first step (it escapes create_task)`);
  if (cleaning > 0) throw new OutOfModel(`${s.exc} raised while asyncio.run or a Runner cleans up`);
  const e = new PyErr(s.exc, s.message);
  via.set(e, 'ERR-2.2');
  return e;
}

/** A callback that raises one starts: that it ran in this run is the ready queue's (SCHED-1.2). */
export function escapingCallbackRan(walk: Walk, body: Stmt[], via: Where['via']): void {
  const first = body[0];
  if (via === 'soon' && first && first.op !== 'return' && first.op !== 'raise' && body.some((x) => x.op === 'raise' && x.exc))
    walk.expect({ ...tag('SCHED-1.2'), kind: 'ran', stmt: first.id!, expected: true });
}

/** The loop's ready queue as an escape leaves it: what is still there runs in its next run. */
export function escaping(loop: MLoop, e: PyErr): void {
  for (const cb of loop.ready) leftBehind.add(cb);
  ended.set(loop, via.get(e) ?? 'ERR-2.1');
}

/** A callback left behind by an escape starts (in a later run of its loop): ERR-2.1 says it runs. */
export function leftBehindStarts(walk: Walk, handle: Callback | undefined, body: Stmt[]): void {
  if (!handle || !leftBehind.has(handle)) return;
  leftBehind.delete(handle);
  const first = body.find((x) => x.op !== 'return' && x.op !== 'raise');
  if (first) walk.expect({ ...tag('ERR-2.1'), kind: 'ran', stmt: first.id!, expected: true });
}

/**
 * A run statement (run_forever, run_until_complete) that an escape ended: its clause decides the
 * outcome. For run_until_complete, that a callback's escape came before its future finished is
 * the round robin's where tasks slept(0) (TASK-5.2, a condition).
 */
export function runEscaped(walk: Walk, loop: MLoop, e: unknown, tags: ClauseTags, untilComplete = false): void {
  if (!escapes(e)) return;
  const clause = via.get(e) ?? 'ERR-2.1';
  ended.set(loop, clause);
  // The run did not end by its own rule (LIFE-1.2, LIFE-7.2): the escape decides it.
  tags.outcome.splice(0, tags.outcome.length, clause);
  if (untilComplete && clause === 'ERR-2.1' && walk.orderings.slept0(loop)) tags.conditions.push('TASK-5.2');
}

/** asyncio.run's (or Runner.run's) statement: the exception escapes after the cleanup (ERR-2.3). */
export function runnerEscaped(e: unknown, tags: ClauseTags): void {
  if (!escapes(e)) return;
  tags.outcome.splice(0, tags.outcome.length, 'ERR-2.3');
  tags.conditions.splice(0, tags.conditions.length, via.get(e) ?? 'ERR-2.1');
}

/** The tasks asyncio.run's cleanup cancels after an escape ended its run: that they were still pending is the escape's. */
const cancelledAfter = new WeakMap<MTask, string>();

/** asyncio.run's run ended by `e`: the tasks its cleanup will cancel. */
export function cleanupAfter(tasks: MTask[], loop: MLoop, e: unknown): void {
  if (!escapes(e)) return;
  for (const t of tasks) if (t.loop === loop && t.state === 'pending') cancelledAfter.set(t, via.get(e) ?? 'ERR-2.1');
}

/**
 * A statement of a task asyncio.run's cleanup cancelled after an escape: that it was still
 * pending is the escape's (a condition), but only where it returned instead: one that never
 * ended was not cancelled at all, the cleanup's deviation (ARUN-2), not the escape's. At a
 * sleep(0), where the task had got to by then is the round robin's too (TASK-5.2, a condition
 * beside this one): of two conditions, one that breaks plainly elsewhere in the run clears the
 * other (blame.ts `explainedByAnother`).
 */
export function cleanupCondition(walk: Walk, s: Stmt, expected: Outcome, t: MTask | undefined): void {
  const clause = t && cancelledAfter.get(t);
  if (!clause) return;
  walk.expect({ ...tag(clause), condition: true, kind: 'outcome', stmt: s.id!, expected, returned: true });
}

/** The clause by which an escape last ended a run of `loop` (a condition of its state seen later). */
export function endedBy(loop: MLoop): string | undefined {
  return ended.get(loop);
}

/** Runs asyncio.run's or a Runner's cleanup, in which an escape is out of the model. */
export function cleaningUp<T>(fn: () => T): T {
  cleaning++;
  try {
    return fn();
  } finally {
    cleaning--;
  }
}
