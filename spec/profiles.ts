/**
 * Profiles: one CPython minor version's semantics, as a set of switches. The oracle (and the
 * reference) take a profile; a rule says which switches it depends on (`dependsOn` in
 * rules.ts), so the rules that differ between two versions are known from the registry.
 *
 * Every switch value has a source: the CPython source of that version, and measurements of
 * the probe programs (fixtures/probes/) on the interpreters named in `describes`.
 */

export interface Switches {
  /**
   * get_event_loop() in the main thread creates a loop when none is set and set_event_loop
   * was never called there. Removed in 3.14: the policy's get_event_loop only returns the
   * loop that was set, or raises.
   */
  implicitCreation: boolean;
  /** That implicit creation emits DeprecationWarning('There is no current event loop'). */
  implicitCreationWarns: boolean;
  /**
   * The error of set_event_loop(non-loop) and set_event_loop_policy(non-policy): an `assert`
   * (AssertionError with an empty message) up to 3.10, a TypeError naming the type from 3.11.
   */
  typeCheck: 'assert' | 'TypeError';
  /**
   * os.register_at_fork(after_in_child=...) resets the policy's per-thread state and the
   * running loop in a forked child (3.12+). Before, the child keeps its copy of the parent's
   * per-thread state, and only the pid check hides the parent's running loop.
   */
  forkHook: boolean;
  /**
   * get_event_loop_policy, set_event_loop_policy and asyncio.DefaultEventLoopPolicy emit
   * DeprecationWarning("'asyncio.<name>' is deprecated and slated for removal in Python 3.16").
   */
  policyDeprecated: boolean;
  /**
   * A run_forever() that fails its checks (closed, already running, another loop running) still runs
   * its cleanup: it clears the thread's running loop and the loop's thread id, while the loop
   * goes on running. A bug of 3.13.0 (python/cpython#130145). The profile specifies the
   * refusal itself (LIFE-2, LIFE-3, LIFE-4); programs that go on after it are left out of the profile,
   * since what follows is an inconsistent state, not semantics (see spec/FACTS.md).
   */
  failedRunForeverCleansUp: boolean;
  /** asyncio.run shuts down the default executor after the async generators (3.9+). */
  runShutsDownExecutor: boolean;
  /**
   * The policy's get_event_loop recognises the main thread by its class,
   * `isinstance(threading.current_thread(), threading._MainThread)` (3.8.18 events.py), not
   * by identity, `threading.current_thread() is threading.main_thread()` (3.9.18 to 3.13.0).
   * They differ in a child forked from a worker thread: the worker's Thread becomes the
   * child's main_thread() but is no _MainThread (measured: fixtures/probes/FORK-2.json).
   */
  mainThreadByClass: boolean;
  /**
   * asyncio.eager_task_factory exists (3.12+, tasks.py): a task it makes on a running loop
   * runs its coroutine's first step inside create_task (Task.__init__(eager_start=True)).
   * Before, reading asyncio.eager_task_factory raises AttributeError (TFACT-1.3).
   */
  eagerTaskFactory: boolean;
  /**
   * Task.cancel(msg) takes a message (3.9+, tasks.py `def cancel(self, msg=None)`); 3.8's C
   * Task raises TypeError('cancel() takes no arguments (1 given)') (CANCEL-1.4).
   */
  cancelMessage: boolean;
  /**
   * A task keeps the CancelledError its coroutine raised (`_cancelled_exc`), and awaiting it
   * raises that one, with its message (3.11+, futures.py `_make_cancelled_error`); 3.9 and 3.10
   * cancel the task with `super().cancel()` and an awaiter gets CancelledError() (CANCEL-1.4).
   */
  cancelledErrorKept: boolean;
  /** Task.cancelling() and Task.uncancel() exist (3.11+); before, AttributeError (CANCEL-1.5). */
  taskCancelling: boolean;
  /**
   * asyncio.create_task(coro, context=C) exists (3.11+, tasks.py; Task(context=)): the task
   * runs in C. Before, create_task() got an unexpected keyword argument 'context' (TypeError,
   * measured on 3.8.18, 3.9.18, 3.10.13: CTX-1.3).
   */
  createTaskContext: boolean;
  /**
   * asyncio.to_thread exists (3.9+, threads.py): fn runs in the default executor in a copy of
   * the caller's context. Before, reading asyncio.to_thread raises AttributeError (CTX-1.4).
   */
  toThread: boolean;
  /**
   * loop.set_default_executor(x), x not a concurrent.futures.ThreadPoolExecutor: 'warn' emits
   * DeprecationWarning('Using the default executor that is not an instance of ThreadPoolExecutor
   * is deprecated and will be prohibited in Python 3.9') and sets x (3.8.18, 3.9.18, 3.10.13,
   * despite the message); 'TypeError' raises TypeError('executor must be ThreadPoolExecutor
   * instance') (3.11.7+). base_events.py set_default_executor, measured (EXEC-3.2).
   */
  defaultExecutorTypeCheck: 'warn' | 'TypeError';
  /** loop.shutdown_default_executor(timeout=None) takes a timeout (3.12+, base_events.py; EXEC-3.3). */
  shutdownExecutorTimeout: boolean;
  /**
   * signal.set_wakeup_fd and signal.signal, called from a thread other than the main thread,
   * raise ValueError('... only works in main thread of the main interpreter') (3.9+; 3.8:
   * '... only works in main thread'): what loop.add_signal_handler raises there, as a
   * RuntimeError with that message (SIG-1.1; measured: fixtures/probes/SIG-1.json).
   */
  signalMainInterpreter: boolean;
  /**
   * asyncio.Runner exists (3.11+, runners.py: asyncio.run is written with it). Before, reading
   * asyncio.Runner raises AttributeError("module 'asyncio' has no attribute 'Runner'")
   * (measured on 3.8.18, 3.9.18, 3.10.13: RUNNER-1.1).
   */
  runner: boolean;
  /**
   * asyncio.create_task(coro, name=N) passes name=N on to loop.create_task (3.13+, tasks.py), so
   * the Task is made with its name and takes no number from the counter of default names;
   * 3.8 to 3.12 make the task with a default name (a number taken) and then set_name(N)
   * (_set_task_name). Measured on 3.8.18 to 3.13.0 (TASK-6.2).
   */
  createTaskPassesName: boolean;
  /**
   * What loop.create_task(coro, name=N) does with N while the loop has a task factory (TASK-6.3):
   * 'ifGiven' calls task.set_name(N) after the factory when N is not None (3.8 to 3.12,
   * _set_task_name); 'always' calls task.set_name(N) after the factory whatever N is, so a
   * task made without a name is renamed 'None' (3.13.0, base_events.py); 'keyword' passes
   * name=N to the factory as a keyword argument only when N is given, and never renames (3.14,
   * create_task(coro, **kwargs), from its source).
   */
  factoryTaskName: 'ifGiven' | 'always' | 'keyword';
  /**
   * asyncio.run takes loop_factory= (3.12+, runners.py: `run(main, *, debug=None,
   * loop_factory=None)`). Before, the keyword raises TypeError("run() got an unexpected keyword
   * argument 'loop_factory'") (measured on 3.8.18, 3.10.13, 3.11.7: RUNNER-2.3).
   */
  runLoopFactory: boolean;
}

export type SwitchName = keyof Switches;

/** Switches that change no rule's observations, and what they do instead. */
export const SWITCH_NOTES: Partial<Record<SwitchName, string>> = {
  runShutsDownExecutor:
    "ARUN-2.3 (3.9+) when an executor job outlives asyncio.run's coroutine; 3.8 leaves such programs out (a race), so no program is determined under both",
  failedRunForeverCleansUp:
    'LIFE-2, LIFE-3 and LIFE-4 still hold for the refusal; programs that go on after it inside a running loop are left out of the profile',
  shutdownExecutorTimeout:
    "EXEC-3.3: shutdown_default_executor(timeout=) is in the model from 3.12 only; before, its TypeError's text differs between 3.9.18 ('shutdown_default_executor() got ...') and 3.10.13/3.11.7 ('BaseEventLoop.shutdown_default_executor() got ...'), which no switch tells apart, so those programs are left out",
};

export interface Profile {
  name: string;
  /** The CPython releases it describes, and how that was established. */
  describes: string;
  switches: Switches;
}

const base: Switches = {
  implicitCreation: true,
  implicitCreationWarns: false,
  typeCheck: 'TypeError',
  forkHook: false,
  policyDeprecated: false,
  failedRunForeverCleansUp: false,
  runShutsDownExecutor: true,
  mainThreadByClass: false,
  eagerTaskFactory: false,
  cancelMessage: true,
  cancelledErrorKept: true,
  taskCancelling: true,
  createTaskContext: true,
  toThread: true,
  defaultExecutorTypeCheck: 'TypeError',
  shutdownExecutorTimeout: true,
  signalMainInterpreter: true,
  runner: true,
  createTaskPassesName: false,
  factoryTaskName: 'ifGiven',
  runLoopFactory: true,
};
/**
 * 3.9 and 3.10 (3.8 differs further): the assert of set_event_loop; a cancel message, but not
 * kept for an awaiter, no cancelling() (CANCEL-1); no create_task(context=) (CTX-1); a
 * non-ThreadPoolExecutor default executor only warns, no shutdown timeout (EXEC-3); no Runner.
 */
const before311: Switches = {
  ...base,
  typeCheck: 'assert',
  cancelledErrorKept: false,
  taskCancelling: false,
  createTaskContext: false,
  defaultExecutorTypeCheck: 'warn',
  shutdownExecutorTimeout: false,
  runner: false,
  runLoopFactory: false,
};

export const PROFILES: Profile[] = [
  {
    name: 'cpython-3.8',
    describes: 'CPython 3.8.18 (measured: fixtures/probes/*.cpython-3.8.18.trace.json)',
    switches: {
      ...before311,
      runShutsDownExecutor: false,
      mainThreadByClass: true,
      cancelMessage: false,
      toThread: false,
      signalMainInterpreter: false,
    },
  },
  {
    name: 'cpython-3.9',
    describes: 'CPython 3.9.18 (measured)',
    switches: before311,
  },
  {
    name: 'cpython-3.10',
    describes:
      'CPython 3.10.13 (measured); 3.10.0 to 3.10.8 warned in get_event_loop whenever no loop was running, and 3.10.9 on ' +
      'creation only (gh-93453, gh-100160), which this profile does not describe',
    switches: before311,
  },
  {
    name: 'cpython-3.11',
    describes: 'CPython 3.11.7 (measured); 3.11.0 and 3.11.1 warned differently (gh-93453, gh-100160) and are not described',
    switches: { ...base, shutdownExecutorTimeout: false, runLoopFactory: false },
  },
  {
    name: 'cpython-3.12',
    describes: 'CPython 3.12.1 (measured); the default profile',
    switches: { ...base, implicitCreationWarns: true, forkHook: true, eagerTaskFactory: true },
  },
  {
    name: 'cpython-3.13',
    describes:
      'CPython 3.13.0 (measured), including python/cpython#130145 (a failed run_forever clears the running loop), fixed in later 3.13 releases',
    switches: {
      ...base,
      implicitCreationWarns: true,
      forkHook: true,
      failedRunForeverCleansUp: true,
      eagerTaskFactory: true,
      createTaskPassesName: true,
      factoryTaskName: 'always',
    },
  },
  {
    name: 'cpython-3.14',
    describes:
      'CPython 3.14.2: from its source (Lib/asyncio/events.py, __init__.py, runners.py as shipped in the pyodide 314.0.7 npm ' +
      'package), and measured in that Pyodide build for the policy-level part of the language (fixtures/corpus/pyodide/: ' +
      '200 programs, a stub loop class; the build has no threads, fork or selector loop)',
    switches: {
      ...base,
      implicitCreation: false,
      forkHook: true,
      policyDeprecated: true,
      eagerTaskFactory: true,
      createTaskPassesName: true,
      factoryTaskName: 'keyword',
    },
  },
];

export const DEFAULT_PROFILE = 'cpython-3.12';

/** A profile name that names no profile: bad input, the message lists the known names. */
export class UnknownProfileError extends Error {}

/** What to say of a profile name that names no profile. */
export const unknownProfile = (name: string): string => `unknown profile '${name}': use one of ${PROFILES.map((x) => x.name).join(', ')}`;

/** The profile of this name; an unknown name is an error, never a silent default. */
export function requireProfile(name: string): Profile {
  const p = profileByName(name);
  if (!p) throw new UnknownProfileError(unknownProfile(name));
  return p;
}

/** The profile used when neither the user nor the implementation names one. */
export const defaultProfile = (): Profile => requireProfile(DEFAULT_PROFILE);

export function profileByName(name: string): Profile | undefined {
  return PROFILES.find((p) => p.name === name);
}

/** The profile of a Python version string such as '3.12.1' or '3.14.0rc1'. */
export function profileForVersion(version: string): Profile | undefined {
  const m = version.match(/^(\d+)\.(\d+)/);
  return m ? profileByName(`cpython-${m[1]}.${m[2]}`) : undefined;
}

/** The switches whose values differ between two profiles. */
export function differingSwitches(a: Profile, b: Profile): SwitchName[] {
  return (Object.keys(a.switches) as SwitchName[]).filter((k) => a.switches[k] !== b.switches[k]);
}
