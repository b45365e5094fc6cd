/**
 * asyncio.Runner (runners.py, 3.11+): a runner makes its loop on first use (run or get_loop),
 * runs every coroutine on it, sets it as the thread's current loop unless a loop_factory made
 * it, and close() cancels, shuts down and closes it (RUNNER-1). asyncio.run is runners.ts's.
 */
import { walk as statements } from '../../language/program.ts';
import { tag } from '../predictions.ts';
import { spawnTask } from './factories.ts';
import { closeRunner } from './runners.ts';
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
}

function runnerVar(walk: Walk, name: string, op: string): MRunner {
  const r = walk.guards.useVar(name, op) as unknown as MRunner;
  if (!('kind' in r) || r.kind !== 'runner') throw new OutOfModel(`${name} is not a runner`);
  // Only the thread that made it uses it (one thread's current loop; no fork child).
  if (r.thread !== walk.m.thread) throw new OutOfModel('a runner used from another thread or a fork child');
  return r;
}

/** The body of a coroutine that never runs (refused before it is wrapped in a task). */
function neverRuns(walk: Walk, body: StmtOf<'runner_run'>['body'], clause: string): void {
  for (const x of statements(body)) walk.exps.push({ ...tag(clause), kind: 'ran', stmt: x.id!, expected: false });
}

/** `R = asyncio.Runner(...)` (RUNNER-1.1): bound, observes None; AttributeError before 3.11. */
/** Statements that read or carry a context (CTX-1). */
const CONTEXT_OPS = new Set(['ctx_set', 'ctx_get', 'copy_context', 'to_thread']);

export function runnerNew(walk: Walk, s: StmtOf<'runner_new'>, tags: ClauseTags): null {
  tags.outcome.push('RUNNER-1.1');
  if (!walk.sw.runner) throw new PyErr('AttributeError', "module 'asyncio' has no attribute 'Runner'");
  // Runner._lazy_init copies the context once, and every run's task runs in that one copy
  // (runners.py, 3.11+): not modelled, so context statements beside a Runner are out.
  if ([...statements(walk.program.main)].some((x) => CONTEXT_OPS.has(x.op)))
    throw new OutOfModel('context variables beside an asyncio.Runner (its runs share the context it copied on first use)');
  const r: MRunner = { kind: 'runner', state: 'created', loop: null, factory: s.loop_factory === true, thread: walk.m.thread };
  walk.guards.bind(s.as, r);
  return null;
}

/** Runner._lazy_init: 'Runner is closed' (RUNNER-1.4), else the loop, made on first use. */
function lazyInit(walk: Walk, r: MRunner, tags: ClauseTags): MLoop {
  if (r.state === 'closed') {
    tags.outcome.push('RUNNER-1.4');
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
  }
  r.loop = loop;
  r.state = 'initialized';
  return loop;
}

/** `R.run(coro())` (RUNNER-1.1): coro as a task of R's loop. */
export function runnerRun(walk: Walk, s: StmtOf<'runner_run'>, tags: ClauseTags): unknown {
  const r = runnerVar(walk, s.runner, 'run');
  const m = walk.m;
  if (m.runningLoop()) {
    tags.outcome.push('RUNNER-1.1');
    neverRuns(walk, s.body, 'RUNNER-1.1');
    throw new PyErr('RuntimeError', 'Runner.run() cannot be called from a running event loop');
  }
  if (r.state === 'closed') neverRuns(walk, s.body, 'RUNNER-1.4');
  const loop = lazyInit(walk, r, tags);
  tags.outcome.push('RUNNER-1.1');
  for (const t of m.tasks) if (t.loop === loop && t.state === 'pending') carried.set(t, { resumed: false });
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
  const r = runnerVar(walk, s.runner, 'get_loop');
  const loop = lazyInit(walk, r, tags);
  tags.outcome.push('RUNNER-1.1');
  walk.guards.bind(s.as, loop);
  return loop;
}

/** `R.close()` (RUNNER-1.3): cancel leftovers, shut down, reset the current loop (RUNNER-1.2), close. */
export function runnerClose(walk: Walk, s: StmtOf<'runner_close'>, tags: ClauseTags): null {
  const r = runnerVar(walk, s.runner, 'close');
  tags.outcome.push('RUNNER-1.3');
  if (r.state !== 'initialized') return null;
  const m = walk.m;
  const loop = r.loop!;
  try {
    closeRunner(m, loop, walk, s.id!, true);
  } finally {
    if (!r.factory) {
      const l = m.local();
      l.loop = null;
      l.setCalled = true;
      l.setBy = 'runner.close';
      l.newSince = [];
      l.runnerLoopSeen = walk.observedAs(loop);
    }
    m.close(loop);
    loop.runnerClosed = true;
    r.loop = null;
    r.state = 'closed';
  }
  return null;
}
