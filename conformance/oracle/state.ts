/**
 * The state the abstract machine (machine.ts) keeps, as CPython 3.12's asyncio keeps it: the
 * policy slot, per-thread current loop and "set called" flag, loops with their queues,
 * futures, tasks, threads; and the errors a step of the machine can end in.
 */

import type { Stmt } from '../../language/program.ts';

/** A Python exception: its class name and message. */
export class PyErr {
  constructor(
    readonly type: string,
    readonly message: string,
  ) {}
}

/** The program cannot end: a loop waits forever, or a thread waits on itself. */
export class Hang extends Error {}

/** The program leaves the deterministic part of the language (see determinism.ts). */
export class OutOfModel extends Error {}

export const cancelled = (): PyErr => new PyErr('CancelledError', '');
export const closedError = (): PyErr => new PyErr('RuntimeError', 'Event loop is closed');

/** What a Python call ended with: the value it returned, or the exception it raised. */
export type PyResult = { value: unknown } | { error: PyErr };

export interface MThread {
  name: string;
  /** Key of the context in the trace: 'main', the thread's name, exec:<id>, fork:<id>. */
  ctx: string;
  isMain: boolean;
  pid: number;
  status: 'runnable' | 'running' | 'done';
  body: () => void;
  joined: boolean;
  /** Statements its starter had run when it started it: detects start-then-join. */
  starterClock: number;
  starter: MThread | null;
  /** Statements this thread has run so far. */
  clock: number;
  kind: 'main' | 'program' | 'executor' | 'internal' | 'fork';
  /** A worker of the program's executor of that variable (EXEC-3.1), its job given by run_in_executor(None) or not; absent: asyncio's own. */
  executorVar?: { name: string; viaDefault: boolean };
}

export type SetBy = 'never' | 'loop' | 'implicit' | 'none' | 'bad-type' | 'asyncio.run' | 'runner' | 'runner.close';

export interface Local {
  loop: MLoop | null;
  /** How the loop got there: set_event_loop, implicit creation, or asyncio.run. */
  loopFrom?: 'set' | 'implicit' | 'run';
  /** The set_event_loop that put it there replaced another loop (NEW-3.2's "replacing any earlier one"). */
  replaced?: boolean;
  setCalled: boolean;
  /** The last call that counted as a set_event_loop call. */
  setBy: SetBy;
  /** The new_event_loop statements of this thread since the current loop last changed (NEW-2). */
  newSince?: string[];
  /** The statements that observed the loop a Runner's close took from this thread: no lookup after returns it (RUNNER-1.2). */
  runnerLoopSeen?: string[];
  /** The Runner's set_event_loop(None) was its __exit__'s close (RUNNER-2.1: that it was called). */
  clearedByExit?: boolean;
  /** asyncio.run(loop_factory=) ran since the last set_event_loop: it left this state alone (RUNNER-2.3). */
  keptByRunFactory?: boolean;
  /**
   * In a fork child: false once the child changed its state (set_event_loop, an implicit
   * creation, asyncio.run); until then the state is what the fork left (FORK-2).
   */
  forked?: boolean;
  /** In a fork child: 3.12's at-fork hook dropped a loop or a "set called" flag the forking thread had (FORK-2.1 changed something). */
  forkReset?: boolean;
  /** In a fork child whose state is still what the fork left: a rejected set_event_loop there set the flag (NEW-5.3). */
  refusedInChild?: boolean;
}

export interface MPolicy {
  id: string;
  locals: Map<MThread, Local>;
}

export interface Callback {
  run: () => void;
  cancelled: boolean;
  /** The loop took it from its ready queue and ran it (SCHED-5.1: too late to cancel). */
  ran?: boolean;
  /** How many times a loop's self-pipe reader queued it (a signal's handler, SIG-2.2). */
  queued?: number;
}

export interface Timer {
  when: number;
  seq: number;
  cb: Callback;
}

export interface MLoop {
  id: string;
  pid: number;
  closed: boolean;
  /** The thread it runs in, while it runs. */
  thread: MThread | null;
  stopping: boolean;
  /** The stop under way was made by a callback or a task of the run (not before the run). */
  stoppedInRun?: boolean;
  ready: Callback[];
  timers: Timer[];
  /** The self-pipe has a null byte (call_soon_threadsafe, a signal's handler queued) its reader has not read yet. */
  woken: boolean;
  /** The self-pipe's signal numbers its reader has not read yet, in the order they came (SIG-2.2). */
  pipe: number[];
  /** The handler of each signal the loop handles (SIG-1.1): the Handle its reader queues, the same one each time. */
  signalHandlers: Map<number, Callback>;
  executorUsed: boolean;
  executorShutdown: boolean;
  /** The program's executor set with set_default_executor (EXEC-3.1); absent or null: asyncio's own, made on first use. */
  defaultExecutor?: MExecutor | null;
  /** shutdown_default_executor was a statement of the program (EXEC-3.3), not asyncio.run's own (ARUN-2.3). */
  executorShutdownByProgram?: boolean;
  currentTask: MTask | null;
  /**
   * The callbacks and timers a run_forever stopped before it began (LIFE-7.2, one iteration) left
   * queued: a later run they stop early is stopped because that run_forever ended so soon.
   */
  leftByEarlyStop?: Set<Callback>;
  /** The future of the run_until_complete (or asyncio.run) under way, while it runs. */
  runFuture?: MFuture;
  /** Created by asyncio.run, which has since returned. */
  runFinished: boolean;
  fromRun: boolean;
  /**
   * The refusal clause of a run_forever refused while this loop ran (LIFE-2.2, LIFE-3.2,
   * LIFE-4.2), until the run ends: 3.13.0's refusal disturbs the running loop
   * (python/cpython#130145), so what the rest of the run sees has that refusal as condition.
   */
  disturbedBy?: string;
  /** Made by an asyncio.Runner (RUNNER-1.1); closed by its close() (RUNNER-1.3). */
  fromRunner?: boolean;
  runnerClosed?: boolean;
  /** Closed by the __exit__ of `with R` (RUNNER-2.1): that it was closed at all is that clause's. */
  runnerExited?: boolean;
  /** get_debug(): False when made (DEBUG-1.1), set by set_debug (DEBUG-1.1) or by asyncio.run's debug (DEBUG-1.2). */
  debug: boolean;
  /** The clause that decided `debug` last (absent: the new loop's default, DEBUG-1.1). */
  debugBy?: 'DEBUG-1.1' | 'DEBUG-1.2';
  /** get_exception_handler() (ERR-1.1): None (absent: a new loop's), or the set_exception_handler statement whose function it is, with that body. */
  handler?: { sid: string; body: Stmt[] } | null;
  /** get_task_factory() (TFACT-1.1): None (absent: a new loop's), asyncio.eager_task_factory, or the set_task_factory statement whose function it is, with that body. */
  taskFactory?: { sid: string; body: Stmt[] } | 'eager' | null;
}

export interface MFuture {
  kind: 'future' | 'task';
  loop: MLoop;
  state: 'pending' | 'done' | 'cancelled';
  /** What it settled with, once done or cancelled. */
  result?: PyResult;
  callbacks: Array<() => void>;
  /** Made by the program's create_future (FUT-1), not by asyncio itself (sleep, an executor job). */
  fromProgram?: boolean;
  /** `_cancel_message`: what cancel(msg) left, the message of the CancelledError a cancelled one raises (CANCEL-1.4). */
  cancelMessage?: string | null;
  /** `_cancelled_exc`: the CancelledError a task's coroutine raised, given (once) to the first result() (3.11+, CANCEL-1.4). */
  keptExc?: PyErr | null;
  /** Made by asyncio.wrap_future of a concurrent future: the clause that decides its state and its await (RCT-1.4). */
  wrappedBy?: string;
}

export type Coro = Generator<MFuture | null, unknown, void>;

export interface MTask extends MFuture {
  kind: 'task';
  id: string;
  coro: Coro;
  mustCancel: boolean;
  waiter: MFuture | null;
  cancelledByRun: boolean;
  /** Cancelled by a Runner's close (RUNNER-1.3), not by asyncio.run (ARUN-2). */
  cancelledByRunner?: boolean;
  /** ... by the close of `with R`'s __exit__ (RUNNER-2.1). */
  cancelledByExit?: boolean;
  /** `_num_cancels_requested`: cancel() calls on it while not done, less uncancel()s (CANCEL-1.5). */
  numCancels?: number;
  /** Its coroutine was sent or thrown into at least once (a step began). */
  stepped?: boolean;
  /** The program cancelled it (CANCEL-1.2), and its coroutine caught the CancelledError (CANCEL-1.3). */
  cancelRequested?: boolean;
  caughtCancel?: boolean;
  /**
   * Done while its loop's run_until_complete waited on a future that did not wait on it: that it
   * ended before that run stopped is the ready queue's order (SCHED-1.2).
   */
  doneInRace?: boolean;
  /** Done in its eager first step, inside create_task (TFACT-1.3). */
  eagerDone?: boolean;
  /** In its eager first step: create_task has not returned it yet (TFACT-1.3). */
  eagerStepping?: boolean;
  /** Made an eager task in its current step: it is current again by TFACT-1.3 until it suspends. */
  madeEagerTask?: boolean;
  /** The task whose step created it, and that task's steps so far then (has the creator yielded since? TASK-1.3). */
  createdIn?: { by: MTask; steps: number };
  /**
   * Cancelled (while pending) after a task of its loop slept(0), before it resumed from a
   * suspension: whether this cancel or another reached it first is the round robin's (TASK-5.2).
   */
  cancelRaced?: boolean;
  /** Cancelled through a concurrent future (run_coroutine_threadsafe's CF.cancel(), RCT-1.3): the clause of its CancelledError. */
  cancelClause?: string;
  /** Its name, where given or set (TASK-6.1, TASK-6.3); else `Task-<nameNumber>` (TASK-6.2). */
  name?: string;
  /** The clause that gave it its name (TASK-6). */
  nameClause?: string;
  /** The process-wide counter's number in its default name, counted from the program's start (TASK-6.2). */
  nameNumber?: number;
  /** Named after it was made and before any step of it began (create_task's set_name, K.set_name): its first step sees that name because it runs later (TASK-1.3). */
  renamedBeforeStart?: boolean;
  /** What it read of its own name in its eager first step (TFACT-1.3): a rename before its creator yields makes that a condition. */
  eagerNameReads?: string[];
  /** Reads of its own name in its plain first step, before any rename (TASK-6): a condition once another body renames it (names.ts `renamed`). */
  firstNameReads?: string[];
}

/** An executor the program made (EXEC-3): the clause whose shutdown refuses its new jobs, once shut down. */
export interface MExecutor {
  kind: 'executor';
  name: string;
  pid: number;
  shutdownBy: 'EXEC-3.3' | 'EXEC-3.4' | null;
  /** The loop whose shutdown_default_executor or close shut it down. */
  shutdownFrom?: MLoop;
}
