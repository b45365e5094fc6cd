/**
 * The program statements of the runners (group 10 of the loop contract): asyncio.Runner
 * (RUNNER-1, RUNNER-2) and run_coroutine_threadsafe with wrap_future (RCT-1). Part of the
 * `Stmt` union of program.ts, kept here so that the language stays one module a group.
 */
import type { Stmt, Var } from './program.ts';

export type RunnerStmt =
  // ---- asyncio.Runner (RUNNER-1) --------------------------------------------------------------
  /**
   * `R = asyncio.Runner()`, with `loop_factory=asyncio.new_event_loop` when `loop_factory`;
   * observes None (`as` binds the Runner). 3.11+; before, AttributeError.
   */
  | { id?: string; op: 'runner_new'; as: Var; loop_factory?: boolean }
  /**
   * `R.run(coro())` where coro's body is `body`, with `context=C` when `context` names a
   * context (RUNNER-2.2): observes the result or the exception
   */
  | { id?: string; op: 'runner_run'; runner: Var; body: Stmt[]; context?: Var }
  /** `R.get_loop()`: observes the loop (`as` binds it) */
  | { id?: string; op: 'runner_get_loop'; runner: Var; as?: Var }
  /** `R.close()`: observes None */
  | { id?: string; op: 'runner_close'; runner: Var }
  // ---- run_coroutine_threadsafe and wrap_future (RCT-1) ---------------------------------------
  /**
   * `CF = asyncio.run_coroutine_threadsafe(coro(), L)` where coro's body is `body` (a coroutine
   * body); with `arg`, that int is passed instead of a coroutine (TypeError). Observes None (`as`
   * binds the concurrent.futures.Future CF).
   */
  | { id?: string; op: 'run_coroutine_threadsafe'; loop: Var; body: Stmt[]; as?: Var; arg?: number }
  /**
   * A method of the concurrent.futures.Future bound to `future`, never waiting: 'done',
   * 'cancelled' and 'cancel' observe the bool; 'result' is `CF.result(timeout=0)`: the result or
   * the exception it raises (TimeoutError while pending, CancelledError when cancelled);
   * 'exception' is `CF.exception(timeout=0)`: None or `'<class name>: <str>'` (raising as result does).
   */
  | { id?: string; op: 'cfuture_call'; future: Var; method: 'done' | 'cancelled' | 'cancel' | 'result' | 'exception' }
  /**
   * `F = asyncio.wrap_future(X, loop=L)`: X the future bound to `future` (a concurrent future of
   * run_coroutine_threadsafe, an asyncio future or a task), or, with `arg`, that int (not a
   * future). Observes 'same' when it returns X itself, else None (`as` binds F).
   */
  | { id?: string; op: 'wrap_future'; future?: Var; arg?: number; loop: Var; as?: Var }
  // ---- asyncio.Runner as a context manager (RUNNER-2) -----------------------------------------
  /**
   * `with R as W:` (`with R:` without `as`) around the sync body `body`: W is what
   * R.__enter__ returned. Observes the body's `return` value (None without one), or the
   * exception that left the with statement (the body's `raise`, or __enter__'s).
   */
  | { id?: string; op: 'runner_with'; runner: Var; as?: Var; body: Stmt[] };
