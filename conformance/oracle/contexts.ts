/**
 * Context variables (contextvars; asyncio events.py Handle, tasks.py Task._context, threads.py
 * to_thread), with the rule that decides them (CTX-1). The program has one ContextVar, `var`
 * (default 0): a context is its value there. Each thread runs in a stack of entered contexts
 * (Context.run): its own base context at the bottom (empty when the thread starts, CTX-1.1),
 * above it the context of the callback, the task step or the to_thread job it runs.
 */
import type { Stmt } from '../../language/program.ts';
import { walk as statements } from '../../language/program.ts';
import { tag } from '../predictions.ts';
import { OutOfModel, PyErr } from './state.ts';
import type { Coro, MLoop, MThread } from './state.ts';
import type { ClauseTags, StmtOf, Walk } from './walk.ts';

/** A contextvars.Context: var's value there (undefined: never set, the default). */
export interface MCtx {
  value: number | undefined;
  /** The loop whose callbacks and tasks were given it by context= (one loop only: two threads could enter it at once). */
  loop?: MLoop;
  entered: boolean;
  /** Given by context= to a callback or task: frames that share it see each other's sets. */
  shared: boolean;
  /** A Runner's context (RUNNER-2.2) a task made in one of its runs copied (CTX-1.3): that the copy was a copy is CTX-1's. */
  copiedByTask?: boolean;
}

/** One entered context, and the clause that says this code runs in it. */
interface Frame {
  ctx: MCtx;
  clause: 'CTX-1.1' | 'CTX-1.2' | 'CTX-1.3' | 'CTX-1.4' | 'RUNNER-2.2';
  /** The thread's own context, none entered. */
  base?: boolean;
}

interface State {
  /** The innermost frame of each thread (absent: its base context, not yet made). */
  frames: Map<MThread, Frame>;
  /** A context given by context= to the next task made (create_task(context=C)). */
  nextTask?: MCtx;
  /** The clause that says the next task runs in nextTask (a Runner's run: RUNNER-2.2). */
  nextClause?: Frame['clause'];
  /** A Runner's run ran its task in the Runner's copy here (RUNNER-2.2): the thread's own context is not it. */
  runnerRan?: boolean;
  /** Statements in bodies where the model does not say which context runs them. */
  outside: Set<string>;
}

const states = new WeakMap<Walk, State>();

/** Bodies whose context the model leaves out (CTX-1's rationale): fork children, exception handlers, task factories, done callbacks. */
const UNMODELLED = new Set<Stmt['op']>(['fork', 'set_exception_handler', 'set_task_factory', 'add_done_callback']);

function state(walk: Walk): State {
  let st = states.get(walk);
  if (!st) {
    const outside = new Set<string>();
    for (const s of statements(walk.program.main))
      if (UNMODELLED.has(s.op) && 'body' in s) for (const x of statements(s.body)) outside.add(x.id!);
    st = { frames: new Map(), outside };
    states.set(walk, st);
  }
  return st;
}

const fresh = (value: number | undefined = undefined): MCtx => ({ value, entered: false, shared: false });

/** The current frame of the running thread: its base context where it entered none (empty at its start, CTX-1.1). */
function frame(walk: Walk): Frame {
  const st = state(walk);
  const t = walk.m.thread;
  let f = st.frames.get(t);
  if (!f) {
    // An executor worker runs jobs in its own context (CTX-1.4).
    f = { ctx: fresh(), clause: t.kind === 'executor' ? 'CTX-1.4' : 'CTX-1.1', base: true };
    st.frames.set(t, f);
  }
  return f;
}

/** Context.run: `fn` runs with `ctx` current in this thread, then the context before it again. */
function enter<R>(walk: Walk, ctx: MCtx, clause: Frame['clause'], fn: () => R): R {
  const st = state(walk);
  const t = walk.m.thread;
  // RuntimeError('cannot enter context: ... is already entered'): not in the model.
  if (ctx.entered) throw new OutOfModel('a context entered twice');
  const prev = frame(walk);
  st.frames.set(t, { ctx, clause });
  ctx.entered = true;
  try {
    return fn();
  } finally {
    ctx.entered = false;
    st.frames.set(t, prev);
  }
}

/** A statement of CTX-1: in a body the model does not place, or in a fork child, out of the model. */
function check(walk: Walk, s: Stmt): void {
  if (state(walk).outside.has(s.id!) || walk.m.thread.pid !== 1)
    throw new OutOfModel(`${s.op} where the model does not say which context runs it`);
}

/** The context bound to a program variable, given by context= to a callback or task of `loop`. */
function given(walk: Walk, name: string, op: string, loop: MLoop | null): MCtx {
  const ctx = walk.guards.useVar(name, op) as unknown as MCtx;
  if (!('entered' in ctx)) throw new OutOfModel(`${name} is not a context`);
  if (loop === null || (ctx.loop !== undefined && ctx.loop !== loop)) throw new OutOfModel('one context given to two loops');
  ctx.loop = loop;
  ctx.shared = true;
  return ctx;
}

// ---- statements -----------------------------------------------------------------------------

/** `var.set(value)` (CTX-1.1): in the current context only. */
export function ctxSet(walk: Walk, s: StmtOf<'ctx_set'>, tags: ClauseTags): null {
  check(walk, s);
  const f = frame(walk);
  // A worker's own context persists between jobs: which later job sees this is which worker runs it.
  if (f.base && walk.m.thread.kind === 'executor') throw new OutOfModel('a context variable set in an executor job');
  tags.outcome.push('CTX-1.1');
  f.ctx.value = s.value;
  return null;
}

/** `var.get()`: the value in the current context, by the clause that says which context that is. */
export function ctxGet(walk: Walk, s: StmtOf<'ctx_get'>, tags: ClauseTags): number {
  check(walk, s);
  const f = frame(walk);
  // (In a context shared by context=, a set by another callback or task is seen in the order the
  // queue ran them: the model runs the queue in its order; CTX-1's programs order them causally.)
  tags.outcome.push(f.clause);
  // A Runner's context a task made in a run copied: that the task's sets stayed in its copy is CTX-1.3's.
  if (f.clause === 'RUNNER-2.2' && f.ctx.copiedByTask) tags.conditions.push('CTX-1.3');
  // Where a Runner's runs ran, that they ran in the Runner's copy, not here, is RUNNER-2.2's.
  if (f.base && walk.m.thread.kind === 'main' && state(walk).runnerRan) tags.conditions.push('RUNNER-2.2');
  return f.ctx.value ?? 0;
}

/** `C = contextvars.copy_context()` (CTX-1.1). */
export function copyContext(walk: Walk, s: StmtOf<'copy_context'>, tags: ClauseTags): null {
  check(walk, s);
  tags.outcome.push('CTX-1.1');
  walk.guards.bind(s.as, fresh(frame(walk).ctx.value));
  return null;
}

// ---- callbacks, tasks, to_thread ------------------------------------------------------------

/**
 * The context a callback of call_soon & co will run in (CTX-1.2): the context given, or a
 * copy of the current one, taken now. Called before the call's own checks, as the driver reads
 * the variable before it calls.
 */
export function forCallback(walk: Walk, s: StmtOf<'call_soon' | 'call_later' | 'call_at' | 'call_soon_threadsafe'>, loop: MLoop): MCtx {
  if ('context' in s && s.context !== undefined) return given(walk, s.context, s.op, loop);
  return fresh(frame(walk).ctx.value);
}

/** Handle._run: the callback in its context (CTX-1.2). */
/** The context a callback queued now runs in: a copy of the caller's (call_soon_threadsafe without context=, RCT-1.1). */
export function callbackContext(walk: Walk): MCtx {
  return fresh(frame(walk).ctx.value);
}

export function inCallback(walk: Walk, ctx: MCtx, cb: () => void): () => void {
  return () => enter(walk, ctx, 'CTX-1.2', cb);
}

/**
 * create_task(coro, context=C) (CTX-1.3): before 3.11 a TypeError, and no task. Else the next
 * task made runs in C. Without context=, nothing: the task copies the current context.
 */
export function forTask(walk: Walk, s: StmtOf<'create_task'>, loop: MLoop | null, tags: ClauseTags): void {
  if (s.context === undefined) return;
  const ctx = given(walk, s.context, 'create_task', loop);
  if (!walk.sw.createTaskContext) {
    tags.outcome.push('CTX-1.3');
    for (const x of statements(s.body)) walk.expect({ ...tag('CTX-1.3'), kind: 'ran', stmt: x.id!, expected: false });
    throw new PyErr('TypeError', "create_task() got an unexpected keyword argument 'context'");
  }
  // That create_task takes context= (3.11+) is CTX-1.3's: a condition of the task it returns.
  tags.conditions.push('CTX-1.3');
  // 3.11+ pass context= on to a task factory (the language's takes no keyword argument); an eager task would enter C twice.
  if (loop!.taskFactory) throw new OutOfModel('create_task(context=) through a task factory');
  state(walk).nextTask = ctx;
}

/** Task.__init__'s context (the one given, or a copy of the current one), and every step of the task in it (CTX-1.3). */
export function taskCoro(walk: Walk, coro: Coro): Coro {
  const st = state(walk);
  const current = frame(walk);
  if (!st.nextTask && current.clause === 'RUNNER-2.2') current.ctx.copiedByTask = true;
  const ctx = st.nextTask ?? fresh(current.ctx.value);
  const clause = st.nextClause ?? 'CTX-1.3';
  st.nextTask = undefined;
  st.nextClause = undefined;
  return stepsIn(walk, ctx, coro, clause);
}

function* stepsIn(walk: Walk, ctx: MCtx, coro: Coro, clause: Frame['clause'] = 'CTX-1.3'): Coro {
  let thrown: { e: unknown } | undefined;
  for (;;) {
    const exc = thrown;
    const r = enter(walk, ctx, clause, () => (exc ? coro.throw(exc.e) : coro.next()));
    if (r.done) return r.value;
    thrown = undefined;
    try {
      yield r.value;
    } catch (e) {
      thrown = { e };
    }
  }
}

// ---- asyncio.Runner's context (RUNNER-2.2) ----------------------------------------------------

/** Runner._lazy_init's `contextvars.copy_context()` (RUNNER-2.2): a copy of the calling thread's current context. */
export function runnerContext(walk: Walk, loop: MLoop): MCtx {
  return { value: frame(walk).ctx.value, entered: false, shared: true, loop };
}

/** The context bound to `name` (R.run(coro, context=C), RUNNER-2.2), read before the call. */
export function contextVar(walk: Walk, name: string): MCtx {
  const ctx = walk.guards.useVar(name, 'runner_run') as unknown as MCtx;
  if (!('entered' in ctx)) throw new OutOfModel(`${name} is not a context`);
  return ctx;
}

/** R.run's task runs in `ctx`: the Runner's copy, or C given to R.run on R's `loop` (RUNNER-2.2). */
export function forRunnerTask(walk: Walk, ctx: MCtx, loop: MLoop): void {
  if (ctx.loop !== undefined && ctx.loop !== loop) throw new OutOfModel('one context given to two loops');
  ctx.loop = loop;
  ctx.shared = true;
  const st = state(walk);
  st.nextTask = ctx;
  st.nextClause = 'RUNNER-2.2';
  st.runnerRan = true;
}

/** `await asyncio.to_thread(fn)` (CTX-1.4): run_in_executor(None, ctx.run(fn)), ctx a copy of the caller's context; 3.8 has none. */
export function* toThread(walk: Walk, s: StmtOf<'to_thread'>, tags: ClauseTags): Coro {
  if (!walk.sw.toThread) {
    tags.outcome.push('CTX-1.4');
    for (const x of statements(s.body)) walk.expect({ ...tag('CTX-1.4'), kind: 'ran', stmt: x.id!, expected: false });
    throw new PyErr('AttributeError', "module 'asyncio' has no attribute 'to_thread'");
  }
  const loop = walk.guards.requireRunning();
  // to_thread is run_in_executor(None, ...): a default executor the program set or shut down
  // decides where it runs and whether it is refused (EXEC-3), not modelled here.
  if (loop.defaultExecutor || loop.executorShutdown)
    throw new OutOfModel('to_thread on a loop whose default executor the program set or shut down');
  tags.outcome.push('EXEC-1.1');
  // That asyncio.to_thread exists (3.9+) and hands fn to the executor is CTX-1.4's.
  tags.conditions.push('CTX-1.4');
  const ctx = fresh(frame(walk).ctx.value);
  return yield* walk.executorJob(loop, s, (job) => enter(walk, ctx, 'CTX-1.4', job));
}
