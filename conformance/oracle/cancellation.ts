/**
 * asyncio.tasks: Task.cancel(msg), cancelled(), cancelling(), uncancel(), asyncio.all_tasks(),
 * and a coroutine that catches its CancelledError, with the clauses that decide them (CANCEL-1).
 */
import { walk as statements } from '../../language/program.ts';
import type { Stmt } from '../../language/program.ts';
import { tag } from '../predictions.ts';
import { contextClauses, noRunningLoop } from './events.ts';
import { OutOfModel, PyErr } from './state.ts';
import type { MLoop, MTask } from './state.ts';
import type { ClauseTags, StmtOf, Walk } from './walk.ts';

/** Walks whose program cancelled with a message: a CancelledError's message is CANCEL-1.4's there. */
const withMessage = new WeakSet<Walk>();

/** The clauses of a CancelledError a suspending statement observed, not asyncio.run's (CANCEL-1.2; its message CANCEL-1.4). */
export function cancelledTags(walk: Walk, tags: ClauseTags): void {
  tags.outcome.splice(0, tags.outcome.length, 'CANCEL-1.2', ...(withMessage.has(walk) ? ['CANCEL-1.4'] : []));
}

/** A task of the program's, usable from this thread (its loop runs here or nowhere). */
function taskOf(walk: Walk, name: string, op: string): MTask {
  const t = walk.guards.taskVar(name, op);
  if (t.loop.thread !== null && t.loop.thread !== walk.m.thread)
    throw new OutOfModel('a task used from another thread than its running loop (real thread timing)');
  return t;
}

/**
 * A task named in its own first step: its variable is bound because create_task returned before
 * any of it ran (TASK-1.3, not eager): a condition.
 */
function selfInFirstStep(walk: Walk, t: MTask, tags: ClauseTags): void {
  if (t.loop.currentTask === t && !t.eagerStepping && walk.orderings.stepsOf(t) === 0) tags.conditions.push('TASK-1.3');
}

/** `K.cancel()` / `K.cancel(msg)`: True on a task not done, False on a done one (CANCEL-1.1); msg from 3.9 (CANCEL-1.4). */
export function cancelTask(walk: Walk, s: StmtOf<'cancel_task'>, tags: ClauseTags): boolean {
  const t = taskOf(walk, s.task, 'cancel_task');
  if (s.message !== undefined) {
    tags.outcome.push('CANCEL-1.4');
    if (!walk.sw.cancelMessage) throw new PyErr('TypeError', 'cancel() takes no arguments (1 given)');
  }
  tags.outcome.push('CANCEL-1.1');
  selfInFirstStep(walk, t, tags);
  if (t.state !== 'pending') {
    // Done already where tasks of its loop slept(0): that it got to its end first is the round robin's (TASK-5.2).
    if (walk.orderings.slept0(t.loop)) tags.conditions.push('TASK-5.2');
    return false;
  }
  if (t.cancelledByRun) throw new OutOfModel("a task cancelled again after asyncio.run's cancellation (ARUN-2)");
  // Before its first step: the CancelledError is thrown in at its start, none of its body runs
  // (CANCEL-1.2), a break dated at this cancel, which refuses it. Cancelled by its creator
  // before that yielded, it has not started by TASK-1.3 (create_task runs none of it): a condition.
  if (!t.stepped && !t.eagerStepping) {
    const body = [...walk.bodyTask.entries()].find(([, x]) => x === t)?.[0] ?? [];
    const creator = t.createdIn;
    const unyielded = creator !== undefined && t.loop.currentTask === creator.by && walk.orderings.stepsOf(creator.by) === creator.steps;
    for (const x of statements(body)) {
      walk.expect({ ...tag('CANCEL-1.2'), kind: 'ran', stmt: x.id!, expected: false, refusedBy: s.id! });
      if (unyielded) walk.expect({ ...tag('TASK-1.3'), condition: true, kind: 'ran', stmt: x.id!, expected: false, refusedBy: s.id! });
    }
  }
  t.cancelRequested = true;
  if (walk.orderings.slept0(t.loop) && walk.orderings.stepsOf(t) === 0) t.cancelRaced = true;
  if (s.message !== undefined) withMessage.add(walk);
  return walk.m.cancel(t, s.message ?? null);
}

/** How many bodies of the program (each one sequence of statements) cancel the task bound to `name`. */
export function cancelsOf(walk: Walk, name: string): number {
  const cancels = (body: Stmt[]) => body.some((x) => x.op === 'cancel_task' && x.task === name);
  const bodies = [walk.program.main, ...[...statements(walk.program.main)].flatMap((x) => ('body' in x ? [x.body as Stmt[]] : []))];
  return bodies.filter(cancels).length;
}

/** `K.cancelled()` (CANCEL-1.1), `K.cancelling()` and `K.uncancel()` (CANCEL-1.5, 3.11+). */
export function taskCall(walk: Walk, s: StmtOf<'task_call'>, tags: ClauseTags): unknown {
  const t = taskOf(walk, s.task, 'task_call');
  if (s.method === 'cancelled') {
    tags.outcome.push(cancelledClause(t));
    selfInFirstStep(walk, t, tags);
    if (t.cancelRaced && cancelsOf(walk, s.task) > 1) tags.conditions.push('TASK-5.2');
    return t.state === 'cancelled';
  }
  tags.outcome.push('CANCEL-1.5');
  if (!walk.sw.taskCancelling) throw new PyErr('AttributeError', `'_asyncio.Task' object has no attribute '${s.method}'`);
  selfInFirstStep(walk, t, tags);
  // Counting a cancel that raced with a sleep(0) round robin: which cancels it got so far is
  // TASK-5.2's; that the method exists at all (3.11+) is not.
  if (t.cancelRaced && cancelsOf(walk, s.task) > 1) {
    tags.conditions.push('TASK-5.2');
    tags.conditionsOnValue = true;
  }
  const n = t.numCancels ?? 0;
  if (s.method === 'cancelling') return n;
  // 3.13 also withdraws a pending request when the count reaches 0 (tasks.py uncancel); 3.11 and 3.12 do not.
  if (n === 1 && t.mustCancel)
    throw new OutOfModel('uncancel() to 0 with a cancellation pending (3.13 withdraws it, 3.11 and 3.12 do not)');
  t.numCancels = Math.max(0, n - 1);
  return t.numCancels;
}

/** Who decided that a task is (or is not yet) cancelled: the program's cancel, its catch, or the task's own end. */
export function cancelledClause(t: MTask): string {
  if (t.caughtCancel) return 'CANCEL-1.3';
  if (t.cancelRequested) return t.state === 'cancelled' ? 'CANCEL-1.2' : 'CANCEL-1.1';
  return t.cancelledByRun ? (t.cancelledByRunner ? 'RUNNER-1.3' : 'ARUN-2.2') : 'TASK-2.1';
}

/** `asyncio.all_tasks()` / `asyncio.all_tasks(L)`: the not-done tasks of that loop (CANCEL-1.6). */
export function allTasks(walk: Walk, s: StmtOf<'all_tasks'>, tags: ClauseTags): unknown {
  tags.outcome.push('CANCEL-1.6');
  let loop: MLoop | null;
  if (s.loop === undefined) {
    loop = walk.m.runningLoop();
    if (!loop) {
      // all_tasks() asks get_running_loop(): that it raises is RUN-1.2's (CANCEL-1.6 says so).
      tags.conditions.push('RUN-1.2', ...contextClauses(walk, null));
      throw noRunningLoop();
    }
  } else {
    loop = walk.guards.loopVar(s.loop, 'all_tasks');
    if (loop.thread !== null && loop.thread !== walk.m.thread)
      throw new OutOfModel('all_tasks of a loop running in another thread (real thread timing)');
  }
  const all = walk.m.tasks.filter((t) => t.loop === loop && t.state === 'pending');
  // Which tasks are still pending where they sleep(0) is the round robin's (TASK-5.2).
  if (walk.orderings.slept0(loop)) tags.conditions.push('TASK-5.2');
  // A task done in its eager first step, inside create_task, is not pending by TFACT-1.3: a condition.
  if (walk.m.tasks.some((t) => t.loop === loop && t.eagerDone)) tags.conditions.push('TFACT-1.3');
  if (s.task === undefined) return all.length;
  return all.includes(walk.guards.taskVar(s.task, 'all_tasks'));
}

/**
 * A CancelledError the statement `s` observed: with `catch` the coroutine goes on (CANCEL-1.3):
 * its next statement runs. Caught from asyncio.run's cancellation, the run waits for the task
 * to end: ARUN's, left out.
 */
export function caught(walk: Walk, s: Stmt, task: MTask | undefined): boolean {
  if (!('catch' in s && s.catch)) return false;
  if (!task || task.cancelledByRun) throw new OutOfModel("a CancelledError of asyncio.run's cancellation caught (ARUN-2)");
  task.caughtCancel = true;
  const next = walk.nextSibling.get(s.id!);
  if (next && next.op !== 'return' && next.op !== 'raise')
    walk.expect({ ...tag('CANCEL-1.3'), kind: 'ran', stmt: next.id!, expected: true });
  return true;
}
