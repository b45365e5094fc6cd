/**
 * asyncio/runners.py: asyncio.run through asyncio.Runner, as 3.11 and later write it. 3.8 to
 * 3.10 have no Runner (runners.run does the same steps inline: new loop, set_event_loop,
 * run_until_complete, then cancel, shut down, set_event_loop(None), close); the program
 * language observes no difference between the two, and the one difference between versions
 * is the runShutsDownExecutor switch (3.8 has no executor shutdown step).
 */
import { PyError } from './errors.ts';
import type { BaseEventLoop } from './base_events.ts';
import type { Coro } from './futures.ts';
import { type Context, copy_context } from './contextvars.ts';
import type { Runtime } from './index.ts';
import type { Blocking } from './world.ts';

export class RunnersModule {
  constructor(readonly _rt: Runtime) {}

  *run<T>(main: Coro<T>, debug: boolean | null = null, loop_factory: (() => BaseEventLoop) | null = null): Blocking<T> {
    // RUNNER-2.3: `run(main, *, debug=None)` before 3.12: the keyword is refused at the call.
    if (loop_factory !== null && !this._rt.sw.runLoopFactory)
      throw new PyError('TypeError', "run() got an unexpected keyword argument 'loop_factory'");
    // ARUN-3: fail fast inside a running loop.
    if (this._rt.events._get_running_loop() !== null) {
      throw new PyError('RuntimeError', 'asyncio.run() cannot be called from a running event loop');
    }
    // 3.11+: `with Runner(debug=debug, loop_factory=loop_factory) as runner: return runner.run(main)`.
    const runner = new Runner(this._rt, debug, loop_factory);
    try {
      return yield* runner.run(main);
    } finally {
      yield* runner.close();
    }
  }

  /** `asyncio.Runner(loop_factory=...)`, as a program makes one (RUNNER-1; a seam for mutants). */
  Runner(loop_factory: (() => BaseEventLoop) | null): Runner {
    return new Runner(this._rt, null, loop_factory);
  }

  /** ARUN-2: cancel what is left, and let it finish. */
  *_cancel_all_tasks(loop: BaseEventLoop): Blocking<void> {
    const tasks = this._rt.tasks;
    const to_cancel = tasks.all_tasks(loop);
    if (to_cancel.length === 0) return;
    for (const task of to_cancel) task.cancel();
    yield* loop.run_until_complete(tasks.gather_return_exceptions(to_cancel));
    // Stryker disable next-line BlockStatement: not in any trace: every leftover task ends cancelled; log only
    for (const task of to_cancel) {
      if (task.cancelled()) continue;
      const exception = task.exception();
      // Stryker disable next-line BlockStatement: not in any trace: every leftover task ends cancelled; log only
      if (exception !== null) {
        // Stryker disable next-line StringLiteral: not in any trace: every leftover task ends cancelled; log only
        yield* loop.call_exception_handler({ message: 'unhandled exception during asyncio.run() shutdown', exception });
      }
    }
  }
}

/**
 * asyncio.Runner (3.11+ as a public name, RUNNER-1 and RUNNER-2; asyncio.run's in every
 * version): no SIGINT handling (left out of both rules).
 */
export class Runner {
  private _state: 'CREATED' | 'INITIALIZED' | 'CLOSED' = 'CREATED';
  private _loop: BaseEventLoop | null = null;
  private _set_event_loop = false;
  /** RUNNER-2.2: the context copied by _lazy_init, every run's without context=. */
  private _context: Context | null = null;

  constructor(
    protected readonly _rt: Runtime,
    private readonly _debug: boolean | null = null,
    private readonly _loop_factory: (() => BaseEventLoop) | null = null,
  ) {}

  /** RUNNER-2.1: `with R as W`: initialized on entry, W is R. */
  __enter__(): this {
    this._lazy_init();
    return this;
  }

  /** RUNNER-2.1: closed on leaving the block, however it is left (the exception goes on: returns None). */
  *__exit__(): Blocking<void> {
    yield* this.close();
  }

  /** RUNNER-1.1: the runner's loop, made by the first call. */
  get_loop(): BaseEventLoop {
    this._lazy_init();
    return this._loop!;
  }

  *run<T>(coro: Coro<T>, context: Context | null = null): Blocking<T> {
    if (this._rt.events._get_running_loop() !== null) {
      throw new PyError('RuntimeError', 'Runner.run() cannot be called from a running event loop');
    }
    this._lazy_init();
    // RUNNER-2.2: `if context is None: context = self._context`.
    const task = yield* this._loop!.create_task(coro, context ?? this._context);
    return yield* this._loop!.run_until_complete(task);
  }

  *close(): Blocking<void> {
    if (this._state !== 'INITIALIZED') return;
    const loop = this._loop!;
    try {
      yield* this._rt.runners._cancel_all_tasks(loop);
      yield* loop.run_until_complete(loop.shutdown_asyncgens());
      // ARUN-2 (runShutsDownExecutor): 3.8's asyncio.run has no shutdown_default_executor step
      // (3.9+ joins the default executor's workers here); loop.close() then shuts it down
      // without waiting.
      // Stryker disable next-line ConditionalExpression: not in any trace: under 3.8 a job outliving asyncio.run is a race, left out of the model (the killed mutants of this line are ignored with it)
      if (this._rt.sw.runShutsDownExecutor) yield* loop.run_until_complete(loop.shutdown_default_executor());
    } finally {
      // ARUN-4: the thread is left without a current loop (set_event_loop(None) counts as a
      // call, so get_event_loop no longer creates one implicitly).
      if (this._set_event_loop) this._rt.events.set_event_loop(null);
      loop.close();
      this._loop = null;
      this._state = 'CLOSED';
    }
  }

  private _lazy_init(): void {
    if (this._state === 'CLOSED') throw new PyError('RuntimeError', 'Runner is closed');
    if (this._state === 'INITIALIZED') return;
    // ARUN-1, RUNNER-1.2: a new loop, made current for the duration; with loop_factory, neither.
    if (this._loop_factory === null) {
      this._loop = this._rt.events.new_event_loop() as BaseEventLoop;
      // Stryker disable next-line ConditionalExpression: equivalent: the flag is false at the one _lazy_init call (the killed mutants of this line are ignored with it)
      if (!this._set_event_loop) {
        this._rt.events.set_event_loop(this._loop);
        this._set_event_loop = true;
      }
    } else this._loop = this._loop_factory();
    // DEBUG-1.2: `if self._debug is not None: self._loop.set_debug(self._debug)` (3.8 to 3.10: run does it inline).
    if (this._debug !== null) this._loop!.set_debug(this._debug);
    // RUNNER-2.2: `self._context = contextvars.copy_context()`, once.
    this._context = copy_context(this._rt.world);
    this._state = 'INITIALIZED';
  }
}
