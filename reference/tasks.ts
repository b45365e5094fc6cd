/**
 * asyncio/tasks.py: Task (a coroutine stepped by the loop), and the module functions
 * current_task, create_task, sleep, all_tasks, gather, ensure_future.
 */
import { escapes, PyError } from './errors.ts';
import type { BaseEventLoop } from './base_events.ts';
import { Future, _set_result_unless_cancelled, iscoroutine, isfuture, type Coro, type YieldItem } from './futures.ts';
import type { Runtime } from './index.ts';
import { ProcessLocal, Wait, type Blocking } from './world.ts';
import { type Context, copy_context } from './contextvars.ts';
import { ConcurrentFuture } from './executor.ts';

export class Task<T = unknown> extends Future<T> {
  static override pyName = 'Task';
  _must_cancel = false;
  _fut_waiter: Future<unknown> | null = null;
  _num_cancels_requested = 0;
  /** TASK-6: get_name()'s value: str(name=), or 'Task-<n>' from the process's counter. */
  _name: string;

  /** TFACT-1.3: made with eager_start on a running loop, its first step is still to run (__eager_start). */
  _eager_pending = false;
  readonly _context: Context;

  constructor(
    readonly _coro: Coro<T>,
    loop: BaseEventLoop,
    eager_start = false,
    context: Context | null = null,
    name: unknown = null,
  ) {
    super(loop);
    // CTX-1.3: every step runs in this context (CPython: call_soon(self.__step, context=self._context)).
    this._context = context ?? copy_context(loop._rt.world);
    // Stryker disable next-line StringLiteral: not in any trace: only fresh coroutines are passed
    // Stryker disable next-line ConditionalExpression: not in any trace: every statement passes a fresh coroutine (the killed mutants of this line are ignored with it)
    if (!iscoroutine(_coro)) throw new PyError('TypeError', `a coroutine was expected, got ${String(_coro)}`);
    const mod = loop._rt.tasks;
    // TASK-6.2: without a name, the process's counter's next number; TASK-6.1: else str(name).
    this._name = name === null ? `Task-${mod._task_name_counter.value++}` : _str(name);
    // TFACT-1.3: eager_start on a running loop: the first step runs now (__eager_start), not from the loop.
    if (eager_start && this._loop.is_running()) {
      this._eager_pending = true;
      return;
    }
    // TASK-1: the coroutine runs only when the loop calls __step.
    this._loop.call_soon(() => this.__step());
    mod._register_task(this as Task);
  }

  /** TFACT-1.3: the first step, inside create_task, with this task current on its loop (then the one before it again). */
  *__eager_start(): Blocking<void> {
    // Stryker disable next-line BooleanLiteral: equivalent: eager_task_factory reads the flag once, before __eager_start
    this._eager_pending = false;
    const mod = this._loop._rt.tasks;
    const prev = mod._swap_current_task(this._loop, this as Task);
    try {
      // CANCEL-1.6: all_tasks() counts the task while its first step runs (3.12+ tasks.py _eager_tasks).
      mod._eager_tasks.value.add(this as Task);
      try {
        yield* this._context.run(this._loop._rt.world, () => this.__step_run_and_handle_result(null));
      } finally {
        mod._eager_tasks.value.delete(this as Task);
      }
    } finally {
      mod._swap_current_task(this._loop, prev);
      // Stryker disable next-line ConditionalExpression: equivalent: registering a done task too changes nothing, all_tasks (the only reader) leaves done tasks out (the killed mutants of this line are ignored with it)
      if (!this.done()) mod._register_task(this as Task);
    }
  }

  /** TASK-6.1 */
  get_name(): string {
    return this._name;
  }

  /** TASK-6.1: str(value). */
  set_name(value: unknown): void {
    this._name = _str(value);
  }

  override repr(): string {
    // Stryker disable next-line MethodExpression,StringLiteral: not in any trace: task reprs only in errors the guards exclude
    return `<Task ${this._state.toLowerCase()} name='${this._name}' coro=<coro()>>`;
  }

  /** Throws CancelledError into the coroutine at its next step (or cancels what it awaits). */
  override cancel(msg: string | null = null): boolean {
    // CANCEL-1.4: 3.8's C Task.cancel takes no argument.
    if (msg !== null && !this._loop._rt.sw.cancelMessage) throw new PyError('TypeError', 'cancel() takes no arguments (1 given)');
    if (this.done()) return false;
    this._num_cancels_requested += 1;
    // Stryker disable next-line BlockStatement: not compared: only asyncio.run's shutdown iterations differ (unspecified)
    if (this._fut_waiter !== null) {
      // Stryker disable next-line BooleanLiteral: equivalent: Task.cancel's result is ignored or ends the same
      if (this._fut_waiter.cancel(msg)) return true;
    }
    this._must_cancel = true;
    this._cancel_message = msg;
    // Stryker disable next-line BooleanLiteral: equivalent: Task.cancel's result is ignored or ends the same
    return true;
  }

  /** CANCEL-1.5 (3.11+): the count of cancel() calls on the task while not done, less uncancel()s. */
  cancelling(): number {
    return this._num_cancels_requested;
  }

  uncancel(): number {
    if (this._num_cancels_requested > 0) this._num_cancels_requested -= 1;
    return this._num_cancels_requested;
  }

  *__step(exc: PyError | null = null): Blocking<void> {
    // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent: a done task is never stepped
    if (this.done()) throw new PyError('InvalidStateError', `_step(): already done: ${this.repr()}`);
    if (this._must_cancel) {
      // Stryker disable next-line StringLiteral: equivalent: a fresh CancelledError(''): same class and message
      // Stryker disable next-line ConditionalExpression: equivalent: a fresh CancelledError('') has the same class and message (no cancel messages) (the killed mutants of this line are ignored with it)
      if (!(exc instanceof PyError && exc.type === 'CancelledError')) exc = this._make_cancelled_error();
      // Stryker disable next-line BooleanLiteral: equivalent: the coroutine re-raises the CancelledError; the task ends
      this._must_cancel = false;
    }
    this._fut_waiter = null;
    const mod = this._loop._rt.tasks;
    // TASK-3: this task is current on its loop while its coroutine runs.
    mod._enter_task(this._loop, this as Task);
    try {
      // CTX-1.3: the step in the task's context (here entered by __step, not by its Handle).
      yield* this._context.run(this._loop._rt.world, () => this.__step_run_and_handle_result(exc));
    } finally {
      mod._leave_task(this._loop, this as Task);
    }
  }

  private *__step_run_and_handle_result(exc: PyError | null): Blocking<void> {
    let r: IteratorResult<YieldItem, T>;
    try {
      r = exc === null ? this._coro.next() : this._coro.throw(exc);
      // The coroutine blocked its thread (a join, a fork...): the whole step waits.
      while (!r.done && r.value instanceof Wait) {
        yield r.value;
        r = this._coro.next();
      }
    } catch (e) {
      if (!(e instanceof PyError)) throw e;
      // TASK-2: the coroutine's exception is the task's; CancelledError cancels the task.
      if (e.type === 'CancelledError') {
        this._cancelled_exc = e;
        super.cancel();
      } else {
        super.set_exception(e);
        // ERR-2.2: `except (KeyboardInterrupt, SystemExit) as exc: super().set_exception(exc); raise`
        if (escapes(e)) throw e;
      }
      return;
    }
    if (r.done) {
      // Stryker disable next-line BlockStatement,ConditionalExpression: not in any trace: needs a task cancelled during its own step
      if (this._must_cancel) {
        // Task is cancelled right before coro stops.
        // Stryker disable next-line BooleanLiteral: not in any trace: needs a task cancelled during its own step
        this._must_cancel = false;
        super.cancel(this._cancel_message);
      } else {
        super.set_result(r.value);
      }
      return;
    }
    const result = r.value as Future<unknown> | null;
    if (result === null) {
      // TASK-5: a bare yield relinquishes control for one loop iteration.
      // Stryker disable ConditionalExpression: equivalent: (`else if` below) only flagged futures, null or Wait are yielded
      this._loop.call_soon(() => this.__step());
    } else if (isfuture(result) && result._asyncio_future_blocking) {
      // Stryker restore ConditionalExpression
      // Stryker disable next-line BlockStatement: not in any trace: awaiting another loop's future is OutOfModel
      if (result.get_loop() !== this._loop) {
        // Stryker disable next-line StringLiteral: not in any trace: awaiting another loop's future is OutOfModel
        const new_exc = new PyError('RuntimeError', `Task ${this.repr()} got Future ${result.repr()} attached to a different loop`);
        // Stryker disable BlockStatement,ConditionalExpression: not in any trace: (`else if` below) a task awaiting itself is OutOfModel
        // Stryker disable next-line ArrowFunction: not in any trace: awaiting another loop's future is OutOfModel
        this._loop.call_soon(() => this.__step(new_exc));
      } else if (result === this) {
        // Stryker restore BlockStatement,ConditionalExpression
        // Stryker disable next-line StringLiteral: not in any trace: a task awaiting itself is OutOfModel (repr with an address)
        const new_exc = new PyError('RuntimeError', `Task cannot await on itself: ${this.repr()}`);
        // Stryker disable next-line ArrowFunction: not in any trace: a task awaiting itself is OutOfModel (repr with an address)
        this._loop.call_soon(() => this.__step(new_exc));
      } else {
        // Stryker disable next-line BooleanLiteral: equivalent: Future.await sets the flag again before each yield
        result._asyncio_future_blocking = false;
        result.add_done_callback(this.__wakeup);
        this._fut_waiter = result;
        // Stryker disable next-line BlockStatement: not in any trace: needs a task cancelled during its own step
        if (this._must_cancel) {
          // Stryker disable BlockStatement: equivalent: (`else` below) the interpreter yields only futures, null or Wait
          // Stryker disable next-line BooleanLiteral,ConditionalExpression: not in any trace: needs a task cancelled during its own step
          if (this._fut_waiter.cancel(this._cancel_message)) this._must_cancel = false;
        }
      }
    } else {
      // Stryker restore BlockStatement
      // Stryker disable next-line StringLiteral: equivalent: bad yield: the interpreter yields only futures, null or Wait
      const new_exc = new PyError('RuntimeError', `Task got bad yield: ${String(result)}`);
      // Stryker disable next-line ArrowFunction: equivalent: bad yield: the interpreter yields only futures, null or Wait
      this._loop.call_soon(() => this.__step(new_exc));
    }
  }

  /** The awaited future is done: step again, throwing its exception in if it has one. */
  private readonly __wakeup = (future: Future<unknown>): Blocking<void> => {
    // Stryker disable next-line BlockStatement: equivalent: Future.await's own result() raises the same exception at the same statement
    try {
      future.result();
    } catch (e) /* Stryker disable next-line BlockStatement: equivalent: Future.await's result() raises it at the same statement */ {
      if (!(e instanceof PyError)) throw e;
      return this.__step(e);
    }
    return this.__step();
  };
}

/** str(x) of the values a program passes as a task name (TASK-6.1). */
export function _str(x: unknown): string {
  if (x === null) return 'None';
  // Stryker disable next-line ConditionalExpression,StringLiteral: not in any trace: the language passes no bool as a name (TaskName: a str, an int or None)
  if (typeof x === 'boolean') return x ? 'True' : 'False';
  return String(x);
}

/** create_task's keyword arguments for the factory (TASK-6.5: 3.14 passes name=). */
export interface TaskKwargs {
  name?: unknown;
}

/** TFACT-1.3: `asyncio.eager_task_factory` (3.12+): a Task made with eager_start=True, its first step run now on a running loop. */
function* eager_task_factory(loop: BaseEventLoop, coro: Coro<unknown>, kwargs: TaskKwargs = {}): Blocking<Task> {
  const task = new loop._rt.Task(coro, loop, true, null, kwargs.name ?? null) as Task;
  if (task._eager_pending) yield* task.__eager_start();
  return task;
}

/** The module-level state and functions of tasks.py. */
export class TasksModule {
  /** `_current_tasks`: {loop: task}, a process global. */
  readonly _current_tasks: ProcessLocal<Map<BaseEventLoop, Task>>;
  /** `_scheduled_tasks`: every task not yet collected (a WeakSet in CPython), in creation order. */
  readonly _scheduled_tasks: ProcessLocal<Set<Task>>;
  /** `_eager_tasks` (3.12+): the tasks whose first step runs now, inside create_task (TFACT-1.3). */
  readonly _eager_tasks: ProcessLocal<Set<Task>>;
  readonly _task_name_counter: ProcessLocal<number>;

  constructor(readonly _rt: Runtime) {
    const w = _rt.world;
    this._current_tasks = new ProcessLocal(
      w,
      () => new Map(),
      (m) => new Map(m),
    );
    this._scheduled_tasks = new ProcessLocal(
      w,
      () => new Set(),
      (s) => new Set(s),
    );
    this._eager_tasks = new ProcessLocal(
      w,
      () => new Set(),
      (s) => new Set(s),
    );
    this._task_name_counter = new ProcessLocal(w, () => 1);
  }

  /** TASK-3, TASK-4: the task being stepped on the (running) loop, or None. */
  current_task(loop: BaseEventLoop | null = null): Task | null {
    // Stryker disable next-line ConditionalExpression: equivalent: current_task is always called without a loop
    if (loop === null) loop = this._rt.events.get_running_loop() as BaseEventLoop;
    return this._current_tasks.value.get(loop) ?? null;
  }

  all_tasks(loop: BaseEventLoop | null = null): Task[] {
    // Stryker disable next-line ConditionalExpression: equivalent: all_tasks is always called with a loop (the killed mutants of this line are ignored with it)
    if (loop === null) loop = this._rt.events.get_running_loop() as BaseEventLoop;
    const tasks = [...this._scheduled_tasks.value, ...this._eager_tasks.value];
    return tasks.filter((t) => t.get_loop() === loop && !t.done());
  }

  /** CTX-1.3: context= from 3.11 (createTaskContext); before, an unexpected keyword argument. */
  *create_task<T>(coro: Coro<T>, context: Context | null = null, kwargs: TaskKwargs = {}): Blocking<Task<T>> {
    if (context !== null && !this._rt.sw.createTaskContext)
      throw new PyError('TypeError', "create_task() got an unexpected keyword argument 'context'");
    const loop = this._rt.events.get_running_loop() as BaseEventLoop;
    // TASK-6.2: 3.13+ pass name= on to loop.create_task; 3.8 to 3.12 name the task afterwards (_set_task_name).
    if (this._rt.sw.createTaskPassesName) return (yield* loop.create_task(coro, context, kwargs)) as Task<T>;
    const task = (yield* loop.create_task(coro, context)) as Task<T>;
    if (kwargs.name !== undefined && kwargs.name !== null) task.set_name(kwargs.name);
    return task;
  }

  /** TFACT-1.3: `asyncio.eager_task_factory` (3.12+; undefined before: the attribute does not exist). */
  get eager_task_factory(): ((loop: BaseEventLoop, coro: Coro<unknown>, kwargs?: TaskKwargs) => Blocking<Task>) | undefined {
    return this._rt.sw.eagerTaskFactory ? eager_task_factory : undefined;
  }

  /** tasks._swap_current_task: makes `task` the current task of `loop`; returns the one before. */
  _swap_current_task(loop: BaseEventLoop, task: Task | null): Task | null {
    const prev = this._current_tasks.value.get(loop) ?? null;
    if (task === null) this._current_tasks.value.delete(loop);
    else this._current_tasks.value.set(loop, task);
    return prev;
  }

  *ensure_future<T>(coro_or_future: Future<T> | Coro<T>, loop: BaseEventLoop): Blocking<Future<T>> {
    if (isfuture<T>(coro_or_future)) {
      // Stryker disable next-line BlockStatement,ConditionalExpression: equivalent: run_until_complete gets only its own loop's futures
      if (coro_or_future.get_loop() !== loop) {
        // Stryker disable next-line StringLiteral: equivalent: run_until_complete gets only its own loop's futures
        throw new PyError('ValueError', 'The future belongs to a different loop than the one specified as the loop argument');
      }
      return coro_or_future;
    }
    // Stryker disable next-line ConditionalExpression,StringLiteral: not in any trace: only coroutines and futures are passed
    if (!iscoroutine(coro_or_future)) throw new PyError('TypeError', 'An asyncio.Future, a coroutine or an awaitable is required');
    return yield* loop.create_task(coro_or_future);
  }

  /**
   * RCT-1.1 to RCT-1.3: `run_coroutine_threadsafe(coro, loop)`: a concurrent future, and a
   * callback queued with call_soon_threadsafe that makes coro a task of loop and chains the two
   * (futures._chain_future(task, future): the task's outcome copied in the loop's thread; a
   * cancel of the future cancels the task through call_soon_threadsafe).
   */
  run_coroutine_threadsafe<T>(coro: unknown, loop: BaseEventLoop): ConcurrentFuture<T> {
    if (!iscoroutine(coro)) throw new PyError('TypeError', 'A coroutine object is required');
    const future = new ConcurrentFuture<T>();
    const self = this;
    // Run by the loop, in its thread: the task is made there, never in the caller's thread.
    function* callback(): Blocking<void> {
      try {
        self._rt.futures._chain_future(yield* self.ensure_future(coro as Coro<T>, loop), future);
      } catch (e) /* Stryker disable next-line BlockStatement: not compared: only a task factory raises here, and run_coroutine_threadsafe on a loop with a task factory is out of the model (its factory runs in the callback) */ {
        if (e instanceof PyError && future.set_running_or_notify_cancel()) future.set_exception(e);
        throw e;
      }
    }
    loop.call_soon_threadsafe(callback);
    return future;
  }

  /** `await asyncio.sleep(delay)` */
  *sleep(delay: number): Coro<null> {
    if (delay <= 0) {
      yield null; // __sleep0: a bare yield
      return null;
    }
    const loop = this._rt.events.get_running_loop() as BaseEventLoop;
    const future = loop.create_future<null>();
    const h = loop.call_later(delay, _set_result_unless_cancelled, future, null);
    try {
      return yield* future.await();
    } finally /* Stryker disable next-line BlockStatement: not in any trace: an uncancelled sleep timer fires as a no-op */ {
      h.cancel();
    }
  }

  /**
   * `gather(*children, return_exceptions=True)` (the only form the runtime needs): a future
   * that completes, with each child's result or exception, once every child is done.
   */
  gather_return_exceptions(children: Future<unknown>[]): Future<unknown[]> {
    const loop = children[0].get_loop();
    const outer = loop.create_future<unknown[]>();
    let nfinished = 0;
    const _done_callback = (): void => {
      nfinished += 1;
      // Stryker disable next-line LogicalOperator: not compared: one shutdown iteration earlier (unspecified by ARUN)
      // Stryker disable next-line ConditionalExpression: not compared: gather completing one iteration early changes only how many shutdown iterations run (the killed mutants of this line are ignored with it)
      if (outer.done() || nfinished < children.length) return;
      // Stryker disable next-line BlockStatement: equivalent: gather's results are discarded by _cancel_all_tasks
      const results = children.map((fut) => {
        // Stryker disable next-line ConditionalExpression: equivalent: gather's results are discarded by _cancel_all_tasks (the killed mutants of this line are ignored with it)
        if (fut.cancelled()) return fut._make_cancelled_error();
        // Stryker disable next-line LogicalOperator: not in any trace: no leftover task ends non-cancelled
        return fut.exception() ?? fut.result();
      });
      outer.set_result(results);
    };
    for (const fut of children) fut.add_done_callback(_done_callback);
    return outer;
  }

  _register_task(task: Task): void {
    this._scheduled_tasks.value.add(task);
  }

  _enter_task(loop: BaseEventLoop, task: Task): void {
    const current = this._current_tasks.value.get(loop);
    // Stryker disable next-line BlockStatement: not in any trace: a loop steps one task at a time (nesting is OutOfModel)
    if (current !== undefined) {
      // Stryker disable next-line StringLiteral: not in any trace: a loop steps one task at a time (nesting is OutOfModel)
      throw new PyError('RuntimeError', `Cannot enter into task ${task.repr()} while another task ${current.repr()} is being executed.`);
    }
    this._current_tasks.value.set(loop, task);
  }

  _leave_task(loop: BaseEventLoop, task: Task): void {
    const current = this._current_tasks.value.get(loop);
    // Stryker disable next-line BlockStatement: not in any trace: a loop steps one task at a time (nesting is OutOfModel)
    if (current !== task) {
      throw new PyError(
        // Stryker disable next-line StringLiteral: not in any trace: a loop steps one task at a time (nesting is OutOfModel)
        'RuntimeError',
        // Stryker disable next-line StringLiteral: not in any trace: a loop steps one task at a time (nesting is OutOfModel)
        `Leaving task ${task.repr()} does not match the current task ${current ? current.repr() : 'None'}.`,
      );
    }
    this._current_tasks.value.delete(loop);
  }
}
