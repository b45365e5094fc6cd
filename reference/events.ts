/**
 * asyncio/events.py: handles, the abstract loop and policy, the default policy, and the
 * module-level functions (policy slot, running-loop registry, at-fork hook).
 *
 * Module-level functions live on an `EventsModule` object per runtime and call each other
 * through `this`, so a mutant can replace one of them (`rt.events.get_event_loop = ...`)
 * and every caller sees the replacement, as with monkey-patching a Python module.
 */
import { escapes, PyError, pyStrRepr, pyTypeName } from './errors.ts';
import type { Runtime } from './index.ts';
import { ProcessLocal, ThreadLocal, type Blocking } from './world.ts';
import type { BaseEventLoop } from './base_events.ts';
import { type Context, handleContext } from './contextvars.ts';

/**
 * A callback. One that may block its thread (a task step, a program's callback body) is a
 * generator function; Handle._run drives the generator it returns. Its parameters are typed
 * `never` so that a function of any parameters fits (as in Python, call_soon does not check
 * that the arguments fit the callback); Handle._run is the one place that calls it.
 */
export type Callback = (...args: never[]) => unknown;

/** events.Handle: a callback scheduled on a loop. */
export class Handle {
  _cancelled = false;
  readonly _args: unknown[];
  /** CTX-1.2: the context the callback runs in: the one given by context=, else a copy of the caller's. */
  readonly _context: Context;
  constructor(
    readonly _callback: Callback,
    args: unknown[],
    readonly _loop: BaseEventLoop,
  ) {
    ({ context: this._context, args: this._args } = handleContext(_loop._rt.world, args));
  }
  /** SCHED-5.1: the loop skips a cancelled handle, in its ready queue or among its timers. */
  cancel(): void {
    this._cancelled = true;
  }
  /** SCHED-5.2: True once cancel() was called, also after the callback ran. */
  cancelled(): boolean {
    return this._cancelled;
  }
  *_run(): Blocking<void> {
    try {
      // CTX-1.2: self._context.run(self._callback, *self._args)
      yield* this._context.run(this._loop._rt.world, () => (this._callback as (...args: unknown[]) => unknown)(...this._args));
    } catch (e) /* Stryker disable next-line BlockStatement: not in any trace: callback errors go to the log only */ {
      // Handle._run catches BaseException (but SystemExit/KeyboardInterrupt) and reports it.
      if (!(e instanceof PyError)) throw e;
      // ERR-2.1: `except (SystemExit, KeyboardInterrupt): raise`: out of _run_once and run_forever.
      if (escapes(e)) throw e;
      // ERR-1.2: the handler is called with the exception and this handle.
      yield* this._loop.call_exception_handler({
        // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: not in any trace: the message after 'Exception in callback ' (ERR-1.2 observes that prefix only; the killed mutant of the prefix is ignored with it)
        message: `Exception in callback ${this._callback.name || 'callback'}()`,
        exception: e,
        handle: this,
      });
    }
  }
}

/** events.TimerHandle, ordered by (when, sequence): equal deadlines keep FIFO order. */
export class TimerHandle extends Handle {
  // Stryker disable next-line BooleanLiteral: equivalent: TimerHandle._scheduled is written, never read
  _scheduled = false;
  constructor(
    readonly _when: number,
    readonly _seq: number,
    callback: Callback,
    args: unknown[],
    loop: BaseEventLoop,
  ) {
    super(callback, args, loop);
  }
  /** TIME-1.2: the absolute deadline, exactly as call_at was given it (call_later's: time() + delay). */
  when(): number {
    return this._when;
  }
  /** SCHED-2: deadline first, then the order of the call_later calls. */
  lessThan(other: TimerHandle): boolean {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: not compared: the order of timers with equal deadlines (SCHED-2 leaves exact ties unordered) (the killed mutants of this line are ignored with it)
    return this._when < other._when || (this._when === other._when && this._seq < other._seq);
  }
  // No cancel() override: CPython's calls loop._timer_handle_cancelled, which only counts
  // cancelled timers to compact the heap; _run_once drops cancelled heads (reference/MUTATION.md).
}

/** The ABC `isinstance(x, AbstractEventLoop)` checks against, with the state every loop reports. */
export abstract class AbstractEventLoop {
  // Stryker disable next-line StringLiteral: equivalent: pyName of a class never instantiated as such (subclasses override it)
  static pyName = 'AbstractEventLoop';
  abstract is_running(): boolean;
  abstract is_closed(): boolean;
  abstract stop(): void;
  abstract close(): void;
}

export abstract class AbstractEventLoopPolicy {
  // Stryker disable next-line StringLiteral: equivalent: pyName of a class never instantiated as such (subclasses override it)
  static pyName = 'AbstractEventLoopPolicy';
  abstract get_event_loop(): AbstractEventLoop;
  abstract set_event_loop(loop: unknown): void;
  abstract new_event_loop(): AbstractEventLoop;
}

/** BaseDefaultEventLoopPolicy: one current loop per thread, in `_local`. */
export class BaseDefaultEventLoopPolicy extends AbstractEventLoopPolicy {
  // Stryker disable next-line StringLiteral: equivalent: pyName of a class never instantiated as such (subclasses override it)
  static override pyName = 'BaseDefaultEventLoopPolicy';
  /** `class _Local(threading.local): _loop = None; _set_called = False` */
  _local: ThreadLocal<{ _loop: AbstractEventLoop | null; _set_called: boolean }>;

  constructor(readonly _rt: Runtime) {
    super();
    this._local = new ThreadLocal(_rt.world, () => ({ _loop: null, _set_called: false }));
  }

  get_event_loop(): AbstractEventLoop {
    const local = this._local.get();
    const thread = this._rt.world.currentThread;
    const sw = this._rt.sw;
    // GET-3: implicit creation only in the main thread, with no loop, if set_event_loop was
    // never called in this thread. GET-3 (implicitCreation): 3.14 has no implicit creation
    // (and no _set_called): the main thread raises like any other.
    // The main thread: `current_thread() is main_thread()` (3.9+); 3.8 tests the class,
    // `isinstance(current_thread(), threading._MainThread)` (FORK-2 in a child forked from a worker).
    const isMain = sw.mainThreadByClass ? thread.mainClass : thread.isMain;
    // Stryker disable next-line ConditionalExpression: equivalent: while implicit creation is on, !_set_called implies _loop === null (the killed mutants of this line are ignored with it)
    if (sw.implicitCreation && local._loop === null && !local._set_called && isMain) {
      // GET-3 (implicitCreationWarns): 3.12 and 3.13 warn that this is deprecated.
      if (sw.implicitCreationWarns) this._rt.warnings.warn('DeprecationWarning', 'There is no current event loop');
      this.set_event_loop(this.new_event_loop());
    }
    // GET-4: otherwise no loop is an error naming the thread (%r of its name).
    if (local._loop === null) {
      throw new PyError('RuntimeError', `There is no current event loop in thread ${pyStrRepr(thread.name)}.`);
    }
    // GET-2: the loop set for this thread.
    return local._loop;
  }

  set_event_loop(loop: unknown): void {
    // NEW-4: the call counts (disables implicit creation) even if the type check fails.
    // GET-3 (implicitCreation): 3.14's _Local has no _set_called, and nothing to mark.
    // Stryker disable next-line ConditionalExpression: equivalent: under 3.14 _set_called would be set but nothing reads it (the killed mutants of this line are ignored with it)
    if (this._rt.sw.implicitCreation) this._local.get()._set_called = true;
    // NEW-5: a non-loop is rejected (NEW-5 typeCheck: an `assert` up to 3.10).
    if (loop !== null && !(loop instanceof AbstractEventLoop)) {
      throw typeCheckFailed(this._rt, `loop must be an instance of AbstractEventLoop or None, not '${pyTypeName(loop)}'`);
    }
    // NEW-3: this thread only.
    this._local.get()._loop = loop;
  }

  new_event_loop(): AbstractEventLoop {
    return this._loop_factory();
  }

  /** The class attribute `_loop_factory` (the runtime's loop class). */
  _loop_factory(): AbstractEventLoop {
    return new this._rt.EventLoop();
  }
}

/**
 * A failed type check of set_event_loop or set_event_loop_policy. NEW-5, POL-2 (typeCheck):
 * up to 3.10 the check is `assert isinstance(...)`, an AssertionError with an empty message;
 * from 3.11 a TypeError naming the type.
 */
export function typeCheckFailed(rt: Runtime, message: string): PyError {
  return rt.sw.typeCheck === 'assert' ? new PyError('AssertionError', '') : new PyError('TypeError', message);
}

/** 3.14's `warnings._deprecated('asyncio.<name>', remove=(3, 16))`. */
export function deprecatedPolicyApi(rt: Runtime, name: string): void {
  rt.warnings.warn('DeprecationWarning', `'asyncio.${name}' is deprecated and slated for removal in Python 3.16`);
}

type RunningLoop = { loop_pid: [AbstractEventLoop | null, number | null] };

/** The module-level state and functions of events.py. */
export class EventsModule {
  /** The policy slot, a process global (copied by fork). */
  readonly _event_loop_policy: ProcessLocal<AbstractEventLoopPolicy | null>;
  /** `class _RunningLoop(threading.local): loop_pid = (None, None)` */
  readonly _running_loop: ThreadLocal<RunningLoop>;

  constructor(readonly _rt: Runtime) {
    this._event_loop_policy = new ProcessLocal<AbstractEventLoopPolicy | null>(_rt.world, () => null);
    this._running_loop = new ThreadLocal<RunningLoop>(_rt.world, () => ({ loop_pid: [null, null] }));
    // FORK-2 (forkHook): `os.register_at_fork(after_in_child=on_fork)`, new in 3.12. Before,
    // a forked child keeps its copy of the forking thread's policy state and running-loop
    // record (world.fork copies thread-local storage), which only the pid check hides (FORK-1).
    if (_rt.sw.forkHook) _rt.world.atForkChild.push(() => this.on_fork());
  }

  /** RUN-1: the running loop, or RuntimeError. */
  get_running_loop(): AbstractEventLoop {
    const loop = this._get_running_loop();
    if (loop === null) throw new PyError('RuntimeError', 'no running event loop');
    return loop;
  }

  /** RUN-2, RUN-3: the running loop of this thread, if registered by this process (FORK-1). */
  _get_running_loop(): AbstractEventLoop | null {
    const [running_loop, pid] = this._running_loop.get().loop_pid;
    // Stryker disable next-line ConditionalExpression: equivalent: with running_loop null the function returns null either way (the killed mutants of this line are ignored with it)
    if (running_loop !== null && pid === this._rt.world.currentProcess.pid) return running_loop;
    return null;
  }

  _set_running_loop(loop: AbstractEventLoop | null): void {
    this._running_loop.get().loop_pid = [loop, this._rt.world.currentProcess.pid];
  }

  _init_event_loop_policy(): void {
    // `with _lock:` - the simulation has no preemption, so check-and-set is atomic here.
    // Stryker disable next-line ConditionalExpression: equivalent: check-lock-check; the simulation has no preemption (the killed mutants of this line are ignored with it)
    if (this._event_loop_policy.value === null) {
      this._event_loop_policy.value = new this._rt.DefaultEventLoopPolicy();
    }
  }

  /**
   * `_get_event_loop_policy()` (3.14's private getter; the body of the public one before):
   * POL-1, the default policy is created lazily, once.
   */
  _get_event_loop_policy(): AbstractEventLoopPolicy {
    // Stryker disable next-line ConditionalExpression: equivalent: _init_event_loop_policy checks again (the killed mutants of this line are ignored with it)
    if (this._event_loop_policy.value === null) this._init_event_loop_policy();
    return this._event_loop_policy.value!;
  }

  /** POL-1: asyncio.get_event_loop_policy(). */
  get_event_loop_policy(): AbstractEventLoopPolicy {
    // POL-1 (policyDeprecated): 3.14 deprecates the public getter.
    if (this._rt.sw.policyDeprecated) deprecatedPolicyApi(this._rt, 'get_event_loop_policy');
    return this._get_event_loop_policy();
  }

  /**
   * The policy lookup of asyncio's own functions (get_event_loop, set_event_loop,
   * new_event_loop): the public getter up to 3.13 (so a patched get_event_loop_policy is
   * what they see), the private one in 3.14, which does not warn (POL-1, policyDeprecated).
   */
  _policy(): AbstractEventLoopPolicy {
    return this._rt.sw.policyDeprecated ? this._get_event_loop_policy() : this.get_event_loop_policy();
  }

  /** `_set_event_loop_policy()` (3.14's private setter; the body of the public one before). */
  _set_event_loop_policy(policy: unknown): void {
    // POL-2: None resets to the default (created lazily again); a non-policy is rejected
    // (POL-2 typeCheck: an `assert` up to 3.10).
    if (policy !== null && !(policy instanceof AbstractEventLoopPolicy)) {
      throw typeCheckFailed(this._rt, `policy must be an instance of AbstractEventLoopPolicy or None, not '${pyTypeName(policy)}'`);
    }
    this._event_loop_policy.value = policy;
  }

  /** POL-2: asyncio.set_event_loop_policy(). */
  set_event_loop_policy(policy: unknown): void {
    // POL-2 (policyDeprecated): 3.14 warns before the type check.
    if (this._rt.sw.policyDeprecated) deprecatedPolicyApi(this._rt, 'set_event_loop_policy');
    this._set_event_loop_policy(policy);
  }

  get_event_loop(): AbstractEventLoop {
    // GET-1: the running loop comes first.
    const current_loop = this._get_running_loop();
    if (current_loop !== null) return current_loop;
    return this._policy().get_event_loop();
  }

  set_event_loop(loop: unknown): void {
    this._policy().set_event_loop(loop);
  }

  /** NEW-1, NEW-2: a new loop, nothing else changes. */
  new_event_loop(): AbstractEventLoop {
    return this._policy().new_event_loop();
  }

  /**
   * FORK-2, FORK-1: in the child, reset the policy's per-thread state and the running loop
   * (3.12+; registered only under the forkHook switch).
   * CPython replaces `policy._local` with a fresh `_Local()`; the simulation shares the
   * policy object with the parent, so it drops this (the child's only) thread's record,
   * which is the same thing for the child.
   */
  on_fork(): void {
    const policy = this._event_loop_policy.value;
    // Stryker disable next-line ConditionalExpression: equivalent: `null instanceof BaseDefaultEventLoopPolicy` is false anyway
    if (policy !== null && policy instanceof BaseDefaultEventLoopPolicy) policy._local.reset();
    this._set_running_loop(null);
  }
}
