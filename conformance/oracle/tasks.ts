/**
 * asyncio.tasks: create_task, current_task, a task's state, sleep, and awaiting a task (a future: futures.ts), with
 * the clauses that decide them.
 */
import type { Stmt } from '../../language/program.ts';
import { walk as statements } from '../../language/program.ts';
import { tag } from '../predictions.ts';
import { contextClauses, noRunningLoop } from './events.ts';
import { awaitFuture } from './futures.ts';
import { cancelledClause, cancelsOf } from './cancellation.ts';
import { forTask } from './contexts.ts';
import { makeTask } from './factories.ts';
import { nameMade, taskNaming } from './names.ts';
import type { Coro, MFuture, MTask } from './state.ts';
import type { ClauseTags, StmtOf, Walk } from './walk.ts';

export function createTask(walk: Walk, s: StmtOf<'create_task'>, tags: ClauseTags): MTask {
  const loop = walk.m.runningLoop();
  // create_task(context=C): read before the call; a TypeError before 3.11 (CTX-1.3).
  forTask(walk, s, loop, tags);
  if (!loop) {
    tags.outcome.push('TASK-1.1');
    // Which running loop this thread sees is decided where get_running_loop's is (an executor's thread: EXEC-2.1).
    tags.conditions.push(...contextClauses(walk, null));
    // Refused before the coroutine is wrapped in a task: none of it ever runs.
    for (const x of statements(s.body)) walk.expect({ ...tag('TASK-1.1'), kind: 'ran', stmt: x.id!, expected: false });
    throw noRunningLoop();
  }
  const next = walk.nextSibling.get(s.id!);
  // Through the loop's task factory, if one is set (TFACT-1.2, TFACT-1.3).
  // What create_task returns is TASK-1.2's, made by a factory or not: TFACT-1 decides the factory's call and the first step.
  // Its name (TASK-6): what Task() gets, and what set_name gives it after.
  const naming = taskNaming(walk, s, loop);
  const { task, clause } = makeTask(walk, loop, s.body, next, naming.atCreation);
  nameMade(walk, task, naming);
  walk.taskBodies.push({ body: s.body.map((x) => x.id!), task });
  tags.outcome.push('TASK-1.2');
  // A name given through a program's factory: whether the call passes it to the factory (3.14) is TASK-6's.
  if (s.name !== undefined && loop.taskFactory && loop.taskFactory !== 'eager') tags.conditions.push(naming.clause);
  if (loop.currentTask) task.createdIn = { by: loop.currentTask, steps: walk.orderings.stepsOf(loop.currentTask) };
  if (clause !== 'TFACT-1.3' && next?.op === 'mark' && s.body[0]?.op === 'mark') walk.orderings.taskCreated(next.id!, s.body[0].id!);
  walk.guards.bind(s.as, task);
  return task;
}

export function currentTask(walk: Walk, s: StmtOf<'current_task'>, tags: ClauseTags): MTask | null {
  const loop = walk.m.runningLoop();
  if (!loop) {
    tags.outcome.push('TASK-4.1');
    tags.conditions.push(...contextClauses(walk, null));
    throw noRunningLoop();
  }
  const task = loop.currentTask;
  tags.outcome.push(!task ? 'TASK-4.2' : walk.orderings.stepsOf(task) > 0 ? 'TASK-3.2' : 'TASK-3.1');
  // After an eager create_task in this step, the creator is current again by TFACT-1.3 (eager_start
  // puts back the task TASK-3 made current): a condition, the state the eager step left.
  if (task?.madeEagerTask) tags.conditions.push('TFACT-1.3');
  // In an eager first step the task is known by what create_task returns after: that value is TASK-1.2's.
  if (task?.eagerStepping) tags.conditions.push('TASK-1.2');
  walk.guards.bind(s.as, loop.currentTask);
  return loop.currentTask;
}

export function taskState(walk: Walk, s: StmtOf<'task_state'>, tags: ClauseTags): MTask['state'] {
  const task = walk.guards.taskVar(s.task, 'task_state');
  // A task left pending by an early stop is LIFE-8's; one cancelled by asyncio.run, ARUN-2's.
  // A task done in its eager first step was done when create_task returned (TFACT-1.3).
  tags.outcome.push(
    task.eagerDone
      ? 'TFACT-1.3'
      : task.cancelRequested || task.caughtCancel
        ? cancelledClause(task)
        : task.cancelledByRun
          ? task.cancelledByRunner
            ? 'RUNNER-1.3'
            : 'ARUN-2.2'
          : walk.orderings.leftPending(task)
            ? 'LIFE-8.2'
            : 'TASK-2.1',
  );
  // Still pending where tasks of its loop slept(0): how far it got is the round robin's (TASK-5.2);
  // cancelled in a race with a sleep(0), where the cancel reached it too.
  if ((task.state === 'pending' && walk.orderings.slept0(task.loop)) || task.cancelRaced) tags.conditions.push('TASK-5.2');
  // Done before a run that did not wait on it stopped: its steps came before the stop's callback in the ready queue.
  if (task.state === 'done' && task.doneInRace && tags.outcome[0] === 'TASK-2.1') tags.conditions.push('SCHED-1.2');
  return task.state;
}

/** `await asyncio.sleep(delay)`. */
export function* sleep(walk: Walk, s: StmtOf<'sleep'>, tags: ClauseTags): Coro {
  const loop = walk.guards.requireRunning();
  tags.outcome.push('TASK-5.1');
  if (s.delay <= 0) walk.orderings.sleep0(loop);
  else walk.orderings.sleepTimer(loop);
  return yield* resume(walk, loop.currentTask, tags, walk.m.sleep(loop, s.delay));
}

/** `await K`, in the coroutine over `body`. */
export function* awaitTask(walk: Walk, s: StmtOf<'await'>, tags: ClauseTags, body: Stmt[]): Coro {
  const awaited = walk.guards.useVar(s.task, 'await') as MFuture;
  // A future (FUT-1.4)
  if (awaited.kind === 'future') return yield* awaitFuture(walk, awaited, tags, body);
  const task = awaited as MTask;
  walk.guards.checkAwaitable(task, walk.bodyTask.get(body));
  tags.outcome.push(task.state === 'pending' ? 'TASK-2.2' : 'TASK-2.3');
  try {
    return yield* resume(walk, walk.bodyTask.get(body) ?? null, tags, walk.m.await(task));
  } finally {
    // A task whose cancel the program requested (or whose coroutine caught it) ends as CANCEL-1 says.
    if (task.cancelRequested || task.caughtCancel) tags.outcome.splice(0, tags.outcome.length, cancelledClause(task));
    // Cancelled after a sleep(0) of its loop before it resumed: which cancel reached it first
    // (whose message it carries, or none) and where (caught or not) is the round robin's (TASK-5.2).
    // Only where cancels of it from two bodies (or a catch) could race: else its message is CANCEL-1.4's (and a version's).
    if (task.cancelRaced && (cancelsOf(walk, s.task) > 1 || task.caughtCancel)) tags.conditions.push('TASK-5.2');
  }
}

/**
 * A suspension of `task`: what follows is a new step. If the task was left pending by a
 * run_until_complete stopped early, its resumption (a later run of the loop) is what LIFE-8
 * decides, not the rule of the statement.
 */
function* resume(walk: Walk, task: MTask | null, tags: ClauseTags, suspend: Coro): Coro {
  try {
    return yield* suspend;
  } finally {
    if (task) {
      walk.orderings.resumed(task);
      if (walk.orderings.leftPending(task)) tags.outcome.splice(0, tags.outcome.length, 'LIFE-8.2');
    }
  }
}
