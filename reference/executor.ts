/**
 * concurrent.futures, reduced: a thread-pool executor whose workers are simulated threads
 * (cooperative, see world.ts), and its Future, whose done callbacks run in the thread
 * that completes it.
 */
import { PyError } from './errors.ts';
import type { Runtime } from './index.ts';
import { Thread, isGenerator, type Blocking } from './world.ts';

/** concurrent.futures.CancelledError: named CancelledError, but not asyncio's (since 3.8): it ends no coroutine (RCT-1.2). */
export class ConcurrentCancelledError extends PyError {
  constructor() {
    super('CancelledError', '');
  }
}

export class ConcurrentFuture<T = unknown> {
  _state: 'PENDING' | 'RUNNING' | 'CANCELLED' | 'CANCELLED_AND_NOTIFIED' | 'FINISHED' = 'PENDING';
  _result: T | undefined = undefined;
  _exception: PyError | null = null;
  private _done_callbacks: Array<(f: ConcurrentFuture<T>) => void> = [];

  cancel(): boolean {
    // Stryker disable next-line ConditionalExpression: equivalent: a RUNNING future is cancelled only through its asyncio future, cancelled already, so its callbacks copy nothing (run_coroutine_threadsafe's goes RUNNING and FINISHED in one step; the killed mutants of this line are ignored with it)
    if (this._state === 'RUNNING' || this._state === 'FINISHED') return false;
    // Stryker disable next-line ConditionalExpression: equivalent: a second cancel() returns True either way, its callbacks ran already, and nothing reads the NOTIFIED half of the state after (the killed mutants of this line are ignored with it)
    if (this._state === 'CANCELLED' || this._state === 'CANCELLED_AND_NOTIFIED') return true;
    this._state = 'CANCELLED';
    this._invoke_callbacks();
    return true;
  }
  cancelled(): boolean {
    return this._state === 'CANCELLED' || this._state === 'CANCELLED_AND_NOTIFIED';
  }
  done(): boolean {
    return this.cancelled() || this._state === 'FINISHED';
  }
  /** False if the future was cancelled before a worker picked it up: the call is skipped. */
  set_running_or_notify_cancel(): boolean {
    if (this._state === 'CANCELLED') {
      this._state = 'CANCELLED_AND_NOTIFIED';
      return false;
    }
    this._state = 'RUNNING';
    return true;
  }
  /** RCT-1.1: with a timeout (the language passes 0), a future not done raises TimeoutError instead of waiting. */
  result(timeout?: number): T {
    // Stryker disable next-line ConditionalExpression: equivalent: without a timeout it is called only on a done future (_copy_future_state); the language's CF calls pass 0 (the killed mutants of this line are ignored with it)
    if (timeout !== undefined && !this.done()) throw new PyError('TimeoutError', '');
    if (this.cancelled()) throw new ConcurrentCancelledError();
    if (this._exception) throw this._exception;
    return this._result as T;
  }
  exception(timeout?: number): PyError | null {
    // Stryker disable next-line ConditionalExpression: equivalent: without a timeout it is called only on a done future (_copy_future_state); the language's CF calls pass 0 (the killed mutants of this line are ignored with it)
    if (timeout !== undefined && !this.done()) throw new PyError('TimeoutError', '');
    if (this.cancelled()) throw new ConcurrentCancelledError();
    return this._exception;
  }
  set_result(result: T): void {
    this._result = result;
    this._state = 'FINISHED';
    this._invoke_callbacks();
  }
  set_exception(exc: PyError): void {
    this._exception = exc;
    this._state = 'FINISHED';
    this._invoke_callbacks();
  }
  add_done_callback(fn: (f: ConcurrentFuture<T>) => void): void {
    if (!this.done()) this._done_callbacks.push(fn);
    else fn(this);
  }
  private _invoke_callbacks(): void {
    for (const cb of this._done_callbacks.splice(0)) {
      try {
        cb(this);
        // Stryker disable next-line BlockStatement: equivalent: a PyError is swallowed either way; anything else is a bug of the reference, which no program can make
      } catch (e) {
        // Stryker disable next-line ConditionalExpression: equivalent: as above (only a reference bug throws a non-PyError here)
        if (!(e instanceof PyError)) throw e; // logged by concurrent.futures
      }
    }
  }
}

/**
 * ThreadPoolExecutor: a submission goes to an idle worker if there is one (a worker is idle
 * once it has finished its jobs), else to a new worker named '<prefix>_<n>'. Workers stay
 * alive, waiting for jobs, until the pool shuts down.
 */
export class ThreadPoolExecutor {
  readonly _threads: Thread[] = [];
  _shutdown = false;

  constructor(
    private readonly _rt: Runtime,
    private readonly _thread_name_prefix: string,
  ) {}

  submit<T>(fn: () => T | Blocking<T>): ConcurrentFuture<T> {
    // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent: _check_default_executor refuses first
    if (this._shutdown) throw new PyError('RuntimeError', 'cannot schedule new futures after shutdown');
    const f = new ConcurrentFuture<T>();
    const world = this._rt.world;
    // Stryker disable next-line ArrowFunction,BooleanLiteral: not in any trace: which worker takes a job is thread scheduling
    let worker = this._threads.find((t) => !t.busy());
    // Stryker disable next-line ConditionalExpression: not in any trace: which worker takes a job is thread scheduling
    if (!worker) {
      // Stryker disable next-line StringLiteral: not compared: worker name: EXEC-2.2 compares the message prefix only
      worker = new Thread(world, world.currentProcess, `${this._thread_name_prefix}_${this._threads.length}`, false);
      worker.state = 'started';
      // Stryker disable next-line BooleanLiteral: not compared: keepAlive shows only in is_alive, i.e. os.fork's multi-threaded warning
      worker.keepAlive = true; // waits for work until shutdown
      this._threads.push(worker);
    }
    // The worker takes the job at once (as a free worker does in CPython, at the loop's next
    // select at the latest), so cancelling the asyncio future can no longer skip the call;
    // the call itself runs when the worker thread gets to run.
    f.set_running_or_notify_cancel();
    world.schedule(worker, function* (): Blocking<void> {
      let result: T;
      try {
        const r = fn();
        result = isGenerator(r) ? yield* r as Blocking<T> : (r as T);
      } catch (e) {
        if (!(e instanceof PyError)) throw e;
        f.set_exception(e);
        return;
      }
      f.set_result(result);
    });
    return f;
  }

  /** shutdown(wait=False): idle workers exit; busy ones exit after their jobs. */
  // Stryker disable next-line BlockStatement: not compared: feeds only is_alive (fork warning)
  shutdown(): void {
    // Stryker disable next-line BooleanLiteral: equivalent: _shutdown is never read in practice: _check_default_executor refuses first
    this._shutdown = true;
    // Stryker disable next-line BlockStatement: not compared: feeds only is_alive (fork warning)
    for (const t of this._threads) {
      // Stryker disable next-line BooleanLiteral: not compared: feeds only is_alive (fork warning)
      t.keepAlive = false;
      // Stryker disable next-line BooleanLiteral,ConditionalExpression: not compared: feeds only is_alive (fork warning)
      if (!t.busy()) t.state = 'stopped';
    }
  }

  /** shutdown(wait=True): also joins the workers. */
  *shutdown_and_wait(): Blocking<void> {
    this.shutdown();
    for (const t of this._threads) yield* t.join();
  }
}
