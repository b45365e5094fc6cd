/**
 * asyncio/base_events.py, the executor part of BaseEventLoop: run_in_executor, the default
 * executor and its shutdown. One function per method; the class's methods delegate here.
 */
import { PyError } from './errors.ts';
import { type Future, wrap_future, type Coro } from './futures.ts';
import { ThreadPoolExecutor } from './executor.ts';
import type { BaseEventLoop } from './base_events.ts';
import { Thread, type Blocking } from './world.ts';

export function _check_default_executor(loop: BaseEventLoop): void {
  if (loop._executor_shutdown_called) throw new PyError('RuntimeError', 'Executor shutdown has been called');
}

/**
 * EXEC-1: runs `func` on a worker thread of the default executor; EXEC-3.1: of `executor`
 * when one is given. EXEC-3.4: a closed loop refuses first, executor given or not.
 */
export function run_in_executor<T>(loop: BaseEventLoop, executor: ThreadPoolExecutor | null, func: () => T | Blocking<T>): Future<T> {
  loop._check_closed();
  let ex: ThreadPoolExecutor | null = executor;
  if (ex === null) {
    ex = loop._default_executor;
    // EXEC-3.3: only the default executor is refused after shutdown_default_executor.
    loop._check_default_executor();
    if (ex === null) {
      // Stryker disable next-line StringLiteral: not compared: worker thread-name prefix: EXEC-2.2 compares the message prefix only
      ex = new ThreadPoolExecutor(loop._rt, 'asyncio');
      loop._default_executor = ex;
    }
  }
  return wrap_future(ex.submit(func), loop);
}

/**
 * EXEC-3.1, EXEC-3.2: a ThreadPoolExecutor becomes the default; anything else warns and is set
 * (3.8 to 3.10) or is a TypeError (3.11+, defaultExecutorTypeCheck).
 */
export function set_default_executor(loop: BaseEventLoop, executor: unknown): void {
  if (!(executor instanceof ThreadPoolExecutor)) {
    if (loop._rt.sw.defaultExecutorTypeCheck === 'TypeError')
      throw new PyError('TypeError', 'executor must be ThreadPoolExecutor instance');
    loop._rt.warnings.warn(
      'DeprecationWarning',
      'Using the default executor that is not an instance of ThreadPoolExecutor is deprecated and will be prohibited in Python 3.9',
    );
  }
  loop._default_executor = executor as ThreadPoolExecutor | null;
}

/**
 * EXEC-3.3. Joins the default executor's workers from a helper thread, which reports back with
 * call_soon_threadsafe. (The 300 s timeout of asyncio.run is left out: in the simulation
 * a worker that never finishes is a hang anyway; so is the `timeout` of 3.12+, whose
 * warning needs a worker still busy after it: out of the model.)
 */
export function* shutdown_default_executor(loop: BaseEventLoop): Coro<void> {
  loop._executor_shutdown_called = true;
  if (loop._default_executor === null) return;
  const future = loop.create_future<null>();
  const w = loop._rt.world;
  // Stryker disable next-line BooleanLiteral,StringLiteral: equivalent: the _do_shutdown helper runs no program statement
  const thread = new Thread(w, w.currentProcess, `Thread-${w.nextIdent} (_do_shutdown)`, false, () => loop._do_shutdown(future));
  thread.start();
  try {
    yield* future.await();
  } finally /* Stryker disable next-line BlockStatement: equivalent: the helper thread has finished when the future is resolved */ {
    yield* thread.join();
  }
}

export function* _do_shutdown(loop: BaseEventLoop, future: Future<null>): Blocking<void> {
  try {
    yield* loop._default_executor!.shutdown_and_wait();
    // Stryker disable next-line ConditionalExpression: equivalent: the loop cannot be closed while its shutdown_default_executor runs (the killed mutants of this line are ignored with it)
    if (!loop.is_closed()) loop.call_soon_threadsafe(() => future.set_result(null));
  } catch (ex) /* Stryker disable next-line BlockStatement: equivalent: shutdown_and_wait never raises (joins started workers only) */ {
    if (!(ex instanceof PyError)) throw ex;
    // Stryker disable next-line ArrowFunction,BooleanLiteral,ConditionalExpression: equivalent: shutdown_and_wait never raises
    if (!loop.is_closed()) loop.call_soon_threadsafe(() => future.set_exception(ex));
  }
}
