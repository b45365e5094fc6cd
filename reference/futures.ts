/**
 * asyncio/futures.py: Future, the chaining of two futures (_chain_future), and wrap_future (a
 * concurrent future seen from a loop).
 *
 * Coroutines are JS generator functions. Awaiting a future is `yield* fut.await()`; the task
 * stepping the coroutine receives the future (with `_asyncio_future_blocking` set) and waits
 * for it. A bare `yield null` relinquishes control for one loop iteration (sleep(0)).
 */
import { PyError } from './errors.ts';
import type { BaseEventLoop } from './base_events.ts';
import { ConcurrentFuture } from './executor.ts';
import type { Runtime } from './index.ts';
import type { Wait } from './world.ts';

/**
 * What a coroutine yields: a future to wait for, null for a bare yield, or a `Wait` when
 * the coroutine blocks its whole thread (a join, a fork...): the Task passes those through
 * to the scheduler.
 */
export type YieldItem = Future<unknown> | null | Wait;
/** A coroutine object: what `coro()` returns. */
export type Coro<T = unknown> = Generator<YieldItem, T, unknown>;

export function iscoroutine(x: unknown): x is Coro {
  const g = x as Partial<Coro> | null;
  // Stryker disable next-line ConditionalExpression: not in any trace: every statement passes a fresh coroutine (the killed mutants of this line are ignored with it)
  return typeof g === 'object' && g !== null && typeof g.next === 'function' && typeof g.throw === 'function';
}

export function isfuture<T = unknown>(x: unknown): x is Future<T> {
  return x instanceof Future;
}

type DoneCallback<T> = (fut: Future<T>) => unknown;

export class Future<T = unknown> {
  // Stryker disable next-line StringLiteral: not in any trace: no variable holds a plain Future, so no message names its type
  static pyName = 'Future';
  _state: 'PENDING' | 'CANCELLED' | 'FINISHED' = 'PENDING';
  _result: T | undefined = undefined;
  _exception: PyError | null = null;
  _callbacks: DoneCallback<T>[] = [];
  _cancel_message: string | null = null;
  _cancelled_exc: PyError | null = null;
  // Stryker disable next-line BooleanLiteral: equivalent: the flag is read only after Future.await sets it
  _asyncio_future_blocking = false;

  constructor(readonly _loop: BaseEventLoop) {}

  get_loop(): BaseEventLoop {
    return this._loop;
  }

  _make_cancelled_error(): PyError {
    // Stryker disable next-line BlockStatement: not in any trace: same class; only a cancel message (never given) would differ
    // CANCEL-1.4: 3.11+ give the coroutine's own CancelledError (once); 3.9 and 3.10 a new one with _cancel_message.
    if (this._cancelled_exc !== null && this._loop._rt.sw.cancelledErrorKept) {
      const exc = this._cancelled_exc;
      this._cancelled_exc = null;
      return exc;
    }
    return new PyError('CancelledError', this._cancel_message ?? '');
  }

  cancel(msg: string | null = null): boolean {
    // Stryker disable next-line ConditionalExpression: equivalent: cancelling a done waiter raises the same CancelledError at the wake-up (the killed mutants of this line are ignored with it)
    if (this._state !== 'PENDING') return false;
    this._state = 'CANCELLED';
    this._cancel_message = msg;
    this.__schedule_callbacks();
    // Stryker disable next-line BooleanLiteral: equivalent: both paths throw one CancelledError at the next step
    return true;
  }

  /** FUT-1: done callbacks are scheduled with call_soon on the future's loop, in the order added, never called here. */
  private __schedule_callbacks(): void {
    const callbacks = this._callbacks.slice();
    this._callbacks.length = 0;
    for (const cb of callbacks) this._loop.call_soon(cb, this);
  }

  cancelled(): boolean {
    return this._state === 'CANCELLED';
  }

  done(): boolean {
    return this._state !== 'PENDING';
  }

  result(): T {
    if (this._state === 'CANCELLED') throw this._make_cancelled_error();
    // FUT-1: a pending future has no result yet (the C Future's message; the pure-Python one says 'Result is not ready.').
    if (this._state !== 'FINISHED') throw new PyError('InvalidStateError', 'Result is not set.');
    if (this._exception !== null) throw this._exception;
    return this._result as T;
  }

  exception(): PyError | null {
    // Stryker disable next-line ConditionalExpression: not in any trace: every leftover task ends cancelled; the language cancels no future
    if (this._state === 'CANCELLED') throw this._make_cancelled_error();
    // FUT-1: a pending future has no exception yet.
    if (this._state !== 'FINISHED') throw new PyError('InvalidStateError', 'Exception is not set.');
    return this._exception;
  }

  /** FUT-1: on a done future the callback is scheduled at once, with call_soon; else when it is done. */
  add_done_callback(fn: DoneCallback<T>): void {
    if (this._state !== 'PENDING') this._loop.call_soon(fn, this);
    else this._callbacks.push(fn);
  }

  remove_done_callback(fn: DoneCallback<T>): number {
    const kept = this._callbacks.filter((f) => f !== fn);
    // Stryker disable next-line ArithmeticOperator: equivalent: the count is ignored by the only caller
    const removed = this._callbacks.length - kept.length;
    this._callbacks = kept;
    return removed;
  }

  set_result(result: T): void {
    // FUT-1: a done future cannot be set again (the C Future's message; the pure-Python one is '<state>: <repr>').
    // Stryker disable next-line StringLiteral: not compared: FUT-1.3 compares the class of a second set only (the pure-Python Future words it otherwise)
    if (this._state !== 'PENDING') throw new PyError('InvalidStateError', 'invalid state');
    this._result = result;
    this._state = 'FINISHED';
    this.__schedule_callbacks();
  }

  set_exception(exception: PyError): void {
    // FUT-1: a done future cannot be set again (the C Future's message; the pure-Python one is '<state>: <repr>').
    // Stryker disable next-line StringLiteral: not compared: FUT-1.3 compares the class of a second set only (the pure-Python Future words it otherwise)
    if (this._state !== 'PENDING') throw new PyError('InvalidStateError', 'invalid state');
    this._exception = exception;
    this._state = 'FINISHED';
    this.__schedule_callbacks();
  }

  /** `__await__`: yields itself to the task until done, then returns the result. */
  *await(): Coro<T> {
    if (!this.done()) {
      this._asyncio_future_blocking = true;
      yield this as Future<unknown>; // tells the Task to wait for completion
    }
    // Stryker disable next-line StringLiteral: equivalent: a task resumes the coroutine only once the future is done
    // Stryker disable next-line ConditionalExpression: equivalent: a task resumes the coroutine only once the future is done (the killed mutants of this line are ignored with it)
    if (!this.done()) throw new PyError('RuntimeError', "await wasn't used with future");
    return this.result();
  }

  repr(): string {
    // Stryker disable next-line MethodExpression,StringLiteral: equivalent: repr appears only in unreachable InvalidStateError messages
    return `<Future ${this._state.toLowerCase()}>`;
  }
}

export function _set_result_unless_cancelled<T>(fut: Future<T>, result: T): void {
  // Stryker disable next-line ConditionalExpression: equivalent: sleep cancels its timer when its future is cancelled (the killed mutants of this line are ignored with it)
  if (fut.cancelled()) return;
  fut.set_result(result);
}

/** Either kind of future _chain_future links: an asyncio future (of a loop) or a concurrent one (of none). */
type AnyFuture<T> = Future<T> | ConcurrentFuture<T>;

/**
 * What `_chain_future`'s closures see: the two futures it links and their loops (None for a
 * concurrent future). CPython's closures are one chain's; here they are the module's methods,
 * given the chain, so that a patch of one of them acts on every chain of the runtime.
 */
export interface Chain<T> {
  readonly source: AnyFuture<T>;
  readonly destination: AnyFuture<T>;
  readonly source_loop: BaseEventLoop | null;
  readonly dest_loop: BaseEventLoop | null;
}

/** The module-level functions of futures.py that link two futures (RCT-1): run_coroutine_threadsafe's and wrap_future's. */
export class FuturesModule {
  constructor(readonly _rt: Runtime) {}

  /** `_set_concurrent_future_state(concurrent, source)`: a done asyncio future's state copied to a concurrent future. */
  _set_concurrent_future_state<T>(concurrent: ConcurrentFuture<T>, source: Future<T>): void {
    if (source.cancelled()) concurrent.cancel();
    // False when the concurrent future was cancelled first: it keeps that state.
    if (!concurrent.set_running_or_notify_cancel()) return;
    const exception = source.exception();
    if (exception !== null) concurrent.set_exception(exception);
    else concurrent.set_result(source.result());
  }

  /** `_copy_future_state(source, dest)`: a done future's state copied to an asyncio future, unless that was cancelled. */
  _copy_future_state<T>(source: AnyFuture<T>, dest: Future<T>): void {
    // Stryker disable next-line ConditionalExpression: not in any trace: the failing set_result raises in a callback: only the log
    if (dest.cancelled()) return;
    if (source.cancelled()) {
      dest.cancel();
    } else {
      const exception = source.exception();
      if (exception !== null) dest.set_exception(exception);
      else dest.set_result(source.result());
    }
  }

  /**
   * `_chain_future(source, destination)`: once source is done its state is copied to
   * destination (_call_set_state); once destination is cancelled, source is cancelled too
   * (_call_check_cancel).
   */
  _chain_future<T>(source: AnyFuture<T>, destination: AnyFuture<T>): void {
    const chain: Chain<T> = {
      source,
      destination,
      source_loop: isfuture<T>(source) ? source.get_loop() : null,
      dest_loop: isfuture<T>(destination) ? destination.get_loop() : null,
    };
    destination.add_done_callback(() => this._call_check_cancel(chain));
    source.add_done_callback(() => this._call_set_state(chain));
  }

  /** `_set_state(future, other)`: other's state copied to future, by the copy that fits future's kind. */
  _set_state<T>(future: AnyFuture<T>, other: AnyFuture<T>): void {
    if (isfuture<T>(future)) this._copy_future_state(other, future);
    else this._set_concurrent_future_state(future, other as Future<T>);
  }

  /** Destination's done callback: a cancel goes back to source, in source's loop's thread when that is another loop. */
  _call_check_cancel<T>({ source, destination, source_loop, dest_loop }: Chain<T>): void {
    if (!destination.cancelled()) return;
    // Stryker disable next-line ConditionalExpression: equivalent: no chain links two futures of one loop (a task and a concurrent future, or a concurrent future and an asyncio one) (the killed mutants of this line are ignored with it)
    if (source_loop === null || source_loop === dest_loop) source.cancel();
    else source_loop.call_soon_threadsafe(() => source.cancel());
  }

  /** Source's done callback: its state goes to destination, in destination's loop's thread when that is another loop. */
  _call_set_state<T>({ source, destination, source_loop, dest_loop }: Chain<T>): void {
    // Stryker disable next-line LogicalOperator: equivalent: closed loop: the check below returns; cancelled dest: skipped later
    // Stryker disable next-line ConditionalExpression: equivalent: the check below returns on a closed loop; a cancelled destination is skipped later (the killed mutants of this line are ignored with it)
    if (destination.cancelled() && dest_loop?.is_closed()) return;
    // Stryker disable next-line ConditionalExpression: equivalent: no chain links two futures of one loop (a task and a concurrent future, or a concurrent future and an asyncio one) (the killed mutants of this line are ignored with it)
    if (dest_loop === null || dest_loop === source_loop) {
      this._set_state(destination, source);
      return;
    }
    // Stryker disable next-line ConditionalExpression: not in any trace: the refused call_soon_threadsafe is swallowed into the log (the killed mutants of this line are ignored with it)
    if (dest_loop.is_closed()) return;
    dest_loop.call_soon_threadsafe((dest: AnyFuture<T>, src: AnyFuture<T>) => this._set_state(dest, src), destination, source);
  }
}

/**
 * `wrap_future(concurrent_future, loop=loop)`: a new future of loop, chained to the concurrent
 * one (its outcome reaches the loop through call_soon_threadsafe, from the thread that
 * completed the concurrent future).
 */
export function wrap_future<T>(future: ConcurrentFuture<T> | Future<T>, loop: BaseEventLoop): Future<T> {
  // RCT-1.4: an asyncio future is returned as is; anything but a concurrent future fails the assert.
  if (isfuture<T>(future)) return future;
  if (!(future instanceof ConcurrentFuture))
    throw new PyError('AssertionError', `concurrent.futures.Future is expected, got ${String(future)}`);
  const new_future = loop.create_future() as Future<T>;
  loop._rt.futures._chain_future(future, new_future);
  return new_future;
}
