/**
 * asyncio/base_events.py: the event loop. A ready deque, a timer heap, and `_run_once`,
 * which is the only place callbacks are called.
 */
import { type AsyncgenHooks, installHooks, restoreHooks, shutdown_asyncgens } from './asyncgens.ts';
import { escapes, PyError, pyStrRepr } from './errors.ts';
import { AbstractEventLoop, Handle, TimerHandle, type Callback } from './events.ts';
import * as executor_part from './base_events_executor.ts';
import type { Future, Coro } from './futures.ts';
import type { ThreadPoolExecutor } from './executor.ts';
import type { Runtime } from './index.ts';
import { heapPop, heapPush } from './heapq.ts';
import { Selector } from './selector.ts';
import { isGenerator, type Blocking } from './world.ts';
import type { Context } from './contextvars.ts';
import type { Task, TaskKwargs } from './tasks.ts';

/** constants.py: select() never blocks longer than a day. */
// Stryker disable next-line ArithmeticOperator: not in any trace: a 24/3600 s cap only adds idle select() rounds at the same virtual time
const MAXIMUM_SELECT_TIMEOUT = 24 * 3600;

/** The context dict call_exception_handler passes on (ERR-1): the keys it was given, none added. */
export interface ExceptionContext {
  message: string;
  exception?: PyError;
  handle?: Handle;
}

/**
 * An exception handler: `handler(loop, context)`. One that may block its thread (a program's
 * body) returns a generator, which call_exception_handler drives.
 */
export type ExceptionHandler = (loop: BaseEventLoop, context: ExceptionContext) => unknown;
/** A task factory, `factory(loop, coro)` (TFACT-1): it returns a future, or blocks (a generator) and then returns one. */
export type TaskFactory = (loop: BaseEventLoop, coro: Coro<unknown>, kwargs?: TaskKwargs) => unknown;

function _run_until_complete_cb<T>(fut: Future<T>): void {
  // ERR-2.2: run_forever already finished: it raised the task's SystemExit/KeyboardInterrupt (Issue #22429).
  if (!fut.cancelled() && escapes(fut.exception())) return;
  fut.get_loop().stop();
}

export class BaseEventLoop extends AbstractEventLoop {
  // Stryker disable next-line StringLiteral: equivalent: pyTypeName reads the instantiated class's pyName (_UnixSelectorEventLoop)
  static override pyName = 'BaseEventLoop';
  _closed = false;
  _stopping = false;
  _ready: Handle[] = [];
  _scheduled: TimerHandle[] = [];
  _timer_seq = 0;
  _default_executor: ThreadPoolExecutor | null = null;
  /** The ident of the thread running the loop, or null when it is not running. */
  _thread_id: number | null = null;
  _old_agen_hooks: AsyncgenHooks | null = null;
  _clock_resolution = 1e-9;
  _executor_shutdown_called = false;
  /** DEBUG-1.1: `set_debug(coroutines._is_debug_mode())` in __init__: False (no PYTHONASYNCIODEBUG, no -X dev). */
  _debug = false;
  /** ERR-1.1: None until set_exception_handler. */
  _exception_handler: ExceptionHandler | null = null;
  /** TFACT-1.1: None until set_task_factory. */
  _task_factory: TaskFactory | null = null;
  readonly _selector: Selector;

  constructor(readonly _rt: Runtime) {
    super();
    this._selector = new Selector(_rt.world);
  }

  create_future<T = unknown>(): Future<T> {
    return new this._rt.Future<T>(this);
  }

  /** TFACT-1.2: the factory, when one is set, makes the task, called as factory(loop, coro); what it returns is returned. */
  *create_task<T>(coro: Coro<T>, context: Context | null = null, kwargs: TaskKwargs = {}): Blocking<Future<T>> {
    this._check_closed();
    if (this._task_factory === null) return new this._rt.Task(coro, this, false, context, kwargs.name ?? null);
    // TASK-6.5: 3.14 passes name= to the factory; before, the factory gets (loop, coro) and the task is named after.
    const byKeyword = this._rt.sw.factoryTaskName === 'keyword';
    const r =
      byKeyword && 'name' in kwargs
        ? this._task_factory(this, coro as Coro<unknown>, kwargs)
        : this._task_factory(this, coro as Coro<unknown>);
    const task = (isGenerator(r) ? yield* r as Blocking<unknown> : r) as Future<T>;
    // TASK-6.3: set_name(name) when a name is given (3.8 to 3.12); TASK-6.4: always, 'None' without one (3.13.0).
    const naming = this._rt.sw.factoryTaskName;
    const name = kwargs.name ?? null;
    if ((naming === 'ifGiven' && name !== null) || naming === 'always') (task as unknown as Task).set_name(name);
    return task;
  }

  /** TFACT-1.1 */
  get_task_factory(): TaskFactory | null {
    return this._task_factory;
  }

  /** TFACT-1.1: a callable or None; anything else is a TypeError, and the factory stays. */
  set_task_factory(factory: unknown): void {
    if (factory !== null && typeof factory !== 'function') throw new PyError('TypeError', 'task factory must be a callable or None');
    this._task_factory = factory as TaskFactory | null;
  }

  _write_to_self(): void {
    this._selector.wake();
  }

  _check_closed(): void {
    // LIFE-2, SCHED-4
    if (this._closed) throw new PyError('RuntimeError', 'Event loop is closed');
  }

  _check_default_executor(): void {
    executor_part._check_default_executor(this);
  }

  _check_running(): void {
    // LIFE-3: this loop is running (in any thread).
    if (this.is_running()) throw new PyError('RuntimeError', 'This event loop is already running');
    // LIFE-4: another loop runs in this thread.
    if (this._rt.events._get_running_loop() !== null) {
      throw new PyError('RuntimeError', 'Cannot run the event loop while another loop is running');
    }
  }

  *run_forever(): Blocking<void> {
    // Stryker disable next-line BlockStatement: not compared: 3.13.0 refused run_forever: what follows is left out of the profile
    // Stryker disable next-line ConditionalExpression: not compared: 3.13.0 refused run_forever: what follows is left out of the profile (the killed mutants of this line are ignored with it)
    if (this._rt.sw.failedRunForeverCleansUp) {
      // LIFE-3, LIFE-4 (failedRunForeverCleansUp): 3.13.0 calls _run_forever_setup inside
      // the try, so a run_forever refused by its checks (LIFE-2, LIFE-3, LIFE-4) still runs
      // _run_forever_cleanup: it clears this loop's _stopping and _thread_id and the thread's
      // running loop, even while this (or another) loop goes on running
      // (python/cpython#130145).
      try {
        this._run_forever_setup();
        yield* this._run_forever_loop();
      } finally {
        this._run_forever_cleanup();
      }
      return;
    }
    // Up to 3.12 (and from 3.13.1): the checks come before the try.
    this._run_forever_setup();
    try {
      yield* this._run_forever_loop();
    } finally {
      this._run_forever_cleanup();
    }
  }

  /** The checks (LIFE-2, LIFE-3, LIFE-4), then this loop becomes the thread's running loop. */
  _run_forever_setup(): void {
    this._check_closed();
    this._check_running();
    this._thread_id = this._rt.world.currentThread.ident;
    this._old_agen_hooks = installHooks(this._rt, this); // AGEN-1.1: this loop's hooks while it runs
    this._rt.events._set_running_loop(this);
  }

  /** LIFE-7: stop() ends the loop after a complete iteration. */
  *_run_forever_loop(): Blocking<void> {
    for (;;) {
      yield* this._run_once();
      if (this._stopping) break;
    }
  }

  _run_forever_cleanup(): void {
    this._stopping = false;
    this._thread_id = null;
    this._rt.events._set_running_loop(null);
    this._old_agen_hooks = restoreHooks(this._rt, this._old_agen_hooks);
  }

  /** LIFE-1: the future's result, or its exception. A coroutine is wrapped in a Task. */
  *run_until_complete<T>(future: Future<T> | Coro<T>): Blocking<T> {
    this._check_closed();
    this._check_running();
    const fut = (yield* this._rt.tasks.ensure_future(future, this)) as Future<T>;
    fut.add_done_callback(_run_until_complete_cb<T>);
    try {
      yield* this.run_forever();
    } finally {
      fut.remove_done_callback(_run_until_complete_cb<T>);
    }
    // LIFE-8
    if (!fut.done()) throw new PyError('RuntimeError', 'Event loop stopped before Future completed.');
    return fut.result();
  }

  stop(): void {
    this._stopping = true;
  }

  /** LIFE-5: refuses a running loop; closing twice is a no-op. */
  close(): void {
    if (this.is_running()) throw new PyError('RuntimeError', 'Cannot close a running event loop');
    // Stryker disable next-line ConditionalExpression: equivalent: after close() nothing refills _ready/_scheduled and the executor is null
    if (this._closed) return;
    this._closed = true;
    this._ready.length = 0;
    this._scheduled.length = 0;
    // Stryker disable next-line BooleanLiteral: equivalent: after close() run_in_executor fails _check_closed first
    this._executor_shutdown_called = true;
    const executor = this._default_executor;
    // Stryker disable next-line BlockStatement: not compared: idle workers left alive show only in os.fork's warning (FORK-1)
    if (executor !== null) {
      this._default_executor = null;
      executor.shutdown(); // wait=False
    }
  }

  is_closed(): boolean {
    return this._closed;
  }

  /** LIFE-6 */
  is_running(): boolean {
    return this._thread_id !== null;
  }

  /** TIME-1.1: a monotonic clock (virtual time, which never goes back). */
  time(): number {
    return this._rt.world.clock.now;
  }

  /** TIME-1.2: the deadline is time() + delay, read during the call. */
  call_later(delay: number, callback: Callback, ...args: unknown[]): TimerHandle {
    return this.call_at(this.time() + delay, callback, ...args);
  }

  /** TIME-1.2, TIME-1.3: a timer due at `when` as given, in the one heap of the loop's timers. */
  call_at(when: number, callback: Callback, ...args: unknown[]): TimerHandle {
    this._check_closed();
    // DEBUG-1.3: call_later goes through call_at.
    if (this._debug) this._check_thread();
    // Stryker disable next-line UpdateOperator: not compared: order of equal deadlines: exact ties are not compared (SCHED-2 rationale)
    const timer = new TimerHandle(when, this._timer_seq++, callback, args, this);
    heapPush(this._scheduled, timer);
    // Stryker disable next-line BooleanLiteral: equivalent: TimerHandle._scheduled is written, never read
    timer._scheduled = true;
    return timer;
  }

  /** SCHED-1: a FIFO queue. */
  call_soon(callback: Callback, ...args: unknown[]): Handle {
    this._check_closed();
    if (this._debug) this._check_thread();
    return this._call_soon(callback, args);
  }

  /** DEBUG-1.3: in debug mode, a non-thread-safe method called from a thread other than the one running the loop. */
  _check_thread(): void {
    if (this._thread_id === null) return;
    if (this._rt.world.currentThread.ident !== this._thread_id) {
      throw new PyError('RuntimeError', 'Non-thread-safe operation invoked on an event loop other than the current one');
    }
  }

  _call_soon(callback: Callback, args: unknown[]): Handle {
    const handle = new Handle(callback, args, this);
    this._ready.push(handle);
    return handle;
  }

  /** SCHED-3: like call_soon, then wakes the loop through its self-pipe. */
  call_soon_threadsafe(callback: Callback, ...args: unknown[]): Handle {
    this._check_closed();
    const handle = this._call_soon(callback, args);
    this._write_to_self();
    return handle;
  }

  /** EXEC-1, EXEC-3 (base_events_executor.ts) */
  run_in_executor<T>(executor: ThreadPoolExecutor | null, func: () => T | Blocking<T>): Future<T> {
    return executor_part.run_in_executor(this, executor, func);
  }

  /** EXEC-3.1, EXEC-3.2 (base_events_executor.ts) */
  set_default_executor(executor: unknown): void {
    executor_part.set_default_executor(this, executor);
  }

  /** AGEN-1.3: closes the async generators this loop's firstiter hook kept (asyncgens.ts). */
  *shutdown_asyncgens(): Coro<void> {
    yield* shutdown_asyncgens(this._rt, this);
  }

  /** ARUN-2 (base_events_executor.ts) */
  shutdown_default_executor(): Coro<void> {
    return executor_part.shutdown_default_executor(this);
  }

  _do_shutdown(future: Future<null>): Blocking<void> {
    return executor_part._do_shutdown(this, future);
  }

  /** DEBUG-1.1 */
  get_debug(): boolean {
    return this._debug;
  }

  /** DEBUG-1.1. A running loop updates its coroutine origin tracking in its own thread (a no-op here: no trace shows it). */
  set_debug(enabled: boolean): void {
    this._debug = enabled;
    // Stryker disable next-line ConditionalExpression: not in any trace: the callback queued updates coroutine origin tracking, which no statement observes
    if (this.is_running()) this.call_soon_threadsafe(() => {});
  }

  /** ERR-1.1 */
  get_exception_handler(): ExceptionHandler | null {
    return this._exception_handler;
  }

  /** ERR-1.1: a callable or None; anything else is a TypeError, and the handler stays. */
  set_exception_handler(handler: unknown): void {
    if (handler !== null && typeof handler !== 'function') {
      const repr = typeof handler === 'string' ? pyStrRepr(handler) : String(handler);
      throw new PyError('TypeError', `A callable object or None is expected, got ${repr}`);
    }
    this._exception_handler = handler as ExceptionHandler | null;
  }

  /** The default exception handler logs; the simulation keeps the log on the runtime. */
  // Stryker disable next-line BlockStatement: not in any trace: default_exception_handler writes rt.log only; the trace has no log
  default_exception_handler(context: ExceptionContext): void {
    const e = context.exception;
    // Stryker disable next-line StringLiteral: not in any trace: default_exception_handler writes rt.log only; the trace has no log
    this._rt.log.push(e ? `${context.message}: ${e.type}(${pyStrRepr(e.message)})` : context.message);
  }

  /**
   * ERR-1.3: the handler with (loop, context), in the calling thread, or the default one when
   * none is set; ERR-1.4: what the handler raises goes to the default handler, never further.
   */
  *call_exception_handler(context: ExceptionContext): Blocking<void> {
    const handler = this._exception_handler;
    if (handler === null) {
      this.default_exception_handler(context);
      return;
    }
    try {
      const r = handler(this, context);
      // Stryker disable next-line ConditionalExpression: equivalent: a program's handler is a generator function (conformance/adapters/handlers.ts)
      if (isGenerator(r)) yield* r as Blocking<unknown>;
    } catch (exc) /* Stryker disable next-line BlockStatement: not in any trace: a handler's error goes to default_exception_handler, which writes rt.log only */ {
      if (!(exc instanceof PyError)) throw exc;
      // Stryker disable next-line ObjectLiteral,StringLiteral: not in any trace: default_exception_handler writes rt.log only
      this.default_exception_handler({ message: 'Unhandled error in exception handler', exception: exc });
    }
  }

  /** One full iteration: select, move due timers to ready, run what was ready then. */
  *_run_once(): Blocking<void> {
    // Remove delayed calls that were cancelled from head of queue.
    // Stryker disable next-line ConditionalExpression: equivalent: a cancelled head only shortens a select timeout; skipped when due
    while (this._scheduled.length && this._scheduled[0]._cancelled) {
      // Stryker disable next-line BooleanLiteral: equivalent: TimerHandle._scheduled is written, never read
      heapPop(this._scheduled)._scheduled = false;
    }

    let timeout: number | null = null;
    if (this._ready.length || this._stopping) {
      timeout = 0;
    } else if (this._scheduled.length) {
      const when = this._scheduled[0]._when;
      timeout = Math.min(Math.max(0, when - this.time()), MAXIMUM_SELECT_TIMEOUT);
    }

    yield* this._selector.select(timeout);

    // Handle 'later' callbacks that are ready. (SCHED-2)
    // TIME-1.3: a timer is taken once due within the clock's resolution, never earlier.
    const end_time = this.time() + this._clock_resolution;
    while (this._scheduled.length) {
      // Stryker disable next-line EqualityOperator: not compared: a deadline exactly at now + clock resolution is decided by real elapsed time in CPython (the killed mutants of this line are ignored with it)
      if (this._scheduled[0]._when >= end_time) break;
      const handle = heapPop(this._scheduled);
      // Stryker disable next-line BooleanLiteral: equivalent: TimerHandle._scheduled is written, never read
      handle._scheduled = false;
      this._ready.push(handle);
    }

    // Run exactly the callbacks ready now; those they schedule wait for the next iteration.
    const ntodo = this._ready.length;
    for (let i = 0; i < ntodo; i++) {
      const handle = this._ready.shift();
      if (!handle) break; // cannot happen: close() refuses a running loop
      // SCHED-5.1: cancelled after it was queued, even in this very iteration.
      if (handle._cancelled) continue;
      yield* handle._run();
    }
  }
}
