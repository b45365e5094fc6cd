/**
 * asyncio/tasks.py: Task (a coroutine stepped by the loop), and the module functions
 * current_task, create_task, sleep, all_tasks, gather, ensure_future.
 */
import { PyError } from './errors.ts';
import type { BaseEventLoop } from './base_events.ts';
import { Future, _set_result_unless_cancelled, iscoroutine, isfuture, type Coro, type YieldItem } from './futures.ts';
import type { Runtime } from './index.ts';
import { ProcessLocal, Wait, type Blocking } from './world.ts';

export class Task<T = unknown> extends Future<T> {
  static override pyName = 'Task';
  _must_cancel = false;
  _fut_waiter: Future<unknown> | null = null;
  _num_cancels_requested = 0;
  readonly _name: string;

  constructor(
    readonly _coro: Coro<T>,
    loop: BaseEventLoop,
  ) {
    super(loop);
    if (!iscoroutine(_coro)) throw new PyError('TypeError', `a coroutine was expected, got ${String(_coro)}`);
    const mod = loop._rt.tasks;
    this._name = `Task-${mod._task_name_counter.value++}`;
    // TASK-1: the coroutine runs only when the loop calls __step.
    this._loop.call_soon(() => this.__step());
    mod._register_task(this as Task);
  }

  override repr(): string {
    return `<Task ${this._state.toLowerCase()} name='${this._name}' coro=<coro()>>`;
  }

  /** Throws CancelledError into the coroutine at its next step (or cancels what it awaits). */
  override cancel(msg: string | null = null): boolean {
    if (this.done()) return false;
    this._num_cancels_requested += 1;
    if (this._fut_waiter !== null) {
      if (this._fut_waiter.cancel(msg)) return true;
    }
    this._must_cancel = true;
    this._cancel_message = msg;
    return true;
  }

  *__step(exc: PyError | null = null): Blocking<void> {
    if (this.done()) throw new PyError('InvalidStateError', `_step(): already done: ${this.repr()}`);
    if (this._must_cancel) {
      if (!(exc instanceof PyError && exc.type === 'CancelledError')) exc = this._make_cancelled_error();
      this._must_cancel = false;
    }
    this._fut_waiter = null;
    const mod = this._loop._rt.tasks;
    // TASK-3: this task is current on its loop while its coroutine runs.
    mod._enter_task(this._loop, this as Task);
    try {
      yield* this.__step_run_and_handle_result(exc);
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
      }
      return;
    }
    if (r.done) {
      if (this._must_cancel) {
        // Task is cancelled right before coro stops.
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
      this._loop.call_soon(() => this.__step());
    } else if (isfuture(result) && result._asyncio_future_blocking) {
      if (result.get_loop() !== this._loop) {
        const new_exc = new PyError('RuntimeError', `Task ${this.repr()} got Future ${result.repr()} attached to a different loop`);
        this._loop.call_soon(() => this.__step(new_exc));
      } else if (result === this) {
        const new_exc = new PyError('RuntimeError', `Task cannot await on itself: ${this.repr()}`);
        this._loop.call_soon(() => this.__step(new_exc));
      } else {
        result._asyncio_future_blocking = false;
        result.add_done_callback(this.__wakeup);
        this._fut_waiter = result;
        if (this._must_cancel) {
          if (this._fut_waiter.cancel(this._cancel_message)) this._must_cancel = false;
        }
      }
    } else {
      const new_exc = new PyError('RuntimeError', `Task got bad yield: ${String(result)}`);
      this._loop.call_soon(() => this.__step(new_exc));
    }
  }

  /** The awaited future is done: step again, throwing its exception in if it has one. */
  private readonly __wakeup = (future: Future<unknown>): Blocking<void> => {
    try {
      future.result();
    } catch (e) {
      if (!(e instanceof PyError)) throw e;
      return this.__step(e);
    }
    return this.__step();
  };
}

/** The module-level state and functions of tasks.py. */
export class TasksModule {
  /** `_current_tasks`: {loop: task}, a process global. */
  readonly _current_tasks: ProcessLocal<Map<BaseEventLoop, Task>>;
  /** `_scheduled_tasks`: every task not yet collected (a WeakSet in CPython), in creation order. */
  readonly _scheduled_tasks: ProcessLocal<Set<Task>>;
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
    this._task_name_counter = new ProcessLocal(w, () => 1);
  }

  /** TASK-3, TASK-4: the task being stepped on the (running) loop, or None. */
  current_task(loop: BaseEventLoop | null = null): Task | null {
    if (loop === null) loop = this._rt.events.get_running_loop() as BaseEventLoop;
    return this._current_tasks.value.get(loop) ?? null;
  }

  all_tasks(loop: BaseEventLoop | null = null): Task[] {
    if (loop === null) loop = this._rt.events.get_running_loop() as BaseEventLoop;
    return [...this._scheduled_tasks.value].filter((t) => t.get_loop() === loop && !t.done());
  }

  create_task<T>(coro: Coro<T>): Task<T> {
    const loop = this._rt.events.get_running_loop() as BaseEventLoop;
    return loop.create_task(coro) as Task<T>;
  }

  ensure_future<T>(coro_or_future: Future<T> | Coro<T>, loop: BaseEventLoop): Future<T> {
    if (isfuture<T>(coro_or_future)) {
      if (coro_or_future.get_loop() !== loop) {
        throw new PyError('ValueError', 'The future belongs to a different loop than the one specified as the loop argument');
      }
      return coro_or_future;
    }
    if (!iscoroutine(coro_or_future)) throw new PyError('TypeError', 'An asyncio.Future, a coroutine or an awaitable is required');
    return loop.create_task(coro_or_future);
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
    } finally {
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
      if (outer.done() || nfinished < children.length) return;
      const results = children.map((fut) => {
        if (fut.cancelled()) return fut._make_cancelled_error();
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
    if (current !== undefined) {
      throw new PyError('RuntimeError', `Cannot enter into task ${task.repr()} while another task ${current.repr()} is being executed.`);
    }
    this._current_tasks.value.set(loop, task);
  }

  _leave_task(loop: BaseEventLoop, task: Task): void {
    const current = this._current_tasks.value.get(loop);
    if (current !== task) {
      throw new PyError(
        'RuntimeError',
        `Leaving task ${task.repr()} does not match the current task ${current ? current.repr() : 'None'}.`,
      );
    }
    this._current_tasks.value.delete(loop);
  }
}
