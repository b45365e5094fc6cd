/**
 * asyncio.Runner (runners.py, 3.11+): a runner makes its loop on first use (run or get_loop),
 * runs every coroutine on it, sets it as the thread's current loop unless a loop_factory made
 * it, and close() cancels, shuts down and closes it (RUNNER-1). asyncio.run is runners.ts's.
 */
import { walk as statements } from '../../language/program.ts';
import { tag } from '../predictions.ts';
import { spawnTask } from './factories.ts';
import { closeRunner } from './runners.ts';
import { contextVar, forRunnerTask, runnerContext } from './contexts.ts';
import type { MCtx } from './contexts.ts';
import { runnerEscaped } from './escapes.ts';
import { OutOfModel, PyErr } from './state.ts';
import type { MLoop, MTask } from './state.ts';
import type { ClauseTags, StmtOf, Walk } from './walk.ts';

/**
 * Tasks pending on a runner's loop when a later run of it started (RUNNER-1.1: the same loop
 * goes on), and whether the statement each was suspended in has ended in that run since.
 */
const carried = new WeakMap<MTask, { resumed: boolean }>();
/**
 * The condition of what a carried task observes in a later run: that the statement it was
 * suspended in ends is the same loop's (RUNNER-1.1); how far it gets after is the ready
 * queue's (SCHED-1.2), as for any task.
 */
export function carriedOver(t: MTask): string | undefined {
  const c = carried.get(t);
  if (!c) return undefined;
  if (c.resumed) return 'SCHED-1.2';
  c.resumed = true;
  return 'RUNNER-1.1';
}

/** A Runner the program made (RUNNER-1.1). */
export interface MRunner {
  kind: 'runner';
  state: 'created' | 'initialized' | 'closed';
  loop: MLoop | null;
  /** Made with loop_factory: the thread's current loop is left alone (RUNNER-1.2). */
  factory: boolean;
  /** The thread whose current loop its first use set (the runner's thread). */
  thread: unknown;
  /** The context _lazy_init copied, every run's without context= (RUNNER-2.2). */
  context: MCtx | null;
  /** Closed by the __exit__ of `with R` (RUNNER-2.1). */
  exited?: boolean;
}

/** The variables `with R as W` bound (RUNNER-2.1: W is what __enter__ returned). */
const enteredAs = new WeakMap<Walk, Set<string>>();

function runnerVar(walk: Walk, name: string, op: string, tags?: ClauseTags): MRunner {
  const r = walk.guards.useVar(name, op) as unknown as MRunner;
  // W of `with R as W`: that it is R is RUNNER-2.1's.
  if (tags && enteredAs.get(walk)?.has(name)) tags.conditions.push('RUNNER-2.1');
  if (!('kind' in r) || r.kind !== 'runner') throw new OutOfModel(`${name} is not a runner`);
  // Only the thread that made it uses it (one thread's current loop; no fork child).
  if (r.thread !== walk.m.thread) throw new OutOfModel('a runner used from another thread or a fork child');
  return r;
}

/** The body of a coroutine that never runs (refused before it is wrapped in a task). */
function neverRuns(walk: Walk, body: StmtOf<'runner_run'>['body'], clause: string, condition = false): void {
  for (const x of statements(body))
    walk.expect({ ...tag(clause), ...(condition ? { condition: true } : {}), kind: 'ran', stmt: x.id!, expected: false });
}

/** `R = asyncio.Runner(...)` (RUNNER-1.1): bound, observes None; AttributeError before 3.11. */
export function runnerNew(walk: Walk, s: StmtOf<'runner_new'>, tags: ClauseTags): null {
  tags.outcome.push('RUNNER-1.1');
  if (!walk.sw.runner) throw new PyErr('AttributeError', "module 'asyncio' has no attribute 'Runner'");
  const r: MRunner = {
    kind: 'runner',
    state: 'created',
    loop: null,
    factory: s.loop_factory === true,
    thread: walk.m.thread,
    context: null,
  };
  walk.guards.bind(s.as, r);
  return null;
}

/** Runner._lazy_init: 'Runner is closed' (RUNNER-1.4), else the loop, made on first use. */
function lazyInit(walk: Walk, r: MRunner, tags: ClauseTags): MLoop {
  if (r.state === 'closed') {
    tags.outcome.push('RUNNER-1.4');
    // Closed by `with R`'s __exit__: that it closed R is RUNNER-2.1's.
    if (r.exited) tags.conditions.push('RUNNER-2.1');
    throw new PyErr('RuntimeError', 'Runner is closed');
  }
  if (r.loop) return r.loop;
  const m = walk.m;
  m.getPolicy();
  // Made by new_event_loop (with or without loop_factory): that it is a new, open loop is NEW-1's.
  tags.conditions.push('NEW-1.1');
  const loop = m.newLoop();
  loop.fromRunner = true;
  if (!r.factory) {
    // set_event_loop(loop) (RUNNER-1.2).
    const local = m.local();
    local.loop = loop;
    local.setCalled = true;
    local.setBy = 'runner';
    local.loopFrom = 'set';
    local.replaced = false;
    local.forked = false;
    local.newSince = [];
    local.keptByRunFactory = false;
  }
  // `self._context = contextvars.copy_context()` (RUNNER-2.2), after the loop.
  r.context = runnerContext(walk, loop);
  r.loop = loop;
  r.state = 'initialized';
  return loop;
}

/** `R.run(coro())` (RUNNER-1.1): coro as a task of R's loop. */
export function runnerRun(walk: Walk, s: StmtOf<'runner_run'>, tags: ClauseTags): unknown {
  const r = runnerVar(walk, s.runner, 'run', tags);
  // context=C is read before the call, as the driver reads it (RUNNER-2.2).
  const given = s.context !== undefined ? contextVar(walk, s.context) : null;
  const m = walk.m;
  if (m.runningLoop()) {
    tags.outcome.push('RUNNER-1.1');
    neverRuns(walk, s.body, 'RUNNER-1.1');
    throw new PyErr('RuntimeError', 'Runner.run() cannot be called from a running event loop');
  }
  if (r.state === 'closed') {
    neverRuns(walk, s.body, 'RUNNER-1.4');
    if (r.exited) neverRuns(walk, s.body, 'RUNNER-2.1', true);
  }
  const loop = lazyInit(walk, r, tags);
  tags.outcome.push('RUNNER-1.1');
  // 3.11+ pass context= on to a task factory (the language's takes no keyword argument).
  if (loop.taskFactory) throw new OutOfModel("R.run on a loop with a task factory (it is given the runner's context=)");
  for (const t of m.tasks) if (t.loop === loop && t.state === 'pending') carried.set(t, { resumed: false });
  // `create_task(coro, context=context or self._context)` (RUNNER-2.2).
  forRunnerTask(walk, given ?? r.context!, loop);
  const task = spawnTask(walk, loop, s.body);
  try {
    return m.runUntilComplete(loop, task);
  } catch (e) {
    // The coroutine's own exception, raised by run_until_complete of its task (LIFE-1.2).
    // That it raised that, not a refusal of a loop made afresh, is not NEW-1's: LIFE-1.2 in its place.
    if (task.state === 'done' && task.result && 'error' in task.result && task.result.error === e)
      tags.conditions.splice(0, tags.conditions.length, ...tags.conditions.filter((c) => c !== 'NEW-1.1'), 'LIFE-1.2');
    // ERR-2.3: a KeyboardInterrupt or SystemExit escapes Runner.run, the runner left open.
    runnerEscaped(e, tags);
    throw e;
  }
}

/** `R.get_loop()` (RUNNER-1.1): R's loop, made on first use. */
export function runnerGetLoop(walk: Walk, s: StmtOf<'runner_get_loop'>, tags: ClauseTags): MLoop {
  const r = runnerVar(walk, s.runner, 'get_loop', tags);
  const loop = lazyInit(walk, r, tags);
  tags.outcome.push('RUNNER-1.1');
  walk.guards.bind(s.as, loop);
  return loop;
}

/** `R.close()` (RUNNER-1.3): cancel leftovers, shut down, reset the current loop (RUNNER-1.2), close. */
export function runnerClose(walk: Walk, s: StmtOf<'runner_close'>, tags: ClauseTags): null {
  const r = runnerVar(walk, s.runner, 'close', tags);
  tags.outcome.push('RUNNER-1.3');
  close(walk, r, s.id!, false);
  return null;
}

/** Runner.close (RUNNER-1.3, RUNNER-1.2), called by R.close() or by `with R`'s __exit__ (`byExit`, RUNNER-2.1). */
function close(walk: Walk, r: MRunner, sid: string, byExit: boolean): void {
  if (r.state !== 'initialized') return;
  const m = walk.m;
  const loop = r.loop!;
  try {
    closeRunner(m, loop, walk, sid, true, byExit);
  } finally {
    if (!r.factory) {
      const l = m.local();
      l.loop = null;
      l.setCalled = true;
      l.setBy = 'runner.close';
      l.newSince = [];
      l.runnerLoopSeen = walk.observedAs(loop);
      l.clearedByExit = byExit;
      l.keptByRunFactory = false;
    }
    m.close(loop);
    loop.runnerClosed = true;
    loop.runnerExited = byExit;
    r.loop = null;
    r.state = 'closed';
    r.exited = byExit;
  }
}

/**
 * `with R as W:` (RUNNER-2.1): __enter__ is _lazy_init (refused on a closed R, the body never
 * running) and returns R; __exit__ closes R however the body ends, the body's exception going on.
 * Observes the body's `return` value.
 */
export function runnerWith(walk: Walk, s: StmtOf<'runner_with'>, tags: ClauseTags): unknown {
  const r = runnerVar(walk, s.runner, '__enter__', tags);
  // Entered where a loop runs, its close would run a loop inside another: not modelled.
  if (walk.m.runningLoop()) throw new OutOfModel('with R where a loop is running');
  tags.outcome.push('RUNNER-2.1');
  if (r.state === 'closed') {
    neverRuns(walk, s.body, 'RUNNER-2.1');
    throw new PyErr('RuntimeError', 'Runner is closed');
  }
  // Initialized as by a first get_loop: the loop's making is NEW-1.1's, as there (a condition of the body's statements, not of this one).
  lazyInit(walk, r, { outcome: [], warnings: [], conditions: [], warnedConditions: [] });
  if (s.as !== undefined) {
    walk.guards.bind(s.as, r);
    const names = enteredAs.get(walk) ?? new Set<string>();
    enteredAs.set(walk, names);
    names.add(s.as);
  }
  let end: ReturnType<Walk['syncBody']>;
  try {
    end = walk.syncBody(s.body);
  } catch (e) {
    // The body's exception: closed, then it goes on. A hang or a step outside the model ends the prediction here.
    if (e instanceof PyErr) close(walk, r, s.id!, true);
    throw e;
  }
  close(walk, r, s.id!, true);
  return end ? end.returned : null;
}
