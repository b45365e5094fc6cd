/**
 * asyncio.base_events: a loop's lifecycle (run, stop, close, is_running, is_closed), its
 * callbacks (call_soon, call_later, call_soon_threadsafe) and its executor, with the rules
 * that decide them.
 */
import type { Stmt } from '../../language/program.ts';
import { walk as statements } from '../../language/program.ts';
import { PyErr } from './state.ts';
import type { Coro, MLoop } from './state.ts';
import { spawnTask } from './tasks.ts';
import type { RuleTags, StmtOf, Walk, Where } from './walk.ts';

export function close(walk: Walk, s: StmtOf<'close'>, tags: RuleTags): null {
  const loop = walk.guards.loopVar(s.loop, 'close');
  tags.outcome.push('LIFE-5');
  walk.m.close(loop);
  return null;
}

export function isClosedOrRunning(walk: Walk, s: StmtOf<'is_closed' | 'is_running'>, tags: RuleTags): boolean {
  const loop = walk.guards.loopVar(s.loop, s.op);
  tags.outcome.push('LIFE-6');
  if (loop.runFinished) tags.outcome.push('ARUN-2');
  const owner = walk.loopOwner.get(loop);
  if (owner && owner.kind === 'program' && owner.joined && owner !== walk.m.thread) tags.outcome.push('THR-1');
  return s.op === 'is_closed' ? loop.closed : loop.thread !== null;
}

export function stop(walk: Walk, s: StmtOf<'stop'>, tags: RuleTags): null {
  const loop = walk.guards.loopVar(s.loop, 'stop');
  tags.outcome.push('LIFE-7');
  loop.stopping = true;
  walk.orderings.stop(loop);
  return null;
}

export function runUntilComplete(walk: Walk, s: StmtOf<'run_until_complete'>, tags: RuleTags): unknown {
  const loop = walk.guards.loopVar(s.loop, 'run_until_complete');
  const rule = refusal(walk, loop);
  if (rule) {
    tags.outcome.push(rule);
    // The refusal comes before the coroutine is wrapped in a task: none of it ever runs.
    for (const x of statements(s.body)) walk.exps.push({ rule, kind: 'ran', stmt: x.id!, expected: false });
  }
  walk.m.checkCanRun(loop);
  tags.outcome.push('LIFE-1');
  const task = spawnTask(walk, loop, s.body);
  walk.orderings.runStarted(loop);
  try {
    return walk.m.runUntilComplete(loop, task);
  } catch (e) {
    if (e instanceof PyErr && e.message === 'Event loop stopped before Future completed.') {
      tags.outcome.push('LIFE-8');
      walk.orderings.stoppedEarly(
        task,
        s.body.map((x) => x.id!),
        new Set(Object.keys(walk.obs)),
      );
    }
    throw e;
  }
}

export function runForever(walk: Walk, s: StmtOf<'run_forever'>, tags: RuleTags): null {
  const m = walk.m;
  const loop = walk.guards.loopVar(s.loop, 'run_forever');
  const rule = refusal(walk, loop);
  const inRunningLoop = m.runningLoop() !== null;
  walk.orderings.runStarted(loop);
  try {
    m.runForever(loop);
  } catch (e) {
    if (e instanceof PyErr && rule) tags.outcome.push(rule);
    // 3.13.0 (python/cpython#130145): the refused call still clears the running loop,
    // leaving the loop inconsistent. The profile specifies the refusal, not what follows.
    if (e instanceof PyErr && rule && (rule !== 'LIFE-2' || inRunningLoop) && walk.sw.failedRunForeverCleansUp) {
      walk.guards.leaveAfterThis('a refused run_forever leaves 3.13.0 inconsistent (python/cpython#130145)');
    }
    throw e;
  }
  tags.outcome.push('LIFE-7');
  return null;
}

/** The rule by which a loop refuses to run now, if it does. */
function refusal(walk: Walk, loop: MLoop): string | undefined {
  if (loop.closed) return 'LIFE-2';
  if (loop.thread) return 'LIFE-3';
  if (walk.m.runningLoop()) return 'LIFE-4';
  return undefined;
}

/** call_soon, call_later and call_soon_threadsafe. */
export function schedule(walk: Walk, s: StmtOf<'call_soon' | 'call_later' | 'call_soon_threadsafe'>, tags: RuleTags, where?: Where): null {
  const m = walk.m;
  const loop = walk.guards.loopVar(s.loop, s.op);
  tags.outcome.push('SCHED-4');
  const via = s.op === 'call_soon' ? 'soon' : s.op === 'call_later' ? 'later' : 'threadsafe';
  const deadline = s.op === 'call_later' ? m.clock + s.delay : undefined;
  const cb = () => callback(walk, s.body, { loop, via, deadline });
  if (s.op === 'call_soon') m.callSoon(loop, cb);
  else if (s.op === 'call_later') m.callLater(loop, s.delay, cb);
  else {
    m.callSoonThreadsafe(loop, cb);
    if (loop.thread !== m.thread) walk.threadsafeFromOtherThread = true;
  }
  if (s.body[0]?.op === 'mark')
    walk.orderings.scheduledCallback({ id: s.body[0].id!, loop, via, thread: m.thread, segment: segment(walk, loop, where) });
  return null;
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

function callback(walk: Walk, body: Stmt[], where: Where): void {
  try {
    walk.syncBody(body, where);
  } catch (e) {
    // An exception escaping a callback goes to the loop's exception handler (logged).
    if (!(e instanceof PyErr)) throw e;
  }
}

/** `await loop.run_in_executor(None, fn)`: fn's body runs on a worker thread. */
export function* runInExecutor(walk: Walk, s: StmtOf<'run_in_executor'>, tags: RuleTags): Coro {
  const loop = walk.guards.requireRunning();
  tags.outcome.push('EXEC-1');
  walk.executorUsed = true;
  const f = walk.m.runInExecutor(loop, `exec:${s.id}`, () => {
    const end = walk.syncBody(s.body);
    return end ? end.returned : null;
  });
  const task = loop.currentTask;
  try {
    return yield* walk.m.await(f);
  } finally {
    if (task) walk.orderings.resumed(task);
  }
}
