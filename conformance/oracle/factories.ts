/**
 * Task factories (base_events.py set_task_factory, get_task_factory, create_task; tasks.py
 * eager_task_factory, Task.__eager_start), with the rule that decides them (TFACT-1).
 */
import type { Stmt } from '../../language/program.ts';
import { walk as statements } from '../../language/program.ts';
import { tag } from '../predictions.ts';
import { taskCoro } from './contexts.ts';
import { OutOfModel, PyErr } from './state.ts';
import type { MLoop, MTask } from './state.ts';
import type { ClauseTags, StmtOf, Walk } from './walk.ts';

/** A task over a coroutine body; the walk remembers which task runs that body. */
export function spawnTask(walk: Walk, loop: MLoop, body: Stmt[], name?: string): MTask {
  const task = walk.m.createTask(loop, taskCoro(walk, walk.coroBody(body)), false, name);
  walk.bodyTask.set(body, task);
  return task;
}

/** `L.set_task_factory(f)` (TFACT-1.1). */
export function setTaskFactory(walk: Walk, s: StmtOf<'set_task_factory'>, tags: ClauseTags): null {
  const loop = walk.guards.loopVar(s.loop, 'set_task_factory');
  // Which factory a task made in the loop's thread meets would be a race.
  if (loop.thread !== null && loop.thread !== walk.m.thread) throw new OutOfModel('set_task_factory on a loop running in another thread');
  tags.outcome.push('TFACT-1.1');
  if (s.arg === undefined) {
    // asyncio.run's shutdown makes tasks through it too (shutdown_asyncgens, shutdown_default_executor).
    if (loop.fromRun && s.body.length > 0) throw new OutOfModel("a task factory with a body on asyncio.run's loop");
    loop.taskFactory = { sid: s.id!, body: s.body };
    return null;
  }
  if (s.arg === 'eager') {
    // Reading asyncio.eager_task_factory fails before set_task_factory is called (3.8 to 3.11).
    if (!walk.sw.eagerTaskFactory) throw new PyErr('AttributeError', "module 'asyncio' has no attribute 'eager_task_factory'");
    loop.taskFactory = 'eager';
    return null;
  }
  if (s.arg === null) {
    loop.taskFactory = null;
    return null;
  }
  throw new PyErr('TypeError', 'task factory must be a callable or None');
}

/** `L.get_task_factory()` (TFACT-1.1): None, 'eager', or the statement that set it. */
export function getTaskFactory(walk: Walk, s: StmtOf<'get_task_factory'>, tags: ClauseTags): string | null {
  const loop = walk.guards.loopVar(s.loop, 'get_task_factory');
  tags.outcome.push('TFACT-1.1');
  const f = loop.taskFactory ?? null;
  return f === null || f === 'eager' ? f : f.sid;
}

/**
 * loop.create_task(coro), from asyncio.create_task (`next`: the creator's next statement) or
 * from run_until_complete: through the loop's factory, if one is set (TFACT-1.2, TFACT-1.3).
 * Returns the task and the clause that decided how it was made (null: no factory, TASK-1).
 */
export function makeTask(walk: Walk, loop: MLoop, body: Stmt[], next?: Stmt, name?: string): { task: MTask; clause: string | null } {
  const f = loop.taskFactory ?? null;
  // name: what Task(name=) gets (TASK-6): create_task's name without a factory, eager_task_factory's on 3.14.
  if (f === null) return { task: spawnTask(walk, loop, body, name), clause: null };
  const ctx = walk.m.thread.ctx;
  const order = (clause: string, first: Stmt | undefined) => {
    if (first?.op === 'mark' && next?.op === 'mark')
      walk.expect({ ...tag(clause), kind: 'order', context: ctx, expected: [first.id!, next.id!] });
  };
  if (f === 'eager') {
    // eager_start only where the loop runs: run_until_complete's task starts as TASK-1 says.
    if (loop.thread === null) return { task: spawnTask(walk, loop, body), clause: 'TFACT-1.3' };
    order('TFACT-1.3', body[0]);
    const task = walk.m.createTask(loop, taskCoro(walk, walk.coroBody(body)), true, name);
    walk.bodyTask.set(body, task);
    const creator = loop.currentTask;
    walk.m.eagerStart(task);
    if (creator) creator.madeEagerTask = true;
    return { task, clause: 'TFACT-1.3' };
  }
  callFactory(walk, f.body);
  order('TFACT-1.2', f.body[0]);
  return { task: spawnTask(walk, loop, body), clause: 'TFACT-1.2' };
}

/** factory(loop, coro): its body runs now, in this thread. */
function callFactory(walk: Walk, fbody: Stmt[]): void {
  // A factory that raises leaves the coroutine unawaited: the driver closes it, CPython's garbage collector would warn.
  if (fbody.some((x) => x.op === 'raise')) throw new OutOfModel('a task factory that raises');
  const all = [...statements(fbody)];
  // Called again: what its statements observe is the last call's (the trace keeps one observation a statement).
  if (all.some((x) => x.id! in walk.obs)) {
    if (all.some((x) => x.op === 'mark' || 'body' in x)) throw new OutOfModel('a task factory with marks or nested bodies called twice');
    walk.forget(new Set(all.map((x) => x.id!)));
  }
  const first = fbody.find((x) => x.op !== 'return' && x.op !== 'raise');
  if (first) walk.expect({ ...tag('TFACT-1.2'), kind: 'ran', stmt: first.id!, expected: true });
  walk.syncBody(fbody);
}
