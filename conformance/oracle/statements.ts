/**
 * What each statement of the language does in the oracle: the module named after the CPython
 * module it models (events, base_events, tasks, runners, threading, os, ...) says, one
 * function a statement. A statement that suspends its coroutine is in SUSPENDING.
 */
import type { Op, Stmt } from '../../language/program.ts';
import * as agens from './agens.ts';
import * as baseEvents from './base_events.ts';
import * as cancellation from './cancellation.ts';
import * as concurrent from './concurrent.ts';
import * as contexts from './contexts.ts';
import * as errors from './errors.ts';
import * as events from './events.ts';
import * as executors from './executors.ts';
import * as factories from './factories.ts';
import * as futures from './futures.ts';
import * as os from './os.ts';
import * as names from './names.ts';
import * as runner from './runner.ts';
import * as runners from './runners.ts';
import * as signals from './signals.ts';
import * as tasks from './tasks.ts';
import * as threading from './threading.ts';
import * as time from './time.ts';
import type { Coro } from './state.ts';
import type { ClauseTags, StmtOf, Walk, Where } from './walk.ts';

/** A statement that does not suspend: returns its value, or throws a PyErr. */
export type Exec<O extends Op> = (walk: Walk, s: StmtOf<O>, tags: ClauseTags, where?: Where) => unknown;
/** A statement that suspends its coroutine: observed when it resumes. */
export type Suspend<O extends Op> = (walk: Walk, s: StmtOf<O>, tags: ClauseTags, body: Stmt[]) => Coro;

export const STATEMENTS: { [O in Op]?: Exec<O> } = {
  new_event_loop: events.newEventLoop,
  get_event_loop: events.getEventLoop,
  get_running_loop: events.getRunningLoop,
  peek_running_loop: events.getRunningLoop,
  set_event_loop: events.setEventLoop,
  get_policy: events.getPolicy,
  set_policy: events.setPolicy,
  close: baseEvents.close,
  is_closed: baseEvents.isClosedOrRunning,
  is_running: baseEvents.isClosedOrRunning,
  stop: baseEvents.stop,
  run_until_complete: baseEvents.runUntilComplete,
  run_forever: baseEvents.runForever,
  call_soon: baseEvents.schedule,
  call_later: baseEvents.schedule,
  call_soon_threadsafe: baseEvents.schedule,
  cancel_handle: baseEvents.cancelHandle,
  handle_cancelled: baseEvents.handleCancelled,
  call_at: baseEvents.schedule,
  loop_time: time.loopTime,
  timer_when: time.timerWhen,
  timer_due: time.timerDue,
  asyncio_run: runners.asyncioRun,
  get_debug: baseEvents.getDebug,
  set_debug: baseEvents.setDebug,
  set_exception_handler: errors.setExceptionHandler,
  get_exception_handler: errors.getExceptionHandler,
  call_exception_handler: errors.callExceptionHandler,
  handler_context: errors.handlerContext,
  create_future: futures.createFuture,
  future_call: futures.futureCall,
  add_done_callback: futures.addDoneCallback,
  set_task_factory: factories.setTaskFactory,
  get_task_factory: factories.getTaskFactory,
  create_task: tasks.createTask,
  current_task: tasks.currentTask,
  task_state: tasks.taskState,
  start_thread: threading.startThread,
  join_thread: threading.joinThread,
  current_thread: threading.currentThread,
  fork: os.fork,
  async_gen: agens.asyncGen,
  asyncgen_hooks: agens.asyncgenHooks,
  cancel_task: cancellation.cancelTask,
  task_call: cancellation.taskCall,
  all_tasks: cancellation.allTasks,
  ctx_set: contexts.ctxSet,
  ctx_get: contexts.ctxGet,
  copy_context: contexts.copyContext,
  new_executor: executors.newExecutor,
  set_default_executor: executors.setDefaultExecutor,
  add_signal_handler: signals.addSignalHandler,
  remove_signal_handler: signals.removeSignalHandler,
  signal_self: signals.signalSelf,
  runner_new: runner.runnerNew,
  runner_run: runner.runnerRun,
  runner_get_loop: runner.runnerGetLoop,
  runner_close: runner.runnerClose,
  run_coroutine_threadsafe: concurrent.runCoroutineThreadsafe,
  cfuture_call: concurrent.cfutureCall,
  wrap_future: concurrent.wrapFuture,
  task_name: names.taskName,
  set_task_name: names.setTaskName,
  runner_with: runner.runnerWith,
};

export const SUSPENDING: { [O in Op]?: Suspend<O> } = {
  sleep: tasks.sleep,
  await: tasks.awaitTask,
  run_in_executor: executors.runInExecutor,
  agen_next: agens.agenNext,
  shutdown_asyncgens: agens.shutdownAsyncgens,
  to_thread: contexts.toThread,
  shutdown_default_executor: executors.shutdownDefaultExecutor,
};
