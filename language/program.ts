/**
 * The program language: a test case is data, not code, so that any adapter (the TypeScript
 * reference, a Python driver, a Rust loop) can interpret it with its own real primitives.
 *
 * A program is a main body run on the interpreter's main thread. A body is a list of
 * statements. Every statement carries a unique `id` (assigned by `numberProgram`), and every
 * executed statement yields exactly one observation (see trace.ts), except `return` and
 * `raise`, which end their body and yield none.
 *
 * Python meaning of each statement (what a Python driver does), in the comments below.
 * "the loop L" is the object bound to program variable L.
 *
 * Contexts. A body runs in one of these contexts:
 * - "sync": the main body, thread bodies, fork bodies, callback bodies, executor bodies;
 * - "coro": the body of a coroutine (run_until_complete, asyncio_run, create_task).
 * `await`, `sleep` and `run_in_executor` are only meaningful in a coroutine; in a sync body
 * they yield the error observation `LoopspecInvalid` (message: '<op> outside a coroutine') and
 * do nothing else.
 *
 * Variables. `as` binds the returned object (if the statement returned one) to a program
 * variable; variables are global to the program, shared by all threads and copied into fork
 * children. A statement that names a variable not bound at that point yields the error
 * observation `LoopspecUnbound` (message: the variable's name) and does nothing else, so
 * every shrunk program stays meaningful.
 *
 * Uncaught errors. Each statement is executed as `try: value = <stmt> except BaseException as
 * e: observe(e)`, so an error is an observation and the body goes on, except for `raise`,
 * and except for `CancelledError` inside a coroutine body: it is observed and then re-raised,
 * because that is how cancellation ends a coroutine (asyncio.run cancels leftover tasks).
 */

import type { RunnerStmt } from './runners.ts';

/** A program variable naming a loop (L*), a task (K*), a future (F*), a handle (H*), an async generator (G*). */
export type Var = string;

/** Plain values a body may return, and that observations may carry. */
export type Plain = null | boolean | number | string;

export type Stmt =
  // ---- finding and binding loops --------------------------------------------------------
  /** `asyncio.new_event_loop()` */
  | { id?: string; op: 'new_event_loop'; as?: Var }
  /** `asyncio.get_event_loop()` */
  | { id?: string; op: 'get_event_loop'; as?: Var }
  /** `asyncio.get_running_loop()` */
  | { id?: string; op: 'get_running_loop'; as?: Var }
  /** `asyncio._get_running_loop()`: the running loop or None, never raises */
  | { id?: string; op: 'peek_running_loop' }
  /**
   * `asyncio.set_event_loop(arg)`: a variable passes that loop, null passes None, a number
   * passes that int (a non-loop: the type check).
   */
  | { id?: string; op: 'set_event_loop'; arg: Var | null | number }
  /** `asyncio.get_event_loop_policy()` */
  | { id?: string; op: 'get_policy' }
  /**
   * `asyncio.set_event_loop_policy(arg)`: 'new' passes a fresh instance of the default
   * policy class (`asyncio.DefaultEventLoopPolicy()`), null passes None, a number passes that
   * int (a non-policy).
   */
  | { id?: string; op: 'set_policy'; arg: 'new' | null | number }

  // ---- loop lifecycle ---------------------------------------------------------------------
  /** `L.close()` */
  | { id?: string; op: 'close'; loop: Var }
  /** `L.is_closed()` */
  | { id?: string; op: 'is_closed'; loop: Var }
  /** `L.is_running()` */
  | { id?: string; op: 'is_running'; loop: Var }
  /** `L.stop()` */
  | { id?: string; op: 'stop'; loop: Var }
  /** `L.run_until_complete(coro())` where coro's body is `body`: observes the result */
  | { id?: string; op: 'run_until_complete'; loop: Var; body: Stmt[] }
  /** `L.run_forever()` */
  | { id?: string; op: 'run_forever'; loop: Var }
  /**
   * `asyncio.run(coro())`, with `debug=D` when `debug` is given and
   * `loop_factory=asyncio.new_event_loop` when `loop_factory` (RUNNER-2.3): observes the result
   */
  | { id?: string; op: 'asyncio_run'; body: Stmt[]; debug?: boolean; loop_factory?: boolean }
  /** `L.get_debug()`: observes the bool */
  | { id?: string; op: 'get_debug'; loop: Var }
  /** `L.set_debug(value)`: observes None */
  | { id?: string; op: 'set_debug'; loop: Var; value: boolean }

  // ---- the exception handler ----------------------------------------------------------------
  /**
   * `L.set_exception_handler(h)`: without `arg`, h is a function `def h(loop, context)` whose
   * body is `body` (its `handler_context` statements read loop and context); `arg` null passes
   * None, a number passes that int (not callable: the type check). Observes None.
   */
  | { id?: string; op: 'set_exception_handler'; loop: Var; body: Stmt[]; arg?: null | number }
  /**
   * `L.get_exception_handler()`: observes None, or the id of the set_exception_handler
   * statement whose function it is (that very object; 'other' for any other callable).
   */
  | { id?: string; op: 'get_exception_handler'; loop: Var }
  /**
   * `L.call_exception_handler(context)`, context `{'message': message}` and, when `exception`
   * is given, `'exception': ValueError(exception)`. Observes None.
   */
  | { id?: string; op: 'call_exception_handler'; loop: Var; message: string; exception?: string }
  /**
   * In the body of an exception handler (the innermost call in this thread), what it was
   * called with: 'loop' the loop; 'keys' the context's keys, sorted, joined by ','; 'message'
   * context['message'], or 'Exception in callback' where it starts with 'Exception in callback '
   * (the rest names the callback's source); 'exception' `'<class name>: <str>'` of
   * context['exception'], or None. Outside a handler: the error observation `LoopspecInvalid`.
   */
  | { id?: string; op: 'handler_context'; key: 'loop' | 'keys' | 'message' | 'exception' }

  // ---- task factories ------------------------------------------------------------------------
  /**
   * `L.set_task_factory(f)`: without `arg`, f is a function `def f(loop, coro)` that runs
   * `body`, then returns `asyncio.Task(coro, loop=loop)`; `arg` 'eager' passes
   * `asyncio.eager_task_factory` (3.12+; before, reading it raises AttributeError), null passes
   * None, a number passes that int (not callable: the type check). Observes None.
   */
  | { id?: string; op: 'set_task_factory'; loop: Var; body: Stmt[]; arg?: 'eager' | null | number }
  /**
   * `L.get_task_factory()`: observes None, the id of the set_task_factory statement whose
   * function it is (that very object), 'eager' for `asyncio.eager_task_factory`, 'other' else.
   */
  | { id?: string; op: 'get_task_factory'; loop: Var }

  // ---- scheduling -------------------------------------------------------------------------
  /**
   * `H = L.call_soon(cb)`, cb a function whose body is `body`; observes None (`as` binds the
   * Handle). With `context`, `context=C`, C the context bound to that variable (CTX-1.2).
   */
  | { id?: string; op: 'call_soon'; loop: Var; body: Stmt[]; as?: Var; context?: Var }
  /** `H = L.call_later(delay, cb)`; observes None (`as` binds the TimerHandle); `context` as call_soon's */
  | { id?: string; op: 'call_later'; loop: Var; delay: number; body: Stmt[]; as?: Var; context?: Var }
  /** `H.cancel()` of a handle bound by call_soon, call_later or call_at; observes None */
  | { id?: string; op: 'cancel_handle'; handle: Var }
  /** `H.cancelled()`; observes the bool */
  | { id?: string; op: 'handle_cancelled'; handle: Var }
  /** `L.call_soon_threadsafe(cb)`; observes None; `context` as call_soon's */
  | { id?: string; op: 'call_soon_threadsafe'; loop: Var; body: Stmt[]; context?: Var }

  // ---- futures -----------------------------------------------------------------------------
  /** `F = L.create_future()`; observes None (`as` binds the Future) */
  | { id?: string; op: 'create_future'; loop: Var; as?: Var }
  /**
   * A method of the Future bound to `future`: 'get_loop' observes the loop; 'done' the bool;
   * 'result' the result (a Plain) or the exception it raises; 'exception' None or
   * `'<class name>: <str>'` of the exception; 'set_result' passes `value`, 'set_exception'
   * passes `ValueError(message)`, both observe None.
   */
  | {
      id?: string;
      op: 'future_call';
      future: Var;
      method: 'get_loop' | 'done' | 'result' | 'exception' | 'set_result' | 'set_exception';
      value?: Plain;
      message?: string;
    }
  /** `F.add_done_callback(cb)`, cb a function `def cb(fut)` whose body is `body`; observes None */
  | { id?: string; op: 'add_done_callback'; future: Var; body: Stmt[] }
  // ---- the loop's clock (TIME-1) -------------------------------------------------------------
  /**
   * `t = L.time()`: observes not the value (real time) but its relation to the previous read of
   * L's clock in this thread of this process: 'not earlier' (or the first read), or 'earlier'.
   */
  | { id?: string; op: 'loop_time'; loop: Var }
  /**
   * `H = L.call_at(w, cb)` with `w = L.time() + delay` read just before; observes None (`as`
   * binds the TimerHandle, remembered with w).
   */
  | { id?: string; op: 'call_at'; loop: Var; delay: number; body: Stmt[]; as?: Var }
  /**
   * `H.when()` of a TimerHandle, observed as its relation to how H was made: 'deadline' when it
   * is exactly the w given to call_at, or, for call_later(delay), within
   * [t0 + delay, t1 + delay], t0 and t1 L.time() read just before and just after the call;
   * else 'early' or 'late' (below or above that), 'other' for a handle made otherwise.
   */
  | { id?: string; op: 'timer_when'; handle: Var }
  /**
   * Whether H is due: `L.time() + r > H.when()`, L H's loop and r the resolution of its clock
   * (time.get_clock_info('monotonic').resolution); observes the bool.
   */
  | { id?: string; op: 'timer_due'; handle: Var }

  // ---- signals (SIG-1, SIG-2) ---------------------------------------------------------------
  /**
   * `L.add_signal_handler(sig, cb)`, sig as `Sig` says; cb a function whose body is `body`, or,
   * with `coro`, a coroutine function (`async def`) whose body is `body` (refused: TypeError).
   * Observes None.
   */
  | { id?: string; op: 'add_signal_handler'; loop: Var; sig: Sig; body: Stmt[]; coro?: boolean }
  /** `L.remove_signal_handler(sig)`: observes the bool */
  | { id?: string; op: 'remove_signal_handler'; loop: Var; sig: Sig }
  /**
   * `os.kill(os.getpid(), signal.<sig>)`: the process sends itself the signal; observes None.
   * Only SIGUSR1 and SIGUSR2: the driver keeps SIGALRM for its deadline, SIGKILL ends the
   * process, and a signal whose action is the default (no handler for it) ends it too.
   */
  | { id?: string; op: 'signal_self'; sig: 'SIGUSR1' | 'SIGUSR2' }

  // ---- coroutines and tasks ----------------------------------------------------------------
  /**
   * `await asyncio.sleep(delay)` (coro only). With `catch`, a CancelledError it raises is
   * observed and caught (`except asyncio.CancelledError: pass`), and the body goes on (CANCEL-1.3).
   */
  | { id?: string; op: 'sleep'; delay: number; catch?: boolean }
  /**
   * `K = asyncio.create_task(coro())`: observes the task; with `context`, `context=C` (3.11+, CTX-1.3);
   * with `name`, `name=N` (a string passes that str, a number that int, null passes None: TASK-6);
   * with `loop_method`, `asyncio.get_running_loop().create_task(coro(), ...)` instead (TASK-6).
   */
  | { id?: string; op: 'create_task'; as: Var; body: Stmt[]; context?: Var; name?: TaskName; loop_method?: boolean }
  /**
   * `await K` (coro only), K a task or a future: observes its result or its exception. A
   * RuntimeError 'Task <repr> got Future <repr> attached to a different loop' is observed with
   * the two reprs as `<task>` and `<future>` (they hold addresses and file paths).
   */
  | { id?: string; op: 'await'; task: Var; catch?: boolean }
  /** `asyncio.current_task()`: the task or None; RuntimeError with no running loop */
  | { id?: string; op: 'current_task'; as?: Var }
  /** 'cancelled' if K.cancelled() else 'done' if K.done() else 'pending' */
  | { id?: string; op: 'task_state'; task: Var }
  /**
   * `await asyncio.get_running_loop().run_in_executor(None, fn)` (coro only), fn a function
   * whose body is `body`: observes fn's return value or its exception. With `loop`, the call
   * is `L.run_in_executor(...)` on that loop; with `executor`, the executor X made by
   * new_executor is passed instead of None (EXEC-3).
   */
  | { id?: string; op: 'run_in_executor'; body: Stmt[]; loop?: Var; executor?: Var }
  /** ends the body; a coroutine or function returns `value` */
  | { id?: string; op: 'return'; value: Plain }
  /**
   * ends the body by raising `ValueError(message)`; with `exc`, `KeyboardInterrupt(message)` or
   * `SystemExit(message)` (ERR-2: they escape a loop's callbacks and task steps)
   */
  | { id?: string; op: 'raise'; message: string; exc?: Escape }

  // ---- threads and processes ---------------------------------------------------------------
  /** `threading.Thread(target=fn, name=thread).start()`; observes None. Names are printable ASCII. */
  | { id?: string; op: 'start_thread'; thread: string; body: Stmt[] }
  /** `T.join()` of the thread started under that name; observes None */
  | { id?: string; op: 'join_thread'; thread: string }
  /**
   * `os.fork()`: the child runs `body` on its only thread, then exits; the parent waits for
   * the child, then goes on. Observes None in the parent.
   */
  | { id?: string; op: 'fork'; body: Stmt[] }
  /**
   * The current thread, by program name: 'main' for the interpreter's main thread, the
   * name given to start_thread, 'other' for any other thread (executor workers).
   */
  | { id?: string; op: 'current_thread' }
  /** observes `tag`: a marker for ordering rules */
  | { id?: string; op: 'mark'; tag: string }

  // ---- asynchronous generators (AGEN-1) ------------------------------------------------------
  /**
   * `G = agen()` where `async def agen(): try: yield None / finally: <body>` (body: a coroutine
   * body); observes None (`as` binds the generator, which the program keeps until it ends).
   */
  | { id?: string; op: 'async_gen'; as?: Var; body: Stmt[] }
  /** `await G.__anext__()` (coro only): observes the value yielded (None) or StopAsyncIteration */
  | { id?: string; op: 'agen_next'; agen: Var }
  /** `await L.shutdown_asyncgens()` (coro only): observes None */
  | { id?: string; op: 'shutdown_asyncgens'; loop: Var }
  /**
   * `sys.get_asyncgen_hooks()` of the calling thread: observes the loop whose
   * `_asyncgen_firstiter_hook` and `_asyncgen_finalizer_hook` both hooks are, None when both are
   * None, 'other' otherwise.
   */
  | { id?: string; op: 'asyncgen_hooks' }
  // ---- cancellation (CANCEL-1) -------------------------------------------------------------
  /** `K.cancel()`, or `K.cancel(message)`: observes the bool */
  | { id?: string; op: 'cancel_task'; task: Var; message?: string }
  /** `K.cancelled()` (the bool), `K.cancelling()`, `K.uncancel()` (the int) */
  | { id?: string; op: 'task_call'; task: Var; method: 'cancelled' | 'cancelling' | 'uncancel' }
  /**
   * `asyncio.all_tasks()`, or `asyncio.all_tasks(L)` with `loop`: observes the number of tasks
   * in it, or with `task`, whether K is in it.
   */
  | { id?: string; op: 'all_tasks'; loop?: Var; task?: Var }
  // ---- context variables (CTX-1) ---------------------------------------------------------------
  /** `var.set(value)`, var the program's one ContextVar (`contextvars.ContextVar('var', default=0)`); observes None */
  | { id?: string; op: 'ctx_set'; value: number }
  /** `var.get()`: observes the value in the current context (0, the default, where never set) */
  | { id?: string; op: 'ctx_get' }
  /** `C = contextvars.copy_context()`; observes None (`as` binds the Context, for context=) */
  | { id?: string; op: 'copy_context'; as?: Var }
  /**
   * `await asyncio.to_thread(fn)` (coro only; 3.9+, before: reading asyncio.to_thread raises
   * AttributeError), fn a function whose body is `body`: observes fn's return value or its exception.
   */
  | { id?: string; op: 'to_thread'; body: Stmt[] }
  // ---- executors (EXEC-3) ------------------------------------------------------------------
  /**
   * `X = concurrent.futures.ThreadPoolExecutor(thread_name_prefix='loopspec_X')`, X = `as`;
   * observes None. The driver shuts it down (wait=True) at the end of the program;
   * `current_thread` in one of its workers observes X.
   */
  | { id?: string; op: 'new_executor'; as: Var }
  /** `L.set_default_executor(X)`, or `L.set_default_executor(None)` when `executor` is null; observes None. */
  | { id?: string; op: 'set_default_executor'; loop: Var; executor: Var | null }
  /**
   * `await asyncio.get_running_loop().shutdown_default_executor()` (coro only), with
   * `timeout=t` when `timeout` is given; observes None.
   */
  | { id?: string; op: 'shutdown_default_executor'; timeout?: number }
  // ---- task names (TASK-6) ------------------------------------------------------------------
  /**
   * `K.get_name()`: observes the name, except that a name 'Task-<n>' (n decimal digits) is
   * observed as 'Task-<n - b>', b the number in the name of a task the driver makes (and
   * drops) just before the program starts: the process-wide counter's value then (TASK-6.2).
   */
  | { id?: string; op: 'task_name'; task: Var }
  /** `K.set_name(value)` (a string passes that str, a number that int, null passes None): observes None */
  | { id?: string; op: 'set_task_name'; task: Var; value: TaskName }
  // ---- runners (RUNNER-1, RUNNER-2, RCT-1): language/runners.ts ----------------------------------
  | RunnerStmt;

/**
 * A task name as a statement passes it: a string of lowercase letters (never 'Task-<n>': a
 * default name's number is observed relative to the program's start), an integer, or null (None).
 */
export type TaskName = string | number | null;

/** The BaseExceptions that asyncio lets escape its callbacks and task steps (ERR-2). */
export type Escape = 'KeyboardInterrupt' | 'SystemExit';

/**
 * A signal as a statement passes it: 'SIGUSR1', 'SIGUSR2', 'SIGKILL' and 'SIGSTOP' pass
 * `signal.<name>` (10, 12, 9 and 19 on Linux; the last two cannot be caught); a number
 * passes that int, one that is no signal (at most 0, or 65 and more: the numbers 1 to 64 are
 * signals, or reserved, on Linux, and the language leaves them to the names); null passes
 * None (not an int).
 */
export type Sig = 'SIGUSR1' | 'SIGUSR2' | 'SIGKILL' | 'SIGSTOP' | number | null;

/** The numbers of the signals the language names (Linux's). */
export const SIGNAL_NUMBERS = { SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGSTOP: 19 } as const;

export type Op = Stmt['op'];

export interface Program {
  /** Version of the language, so stored counterexamples stay readable. */
  version: 1;
  main: Stmt[];
}

/**
 * How deep bodies may nest in a program read from a file: generated programs stay under 10,
 * and every interpreter (the oracle, the reference, the Python driver) recurses once a level.
 */
export const MAX_NESTING = 100;

/**
 * How deep the statements of a body nest: 1 when none has a body of its own, 0 for an empty
 * body. Counted without recursion, on any JSON value, so that a program too deep to check by
 * schema or to interpret is measured before either.
 */
export function nestingDepth(body: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[body, 1]];
  while (stack.length > 0) {
    const [b, depth] = stack.pop()!;
    if (!Array.isArray(b) || b.length === 0) continue;
    deepest = Math.max(deepest, depth);
    for (const s of b) if (typeof s === 'object' && s !== null && 'body' in s) stack.push([s.body, depth + 1]);
  }
  return deepest;
}

/** Statements that only make sense inside a coroutine. */
export const CORO_ONLY: ReadonlySet<Op> = new Set<Op>([
  'await',
  'sleep',
  'run_in_executor',
  'agen_next',
  'shutdown_asyncgens',
  'to_thread',
  'shutdown_default_executor',
]);

export function bodyOf(s: Stmt): Stmt[] | undefined {
  return 'body' in s ? s.body : undefined;
}

/**
 * Returns a copy of the program with every statement numbered `s1`, `s2`, ... in pre-order
 * (a statement before the statements of its body). Ids are what traces are keyed by.
 */
export function numberProgram(p: Program): Program {
  let n = 0;
  const number = (body: Stmt[]): Stmt[] =>
    body.map((s) => {
      const id = `s${++n}`;
      const inner = bodyOf(s);
      return (inner ? { ...s, id, body: number(inner) } : { ...s, id }) as Stmt;
    });
  return { version: 1, main: number(p.main) };
}

/** The program itself when every statement has its id, else a numbered copy. */
export function ensureNumbered(p: Program): Program {
  for (const s of walk(p.main)) if (s.id === undefined || s.id === '') return numberProgram(p);
  return p;
}

/** Every statement of the program, in pre-order. */
export function* walk(body: Stmt[]): Generator<Stmt> {
  for (const s of body) {
    yield s;
    const inner = bodyOf(s);
    if (inner) yield* walk(inner);
  }
}
