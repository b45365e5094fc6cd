/**
 * The reference runtime: a minimal asyncio over a simulated world, with the semantics of one
 * CPython version: `createRuntime(profile)` takes a profile (spec/profiles.ts; default
 * cpython-3.12) and the reference acts on each of its switches where a comment names the
 * switch and the rule it decides (`grep -n 'sw\.' reference/`).
 *
 * `createRuntime()` returns a fresh, pristine runtime: its own world (pid, threads, clock),
 * its own module objects (events, futures, tasks, runners, os, signal) and its own subclasses of the loop, policy,
 * future and task classes. Nothing is global, so a test (or a mutant) can patch one runtime:
 *
 *   rt.events.get_event_loop = function () { ... };            // a module-level function
 *   rt.DefaultEventLoopPolicy.prototype.set_event_loop = ...;    // a policy method
 *   rt.EventLoop.prototype.close = ...;                          // a loop method
 *
 * without touching the reference modules or any other runtime. A mutant is such a patch:
 *
 *   export default referenceAdapter({
 *     name: 'mutant:set-not-recorded',
 *     patch: (rt) => {
 *       rt.DefaultEventLoopPolicy.prototype.set_event_loop = function (loop) {
 *         this._local.get()._loop = loop as AbstractEventLoop | null; // NEW-4, NEW-5 broken
 *       };
 *     },
 *   });
 *
 * Calls that may block their thread (run_forever, run_until_complete, asyncio.run, join,
 * fork, a task step, a callback) are generator functions returning `Blocking<T>` (see
 * world.ts); a patch of one of them must be a generator function too. To run blocking code
 * outside the interpreter: `rt.world.runMain(() => rt.runners.run(coro))`.
 */
import { defaultProfile, type Profile, type Switches } from '../spec/profiles.ts';
import type { BaseEventLoop } from './base_events.ts';
import { Warnings } from './errors.ts';
import { BaseDefaultEventLoopPolicy, EventsModule, deprecatedPolicyApi } from './events.ts';
import { Future, FuturesModule, wrap_future } from './futures.ts';
import type { ConcurrentFuture } from './executor.ts';
import { OsModule } from './os.ts';
import { RunnersModule } from './runners.ts';
import { SignalModule } from './signal.ts';
import { Task, TasksModule } from './tasks.ts';
import { SelectorEventLoop } from './unix_events.ts';
import { World } from './world.ts';

export interface Runtime {
  /** The CPython version whose semantics this runtime has (default cpython-3.12). */
  readonly profile: Profile;
  /** `profile.switches`, for the places that act on them. */
  readonly sw: Switches;
  readonly world: World;
  /** `warnings.warn` goes here; the driver installs a sink. */
  readonly warnings: Warnings;
  /** What the loops' default exception handler logged (callback errors, ...). */
  readonly log: string[];
  /** asyncio.events: policy slot, get/set_event_loop, running loop, at-fork hook. */
  events: EventsModule;
  /** asyncio.futures: the chaining of two futures (_chain_future and its pieces). */
  futures: FuturesModule;
  /** asyncio.tasks: current_task, create_task, sleep, ... */
  tasks: TasksModule;
  /** asyncio.runners: run. */
  runners: RunnersModule;
  /** os: getpid, fork, kill. */
  os: OsModule;
  /** signal: dispositions, the wakeup fd, and the C-level handler (SIG-1, SIG-2). */
  signal: SignalModule;
  /**
   * The `asyncio` package namespace, for the names whose lookup itself has an effect
   * (3.14's module `__getattr__`): `rt.asyncio.DefaultEventLoopPolicy` is what the program
   * text `asyncio.DefaultEventLoopPolicy` evaluates to.
   */
  asyncio: AsyncioModule;
  /** The loop class `new_event_loop()` makes (`_UnixSelectorEventLoop`). */
  EventLoop: new () => BaseEventLoop;
  /** `asyncio.DefaultEventLoopPolicy`. */
  DefaultEventLoopPolicy: new () => BaseDefaultEventLoopPolicy;
  Future: new <T = unknown>(loop: BaseEventLoop) => Future<T>;
  Task: typeof Task;
}

/**
 * `asyncio/__init__.py`'s module-level `__getattr__` (3.14): the deprecated policy names warn
 * when they are read. Up to 3.13 they are plain attributes.
 */
export class AsyncioModule {
  constructor(readonly _rt: Runtime) {}

  /** `asyncio.wrap_future` (futures.py), as the program text names it (RCT-1.4); asyncio's own calls use futures.ts's. */
  wrap_future: <T>(future: ConcurrentFuture<T> | Future<T>, loop: BaseEventLoop) => Future<T> = wrap_future;

  /** `asyncio.DefaultEventLoopPolicy` (the runtime's class, patches included). */
  get DefaultEventLoopPolicy(): new () => BaseDefaultEventLoopPolicy {
    // POL-2 (policyDeprecated): 3.14 warns on reading the name.
    if (this._rt.sw.policyDeprecated) deprecatedPolicyApi(this._rt, 'DefaultEventLoopPolicy');
    return this._rt.DefaultEventLoopPolicy;
  }
}

/**
 * A fresh runtime with the semantics of `profile` (default cpython-3.12: existing callers and
 * patches see exactly the runtime they saw before profiles existed).
 */
export function createRuntime(profile: Profile = defaultProfile()): Runtime {
  const rt = {
    profile,
    sw: Object.freeze({ ...profile.switches }),
    world: new World(),
    warnings: new Warnings(),
    log: [] as string[],
  } as Partial<Runtime> as Runtime;
  // Per-runtime subclasses: patching their prototypes affects this runtime only.
  rt.EventLoop = class EventLoop extends SelectorEventLoop {
    constructor() {
      super(rt);
    }
  };
  rt.DefaultEventLoopPolicy = class DefaultEventLoopPolicy extends BaseDefaultEventLoopPolicy {
    // Stryker disable next-line StringLiteral: not in any trace: no variable holds a policy, so no message names its type
    static override pyName = '_UnixDefaultEventLoopPolicy';
    constructor() {
      super(rt);
    }
  };
  rt.Future = class RtFuture<T> extends Future<T> {};
  rt.Task = class RtTask<T> extends Task<T> {};
  rt.events = new EventsModule(rt);
  rt.futures = new FuturesModule(rt);
  rt.tasks = new TasksModule(rt);
  rt.runners = new RunnersModule(rt);
  rt.os = new OsModule(rt);
  rt.signal = new SignalModule(rt);
  rt.asyncio = new AsyncioModule(rt);
  return rt;
}

export { escapes, PyError, SimulationHang, Warnings, pyStrRepr, pyTypeName, type PyWarning } from './errors.ts';
export { World, Thread, Process, ThreadLocal, ProcessLocal, Wait, isGenerator, type Blocking, type Work } from './world.ts';
export { AbstractEventLoop, AbstractEventLoopPolicy, BaseDefaultEventLoopPolicy, EventsModule, Handle, TimerHandle } from './events.ts';
export { BaseEventLoop, type ExceptionContext, type ExceptionHandler, type TaskFactory } from './base_events.ts';
export { SelectorEventLoop, iscoroutinefunction, markCoroutineFunction } from './unix_events.ts';
export { SignalModule, ProcessKilled } from './signal.ts';
export { Future, FuturesModule, iscoroutine, isfuture, type Chain, type Coro, type YieldItem } from './futures.ts';
export { Task, TasksModule } from './tasks.ts';
export { RunnersModule, Runner } from './runners.ts';
export { ThreadPoolExecutor, ConcurrentFuture, ConcurrentCancelledError } from './executor.ts';
export { OsModule } from './os.ts';
export { Context, ContextVar, ContextArg, copy_context, current_context, to_thread } from './contextvars.ts';
