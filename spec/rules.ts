/**
 * The rule registry: every behavioural rule of the specification, with a stable ID.
 * IDs are GROUP-N and are never reused; a retired rule stays here with `retired: true`.
 *
 * A rule's normative text is its list of clauses (RFC 2119 keywords), each one testable
 * statement with an ID of its own, `GROUP-N.k` by position (append, never reorder). The oracle
 * tags every prediction with the clause that decides it (conformance/oracle/), and coverage
 * is counted per clause: a clause no program reached is "not exercised", never a pass. A
 * clause with `when` applies only under the profiles whose switches have those values.
 *
 * `sources` name where each fact comes from: the Python docs, PEP 3156, the CPython function
 * and version that implements it, or a recorded run of a real interpreter. `versions` notes
 * how other CPython versions differ, where known, and `dependsOn` names the profile switches
 * that make them differ: both live in the rule's own entry below, so a rule reads whole in
 * one place.
 */
import type { Profile, SwitchName, Switches } from './profiles.ts';

export type RuleGroup =
  | 'POL'
  | 'GET'
  | 'RUN'
  | 'NEW'
  | 'LIFE'
  | 'THR'
  | 'TASK'
  | 'SCHED'
  | 'EXEC'
  | 'ARUN'
  | 'FORK'
  | 'DEBUG'
  | 'ERR'
  | 'FUT'
  | 'TIME'
  | 'TFACT'
  | 'AGEN'
  | 'CANCEL'
  | 'CTX'
  | 'SIG'
  | 'RUNNER'
  | 'RCT';

export interface Clause {
  /** `GROUP-N.k`: the rule's ID and the clause's position in it, from 1. */
  id: string;
  text: string;
  /** The switch values under which the clause applies; it applies under every profile if absent. */
  when?: Partial<Switches>;
}

export interface Rule {
  id: string;
  group: RuleGroup;
  title: string;
  /** The normative text, clause by clause. */
  clauses: Clause[];
  /** The clauses' texts in one paragraph. */
  text: string;
  rationale: string;
  sources: string[];
  versions: string;
  /**
   * The profile switches (spec/profiles.ts) its observations depend on: between two profiles
   * that differ in none of them, the rule's observations are the same. Checked both ways by
   * conformance/profiles.test.ts.
   */
  dependsOn: SwitchName[];
  /**
   * Switches of `dependsOn` the rule sees only through another rule's clauses: where such a
   * switch differs, the observation that differs is that rule's to decide (the rule here is a
   * condition of it, conformance/predictions.ts), so a deviation there is blamed on that rule.
   */
  through?: Partial<Record<SwitchName, string>>;
  retired?: boolean;
}

export const GROUP_TITLES: Record<RuleGroup, string> = {
  POL: 'The event loop policy',
  GET: 'asyncio.get_event_loop',
  RUN: 'The running loop',
  NEW: 'new_event_loop and set_event_loop',
  LIFE: 'Loop lifecycle',
  THR: 'A loop per worker thread',
  TASK: 'Coroutines and tasks',
  SCHED: 'Callback scheduling',
  EXEC: 'run_in_executor',
  ARUN: 'asyncio.run',
  FORK: 'fork',
  DEBUG: 'Debug mode',
  ERR: 'Exceptions and the exception handler',
  FUT: 'Futures',
  TIME: "The loop's clock and timer handles",
  TFACT: 'Task factories',
  AGEN: 'Asynchronous generators and shutdown_asyncgens',
  CANCEL: 'Task cancellation and all_tasks',
  CTX: 'Context variables',
  SIG: 'Signals (POSIX)',
  RUNNER: 'asyncio.Runner',
  RCT: 'run_coroutine_threadsafe and wrap_future',
};

/** Where the measured facts come from: the probe programs and their recorded traces. */
const ALL = 'CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0';
const measured = (probe: string, on: string = ALL): string =>
  `measured: fixtures/probes/${probe}.json on ${on} (traces fixtures/probes/${probe}.cpython-<version>.trace.json)`;
const cpy = (file: string, fn: string, version = '3.12.1'): string => `CPython ${version} Lib/asyncio/${file} ${fn}`;
const docs = (page: string, section: string): string => `Python docs: ${page} "${section}"`;
/**
 * CPython 3.14, read from its source, and measured in the pyodide build (CPython 3.14.2 for
 * WebAssembly) for what runs there: the policy level, without threads, fork or a selector
 * loop. Profile cpython-3.14.
 */
const SOURCE_314 =
  'CPython 3.14.2 Lib/asyncio/events.py, __init__.py and runners.py, as shipped in python_stdlib.zip of the pyodide 314.0.7 ' +
  'npm package; measured in that build: fixtures/corpus/pyodide/ (scripts/record-pyodide.ts)';

export const RULES: Rule[] = [
  // ---- POL ----------------------------------------------------------------------------------
  r('POL-1', 'POL', 'One policy for the process, created once', {
    clauses: [
      'asyncio.get_event_loop_policy() MUST return the process-wide policy object: if none is installed, the first call (or the first get_event_loop, set_event_loop or new_event_loop, which act through the policy) MUST create one instance of the default policy class (asyncio.DefaultEventLoopPolicy) and install it, and every later call, from any thread (the main thread, a worker thread, an executor thread, a coroutine or a callback), MUST return that same object until set_event_loop_policy replaces it (POL-2).',
      "In a forked child, get_event_loop_policy() MUST return the policy installed in the parent when it forked (the child's copy of it); only the policy's per-thread state differs there (FORK-2).",
      'get_event_loop_policy() MUST NOT warn in profiles 3.8 to 3.13; in profile 3.14 it MUST emit DeprecationWarning("\'asyncio.get_event_loop_policy\' is deprecated and slated for removal in Python 3.16") on every call.',
    ],
    rationale:
      'The policy is the single global that scopes every loop lookup; lazily creating it once keeps ' +
      'new_event_loop side-effect free apart from that creation. The first creation happens under a lock; which of two ' +
      'racing threads creates it depends on thread timing and is not compared.',
    sources: [
      cpy('events.py', '_init_event_loop_policy, get_event_loop_policy, get_event_loop, set_event_loop, new_event_loop'),
      docs('library/asyncio-policy.html', 'Getting and Setting the Policy'),
      measured('POL-1'),
      SOURCE_314,
    ],
    versions:
      'Identical in every measured version (3.8.18 to 3.13.0). ' +
      "3.14 (source): get_event_loop_policy() emits DeprecationWarning(\"'asyncio.get_event_loop_policy' is deprecated and slated for " +
      'removal in Python 3.16") on every call; asyncio\'s own lookups use the private _get_event_loop_policy() and do not warn.',
    dependsOn: ['policyDeprecated'],
  }),
  r('POL-2', 'POL', 'set_event_loop_policy installs, resets and type-checks', {
    clauses: [
      'asyncio.set_event_loop_policy(policy), given an AbstractEventLoopPolicy instance, MUST install it and return None: get_event_loop_policy() then returns it.',
      'Given None, it MUST uninstall the policy and return None: the next get_event_loop_policy() lazily creates a new default instance, distinct from every earlier one.',
      'The per-thread state (current loop and the "set called" flag) lives in the policy instance, so every thread MUST start afresh under a newly installed policy: in the main thread get_event_loop() then takes the implicit-creation path of GET-3 (profile 3.14: raises, GET-3.5) even if a loop was set under the old policy.',
      "Given anything else, it MUST raise TypeError with message \"policy must be an instance of AbstractEventLoopPolicy or None, not '<type(policy).__name__>'\" (e.g. not 'int') and leave the installed policy unchanged; profiles 3.8 to 3.10 raise AssertionError with an empty message instead (the check is an assert).",
      "set_event_loop_policy MUST NOT warn in profiles 3.8 to 3.13; in profile 3.14 it MUST emit DeprecationWarning(\"'asyncio.set_event_loop_policy' is deprecated and slated for removal in Python 3.16\"), preceded, when its argument is asyncio.DefaultEventLoopPolicy(), by the same warning for 'asyncio.DefaultEventLoopPolicy'.",
    ],
    rationale:
      'Policies are the extension point for alternative loops (uvloop and the like); installing one replaces every ' +
      'thread-to-loop binding at once, which is why tests reset the policy between cases.',
    sources: [
      cpy('events.py', 'set_event_loop_policy, BaseDefaultEventLoopPolicy._Local'),
      cpy('events.py', 'set_event_loop_policy (assert)', '3.10.13'),
      docs('library/asyncio-policy.html', 'asyncio.set_event_loop_policy'),
      measured('POL-2'),
      SOURCE_314,
    ],
    versions:
      '3.8 to 3.10: the check is an `assert`, so a non-policy raises AssertionError with an empty message (measured ' +
      'on 3.8.18, 3.9.18, 3.10.13) and under `python -O` is not checked at all (source). 3.11.7, 3.12.1, 3.13.0: ' +
      'TypeError as above (measured). After set_event_loop_policy("new"), the implicit creation in the main thread ' +
      'emits the DeprecationWarning of GET-3 on 3.12.1 and 3.13.0 only. ' +
      "3.14 (source): set_event_loop_policy() emits DeprecationWarning(\"'asyncio.set_event_loop_policy' is deprecated and slated for " +
      "removal in Python 3.16\"), and reading asyncio.DefaultEventLoopPolicy emits the same warning for 'asyncio.DefaultEventLoopPolicy' " +
      '(module __getattr__); the type check is unchanged.',
    dependsOn: ['typeCheck', 'policyDeprecated'],
  }),

  // ---- GET ----------------------------------------------------------------------------------
  r('GET-1', 'GET', 'The running loop comes first', {
    clauses: [
      'asyncio.get_event_loop() MUST return the running loop of the calling thread (what _get_running_loop() returns) whenever there is one, without consulting the policy and without a warning: regardless of the loop set for the thread, even after set_event_loop(None) or set_event_loop(other) inside the running loop, in coroutines and in callbacks alike.',
      'Such a call MUST NOT change the policy state: a later get_event_loop() in that thread with no running loop answers as if it had not been made.',
    ],
    rationale:
      'Inside asyncio code "the event loop" means the running one; this is what makes get_event_loop safe in ' +
      'coroutines and callbacks.',
    sources: [
      cpy('events.py', 'get_event_loop (pure Python; C version _asyncio.get_event_loop)'),
      docs('library/asyncio-eventloop.html', 'asyncio.get_event_loop'),
      measured('GET-1'),
    ],
    versions:
      'Identical in every measured version (3.8.18 to 3.13.0). What a later lookup finds (GET-1.2) is what GET-2 to GET-4 ' +
      'say under the profile: in 3.14 (source) no implicit creation, so it raises where 3.8 to 3.13 create a loop.',
    dependsOn: ['implicitCreation'],
    through: { implicitCreation: 'GET-3' },
  }),
  r('GET-2', 'GET', 'Otherwise the loop set for this thread', {
    clauses: [
      'With no running loop in the calling thread, get_event_loop() MUST return the loop last set for this thread with set_event_loop (through the installed default policy) or by the implicit creation of GET-3, the same object on every call, without a warning.',
      'It MUST return that loop even if it is closed, without a warning: neither get_event_loop nor the policy checks the loop state.',
    ],
    rationale: 'The policy simply stores one loop per thread; closing a loop does not unset it.',
    sources: [
      cpy('events.py', 'BaseDefaultEventLoopPolicy.get_event_loop'),
      docs('library/asyncio-policy.html', 'get_event_loop'),
      measured('GET-2'),
    ],
    versions:
      'Identical in every measured version. (3.10.0 to 3.10.8 and 3.11.0, not measured, emitted a DeprecationWarning ' +
      'here too, "if there was no running event loop, even if the current loop was set": Python docs note on ' +
      'asyncio.get_event_loop, gh-93453.)',
    // What a fork child inherits (FORK-2) and whether the loop returned was created at all
    // (GET-3) differ by version; returning it does not.
    dependsOn: ['forkHook', 'implicitCreation'],
    through: { forkHook: 'FORK-2', implicitCreation: 'GET-3' },
  }),
  r('GET-3', 'GET', 'Implicit creation: main thread, no loop, set never called', {
    clauses: [
      when(
        { implicitCreation: true },
        "With no running loop, when no loop is set for the calling thread AND set_event_loop was never called in this thread under the installed policy AND the calling thread is threading.main_thread() (in a forked child: the thread that called fork, FORK-2, which profile 3.8 recognises by class, FORK-2.6; not a worker thread that is merely named 'MainThread', GET-4.3), get_event_loop() MUST create a loop with the policy's new_event_loop(), set it as the current loop of the thread (which counts as a set_event_loop call) and return it: a new loop, open and not running.",
      ),
      when(
        { implicitCreation: true },
        'Later calls MUST return that same loop, without a warning, even after it is closed (no re-creation).',
      ),
      when(
        { implicitCreationWarns: true },
        'Profiles 3.12 and 3.13: the creating call MUST emit exactly one DeprecationWarning with message "There is no current event loop".',
      ),
      when({ implicitCreation: true, implicitCreationWarns: false }, 'Profiles 3.8 to 3.11: the creating call MUST NOT warn.'),
      when(
        { implicitCreation: false },
        'Profile 3.14: there is no implicit creation: in the main thread too, get_event_loop() with no running loop and no loop set MUST raise RuntimeError("There is no current event loop in thread \'MainThread\'."), without a warning.',
      ),
    ],
    rationale:
      'Historic convenience for scripts that call get_event_loop() at module level; deprecated in favour of ' +
      'asyncio.run and get_running_loop.',
    sources: [
      cpy('events.py', 'BaseDefaultEventLoopPolicy.get_event_loop'),
      cpy('events.py', 'BaseDefaultEventLoopPolicy.get_event_loop', '3.13.0'),
      docs('library/asyncio-eventloop.html', 'asyncio.get_event_loop (deprecated note)'),
      'python/cpython gh-93453 (3.10.9/3.11.1: warn only when creating) and gh-100160, PR #100970 (3.10/3.11: remove every get_event_loop DeprecationWarning)',
      measured('GET-3'),
      measured('NEW-2'),
      SOURCE_314,
    ],
    versions:
      'Measured: 3.8.18, 3.9.18, 3.10.13, 3.11.7 create silently; 3.12.1 and 3.13.0 create and warn ' +
      'DeprecationWarning("There is no current event loop"). Documented history (not measured): 3.10.0 to 3.10.8 and ' +
      '3.11.0 warned whenever there was no running loop; 3.10.9 and 3.11.1 warned on creation only (gh-93453); later ' +
      '3.10 and 3.11 patch releases removed the warning (gh-100160), which is what 3.10.13 and 3.11.7 show. ' +
      '3.14 (source): implicit creation is removed. BaseDefaultEventLoopPolicy.get_event_loop returns the loop set for the ' +
      'thread or raises RuntimeError("There is no current event loop in thread %r."), in the main thread too, with no ' +
      'warning; the _set_called flag is gone. The main thread is recognised by identity (3.8: by class), never by name: ' +
      '`isinstance(threading.current_thread(), threading._MainThread)` in 3.8.18, ' +
      '`threading.current_thread() is threading.main_thread()` in 3.9.18 to 3.13.0 (events.py, ' +
      "BaseDefaultEventLoopPolicy.get_event_loop); a worker thread named 'MainThread' raises as in GET-4 " +
      '(measured on 3.8.18 to 3.13.0, seeds 101 and 202).',
    dependsOn: ['implicitCreation', 'implicitCreationWarns'],
  }),
  r('GET-4', 'GET', 'Otherwise RuntimeError naming the thread', {
    clauses: [
      when(
        { implicitCreation: true },
        'In the main thread, with no running loop and no loop set, once set_event_loop was called there (set_event_loop(None), a set_event_loop rejected by NEW-5, or the set_event_loop(None) at the end of asyncio.run), get_event_loop() MUST raise RuntimeError("There is no current event loop in thread %r." % threading.current_thread().name: "... in thread \'MainThread\'." in the interpreter\'s first thread), without a warning, and MUST NOT create or set a loop. (Profile 3.14 has no "set called" flag: GET-3.5.)',
      ),
      'In a thread that is not the main thread, with no running loop and no loop set, get_event_loop() MUST raise RuntimeError with message "There is no current event loop in thread %r." % threading.current_thread().name (for example "There is no current event loop in thread \'T1\'."), without a warning, and MUST NOT create or set a loop. (Executor worker threads: EXEC-2.2.)',
      "A worker thread named 'MainThread' is not the main thread: the main thread is recognised by identity (profile 3.8: by class), never by name, so get_event_loop() there MUST raise as in GET-4.2.",
    ],
    rationale: 'A worker thread must be given its loop explicitly; the error names the thread to make that obvious.',
    sources: [
      cpy('events.py', 'BaseDefaultEventLoopPolicy.get_event_loop'),
      cpy('base_events.py', "BaseEventLoop.run_in_executor (ThreadPoolExecutor(thread_name_prefix='asyncio'))"),
      measured('GET-4'),
      measured('NEW-4'),
    ],
    versions:
      "Identical in every measured version except the executor thread's name: 'ThreadPoolExecutor-0_0' on 3.8.18, " +
      "'asyncio_0' on 3.9.18 and later (measured).",
  }),

  // ---- RUN ----------------------------------------------------------------------------------
  r('RUN-1', 'RUN', 'get_running_loop returns the running loop or raises', {
    clauses: [
      'asyncio.get_running_loop() MUST return the loop running in the calling thread, in its coroutines and in its callbacks.',
      "With no loop running in the calling thread it MUST raise RuntimeError('no running event loop'), also when a loop is set as the thread's current loop or runs in another thread.",
    ],
    rationale: 'The unambiguous accessor that the docs recommend over get_event_loop.',
    sources: [cpy('events.py', 'get_running_loop'), docs('library/asyncio-eventloop.html', 'asyncio.get_running_loop'), measured('RUN-1')],
    versions: 'Identical in every measured version.',
  }),
  r('RUN-2', 'RUN', '_get_running_loop returns the running loop or None', {
    clauses: [
      'asyncio._get_running_loop() MUST return the loop running in the calling thread, in its coroutines and in its callbacks.',
      'With no loop running in the calling thread it MUST return None and MUST NOT raise; the running loop is recorded per thread with the pid of the process that started running it, so in a process whose pid differs (a forked child) it returns None (FORK-1).',
    ],
    rationale: 'The low-level hook that get_event_loop, get_running_loop and third-party loops share.',
    sources: [cpy('events.py', '_get_running_loop, _set_running_loop, _RunningLoop'), measured('RUN-2')],
    versions: 'Identical in every measured version.',
  }),
  r('RUN-3', 'RUN', 'The running loop is per thread', {
    clauses: [
      "While a loop L runs in thread A, any other thread B with no loop running of its own MUST see no running loop (_get_running_loop() is None, get_running_loop() raises RuntimeError('no running event loop')), also after a loop of its own has stopped.",
      "B MAY run its own loop M while L runs in A: inside M's run, M MUST be the running loop in B (and L stays that of A).",
    ],
    rationale: 'The running loop lives in thread-local storage; loops in different threads are independent.',
    sources: [cpy('events.py', '_RunningLoop (threading.local)'), measured('RUN-3')],
    versions: 'Identical in every measured version.',
  }),

  // ---- NEW ----------------------------------------------------------------------------------
  r('NEW-1', 'NEW', 'new_event_loop returns a new, open, idle loop', {
    clauses: [
      'asyncio.new_event_loop() MUST return, in any thread, a new loop object distinct from every loop returned before (open and not running: LIFE-6).',
    ],
    rationale: 'The building block of every explicit loop setup (THR-1, asyncio.run).',
    sources: [cpy('events.py', 'new_event_loop, BaseDefaultEventLoopPolicy.new_event_loop'), measured('NEW-1')],
    versions: 'Identical in every measured version.',
  }),
  r('NEW-2', 'NEW', 'new_event_loop has no side effect on the current loop', {
    clauses: [
      'new_event_loop() MUST NOT set the new loop as the current loop of any thread, MUST NOT set the "set called" flag and MUST NOT make the loop running (its only side effect is installing the default policy if none is, POL-1): whatever get_event_loop() returns afterwards in that thread is not that loop (in the main thread of a fresh process it still takes the implicit-creation path of GET-3, in a worker thread it still raises, GET-4).',
    ],
    rationale: 'Creating a loop and binding it to a thread are separate steps; the seed calls new_event_loop side-effect free.',
    sources: [
      cpy('events.py', 'BaseDefaultEventLoopPolicy.new_event_loop'),
      docs('library/asyncio-policy.html', 'new_event_loop'),
      measured('NEW-2'),
    ],
    versions: 'Identical in every measured version except the warning of GET-3 (3.12.1 and 3.13.0 only).',
  }),
  r('NEW-3', 'NEW', 'set_event_loop(loop) sets the current loop of this thread only', {
    clauses: [
      'asyncio.set_event_loop(loop) with a loop MUST return None; no check is made that the loop is open, idle or current in another thread.',
      'It MUST make the loop the current loop of the calling thread, replacing any earlier one: get_event_loop() there with no running loop returns it.',
      'It MUST NOT change the current loop of any other thread: a thread that set no loop of its own still has none (GET-4).',
    ],
    rationale: 'The default policy keeps one slot per thread (threading.local).',
    sources: [
      cpy('events.py', 'BaseDefaultEventLoopPolicy.set_event_loop, _Local'),
      docs('library/asyncio-eventloop.html', 'asyncio.set_event_loop'),
      measured('NEW-3'),
    ],
    versions: 'Identical in every measured version.',
  }),
  r('NEW-4', 'NEW', 'set_event_loop(None) clears the loop and counts as a call', {
    clauses: [
      'asyncio.set_event_loop(None) MUST clear the current loop of the calling thread (without closing it), MUST set the thread\'s "set called" flag and MUST return None.',
      'From then on get_event_loop() in that thread, with no running loop, MUST raise RuntimeError as in GET-4, even in the main thread of a fresh process: it never falls back to implicit creation.',
    ],
    rationale: 'Lets a program opt out of implicit creation; asyncio.run relies on it (ARUN-4).',
    sources: [cpy('events.py', 'BaseDefaultEventLoopPolicy.set_event_loop, get_event_loop'), measured('NEW-4')],
    versions: 'Identical in every measured version.',
  }),
  r('NEW-5', 'NEW', 'set_event_loop rejects a non-loop with TypeError', {
    clauses: [
      "asyncio.set_event_loop(x), x neither None nor an AbstractEventLoop, MUST raise TypeError with message \"loop must be an instance of AbstractEventLoop or None, not '<type(x).__name__>'\" (e.g. not 'int'); profiles 3.8 to 3.10 raise AssertionError with an empty message instead (the check is an assert).",
      'It MUST leave the current loop of the thread unchanged: a loop set before is still what get_event_loop() returns.',
      when(
        { implicitCreation: true },
        'It MUST nevertheless set the thread\'s "set called" flag, which the policy does before its type check: after set_event_loop(42) in the main thread of a fresh process, get_event_loop() raises RuntimeError("There is no current event loop in thread \'MainThread\'.") instead of creating a loop.',
      ),
    ],
    rationale:
      'The flag is set on the first line of BaseDefaultEventLoopPolicy.set_event_loop, before validation; a faithful implementation must reproduce that order.',
    sources: [
      cpy('events.py', 'BaseDefaultEventLoopPolicy.set_event_loop'),
      cpy('events.py', 'BaseDefaultEventLoopPolicy.set_event_loop (assert)', '3.8.18'),
      measured('NEW-5'),
      SOURCE_314,
    ],
    versions:
      '3.8.18, 3.9.18, 3.10.13: the check is an assert: AssertionError with an empty message, same "set called" ' +
      'effect (measured). Under `python -O` (3.10.13, measured by hand) there is no check at all: the int becomes ' +
      'the current loop and get_event_loop() returns 42. 3.11.7, 3.12.1, 3.13.0: TypeError as above (measured). ' +
      '3.14 (source): the same TypeError; there is no "set called" flag to mark any more, and nothing else changes.',
    dependsOn: ['typeCheck', 'implicitCreation'],
    through: { implicitCreation: 'GET-3' },
  }),

  // ---- LIFE ---------------------------------------------------------------------------------
  r('LIFE-1', 'LIFE', 'run_until_complete returns the result or raises the exception', {
    clauses: [
      "loop.run_until_complete(coro) on an open, idle loop MUST wrap the coroutine in a Task of that loop, run the loop until the task is done and return the coroutine's return value.",
      'If the coroutine raises, run_until_complete MUST raise the same exception (same class and message).',
      'Afterwards the loop MUST be idle and open, and MUST run again: a later run_until_complete of it behaves as in LIFE-1.1 and LIFE-1.2.',
    ],
    rationale: 'The basic synchronous entry point into a loop.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.run_until_complete'),
      docs('library/asyncio-eventloop.html', 'loop.run_until_complete'),
      measured('LIFE-1'),
    ],
    versions: 'Identical in every measured version.',
  }),
  r('LIFE-2', 'LIFE', 'A closed loop cannot run', {
    clauses: [
      "On a closed loop, run_until_complete MUST raise RuntimeError('Event loop is closed') before anything else.",
      "On a closed loop, run_forever MUST raise RuntimeError('Event loop is closed').",
      'The refused run_until_complete MUST NOT wrap its coroutine in a task: none of the coroutine runs, then or later.',
    ],
    rationale: 'A closed loop has released its selector and executor.',
    sources: [cpy('base_events.py', 'BaseEventLoop._check_closed, run_until_complete, run_forever'), measured('LIFE-2')],
    versions: 'Identical in every measured version.',
  }),
  r('LIFE-3', 'LIFE', 'A running loop cannot be run again', {
    clauses: [
      "On a loop that is running (necessarily in the calling thread, from one of its coroutines or callbacks), run_until_complete MUST raise RuntimeError('This event loop is already running') and MUST leave the running loop undisturbed: is_running() stays True and the loop keeps running the caller.",
      when(
        { failedRunForeverCleansUp: false },
        "On a running loop, run_forever MUST raise RuntimeError('This event loop is already running') and MUST leave the running loop undisturbed. Not in profile 3.13: 3.13.0's refused run_forever leaves the loop inconsistent (python/cpython#130145), so what follows it is left out of the model and no program observes the refusal.",
      ),
      'The refused run_until_complete MUST NOT wrap its coroutine in a task: none of the coroutine runs, then or later.',
    ],
    rationale: 'asyncio loops are not re-entrant.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop._check_running, run_until_complete, run_forever'),
      cpy('base_events.py', 'BaseEventLoop.run_forever, _run_forever_setup, _run_forever_cleanup', '3.13.0'),
      'python/cpython issue #130145 "loop.run_forever can remove running loop if already running"',
      measured('LIFE-3'),
    ],
    versions:
      '3.8.18 to 3.12.1: as above (measured). 3.13.0 DEVIATES for run_forever (measured): run_forever calls ' +
      '_run_forever_setup inside its try block, so when the check fails, _run_forever_cleanup still runs, setting the ' +
      "loop's _thread_id to None and the thread's running loop to None. After the failed call, in the coroutine the " +
      'still-running loop keeps stepping: is_running() is False, _get_running_loop() is None, get_running_loop() ' +
      "raises RuntimeError('no running event loop'), and get_event_loop() even creates a second loop with the GET-3 " +
      'DeprecationWarning (LIFE-3 s8 to s12). run_until_complete checks before calling run_forever and is not ' +
      'affected (s5, s6). Judged by another profile, 3.13.0 fails this rule, and LIFE-4 where the loop refused is ' +
      'another: what the run reads of its running loop after the refusal (lookups, is_running, runs, close, the ' +
      'asyncgen hooks) has the refusal as condition (measured at seeds 9919 and 9923 under profiles 3.12 and 3.14).',
  }),
  r('LIFE-4', 'LIFE', 'No loop runs while another loop runs in the same thread', {
    clauses: [
      "While loop A runs in a thread, run_until_complete of another loop B called in that thread (from a coroutine or a callback of A) MUST raise RuntimeError('Cannot run the event loop while another loop is running'), MUST leave B idle and MUST leave A the running loop of the thread.",
      when(
        { failedRunForeverCleansUp: false },
        "Likewise run_forever of B MUST raise RuntimeError('Cannot run the event loop while another loop is running'). (B MAY run in another thread, RUN-3, and in this thread once A has stopped.) Not in profile 3.13: 3.13.0's refused run_forever leaves the loop inconsistent (python/cpython#130145), so what follows it is left out of the model and no program observes the refusal.",
      ),
      'The refused run_until_complete MUST NOT wrap its coroutine in a task: none of the coroutine runs, then or later (in A or in B).',
    ],
    rationale: 'One thread, one running loop: the running-loop slot is per thread.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop._check_running'),
      'python/cpython issue #130145',
      measured('LIFE-4'),
      'CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0 Lib/asyncio/base_events.py BaseEventLoop.run_until_complete: ' +
        '_check_closed() and _check_running() come before tasks.ensure_future(future, loop=self) (read in each pyenv install)',
    ],
    versions:
      '3.8.18 to 3.12.1: as above (measured). 3.13.0 DEVIATES (measured): a failed B.run_forever() clears the ' +
      "thread's running loop (see LIFE-3), so a later B.run_until_complete() from a callback of A, which is still " +
      'running, succeeds.',
  }),
  r('LIFE-5', 'LIFE', 'close refuses a running loop and is idempotent', {
    clauses: [
      "loop.close() on a running loop MUST raise RuntimeError('Cannot close a running event loop') and leave the loop open.",
      'On an idle, open loop, close() MUST close it (is_closed() becomes True) and return None.',
      'Closing a closed loop MUST do nothing and return None.',
    ],
    rationale: 'Closing is irreversible and idempotent (AbstractEventLoop.close docstring).',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.close'),
      cpy('unix_events.py', '_UnixSelectorEventLoop.close'),
      docs('library/asyncio-eventloop.html', 'loop.close'),
      measured('LIFE-5'),
    ],
    versions: 'Identical in every measured version.',
  }),
  r('LIFE-6', 'LIFE', 'is_running and is_closed follow the lifecycle', {
    clauses: [
      'loop.is_running() MUST be True while run_forever or run_until_complete of that loop is in progress, including inside its coroutines and callbacks.',
      'loop.is_running() MUST be False before the loop first runs, between and after its runs, and after close. (In a forked child the copy of a loop that was running in the parent reports True: FORK-1.3.)',
      'loop.is_closed() MUST be False until close() succeeds.',
      'loop.is_closed() MUST be True from the moment close() succeeds.',
    ],
    rationale: 'Observable state that the other lifecycle rules are stated in terms of.',
    sources: [cpy('base_events.py', 'BaseEventLoop.is_running, is_closed'), measured('LIFE-6')],
    versions: 'Identical in every measured version (but see LIFE-3 for 3.13.0 after a failed nested run_forever).',
  }),
  r('LIFE-7', 'LIFE', 'stop ends run_forever after the current iteration', {
    clauses: [
      'loop.stop() MUST return None.',
      'run_forever MUST return None at the end of the iteration in which stop() was called; stop() called while the loop is not running MUST make the next run_forever run exactly one iteration (running the callbacks already scheduled) and return.',
      'On a loop that was stopped, the callbacks that were in the ready queue when the stopping iteration began MUST all run in it, also those queued after the one that called stop().',
      'Callbacks scheduled during the stopping iteration MUST NOT run in it: they stay queued and run first when the loop next runs (never, if it does not run again).',
    ],
    rationale:
      'stop is a request honoured between iterations, never in the middle of one. Which timers are in the ready queue when the stopping iteration begins is real time where deadlines fall close together: a timer with a deadline within 0.1 s of the one that woke the loop, due in the model, may come due in real time only after the iteration began (it was scheduled later: after a first run, or on a loaded machine), and then waits for a run that may never come; such programs are out of the model (conformance/oracle/base_events.ts tiedAfterStop; measured: CPython 3.8.18 under load, a tied call_later(0.2, stop) made after a first run never ran). Conversely, no timer due within 0.25 s after a stop made while the loop ran is said never to run (ordering.ts STOP_GAP, 3.11.7 under load).',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.stop, run_forever, _run_once (ntodo = len(self._ready))'),
      docs('library/asyncio-eventloop.html', 'loop.run_forever'),
      measured('LIFE-7'),
    ],
    versions: 'Identical in every measured version.',
  }),
  r('LIFE-8', 'LIFE', 'run_until_complete stopped early raises', {
    clauses: [
      "If the loop is stopped (loop.stop()) before the task of run_until_complete is done, run_until_complete MUST raise RuntimeError('Event loop stopped before Future completed.').",
      'The task MUST NOT be cancelled: it stays pending on the loop, and when the loop next runs the statement it was suspended in completes normally (sleep returns None). Its observations after the early stop are checked under this rule, not TASK-2 or TASK-5.',
      'The rest of its coroutine MUST run when the loop next runs (e.g. during a later run_until_complete or run_forever).',
    ],
    rationale: 'run_until_complete is run_forever plus a done-callback that stops the loop; an earlier stop wins.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.run_until_complete'),
      measured('LIFE-8'),
      'CPython 3.8.18 to 3.13.0 run_until_complete only removes its done-callback and raises: nothing cancels the ' +
        'future (read in each pyenv install); run on each with `loopspec run --rule LIFE-8 --runs 300` (stopRerunPrograms)',
    ],
    versions: 'Identical in every measured version.',
  }),

  // ---- THR ----------------------------------------------------------------------------------
  r('THR-1', 'THR', 'A loop created, set, run and closed in a worker thread', {
    clauses: [
      "In a worker thread that made a loop with new_event_loop() and runs it, get_running_loop(), _get_running_loop() and get_event_loop() inside the loop's coroutines and callbacks MUST return that loop.",
      'After the run, get_event_loop() in the worker MUST return the loop it set there, also once it is closed (GET-2).',
      "Once the worker has been joined, other threads MUST see the loop as the worker left it (is_running() False; is_closed() True if the worker closed it). Loops of different worker threads are independent and MAY run at the same time; none of this changes the main thread's state.",
    ],
    rationale: 'The seed\'s pattern for "a loop per thread"; get_event_loop never creates a loop outside the main thread (GET-4).',
    sources: ['seed: shared/seed/event-loops-and-policies.txt "Attaching a Loop to the Thread"', measured('THR-1')],
    versions: "Identical in every measured version (only the main thread's later implicit creation warns on 3.12.1 and 3.13.0: GET-3).",
  }),

  // ---- TASK ---------------------------------------------------------------------------------
  r('TASK-1', 'TASK', 'A coroutine runs only when its task is stepped', {
    clauses: [
      "asyncio.create_task(coro) MUST require a running loop in the calling thread: otherwise it MUST raise RuntimeError('no running event loop'), and none of the coroutine runs, then or later.",
      'With a running loop it MUST return a new Task.',
      "It MUST NOT run any of the coroutine before the caller yields to the loop: the caller's next statement runs before the task's first (the first step is scheduled like a call_soon callback, SCHED-1).",
    ],
    rationale: 'Tasks are scheduled, never run eagerly (eager task factories are opt-in and out of scope).',
    sources: [cpy('tasks.py', 'create_task, Task.__init__ (loop.call_soon(self.__step))'), measured('TASK-1')],
    versions: 'Identical in every measured version.',
  }),
  r('TASK-2', 'TASK', "A task tracks its coroutine's outcome", {
    clauses: [
      "A Task MUST be pending until its coroutine returns or raises, then done (task_state 'pending', then 'done').",
      'Awaiting a pending task MUST suspend the awaiting coroutine until the task is done, then give its return value or raise its exception (same class and message).',
      'Awaiting a task that is already done MUST give the same return value, or raise the same exception, again: every time it is awaited.',
    ],
    rationale: 'Tasks are futures for coroutines.',
    sources: [cpy('tasks.py', 'Task.__step'), cpy('futures.py', 'Future.result, Future.cancelled'), measured('TASK-2')],
    versions: 'Identical in every measured version.',
  }),
  r('TASK-3', 'TASK', 'current_task is the task being stepped', {
    clauses: [
      'asyncio.current_task() MUST return the task whose step is executing: in the coroutine passed to run_until_complete (or asyncio.run), the task that wraps it; in a create_task body, that task.',
      'After an await (of sleep, of another task or of run_in_executor), current_task() MUST return the awaiting task again.',
    ],
    rationale: 'The loop records the current task per loop around each step.',
    sources: [cpy('tasks.py', 'current_task, _enter_task, _leave_task'), measured('TASK-3')],
    versions: 'Identical in every measured version.',
  }),
  r('TASK-4', 'TASK', 'current_task outside a task', {
    clauses: [
      "asyncio.current_task() with no running loop in the calling thread (the main thread, a worker thread, an executor thread, a forked child) MUST raise RuntimeError('no running event loop').",
      'In a callback run by a running loop (call_soon, call_later, call_soon_threadsafe) it MUST return None, also after tasks of that loop have stepped: a step leaves no current task behind.',
    ],
    rationale: 'current_task looks up the running loop first, then the task being stepped on it, which is none during a plain callback.',
    sources: [
      cpy('tasks.py', 'current_task (loop = events.get_running_loop()), Task.__step (_enter_task ... finally _leave_task)'),
      measured('TASK-4'),
    ],
    versions: 'Identical in every measured version.',
  }),
  r('TASK-5', 'TASK', 'sleep(0) yields to the other ready tasks', {
    clauses: [
      'await asyncio.sleep(delay) MUST suspend the current task and resume it with None.',
      'await asyncio.sleep(0) MUST suspend the current task for exactly one loop iteration: every other task that is ready runs one step before it resumes, in the order they became ready (round robin: with a main task M and tasks A, B created in that order, each alternating marks and sleep(0): M0 A1 B1 M1 A2 B2 M2 A3 B3).',
    ],
    rationale: 'sleep(0) is the documented way to yield; task steps share the FIFO ready queue.',
    sources: [cpy('tasks.py', 'sleep (__sleep0)'), docs('library/asyncio-task.html', 'asyncio.sleep'), measured('TASK-5')],
    versions: 'Identical in every measured version.',
  }),

  // ---- TASK-6: task names (its own block) ----------------------------------------------------
  r('TASK-6', 'TASK', "A task's name: create_task(name=), set_name, get_name, the default 'Task-<n>'", {
    clauses: [
      "A task made by asyncio.create_task(coro, name=N) or loop.create_task(coro, name=N) with N not None, on a loop without a task factory, MUST have the name str(N): get_name() MUST return that str (an int N gives its decimal digits). K.set_name(x) MUST return None, and get_name() MUST then return str(x) ('None' for None): a name is any str, kept until the next set_name, also after the task is done.",
      "A task made without a name (no name=, or name=None, on a loop without a task factory; asyncio.Task(coro, loop=L) in a factory) MUST be named 'Task-<n>', n the next value of one counter of the process (the C Task's task_name_counter): every Task made without a name takes the next number, and numbers are never reused, whoever makes the task: the program's create_task and run_until_complete, asyncio.run's main task and the tasks of its shutdown (shutdown_asyncgens: one, and one per asynchronous generator it closes; shutdown_default_executor from 3.9: one), a Runner's run and close likewise, await L.shutdown_asyncgens() (one a generator), a task factory's Task. A fork child goes on from its parent's counter. Profiles 3.8 to 3.12 (switch createTaskPassesName off): asyncio.create_task(coro, name=N) makes its task without a name and then names it N, so it takes a number too; profiles 3.13+: it takes none (loop.create_task(coro, name=N) takes none in every version). The absolute value of n is not specified (the language observes n less the counter's value when the program starts).",
      when(
        { factoryTaskName: 'ifGiven' },
        "Profiles 3.8 to 3.12: while L has a task factory, create_task(coro, name=N) (asyncio's or L's) MUST call the factory as TFACT-1.2 says, then name the task it returned str(N) when N is not None; without a name the task keeps the name the factory gave it (a default 'Task-<n>' for asyncio.Task(coro, loop=loop)). With asyncio.eager_task_factory (3.12) the task is made with a default name (a number taken) and its eager first step runs under that name, before the rename.",
      ),
      when(
        { factoryTaskName: 'always' },
        "Profile 3.13 (3.13.0): while L has a task factory, create_task(coro, name=N) MUST call the factory as TFACT-1.2 says, then call set_name(N) on the task it returned whatever N is: a task made without a name (or name=None) MUST be renamed 'None'; with asyncio.eager_task_factory the task is made with a default name (a number taken), its eager first step runs under that name, and it is renamed afterwards (to 'None' without a name).",
      ),
      when(
        { factoryTaskName: 'keyword' },
        "Profile 3.14: while L has a task factory, create_task(coro, name=N) MUST pass name=N to the factory as a keyword argument and name nothing afterwards (the program's factory, def factory(loop, coro), would refuse it with TypeError: not in the model, not measured); without a name the factory is called as TFACT-1.2 says and its task keeps its name; asyncio.eager_task_factory makes the task named str(N) (no number taken) before its eager first step.",
      ),
    ],
    rationale:
      'Task names are what debuggers, logs and asyncio.all_tasks() dumps show, and libraries name tasks to find them again ' +
      "(a TaskGroup's children, aiohttp's handlers); an implementation whose tasks lose their name under a factory, or whose " +
      "default names collide, breaks that silently. The language passes name= to create_task (asyncio's or the running loop's), " +
      "calls set_name, and observes get_name(). The default name's number comes from a counter of the whole process: the " +
      'Python driver forks each program from a warmed-up parent that has already made tasks, and other implementations ' +
      '(the reference, another loop) start elsewhere, so the driver makes one Task on a stub loop just before the program ' +
      "(never scheduled; its coroutine closed) and observes every 'Task-<n>' as 'Task-<n - b>', b that task's number: " +
      "the program's first task without a name is 'Task-1'. What the model leaves out, and why: explicit names of the form " +
      "'Task-<digits>' (the language's names are lowercase letters or ints, so a default name is never confused with one); " +
      'a default name read where another thread of the process makes tasks (the counter is shared: which thread takes which ' +
      "number is a race; the oracle leaves such programs out) and tasks made by the garbage collector's finalization of an " +
      "asynchronous generator (loop.create_task(agen.aclose()): when is the collector's); asyncio.Task(coro, name=) called " +
      "directly (the language makes tasks by create_task only; the factory's Task takes no name); 3.12+'s lazily formatted " +
      "names (the C Task keeps the number and formats 'Task-<n>' at the first get_name: the number is taken at creation all " +
      "the same, so nothing observable differs); the name in a task's repr (reprs carry addresses); a factory with a " +
      'name on 3.14 beyond the TypeError (not measured).',
    sources: [
      cpy(
        'tasks.py',
        "_task_name_counter, Task.__init__ (name None: f'Task-{_task_name_counter()}', else str(name)), get_name, set_name (str(value)), create_task, _set_task_name",
        '3.8.18',
      ),
      cpy('tasks.py', 'create_task: loop.create_task(coro) (context=context from 3.11), then _set_task_name(task, name)', '3.12.1'),
      cpy('tasks.py', 'create_task: loop.create_task(coro, name=name) (no _set_task_name)', '3.13.0'),
      cpy(
        'base_events.py',
        'create_task: tasks.Task(coro, loop=self, name=name) without a factory; with one, self._task_factory(self, coro) then tasks._set_task_name(task, name)',
        '3.8.18',
      ),
      cpy('base_events.py', 'create_task: with a factory, task.set_name(name) whatever name is', '3.13.0'),
      cpy(
        'tasks.py',
        'create_eager_task_factory: factory(loop, coro, *, name=None, context=None) (base_events.create_task passes no name)',
        '3.12.1',
      ),
      "CPython 3.14.2 Lib/asyncio/base_events.py create_task(self, coro, **kwargs): return self._task_factory(self, coro, **kwargs), else tasks.Task(coro, loop=self, **kwargs); tasks.py create_task(coro, **kwargs): loop.create_task(coro, **kwargs) (read in the pyodide 314.0.7 npm package's python_stdlib.zip, as the 3.14 profile); not measured",
      'CPython Modules/_asynciomodule.c _asyncio_Task___init___impl: name None takes ++task_name_counter (3.12+: kept as an int, formatted at TaskObj_get_name), else PyObject_Str unless an exact str; _asyncio_Task_set_name_impl: PyObject_Str unless an exact str (the C Task is asyncio.Task in every measured version)',
      "CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: measured with a script: name=5 gives '5', set_name(3.5) '3.5', set_name(None) 'None'; numbers relative to asyncio.run's main task: create_task 1, create_task(name='x') takes 2 on 3.8 to 3.12 (the next is 3) and none on 3.13.0 (the next is 2), loop.create_task(name=5) none; a factory's task keeps 'fac' (3.8.18 to 3.12.1) or is renamed 'None' (3.13.0); eager_task_factory takes a number with name='e' (3.12.1); the next asyncio.run's main task after the shutdown tasks: +2 on 3.8.18 (shutdown_asyncgens), +3 from 3.9.18 (and shutdown_default_executor)",
      docs('library/asyncio-task.html', 'Task.get_name'),
      measured('TASK-6'),
    ],
    versions:
      "get_name, set_name and str conversion are identical in every measured version. asyncio.create_task(name=N) takes a number from the counter on 3.8.18 to 3.12.1 and none on 3.13.0 (switch createTaskPassesName). Under a task factory (switch factoryTaskName): 3.8.18 to 3.12.1 rename to N only when N is given; 3.13.0 renames always ('None' without a name; later 3.13 releases are not measured); 3.14 passes name= to the factory (source only).",
    dependsOn: ['createTaskPassesName', 'factoryTaskName', 'eagerTaskFactory', 'runShutsDownExecutor'],
    // Without eager_task_factory (3.8 to 3.11) set_task_factory(asyncio.eager_task_factory) fails first: TFACT-1.1's.
    through: { eagerTaskFactory: 'TFACT-1' },
  }),

  // ---- SCHED --------------------------------------------------------------------------------
  r('SCHED-1', 'SCHED', 'call_soon callbacks run in FIFO order', {
    clauses: [
      'loop.call_soon(cb), loop.call_later(delay, cb) and loop.call_soon_threadsafe(cb) on an open loop MUST return without running cb.',
      "call_soon callbacks of a loop MUST run in the loop's thread in the order they were scheduled, sharing one FIFO queue with task steps: a callback scheduled while an iteration runs (by a callback or a task step) runs in a later iteration, after every callback already queued.",
      'A callback MUST run only when its own loop runs: one scheduled on a loop that is not run again (or is closed first) MUST NOT run at all, in particular not while another loop runs.',
    ],
    rationale: 'The ready queue is a deque consumed ntodo-at-a-time per iteration.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.call_soon, _call_soon, _run_once'),
      docs('library/asyncio-eventloop.html', 'loop.call_soon'),
      measured('SCHED-1'),
    ],
    versions: 'Identical in every measured version.',
  }),
  r('SCHED-2', 'SCHED', 'call_later callbacks run by deadline, then FIFO', {
    clauses: [
      'loop.call_later(delay, cb) MUST schedule cb at deadline loop.time() + delay, and the timers of a loop MUST run in order of deadline, none before its deadline.',
      'A call_soon callback scheduled before a timer of its loop MUST run before the timer, whatever the delay: a timer joins the ready queue only when an iteration finds it due, behind the callbacks already queued.',
      'A call_soon callback scheduled after a timer of its loop, but before the loop could begin another iteration (from the same callback or task step, or while the loop was idle), MUST also run before the timer, whatever the delay: a call_soon made after call_later(0) still runs first.',
    ],
    rationale:
      'Timers live in a heap keyed by deadline only (TimerHandle.__lt__ compares _when). Callbacks with equal delays ' +
      'scheduled one after the other run in call order in practice, because the clock advances between calls and their ' +
      'deadlines differ. Exact ties are not FIFO in CPython (a binary heap): ten call_at callbacks with one identical ' +
      'deadline ran in the order 0 2 6 5 9 8 7 1 3 4; an implementation may order exact ties in any order, and ' +
      'conformance does not test them.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.call_later, call_at, _run_once (heapq)'),
      cpy('events.py', 'TimerHandle.__lt__, __eq__'),
      'CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0 Lib/asyncio/base_events.py BaseEventLoop._run_once: ' +
        'select(timeout), _process_events, then the due timers are popped from the heap and appended to _ready, then ' +
        'ntodo = len(_ready) (read in each pyenv install; only the timeout arithmetic differs, in 3.13.0)',
      measured('SCHED-2'),
      'measured: ten loop.call_at(same when) callbacks, script in spec/FACTS.md, on CPython 3.8.18, 3.12.1, 3.13.0',
    ],
    versions: 'Identical in every measured version.',
  }),
  r('SCHED-3', 'SCHED', 'call_soon_threadsafe wakes the loop', {
    clauses: [
      'loop.call_soon_threadsafe(cb) from another thread MUST enqueue cb and wake the loop if it is blocked waiting for events (run_forever with nothing to do), so that cb runs promptly and the program ends.',
      "cb MUST run in the loop's thread, where the loop is the running loop.",
    ],
    rationale: 'Plain call_soon is not thread-safe and does not write to the self-pipe; call_soon_threadsafe does.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.call_soon_threadsafe (_write_to_self)'),
      docs('library/asyncio-dev.html', 'Concurrency and Multithreading'),
      measured('SCHED-3'),
    ],
    versions: 'Identical in every measured version.',
  }),
  r('SCHED-4', 'SCHED', 'A closed loop refuses callbacks', {
    clauses: [
      "loop.call_soon and loop.call_later on a closed loop MUST raise RuntimeError('Event loop is closed') and schedule nothing.",
      "loop.call_soon_threadsafe on a closed loop MUST raise RuntimeError('Event loop is closed') and schedule nothing, also when called from another thread.",
    ],
    rationale: 'Callbacks on a closed loop would never run.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.call_soon, call_at, call_soon_threadsafe (_check_closed)'),
      'CPython 3.8.18 to 3.13.0 call_soon_threadsafe calls self._check_closed() first (read in each pyenv install)',
      measured('SCHED-4'),
    ],
    versions: 'Identical in every measured version.',
  }),
  r('SCHED-5', 'SCHED', "A cancelled handle's callback never runs", {
    clauses: [
      'handle.cancel(), on the Handle that loop.call_soon returned or the TimerHandle of loop.call_later, MUST return None; if the callback has not started, it MUST NOT run, then or later: also when it is already in the ready queue, even in the batch of the iteration that runs the callback calling cancel(). A callback that cancels its own handle runs to its end.',
      'handle.cancelled() MUST be False until cancel() is called and True from then on, also when the callback had run before; a second cancel() MUST return None and change nothing.',
    ],
    rationale:
      "The loop drops a cancelled handle where it finds it: a cancelled timer's head of the heap, or any cancelled handle it takes from the ready queue.",
    sources: [
      cpy('events.py', 'Handle.cancel, Handle.cancelled, TimerHandle.cancel'),
      cpy('base_events.py', 'BaseEventLoop._run_once (if handle._cancelled: continue)'),
      docs('library/asyncio-eventloop.html', 'Callback Handles'),
      measured('SCHED-5'),
    ],
    versions: 'Identical in every measured version.',
  }),

  // ---- EXEC ---------------------------------------------------------------------------------
  r('EXEC-1', 'EXEC', 'run_in_executor runs on another thread and delivers the outcome', {
    clauses: [
      "await loop.run_in_executor(None, fn) MUST give the awaiting coroutine fn's return value, or raise fn's exception (same class and message); the awaiting coroutine resumes in the loop's thread, and the program ends.",
      "fn MUST run on a worker thread of the loop's default executor, not on the loop's thread.",
    ],
    rationale: 'The way to run blocking code without blocking the loop.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.run_in_executor'),
      // Why a loop that call_soon_threadsafe does not wake hangs in an executor job's await (SCHED-3.1).
      "CPython 3.8.18 to 3.13.0 Lib/asyncio/futures.py _chain_future: the job's result reaches the loop through dest_loop.call_soon_threadsafe(_set_state, ...) (read in each pyenv install)",
      docs('library/asyncio-eventloop.html', 'loop.run_in_executor'),
      measured('EXEC-1'),
    ],
    versions: 'Identical in every measured version (worker thread names differ, see GET-4).',
  }),
  r('EXEC-2', 'EXEC', 'An executor thread has no running or current loop', {
    clauses: [
      "In fn run by run_in_executor there MUST be no running loop: _get_running_loop() returns None and get_running_loop() raises RuntimeError('no running event loop').",
      'In fn, get_event_loop() MUST raise RuntimeError as in GET-4, even when the thread that scheduled fn has a loop set, because the worker is not the main thread and never called set_event_loop; executor threads\' names are implementation-defined, so conformance compares the class and the prefix "There is no current event loop in thread " only.',
    ],
    rationale: 'Executor workers are ordinary non-main threads; contextvars and thread-locals are not carried over.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.run_in_executor'),
      cpy('events.py', 'BaseDefaultEventLoopPolicy.get_event_loop'),
      measured('EXEC-2'),
    ],
    versions: "Identical in every measured version except the worker thread's name in the message (GET-4).",
  }),

  r('EXEC-3', 'EXEC', "A loop's default executor: set_default_executor, an explicit executor, shutdown_default_executor, a closed loop", {
    clauses: [
      "L.set_default_executor(X), X a concurrent.futures.ThreadPoolExecutor, MUST return None; from then on fn of await L.run_in_executor(None, fn) MUST run on a worker thread of X (until the default executor is set again), and fn of await L.run_in_executor(X, fn), X given, MUST run on a worker thread of X whatever L's default executor; the await MUST give fn's value or raise fn's exception (same class and message). Which of X's workers runs fn, and when, is not specified: the language observes only the executor whose worker runs fn (through its thread_name_prefix).",
      "L.set_default_executor(x), x not a ThreadPoolExecutor (the language passes None): profiles 3.8 to 3.10 (defaultExecutorTypeCheck 'warn') MUST emit DeprecationWarning('Using the default executor that is not an instance of ThreadPoolExecutor is deprecated and will be prohibited in Python 3.9'), return None and make x the default executor (None: the next run_in_executor(None, fn) makes a new default executor, as EXEC-1 says); profiles 3.11+ ('TypeError') MUST raise TypeError('executor must be ThreadPoolExecutor instance') and leave the default executor as it was.",
      "Profiles 3.9+: await L.shutdown_default_executor() MUST return None once L's default executor, if any, is shut down with its workers joined; from then on L.run_in_executor(None, fn) MUST raise RuntimeError('Executor shutdown has been called') without running fn, also after a new set_default_executor, while run_in_executor with an executor given is not refused by it; an executor X that was L's default MUST be shut down: run_in_executor(X, fn) on an open loop raises RuntimeError('cannot schedule new futures after shutdown') without running fn. Profiles 3.12+ MUST accept shutdown_default_executor(timeout=t), the same when the workers finish within t (switch shutdownExecutorTimeout: before 3.12 such programs are out of the model). Profile 3.8 (runShutsDownExecutor false) has no such method: AttributeError(\"'_UnixSelectorEventLoop' object has no attribute 'shutdown_default_executor'\").",
      "L.run_in_executor(executor, fn) on a closed loop MUST raise RuntimeError('Event loop is closed') without running fn, with executor None or given. L.close() MUST shut down L's default executor (without waiting): an executor X that was L's default then refuses new jobs, run_in_executor(X, fn) on an open loop raising RuntimeError('cannot schedule new futures after shutdown') without running fn.",
    ],
    rationale:
      "An application that sizes or names its threads sets the loop's default executor; libraries pass their own executor " +
      'to run_in_executor; asyncio.run (3.9+) shuts the default executor down through shutdown_default_executor, and a loop ' +
      'that keeps accepting jobs after that, or leaves the executor running after close, leaks threads the process waits ' +
      "for at exit. The program language makes an executor `X = concurrent.futures.ThreadPoolExecutor(thread_name_prefix='loopspec_X')` " +
      '(new_executor), which the driver shuts down (wait=True) at the end of the program, and current_thread in a job reports ' +
      'X for a worker of X. What the model leaves out, and why: which worker runs a job and when (thread timing: never ' +
      "asserted); shutdown_default_executor(timeout=t) with a worker still busy after t (the RuntimeWarning 'The executor did " +
      "not finishing joining its threads within t seconds.' depends on real time), and timeout= before 3.12 (its TypeError " +
      "names 'shutdown_default_executor()' in 3.9.18 and 'BaseEventLoop.shutdown_default_executor()' in 3.10.13 and 3.11.7); " +
      'a non-ThreadPoolExecutor other than None (3.8 to 3.10 accept it and then call its submit and shutdown); executors ' +
      'made or used in fork children; run_in_executor on an open loop that is not the running loop of the calling thread.',
    sources: [
      cpy(
        'base_events.py',
        'BaseEventLoop.run_in_executor, set_default_executor, shutdown_default_executor(timeout=None), _do_shutdown, _check_default_executor, close',
      ),
      cpy(
        'base_events.py',
        'set_default_executor: warnings.warn(..., DeprecationWarning, 2); run_in_executor without _check_default_executor; no shutdown_default_executor',
        '3.8.18',
      ),
      cpy('base_events.py', 'set_default_executor: DeprecationWarning; shutdown_default_executor(self) without timeout', '3.10.13'),
      cpy('base_events.py', "set_default_executor: raise TypeError('executor must be ThreadPoolExecutor instance')", '3.11.7'),
      "CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: read in each pyenv install and measured with a script (the messages above, the worker names 'loopspec_X_0', run_in_executor(None) after shutdown_default_executor and after a new set_default_executor, run_in_executor(X) after X was shut down by shutdown_default_executor and by close, run_in_executor on a closed loop with and without an executor)",
      'python/cpython@ddd5f36971e2 (bpo-43234, GH-24540, 2021-07-01, first in 3.11): set_default_executor prohibits a non-ThreadPoolExecutor (found with the search tool: the commit and its python-checkins mail)',
      "concurrent/futures/thread.py ThreadPoolExecutor.submit: RuntimeError('cannot schedule new futures after shutdown') once shutdown() was called (3.8.18 to 3.13.0)",
      docs('library/asyncio-eventloop.html', 'loop.set_default_executor, loop.shutdown_default_executor'),
      measured('EXEC-3'),
    ],
    versions:
      'set_default_executor of a non-ThreadPoolExecutor warns and sets it in 3.8.18, 3.9.18 and 3.10.13 (the warning says ' +
      "'prohibited in Python 3.9', which 3.9 and 3.10 did not do), and raises TypeError from 3.11.7 (switch " +
      'defaultExecutorTypeCheck). shutdown_default_executor exists from 3.9 (runShutsDownExecutor) and takes timeout from ' +
      '3.12 (shutdownExecutorTimeout). Otherwise identical in every measured version. 3.14: neither measured nor read here ' +
      "(no 3.14 interpreter, and its base_events.py was not found with the search tool); the profile keeps 3.13's behaviour.",
    dependsOn: ['defaultExecutorTypeCheck', 'runShutsDownExecutor'],
  }),

  // ---- ARUN ---------------------------------------------------------------------------------
  r('ARUN-1', 'ARUN', 'asyncio.run runs the coroutine on a new loop', {
    clauses: [
      "asyncio.run(coro) MUST run coro as the main task of a new loop, created with the policy's new_event_loop (never the thread's current loop) and set as the current loop of the calling thread, and MUST return coro's result or raise its exception (same class and message).",
      'Inside, get_running_loop(), _get_running_loop() and get_event_loop() MUST return that new loop.',
    ],
    rationale: 'The recommended entry point: a fresh loop per run, always cleaned up.',
    sources: [
      cpy('runners.py', 'run, Runner._lazy_init, Runner.close'),
      cpy('runners.py', 'run', '3.8.18'),
      docs('library/asyncio-runner.html', 'asyncio.run'),
      measured('ARUN-1'),
    ],
    versions: 'Identical in every measured version (3.8 to 3.10: runners.run; 3.11+: asyncio.Runner).',
  }),
  r('ARUN-2', 'ARUN', 'asyncio.run cancels leftover tasks and closes its loop', {
    clauses: [
      'When the main coroutine finishes, asyncio.run MUST cancel every task of its loop that is not done and run the loop until they have all finished: each sees CancelledError at its current await.',
      "Each such task MUST end cancelled (task_state 'cancelled'); tasks already done stay done.",
      "asyncio.run MUST then close its loop (after shutting down async generators and, 3.9+, the default executor): once asyncio.run has returned or raised, its loop's is_closed() is True and is_running() False.",
    ],
    rationale:
      'No task outlives asyncio.run. A task created by the main coroutine just before it returns still takes its first ' +
      'step before the cancellation, because that step was queued before the callback that stops the loop.',
    sources: [
      cpy('runners.py', '_cancel_all_tasks, Runner.close'),
      cpy('base_events.py', 'shutdown_default_executor (3.9.18); close: executor.shutdown(wait=False) (3.8.18)'),
      measured('ARUN-2'),
      measured('TASK-2'),
    ],
    versions:
      'Identical in every measured version, but for the default-executor shutdown, which exists from 3.9 (runShutsDownExecutor): ' +
      'there an executor job still running when the coroutine returned reaches the loop open (its call_soon_threadsafe ' +
      'succeeds) because the shutdown waits for it; 3.8 closes the loop without waiting, a race left out of the 3.8 profile.',
  }),
  r('ARUN-3', 'ARUN', 'asyncio.run refuses to run from a running event loop', {
    clauses: [
      "asyncio.run MUST raise RuntimeError('asyncio.run() cannot be called from a running event loop') when the calling thread has a running loop (in a coroutine or in a callback), without creating a loop.",
      'The refused coroutine MUST NOT run, then or later.',
    ],
    rationale: 'Nested runs would violate LIFE-4; the check fails fast with a clearer message.',
    sources: [cpy('runners.py', 'run'), measured('ARUN-3')],
    versions: 'Identical in every measured version.',
  }),
  r('ARUN-4', 'ARUN', 'After asyncio.run the thread has no current loop', {
    clauses: [
      'When asyncio.run returns or raises, the calling thread MUST have no current loop and its "set called" flag MUST be set (asyncio.run ends with set_event_loop(None)): get_event_loop() there afterwards raises RuntimeError as in GET-4, also in the main thread ("There is no current event loop in thread \'MainThread\'." in the interpreter\'s first thread), and a loop that was current before asyncio.run is no longer current (but stays open).',
    ],
    rationale: "asyncio.run owns the thread's loop slot for its duration and leaves it empty.",
    sources: [
      cpy('runners.py', 'Runner._lazy_init, Runner.close'),
      cpy('runners.py', 'run (finally: set_event_loop(None))', '3.8.18'),
      measured('ARUN-4'),
    ],
    versions: 'Identical in every measured version.',
  }),

  // ---- FORK ---------------------------------------------------------------------------------
  r('FORK-1', 'FORK', 'A forked child has no running loop', {
    clauses: [
      "In a child created by os.fork while a loop ran in the forking thread, there MUST be no running loop: _get_running_loop() returns None and get_running_loop() raises RuntimeError('no running event loop').",
      "The child MAY create and run a new loop: inside that run it MUST be the child's running loop (the pid is recorded when a loop starts running, not cached earlier).",
      "The child's copy of the loop that was running in the parent is not reset: its is_running() MUST report True.",
    ],
    rationale:
      'A loop cannot run in a process that did not start it; the pid check (and the 3.12 at-fork hook) enforce this. ' +
      'Warnings of the fork statement itself (3.12+: DeprecationWarning "This process (pid=N) is multi-threaded, use of ' +
      'fork() may lead to deadlocks in the child." from os.fork when other threads are alive, which may include idle ' +
      'executor workers) are outside this specification and are not compared.',
    sources: [
      cpy('events.py', '_get_running_loop (pid check), on_fork (os.register_at_fork)'),
      cpy('events.py', '_get_running_loop (pid check)', '3.11.7'),
      measured('FORK-1'),
    ],
    versions:
      'Same observations in every measured version: 3.8 to 3.11 rely on the pid recorded with the running loop; ' +
      '3.12+ also reset it in an after-fork hook. A loop that the child creates and runs itself is its running loop ' +
      '(get_running_loop, _get_running_loop and get_event_loop return it inside run_until_complete), because ' +
      '_set_running_loop records os.getpid() at the time the loop starts, not a pid cached at import (events.py ' +
      '_set_running_loop, 3.8.18 to 3.13.0; measured on each of them with generated programs, seeds 101 and 202). ' +
      'The parent is not reset: on_fork is registered with after_in_child only (events.py 3.12.1 and 3.13.0, ' +
      '`os.register_at_fork(after_in_child=on_fork)`), so once the fork statement returns the parent still has its ' +
      'running loop (measured, same seeds).',
  }),
  r('FORK-2', 'FORK', 'A forked child starts with fresh per-thread policy state', {
    clauses: [
      when(
        { forkHook: true },
        'Profiles 3.12 and later: the policy\'s per-thread state MUST be fresh in the child (no current loop, "set called" false) and the forking thread is the child\'s main thread: until the child sets a loop, get_event_loop() there behaves as in the main thread of a fresh process (GET-3: a new loop and the DeprecationWarning "There is no current event loop"; after a set_event_loop rejected by NEW-5, RuntimeError as in NEW-5.3; profile 3.14: RuntimeError), whatever the parent had set.',
      ),
      when(
        { forkHook: false },
        "Profiles 3.8 to 3.11: the child keeps the forking thread's policy state: get_event_loop() in the child MUST return the child's copy of the loop set there, without a warning.",
      ),
      when(
        { forkHook: false },
        'Profiles 3.8 to 3.11: get_event_loop() in the child MUST raise RuntimeError (GET-4) if set_event_loop(None) had been called in the forking thread, or asyncio.run had run there, or a set_event_loop rejected by NEW-5 (there or in the child) with no loop set.',
      ),
      when(
        { forkHook: false },
        "Profiles 3.8 to 3.11: get_event_loop() in the child MUST create a loop as in GET-3 (silently) if set_event_loop had never been called in the forking thread: the main thread, or (3.9 to 3.11) a worker thread, which is the child's main_thread().",
      ),
      "Forked from a worker thread that its starter joined at once (so that nothing else is alive), the child's main thread is that worker: get_event_loop() there MUST follow FORK-2.1 (3.12 and later), or FORK-2.2 to FORK-2.4 with the worker's state (3.9 to 3.11), or FORK-2.2, FORK-2.3 and FORK-2.6 (3.8).",
      when(
        { mainThreadByClass: true },
        "Profile 3.8: forked from a worker thread that never called set_event_loop, get_event_loop() in the child MUST raise RuntimeError(\"There is no current event loop in thread '<worker name>'.\"): 3.8 recognises the main thread by its class (isinstance(threading.current_thread(), threading._MainThread)), and the worker's Thread, the child's main_thread(), is no _MainThread.",
      ),
    ],
    rationale: "A loop inherited over fork shares file descriptors with the parent's; 3.12 stops handing it out.",
    sources: [
      cpy('events.py', 'on_fork (BaseDefaultEventLoopPolicy._Local() reset)'),
      'threading: after fork the calling thread becomes threading.main_thread() (CPython Lib/threading.py _after_fork)',
      measured('FORK-2'),
      SOURCE_314,
    ],
    versions:
      'Measured: 3.8.18, 3.9.18, 3.10.13, 3.11.7 keep the state (see text); 3.12.1 and 3.13.0 reset it (events.on_fork, ' +
      'new in 3.12). 3.14 (source): the at-fork hook is kept, and with no implicit creation get_event_loop() in the ' +
      'child raises RuntimeError until a loop is set there. The parent keeps its per-thread policy state after the ' +
      'fork returns in every version (3.12.1, 3.13.0: the hook is registered after_in_child only; measured on 3.8.18 ' +
      'to 3.13.0 with generated programs, seeds 101 and 202). Forked from a worker thread that its starter joined at ' +
      "once (nothing else alive): the child sees the worker's state as above (3.8 to 3.11) or fresh state (3.12+); " +
      'where the worker never called set_event_loop, 3.8.18 raises RuntimeError in the child (its events.py tests ' +
      "isinstance(threading.current_thread(), threading._MainThread), false for the worker's Thread that became the " +
      "child's main thread) while 3.9.18 to 3.11.7 create a loop silently (measured); the switch mainThreadByClass " +
      'separates them (FORK-2.6).',
    dependsOn: ['forkHook', 'implicitCreation', 'implicitCreationWarns', 'mainThreadByClass'],
    through: { implicitCreation: 'GET-3', implicitCreationWarns: 'GET-3' },
  }),

  // ---- DEBUG --------------------------------------------------------------------------------
  r('DEBUG-1', 'DEBUG', "A loop's debug mode: get_debug, set_debug, asyncio.run(debug=), the thread check", {
    clauses: [
      "A new loop's get_debug() MUST be False (the process has neither PYTHONASYNCIODEBUG set nor -X dev: the harness starts the Python driver without PYTHONASYNCIODEBUG and PYTHONDEVMODE). loop.set_debug(flag) MUST return None; from then on get_debug() of that loop, and of no other, MUST return flag, whether the loop is running, stopped or closed.",
      "asyncio.run(coro, debug=flag) MUST run coro on a loop whose get_debug() is flag, from coro's first step on; without debug, asyncio.run leaves its new loop's debug mode as DEBUG-1.1 says (False).",
      'While a loop in debug mode runs in one thread, loop.call_soon and loop.call_later called from another thread MUST raise RuntimeError("Non-thread-safe operation invoked on an event loop other than the current one") after the closed check (a closed loop raises as SCHED-4.1 says), and the callback MUST NOT run; call_soon_threadsafe from any thread, and call_soon and call_later from the thread running the loop or while the loop does not run, MUST schedule the callback as in SCHED-1 to SCHED-3.',
    ],
    rationale:
      'Debug mode is a per-loop flag that asyncio.run and the environment set; its one deterministic effect on what a program ' +
      'sees is _check_thread, which catches the most common threading mistake (calling a non-thread-safe method from another thread). ' +
      'Its other effects are left out of the model: slow-callback and slow-select logging depend on real time and go to the ' +
      'logger, not to a trace; source tracebacks of handles and tasks and coroutine origin tracking only change the text of ' +
      'logged errors and of the GC-timed "never awaited" and ResourceWarning messages, which no rule predicts. set_debug on a ' +
      'loop running in another thread (it wakes that loop) and an executor job calling back into the debug-mode loop of ' +
      'asyncio.run while it shuts down are out of the model (their timing is a race).',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.__init__ (self.set_debug(coroutines._is_debug_mode())), get_debug, set_debug'),
      cpy(
        'base_events.py',
        'call_soon, call_at (if self._debug: self._check_thread()), call_later (through call_at), _check_thread, call_soon_threadsafe (no thread check)',
      ),
      cpy('coroutines.py', '_is_debug_mode (sys.flags.dev_mode or PYTHONASYNCIODEBUG unless -E)'),
      cpy('runners.py', 'run(main, *, debug=None), Runner._lazy_init (if self._debug is not None: self._loop.set_debug(self._debug))'),
      cpy('runners.py', 'run(main, *, debug=None): if debug is not None: loop.set_debug(debug)', '3.8.18'),
      "CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: the same get_debug, set_debug, _check_thread (same message) and the same thread check in call_soon and call_at; asyncio.run's debug defaults to None in each (read in each pyenv install)",
      docs('library/asyncio-dev.html', 'Debug Mode'),
      docs('library/asyncio-eventloop.html', 'Enabling debug mode'),
      measured('DEBUG-1'),
    ],
    versions:
      'Identical in every measured version, asyncio.run(coro) with debug left out included (debug=None in the source of ' +
      'each, so the loop keeps its default, False). 3.14 (pyodide): neither measured nor read.',
  }),

  // ---- ERR ----------------------------------------------------------------------------------
  r('ERR-1', 'ERR', "A loop's exception handler: set, get, called for a callback that raises, called directly, raising itself", {
    clauses: [
      "A new loop's get_exception_handler() MUST be None. loop.set_exception_handler(h), h callable or None, MUST return None; from then on get_exception_handler() of that loop, and of no other, MUST return h itself. set_exception_handler(x), x neither callable nor None, MUST raise TypeError(f'A callable object or None is expected, got {x!r}') and leave the handler as it was.",
      "When a callback scheduled with call_soon, call_later or call_soon_threadsafe raises an Exception, the loop MUST call its handler h (if one is set) once, in the loop's thread, before it runs anything else, as h(loop, context): loop the loop itself; context a dict whose keys are exactly 'exception', 'handle' and 'message' (the loop not in debug mode), context['message'] starting with 'Exception in callback ' and context['exception'] the exception raised (its class and message). With no handler set, the default handler logs it and returns. Either way the loop MUST go on: the callbacks after it run as SCHED-1 to SCHED-3 say.",
      "loop.call_exception_handler(context) MUST call the loop's handler h (if one is set) as h(loop, context), context the dict given (its keys and values, none added), in the calling thread, before it returns; it MUST return None. With no handler set, it MUST return None (the default handler logs the context).",
      'When the handler raises an Exception, call_exception_handler MUST NOT let it escape: it MUST return None (the default handler logs the error), and a loop whose callback raised MUST go on as ERR-1.2 says.',
    ],
    rationale:
      'An exception that escapes a callback must neither stop the loop nor vanish: it reaches the one place an application ' +
      'can watch, the exception handler, with a context that says what failed. Implementations of loops have been seen not ' +
      'to call the handler where asyncio calls it, and to stop on a raising callback. What the model leaves out, and why: ' +
      'the text of context["message"] after "Exception in callback " and the repr of the handle (they name the source file ' +
      'and line of the callback, and addresses); what the default handler logs (log text, not a trace); debug mode, where the ' +
      'context also has source_traceback (file paths) and the default handler adds handle_traceback; a task whose exception ' +
      'is never retrieved, a task destroyed while pending and a future whose exception is never retrieved: asyncio calls the ' +
      'handler for them when the garbage collector reclaims the object ("Task exception was never retrieved", "Task was ' +
      'destroyed but it is pending!"), so a program with a handler that observes and a task, an executor job, a stop, ' +
      "run_forever or a fork is out of the model (a task's exception is stored in the task and given to whoever awaits it, " +
      'TASK rules); KeyboardInterrupt and SystemExit, which Handle._run re-raises instead of calling the handler (ERR-2); ' +
      'set_exception_handler on a loop running in another thread (a race with its callbacks); the context ' +
      "the handler runs in (3.12+ runs it in the handle's contextvars context: the language has no context variables yet).",
    sources: [
      cpy(
        'base_events.py',
        'BaseEventLoop.__init__ (self._exception_handler = None), get_exception_handler, set_exception_handler (the TypeError)',
      ),
      cpy(
        'base_events.py',
        'call_exception_handler (the default handler when none is set; a handler that raises goes to default_exception_handler)',
      ),
      cpy(
        'base_events.py',
        'default_exception_handler (logs; handle_traceback only where self._current_handle has a source traceback, debug mode)',
      ),
      cpy(
        'events.py',
        "Handle._run (context = {'message': f'Exception in callback {cb}', 'exception': exc, 'handle': self}; source_traceback only in debug mode)",
      ),
      cpy('base_events.py', 'call_exception_handler: self._exception_handler(self, context), no contextvars context', '3.8.18'),
      'CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: the same get_exception_handler, set_exception_handler (same message), default_exception_handler and Handle._run context keys; 3.12.1 and 3.13.0 call the handler in the context of the task, future or handle of the context (ctx.run), 3.8.18 to 3.11.7 directly; 3.13.0 formats the callback in the message with the debug flag (read in each pyenv install, diffed against 3.12.1)',
      docs('library/asyncio-eventloop.html', 'Error Handling API'),
      measured('ERR-1'),
    ],
    versions:
      'Identical in every measured version for what the language observes (the keys, the message prefix, the exception, the ' +
      "loop, the TypeError, the order). 3.12+ run the handler in the handle's contextvars context, not observed. 3.14 (pyodide): " +
      'neither measured nor read.',
  }),

  // ---- FUT ----------------------------------------------------------------------------------
  r('ERR-2', 'ERR', 'KeyboardInterrupt and SystemExit escape the loop: a callback, a task, asyncio.run', {
    clauses: [
      "When a callback scheduled with call_soon, call_later or call_at raises KeyboardInterrupt or SystemExit, the loop MUST NOT call its exception handler (unlike an Exception, ERR-1.2): the exception MUST escape the run_forever or run_until_complete running the loop, at once (the callbacks after it in that iteration do not run in it), the same exception (class and message). The run MUST end as a run ends (run_forever's cleanup): the loop is then open and not running (is_running() False, get_running_loop() raises RuntimeError('no running event loop') and _get_running_loop() returns None in that thread), and a stop() made earlier in the run is forgotten. It can be run again: every callback still queued, and every timer, MUST stay scheduled and run in the loop's next run, the ready ones first and in their order (SCHED-1, SCHED-2); a task run_until_complete was running stays pending and goes on in a later run. asyncio's own callbacks stay queued too: where run_until_complete's future finished in the iteration a callback then escaped, its done callback (which stops the loop) runs in the loop's next run and ends it after that iteration (a run_until_complete then raises LIFE-8's RuntimeError if its coroutine needs more).",
      "When a task's coroutine raises KeyboardInterrupt or SystemExit in a step its loop runs, the task MUST end done with that exception (task_state 'done'; `await K` raises it, with its class and message, in the awaiting coroutine, also in a later run), and the exception MUST then escape the run as ERR-2.1 says (Task.__step re-raises it). run_until_complete of a coroutine that raises it MUST raise it; run_until_complete's done callback MUST NOT stop the loop for it, so a later run is not ended by it.",
      "asyncio.run(coro), where coro's task or a callback of its loop raises KeyboardInterrupt or SystemExit, MUST raise that exception after its cleanup, as for any exception (ARUN-2: every task of its loop still pending, coro's own task included, cancelled and run to its end, the loop closed). Profiles 3.11+ (switch runner): R.run(coro) of an asyncio.Runner MUST raise it too, and leave R open (RUNNER-1.1: its loop neither closed nor its tasks cancelled, a task left pending goes on in R's next run).",
    ],
    rationale:
      "A KeyboardInterrupt (Ctrl-C, outside asyncio.run's own SIGINT handler) or a SystemExit (sys.exit()) raised by a callback " +
      'or a task must reach the code that runs the loop, not vanish into the exception handler: asyncio catches BaseException ' +
      'around callbacks and task steps but re-raises these two. An implementation that treats them as any other exception ' +
      '(gives them to the handler, stores them in the task and goes on) keeps a program running that was asked to stop; one ' +
      "that lets them escape without run_forever's cleanup leaves the loop marked running. Language: `raise` with exc " +
      'raises KeyboardInterrupt(message) or SystemExit(message), and every statement observes them like an Exception (the ' +
      'Python driver tells its own deadline, a SystemExit of its class Hang, from them by class). What the model leaves ' +
      "out, and why: real signals (a SIGINT delivered to the process, and asyncio.run's SIGINT handler from 3.11, which " +
      'cancels the main task and raises KeyboardInterrupt after it: real signal timing); either exception raised in an ' +
      "exception handler, a task factory, a future's done callback, a signal handler, call_soon_threadsafe's callback, a " +
      "thread, an executor job, a fork child, an async generator's finally, an eager task's first step (it escapes " +
      "create_task) or during asyncio.run's or a Runner's cleanup (each goes through other code: out of the model, the " +
      'oracle says so); what the default handler or the garbage collector logs for a task holding the exception ("Task ' +
      'exception was never retrieved": GC timing).',
    sources: [
      cpy('events.py', 'Handle._run: except (SystemExit, KeyboardInterrupt): raise, before except BaseException (call_exception_handler)'),
      cpy(
        'base_events.py',
        '_run_once (ntodo = len(self._ready); handle = self._ready.popleft(); handle._run(): the rest of the ready queue stays), run_forever (try/finally: _stopping = False, _thread_id = None, _set_running_loop(None)), run_until_complete, _run_until_complete_cb (returns without stop() for SystemExit/KeyboardInterrupt, Issue #22429)',
      ),
      cpy(
        'tasks.py',
        'Task.__step_run_and_handle_result: except (KeyboardInterrupt, SystemExit) as exc: super().set_exception(exc); raise',
      ),
      cpy('tasks.py', 'Task.__step: except (KeyboardInterrupt, SystemExit) as exc: super().set_exception(exc); raise', '3.8.18'),
      cpy('runners.py', 'run: try: return loop.run_until_complete(main) finally: _cancel_all_tasks, shutdown_asyncgens, close', '3.8.18'),
      cpy(
        'runners.py',
        'Runner.run (the SIGINT handler only for a real signal: _interrupt_count), Runner.close, run (with Runner(...) as runner)',
      ),
      "CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: the same re-raise in events.py Handle._run, tasks.py (and the C Task of _asyncio), base_events.py _run_until_complete_cb and run_forever's cleanup (3.13.0: _run_forever_cleanup); measured with a script: a callback's KeyboardInterrupt escaping run_forever with the handler not called, the queue going on in the next run, a task's SystemExit stored and escaping, a run_until_complete done callback left queued by an escape stopping the next run (LIFE-8.1), asyncio.run cancelling the other tasks and raising it",
      measured('ERR-2'),
      'CPython 3.14.2 Lib/asyncio/events.py Handle._run, tasks.py Task.__step_run_and_handle_result, base_events.py ' +
        '_run_until_complete_cb, run_forever and _run_forever_cleanup, as shipped in python_stdlib.zip of the pyodide 314.0.7 npm ' +
        'package: the same re-raises and cleanup as 3.13.0',
    ],
    versions:
      'Identical in every measured version (3.8.18 to 3.13.0), except that asyncio.Runner exists from 3.11 (switch runner, ' +
      'RUNNER-1). 3.14 (read in CPython 3.14.2 as Pyodide ships it): the same source; not measured on a CPython 3.14 ' +
      "(Pyodide's WebLoop runs callbacks from the JavaScript event loop, where they escape to: not judged there).",
    dependsOn: ['runner'],
    through: { runner: 'RUNNER-1' },
  }),
  r('FUT-1', 'FUT', "A loop's futures: create_future, their state, their done callbacks, awaiting them", {
    clauses: [
      'loop.create_future() MUST return a new pending Future bound to that loop, on a closed loop too: its get_loop() MUST return that loop, and its done() MUST return False until set_result or set_exception is called on it.',
      "A done callback MUST NOT be called inside the call that makes it due. F.add_done_callback(cb) on a pending F MUST keep cb and return None; F.set_result or F.set_exception MUST then schedule every kept callback, in the order they were added, with call_soon on F's loop (behind the callbacks already in its ready queue, before those queued later), and return None before any of them runs. F.add_done_callback(cb) on a done F MUST schedule cb with call_soon on F's loop at once (on a closed loop call_soon's RuntimeError('Event loop is closed')) and return None. Each callback so scheduled MUST run once, when its loop gets to it.",
      "On a pending future, result() MUST raise InvalidStateError('Result is not set.') and exception() InvalidStateError('Exception is not set.'). set_result(v) MUST return None and make it done: done() True, result() v, exception() None; set_exception(e) likewise: done() True, result() raises e, exception() returns e. On a done future, set_result and set_exception MUST raise InvalidStateError and change nothing.",
      "In a task, await F MUST give F's result (or raise its exception) at once when F is done, whatever loop F belongs to; when F is pending and belongs to the task's loop, the task MUST wait until F is done, then give its result or raise its exception; when F is pending and belongs to another loop, the task MUST NOT wait for it: RuntimeError('Task <task> got Future <future> attached to a different loop') (the two reprs as the language observes them) MUST be raised at that await in the task's next step, scheduled with call_soon, and F stays pending.",
    ],
    rationale:
      'Futures are how every asyncio-compatible loop hands results between callbacks and coroutines: a loop whose ' +
      'create_future returns a future bound elsewhere, that calls done callbacks inline (re-entrancy that asyncio code does ' +
      "not expect), that lets a future be set twice, or that lets a task wait on another loop's future (which that loop " +
      'would complete from the wrong thread) breaks code written against asyncio. What the model leaves out, and why: ' +
      '"Future exception was never retrieved" (asyncio logs it, or calls the exception handler, when the garbage collector ' +
      'reclaims a future whose exception nobody read: a program with futures and a handler that observes is out of the ' +
      "model, ERR-1); setting a future, or adding a callback to it, from another thread than its running loop's (call_soon " +
      'is not thread-safe: whether and when the loop sees it is real thread timing); cancelling a future (the language has no ' +
      "Future.cancel; a task cancelled while it awaits a program's future cancels that future, as asyncio.run does with a " +
      'leftover task: such a program is out of the model, since the Python driver ends any body at a CancelledError), remove_done_callback, a done ' +
      "callback's contextvars context; set_result on a future of a closed loop with done callbacks (call_soon raises " +
      'RuntimeError after the state changed); set_exception(StopIteration()) (a TypeError on 3.8.18 to 3.12.1, stored as a ' +
      'RuntimeError on 3.13.0: the language raises ValueError only); run_until_complete(F) with F of another loop ' +
      "(ValueError 'The future belongs to a different loop than the one specified as the loop argument': the language passes " +
      'coroutines only); the text of the reprs in the different-loop RuntimeError (addresses and file paths). The messages of ' +
      "InvalidStateError are the C Future's (asyncio.Future is _asyncio.Future in every measured version); the pure-Python " +
      "Future (asyncio.futures._PyFuture) says 'Result is not ready.' and '<state>: <repr>': the suite compares result()'s " +
      "message by its prefix 'Result is not ' and the message of set_result and set_exception on a done future not at all.",
    sources: [
      cpy('base_events.py', 'BaseEventLoop.create_future (futures.Future(loop=self), no closed check)'),
      cpy(
        'futures.py',
        'Future.__schedule_callbacks (call_soon(callback, self, context=ctx) for each, in order, list cleared), add_done_callback (call_soon at once when done), result, exception, set_result, set_exception (InvalidStateError when not PENDING), __await__ (yield self while not done)',
      ),
      'CPython 3.12.1 Modules/_asynciomodule.c future_schedule_callbacks, future_add_done_callback, future_set_result/future_set_exception ("invalid state"), FutureObj_result ("Result is not set."), FutureObj_exception ("Exception is not set.")',
      cpy(
        'tasks.py',
        "Task.__step (a yielded future of another loop: RuntimeError(f'Task {self!r} got Future {result!r} attached to a different loop') passed to call_soon(self.__step, new_exc))",
      ),
      'CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: the same create_future, __schedule_callbacks, add_done_callback and Task.__step check (read in each pyenv install); asyncio.Future is _asyncio.Future in each; the messages measured in each (a script run on each interpreter, then the probe)',
      docs('library/asyncio-future.html', 'Future Object'),
      docs('library/asyncio-eventloop.html', 'Creating Futures and Tasks'),
      measured('FUT-1'),
    ],
    versions:
      'Identical in every measured version for what the language observes (create_future on a closed loop, the order of done ' +
      'callbacks, the InvalidStateError messages of the C Future, the different-loop RuntimeError). Not in the language: ' +
      'set_exception(StopIteration()) raises TypeError on 3.8.18 to 3.12.1 and stores a RuntimeError on 3.13.0. 3.14 ' +
      '(pyodide): neither measured nor read.',
  }),

  // ---- TIME ---------------------------------------------------------------------------------
  r('TIME-1', 'TIME', "The loop's clock: time(), call_at, TimerHandle.when(), call_at's handle", {
    clauses: [
      "loop.time() MUST never go backwards: of two reads of one loop's clock made one after the other in one thread, the second MUST be >= the first (an exact float comparison).",
      'loop.call_later(delay, cb) MUST return a TimerHandle whose when() is time() + delay for a time() read during the call: t0 + delay <= when() <= t1 + delay, t0 and t1 loop.time() read just before and just after the call (exact: float addition is monotone). loop.call_at(w, cb) MUST return a TimerHandle whose when() == w exactly.',
      "loop.call_at(w, cb) MUST schedule cb as a timer of the loop due at w, in the one heap of its timers (as SCHED-2.1 says of call_later's deadline): cb MUST run, in the loop's thread, once the loop runs past w, also when w is already past. No timer's callback (call_later's or call_at's) may start before it is due: in it, loop.time() + r > handle.when(), r the resolution of the loop's clock (time.get_clock_info('monotonic').resolution).",
      "loop.call_at MUST return the very TimerHandle it scheduled, so that SCHED-5 applies to it as to call_later's: after cancel() on it, the callback MUST NOT run if it has not started, and its cancelled() is False until cancel() and True from then on (SCHED-5.1 and SCHED-5.2 decide these observations; TIME-1.4 is their condition, to blame where SCHED-5 holds for the other handles).",
    ],
    rationale:
      "Timers are the loop's only notion of time, and every deadline is read from loop.time(): a clock that goes back, a " +
      "deadline rounded or computed from a stale clock, or a timer run early (a clock of millisecond granularity, as libuv's) " +
      "shows as a timer run too early or too late. CPython's clock is real monotonic time, so the clauses are relations that " +
      "hold exactly whatever the machine's speed: the language observes a read against the previous read, when() against " +
      "the reads around the call, and, in a timer's own callback, that it is due. A timer may start up to the clock's " +
      'resolution before loop.time() reaches when(): _run_once takes every timer with when < time() + _clock_resolution. ' +
      'Left out, and why: any comparison of a time with a constant or with another clock (time.monotonic(), wall time: ' +
      "how long statements take decides it); the clock's resolution itself (a platform fact: 1e-09 on Linux); how late a " +
      "timer runs (the machine's load); the order of call_at timers among the other timers (SCHED-2 decides the order of " +
      "deadlines, and real elapsed time that of deadlines less than 0.1 s apart; call_at shares call_later's heap); " +
      'call_at(None) (TypeError in 3.12+ only, a type check); slow-callback warnings in debug mode (real time, the log).',
    sources: [
      cpy(
        'base_events.py',
        "BaseEventLoop.time (return time.monotonic()), __init__ (self._clock_resolution = time.get_clock_info('monotonic').resolution)",
      ),
      cpy(
        'base_events.py',
        'call_later (timer = self.call_at(self.time() + delay, ...)), call_at (events.TimerHandle(when, ...); heapq.heappush)',
      ),
      cpy(
        'base_events.py',
        '_run_once (end_time = self.time() + self._clock_resolution; a timer with handle._when >= end_time stays in the heap)',
      ),
      cpy('events.py', 'TimerHandle.__init__ (self._when = when), when(), cancel; Handle.cancel, cancelled'),
      "CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: the same time(), call_later through call_at, call_at storing when as given, the same end_time bound in _run_once, TimerHandle.when() returning _when; time.get_clock_info('monotonic') is clock_gettime(CLOCK_MONOTONIC), resolution 1e-09, in each (read in each pyenv install and run)",
      docs('library/asyncio-eventloop.html', 'Scheduling delayed callbacks'),
      measured('TIME-1'),
    ],
    versions: 'Identical in every measured version. 3.14 (pyodide): neither measured nor read.',
  }),

  // ---- TFACT --------------------------------------------------------------------------------
  r('TFACT-1', 'TFACT', "A loop's task factory: set, get, what create_task does with it, asyncio.eager_task_factory", {
    clauses: [
      "A new loop's get_task_factory() MUST be None. loop.set_task_factory(f), f callable or None, MUST return None; from then on get_task_factory() of that loop, and of no other, MUST return f itself (None after set_task_factory(None)). set_task_factory(x), x neither callable nor None, MUST raise TypeError('task factory must be a callable or None') and leave the factory as it was. Where the profile has no eager task factory (3.8 to 3.11), reading asyncio.eager_task_factory MUST raise AttributeError(\"module 'asyncio' has no attribute 'eager_task_factory'\"), so loop.set_task_factory(asyncio.eager_task_factory) leaves the factory as it was.",
      'While loop L has a factory f (not None), each task L makes from a coroutine, by asyncio.create_task(coro) in a coroutine L runs and by L.run_until_complete(coro) (through ensure_future), MUST be made by one call f(L, coro), with those two positional arguments and no keyword argument, in the calling thread, before create_task returns (before run_until_complete runs the loop); run_until_complete MUST run the task f returned and return its result (what create_task returns, here the task f made, is judged by TASK-1.2). With no factory (None, or after set_task_factory(None)), no factory is called and tasks are made as TASK-1 says.',
      when(
        { eagerTaskFactory: true },
        "Profiles 3.12+: while L's factory is asyncio.eager_task_factory, asyncio.create_task(coro) in a coroutine L runs MUST run coro's first step inside create_task, with current_task() the new task (the creating task current again after it): the statements before its first suspension (an await of a pending task, a sleep, run_in_executor) MUST run before create_task returns; a coroutine that returns or raises without suspending MUST give a task that is already done (its result or exception set) when create_task returns; after a suspension the task goes on as TASK-1 to TASK-5 say. L.run_until_complete(coro) MUST make its task as TASK-1 says (eager_start applies only to a loop that is running).",
      ),
    ],
    rationale:
      'A task factory is how libraries put their own Task class, or eager execution, under every create_task of a loop; a ' +
      'loop implementation that ignores the factory, calls it with other arguments, or wraps what it returns breaks them ' +
      'silently. 3.12 added eager_task_factory: a coroutine that never suspends costs no loop iteration, and code before the ' +
      'first await runs before create_task returns, an ordering change applications see. The program language makes a ' +
      'factory `def factory(loop, coro)` that runs its statements, then returns asyncio.Task(coro, loop=loop) (no **kwargs: ' +
      'a keyword argument passed to it would be a TypeError), or passes asyncio.eager_task_factory. What the model leaves ' +
      "out, and why: the task's name (3.13.0 calls task.set_name(name) after the factory whatever name is, so a factory's " +
      "task is renamed 'None' through asyncio.create_task; 3.8.18 to 3.12.1 keep the factory's name: TASK-6.3 to TASK-6.5 " +
      "say it, TASK-6's programs pass name=); create_task(name=, context=) (this rule's programs pass neither: with context, 3.11+ " +
      'call f(loop, coro, context=context)); a factory that raises (the coroutine is never awaited: the "never awaited" ' +
      'RuntimeWarning comes when the garbage collector reclaims it) and one with marks or nested bodies called twice (the ' +
      "trace keeps one observation a statement); a factory with statements on asyncio.run's loop (its shutdown makes the tasks " +
      'of shutdown_asyncgens and shutdown_default_executor through it: one call in 3.8, two from 3.9); set_task_factory on a ' +
      'loop running in another thread (a race with its create_task); create_eager_task_factory(custom_task_constructor) and ' +
      'Task(eager_start=) called directly; loop.create_task on a loop that is not running (the language creates tasks only ' +
      'from a running coroutine).',
    sources: [
      cpy(
        'base_events.py',
        'BaseEventLoop.__init__ (self._task_factory = None), set_task_factory (TypeError), get_task_factory, create_task',
      ),
      cpy('base_events.py', 'create_task: self._task_factory(self, coro), then tasks._set_task_name(task, name)', '3.8.18'),
      cpy(
        'base_events.py',
        'create_task: self._task_factory(self, coro) if context is None else (self, coro, context=context); task.set_name(name) unconditionally',
        '3.13.0',
      ),
      cpy('tasks.py', 'create_task (loop.create_task(coro) when context is None), ensure_future (loop.create_task)'),
      cpy(
        'tasks.py',
        'eager_task_factory = create_eager_task_factory(Task); Task.__init__ (eager_start and self._loop.is_running(): __eager_start), __eager_start (_swap_current_task)',
      ),
      'CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: the same set_task_factory message and get_task_factory; create_task calls the factory with (loop, coro) only when no context is given (3.8 to 3.10 have no context parameter); asyncio.eager_task_factory in 3.12.1 and 3.13.0 only (read in each pyenv install; measured with a script: factory arguments, identity, run_until_complete through the factory, eager steps)',
      docs('library/asyncio-eventloop.html', 'Creating Futures and Tasks'),
      docs('library/asyncio-task.html', 'Eager Task Factory'),
      measured('TFACT-1'),
    ],
    versions:
      'Identical in every measured version for TFACT-1.1 and TFACT-1.2 as the language observes them (same TypeError ' +
      'message; f(loop, coro) with no keyword argument from asyncio.create_task and run_until_complete). ' +
      'asyncio.eager_task_factory exists from 3.12 (switch eagerTaskFactory): 3.8.18 to 3.11.7 raise AttributeError on ' +
      'reading it. 3.13.0 renames a factory-made task to str(name), "None" when no name is given (not observed by the ' +
      'language). 3.14 (source): create_task passes its keyword arguments on to the factory (none from the language); ' +
      'not measured.',
    dependsOn: ['eagerTaskFactory'],
  }),
  // ---- AGEN ---------------------------------------------------------------------------------
  r('AGEN-1', 'AGEN', "A loop's asynchronous-generator hooks, shutdown_asyncgens, and asyncio.run's shutdown of generators", {
    clauses: [
      "While a loop L runs (run_forever, run_until_complete, asyncio.run's loop), sys.get_asyncgen_hooks() in L's thread MUST return L's own hooks (firstiter and finalizer both methods of L); when the run ends the thread's previous hooks MUST be back (in programs: None, None), and a thread where no loop runs has None, None.",
      "The first iteration of an asynchronous generator (await G.__anext__()) in a thread where L runs MUST give it to L's firstiter hook, which keeps it for L's shutdown_asyncgens, and MUST NOT warn; once L.shutdown_asyncgens() has been called, that first iteration MUST also warn ResourceWarning('asynchronous generator <agen> was scheduled after loop.shutdown_asyncgens() call') (the generator's repr as <agen>) and the generator is kept all the same.",
      "await L.shutdown_asyncgens() MUST close every generator L kept and forget them: each by aclose() in a task of L (gather), so that a generator suspended at its yield runs its finally in L's thread, in that task, before the await returns; a generator whose finally already ran (exhausted by __anext__, which then raises StopAsyncIteration) MUST NOT run it again; with no generator kept it MUST return without suspending. Which of several generators closes first is not specified.",
      'asyncio.run MUST call shutdown_asyncgens on its loop, after cancelling the leftover tasks and before closing it: a generator its loop kept, left suspended, runs its finally before asyncio.run returns. loop.close() MUST NOT close the generators a loop kept: the finally of a generator that no shutdown_asyncgens closed MUST NOT run while the program keeps it.',
    ],
    rationale:
      'An asynchronous generator suspended in a try/finally holds a resource (a connection, a lock) that only its finally ' +
      'releases; the loop is what can run that finally, because aclose() must be awaited. CPython gives the loop the ' +
      "thread's asyncgen hooks while it runs, so that it knows every generator iterated in it, and asyncio.run closes them " +
      'before closing the loop: a loop that installs no hooks, keeps them installed after its run, or whose ' +
      "shutdown_asyncgens closes nothing leaves the finallys of a program's generators unrun. What the model leaves out, " +
      'and why: finalization by collection (a generator dropped is finalized when the garbage collector or reference ' +
      'counting reclaims it: the finalizer hook schedules aclose() with call_soon_threadsafe on an open loop; when that ' +
      "happens is the collector's business, so programs keep every generator they make in a variable until they end, and " +
      'one rebinding the variable of a generator is out of the model); the order in which shutdown_asyncgens closes ' +
      'several generators (list(WeakSet) is in the order of addresses: 3.8.18 and 3.9.18 measured in different orders): a ' +
      'program whose finallys observe anything but marks and current_thread while several close at once is out of the ' +
      'model; a finally that suspends, raises or schedules a callback (its error goes to the exception handler as ' +
      "'an error occurred during closing of asynchronous generator <repr>', measured on 3.12.1 but not in the language); " +
      'shutdown_asyncgens of a loop that does not run in the calling thread while it keeps generators (gather makes the ' +
      'tasks on the given loop in 3.8 and 3.9, on the running loop from 3.10); generators in a fork child (it inherits ' +
      "the forking thread's hooks).",
    sources: [
      cpy(
        'base_events.py',
        'BaseEventLoop.__init__ (_asyncgens = weakref.WeakSet(), _asyncgens_shutdown_called), _asyncgen_firstiter_hook (the ResourceWarning, then _asyncgens.add), _asyncgen_finalizer_hook, shutdown_asyncgens (return when empty; gather(*[ag.aclose()], return_exceptions=True); call_exception_handler per Exception), run_forever (old_agen_hooks = sys.get_asyncgen_hooks(); sys.set_asyncgen_hooks(firstiter=..., finalizer=...); restored in finally)',
      ),
      cpy(
        'base_events.py',
        '_run_forever_setup (self._old_agen_hooks = sys.get_asyncgen_hooks()), _run_forever_cleanup (restored if not None)',
        '3.13.0',
      ),
      cpy('runners.py', 'Runner.close: _cancel_all_tasks(loop), loop.run_until_complete(loop.shutdown_asyncgens()), then loop.close()'),
      cpy(
        'runners.py',
        'run: _cancel_all_tasks(loop), loop.run_until_complete(loop.shutdown_asyncgens()) in finally, then loop.close()',
        '3.8.18',
      ),
      'CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: the same hooks, firstiter warning and shutdown_asyncgens (read in each pyenv install; 3.8.18 and 3.9.18 pass loop=self to gather); measured with a script on each: hooks during and after a run, finallys in a task of the loop in its thread, the empty shutdown not suspending, the warning after shutdown, close() closing none, asyncio.run closing a suspended generator, the handler for a finally that raises',
      docs('library/asyncio-eventloop.html', 'loop.shutdown_asyncgens'),
      docs('library/sys.html', 'sys.set_asyncgen_hooks'),
      measured('AGEN-1'),
    ],
    versions:
      'Identical in every measured version for what the language observes (3.8.18 to 3.13.0). 3.13.0 restores the hooks ' +
      'in _run_forever_cleanup only when _old_agen_hooks is not None; after a run refused by its checks 3.13.0 is left ' +
      'inconsistent (LIFE-3, python/cpython#130145) and the model stops predicting there. 3.14: not read (the search ' +
      'did not find its base_events.py), not measured.',
  }),
  // ---- CANCEL -------------------------------------------------------------------------------
  r('CANCEL-1', 'CANCEL', 'Task cancellation: cancel(msg), cancelled(), cancelling(), uncancel(), a caught CancelledError, all_tasks()', {
    clauses: [
      'K.cancel() on a task that is not done MUST return True and only request the cancellation: K.cancelled() MUST stay False (and K pending) until K ends; on a done task (a result, an exception, or cancelled) it MUST return False and change nothing. K.cancelled() MUST be True exactly when K ended cancelled.',
      "A requested cancellation MUST reach K's coroutine at its next step, as a CancelledError: raised by the await it is suspended at (a sleep; an await of a task T, which is cancelled in turn by K.cancel, as T.cancel()), or at its first step if it never ran (none of its body runs); a task that requests its own cancellation and then returns without suspending MUST end cancelled; the CancelledError that ends a coroutine MUST leave K cancelled (task state 'cancelled'), and an await of a cancelled task MUST raise CancelledError in the awaiter.",
      'A coroutine that catches the CancelledError (`except asyncio.CancelledError`) MUST go on with its next statement: its task is not cancelled by it and ends as its coroutine does (a return: done, with that result, which an await of it returns).',
      "K.cancel(msg): profiles 3.9+ MUST accept the message and the CancelledError raised in K's coroutine MUST carry it (str(e) == msg); profile 3.8 MUST raise TypeError('cancel() takes no arguments (1 given)') (switch cancelMessage). Where K ended cancelled by a CancelledError its coroutine raised, the first result() of K (the first await of it) MUST raise that very CancelledError, message and all, and later ones CancelledError() (profiles 3.11+, switch cancelledErrorKept); profiles 3.9 and 3.10 MUST raise CancelledError() (no message) for every one. A task cancelled as its own last step returns MUST carry the message to every awaiter (3.9+).",
      "Profiles 3.11+ (switch taskCancelling): K.cancelling() MUST return the number of K.cancel() calls made while K was not done (each counts, a repeated one too, and K.cancel() of a task T that K awaits counts on T), less the uncancel() calls; K.uncancel() MUST decrement it, never below 0, and return the new count. Profiles 3.8 to 3.10 MUST raise AttributeError(\"'_asyncio.Task' object has no attribute 'cancelling'\") (and 'uncancel').",
      "asyncio.all_tasks() MUST raise RuntimeError('no running event loop') where no loop runs (the running-loop lookup of GET and EXEC decides which loop a thread sees); in a running loop it MUST return the set of that loop's tasks that are not done (the task running run_until_complete's coroutine among them, and, profiles 3.12+, a task of asyncio.eager_task_factory while its first step runs inside create_task), and asyncio.all_tasks(L) those of L, running or not.",
    ],
    rationale:
      "Cancellation is how asyncio stops work: timeouts, TaskGroup, asyncio.run's shutdown all call Task.cancel and rely on " +
      'the CancelledError arriving at the next step, on a coroutine being able to catch it, and on all_tasks() listing the ' +
      'tasks still to end. The language says `K.cancel(msg)`, `K.cancelled()`, `K.cancelling()`, `K.uncancel()`, ' +
      '`asyncio.all_tasks(L)` (its length, or whether K is in it) and a sleep or await with `catch` (`try: ... except ' +
      'asyncio.CancelledError: pass`: the statement observes the error, the body goes on). What the model leaves out, and why: ' +
      "a CancelledError of asyncio.run's own cancellation caught (the run waits for the task: ARUN's); a cancel after " +
      "asyncio.run's (ARUN-3); uncancel() bringing the count to 0 while a cancellation is still pending (3.13 withdraws the " +
      'request, tasks.py uncancel `self._must_cancel = False`; 3.11 and 3.12 do not: not yet a switch); cancel from another ' +
      "thread (real thread timing); cancelling a program's future (the Python driver ends a body at CancelledError, FUT-1); " +
      "task names (get_name, set_name, create_task(name=), 'Task-<n>' from a process-wide counter): TASK-6's.",
    sources: [
      cpy(
        'tasks.py',
        'Task.cancel (self.done(): False; _num_cancels_requested += 1; _fut_waiter.cancel(msg=msg); _must_cancel, _cancel_message), cancelling, uncancel, __step (_must_cancel: _make_cancelled_error(); except CancelledError: self._cancelled_exc = exc; super().cancel()), all_tasks',
      ),
      cpy('futures.py', 'Future.cancel(msg), _make_cancelled_error (3.11+: self._cancelled_exc first, once)'),
      cpy('futures.py', '_make_cancelled_error: CancelledError(self._cancel_message), __context__ = _cancelled_exc', '3.10.13'),
      cpy('tasks.py', 'Task.cancel(self) with no msg; the C Task likewise', '3.8.18'),
      cpy('tasks.py', 'uncancel: if self._num_cancels_requested == 0: self._must_cancel = False', '3.13.0'),
      cpy(
        'tasks.py',
        'all_tasks: itertools.chain(_scheduled_tasks, _eager_tasks); Task.__eager_start: _register_eager_task(self) around the first step, then _register_task(self) unless done (3.12.1 and 3.13.0 alike)',
      ),
      'CPython 3.12.1, 3.13.0: measured with a script (an eager task counted by all_tasks() in its first step, and in it after a first step that suspended)',
      "CPython 3.8.18 to 3.13.0 all run the C Task (asyncio.Task is asyncio.tasks._CTask, type 'type' in each): measured with a script in each pyenv install (cancel on pending and done tasks, cancel(msg) TypeError on 3.8.18, the message caught in the coroutine from 3.9.18, the awaiter's CancelledError empty on 3.9.18 and 3.10.13 and carrying the message from 3.11.7, cancelling/uncancel from 3.11.7, all_tasks outside a loop and with a loop argument)",
      docs('library/asyncio-task.html', 'Task Cancellation'),
      measured('CANCEL-1'),
    ],
    versions:
      'cancel(msg) from 3.9 (switch cancelMessage; 3.8.18 TypeError); the awaiter sees the message from 3.11 (switch ' +
      'cancelledErrorKept; 3.9.18 and 3.10.13 give CancelledError()); cancelling() and uncancel() from 3.11 (switch ' +
      'taskCancelling). 3.13.0 uncancel() also withdraws a pending request at 0 (left out). 3.14 (source): as 3.13.',
    dependsOn: ['cancelMessage', 'cancelledErrorKept', 'taskCancelling', 'eagerTaskFactory'],
    // An eager task in all_tasks() (3.12+): without eager_task_factory (3.8 to 3.11) set_task_factory(asyncio.eager_task_factory) fails first: TFACT-1.1's.
    through: { eagerTaskFactory: 'TFACT-1' },
  }),
  // ---- CTX ----------------------------------------------------------------------------------
  r('CTX-1', 'CTX', 'Context variables: the context each callback, task and executor job runs in', {
    clauses: [
      "var.get() MUST return the value var was last set to in the current context, or var's default where it was never set there; var.set(v) MUST return (a token, observed as None) and change var in the current context only. contextvars.copy_context() MUST return a new context with the current context's values: a later set in either is not seen in the other. A thread the program starts MUST start with an empty context (every variable at its default), whatever the starting thread set; the main thread's top level keeps its own context across loop runs (what callbacks and tasks set does not reach it).",
      'L.call_soon(cb), L.call_later(d, cb) and L.call_soon_threadsafe(cb) MUST run cb in a copy of the context current where and when they were called (in any thread): a set inside cb is not seen by the caller nor by any other callback, and a set by the caller after the call is not seen by cb. With context=C they MUST run cb in C itself: what cb sets stays in C, seen by later callbacks and tasks run in C and by C.run, and cb sees what was set in C before it ran.',
      'A task MUST run every step of its coroutine in one context: by asyncio.create_task(coro) (and the task of run_until_complete and of asyncio.run), a copy of the context current when the task was created, so that what the task sets is seen by its later steps and by the tasks and callbacks it schedules, but not by its creator, and what the creator sets after create_task is not seen by the task. Where the profile has create_task(context=) (3.11+), asyncio.create_task(coro, context=C) MUST run the task in C itself (shared as in CTX-1.2); before 3.11 it MUST raise TypeError("create_task() got an unexpected keyword argument \'context\'") and make no task.',
      "loop.run_in_executor(None, fn) MUST NOT carry the caller's context over: fn runs in its worker thread's own context, so a variable that no executor job sets reads its default there, whatever the caller set. Where the profile has asyncio.to_thread (3.9+), await asyncio.to_thread(fn) MUST run fn in the default executor in a copy of the caller's context: fn sees what the caller set, and what fn sets is seen neither by the caller nor by later jobs; in 3.8 reading asyncio.to_thread MUST raise AttributeError(\"module 'asyncio' has no attribute 'to_thread'\").",
    ],
    rationale:
      'contextvars is how asyncio code keeps per-request state (a request id, a database transaction, decimal precision) ' +
      'without passing it along: each callback and each task gets its own copy, so concurrent tasks do not see each other. ' +
      "A loop that runs callbacks in the caller's context itself, or in none, leaks state between requests or loses it. " +
      'The program language has one ContextVar `var` (module level in the driver, default 0), statements to set and get it, ' +
      'and copy_context() bound to a variable for context=. What the model leaves out, and why: a set in a run_in_executor ' +
      "job (a worker thread's context persists between jobs, so which later job sees it is which worker runs it: thread " +
      'timing; the oracle leaves such programs out); context variables in a fork child, in an exception handler (3.12+ call ' +
      'it in the context of the handle, 3.8 to 3.11 outside it), in a task factory or a done callback (not yet in the ' +
      'language); one context given to callbacks or tasks of two loops (two threads may enter it at once: RuntimeError ' +
      '"cannot enter context", a race); create_task(context=) through a task factory (3.11+ call factory(loop, coro, ' +
      "context=C), which the language's factory does not take) or the eager one (a task made eager in the context it runs " +
      "in enters it twice); call_at(context=) (call_later's path, not in the language); Context.run and Token.reset.",
    sources: [
      cpy(
        'events.py',
        'Handle.__init__ (context=None: self._context = contextvars.copy_context()), Handle._run (self._context.run(self._callback, *self._args))',
      ),
      cpy('base_events.py', 'call_soon, call_later, call_at, call_soon_threadsafe (context=None passed to Handle and TimerHandle)'),
      cpy(
        'tasks.py',
        'Task.__init__ (context=None: self._context = contextvars.copy_context()), __step (call_soon(self.__step, context=self._context)), create_task(coro, *, name=None, context=None)',
      ),
      cpy('tasks.py', 'create_task(coro, *, name=None): no context parameter', '3.10.13'),
      cpy(
        'threads.py',
        'to_thread: ctx = contextvars.copy_context(); loop.run_in_executor(None, functools.partial(ctx.run, func, ...))',
        '3.9.18',
      ),
      cpy('base_events.py', 'run_in_executor: executor.submit(func, *args), no context', '3.12.1'),
      'CPython 3.12.1 Lib/concurrent/futures/thread.py _worker: one thread runs job after job, in its own context',
      'CPython 3.12.1 Lib/threading.py Thread: a new thread starts with an empty context (3.8 to 3.13 have no context parameter)',
      'CPython 3.14 (source, python/cpython#130010, Doc/howto/free-threading-python.rst): Thread(context=None) follows sys.flags.thread_inherit_context, true by default on the free-threaded build and false on the default GIL build: threads start with an empty context there, as before; not measured',
      'CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: measured with a script (create_task(context=) TypeError before 3.11, to_thread AttributeError in 3.8, the executor reading the default, call_soon(context=C) setting C, a new thread reading the default)',
      docs('library/asyncio-eventloop.html', 'Scheduling callbacks'),
      docs('library/asyncio-task.html', 'Creating Tasks'),
      docs('library/contextvars.html', 'asyncio support'),
      measured('CTX-1'),
    ],
    versions:
      'The same in 3.8.18 to 3.13.0 for callbacks (context= on call_soon, call_later, call_at and call_soon_threadsafe since ' +
      '3.7), task copies, run_in_executor and new threads. create_task(context=) from 3.11 (switch createTaskContext): ' +
      '3.8.18 to 3.10.13 raise TypeError("create_task() got an unexpected keyword argument \'context\'"). asyncio.to_thread ' +
      'from 3.9 (switch toThread): 3.8.18 raises AttributeError. 3.14 (source): threads start empty on the GIL build unless ' +
      'sys.flags.thread_inherit_context is set (-X thread_inherit_context=1), which the free-threaded build sets by default; ' +
      'not measured.',
    dependsOn: ['createTaskContext', 'toThread'],
  }),

  // ---- SIG ----------------------------------------------------------------------------------
  r('SIG-1', 'SIG', "add_signal_handler and remove_signal_handler: what they refuse and return; close() removes a loop's handlers", {
    clauses: [
      "loop.add_signal_handler(sig, callback) MUST check, in this order, and raise at the first that fails: callback a coroutine function or a coroutine, TypeError('coroutines cannot be used with add_signal_handler()'); sig not an int, TypeError('sig must be an int, not <repr(sig)>') ('not None'); sig not in signal.valid_signals(), ValueError('invalid signal number <sig>'); the loop closed, RuntimeError('Event loop is closed'); the calling thread not the process's main thread (a fork child's one thread is its main thread), RuntimeError('set_wakeup_fd only works in main thread of the main interpreter') (profile 3.8: 'set_wakeup_fd only works in main thread'); a signal that cannot be caught, RuntimeError('sig <sig> cannot be caught') for SIGKILL and SIGSTOP ('sig 9', 'sig 19' on Linux). A refused call MUST leave the loop's handlers as they were. Otherwise it MUST return None, and callback becomes the loop's handler for sig, replacing the one it had.",
      'loop.remove_signal_handler(sig) MUST check sig as add_signal_handler does (the same TypeError and ValueError); then, if the loop has a handler for sig, it MUST remove it (sig back to its default action) and return True, else return False: for a signal never added, refused (SIG-1.1) or already removed, on a closed loop too, and from any thread.',
      'loop.close() MUST remove every handler of the loop, as remove_signal_handler does: after it, remove_signal_handler(sig) returns False for each signal the loop had a handler for.',
    ],
    rationale:
      "A loop's signal handlers are how asyncio programs stop cleanly on SIGTERM or reload on SIGHUP; the checks decide " +
      'whether a program learns at add_signal_handler time that its handler will never run (from a worker thread, for an ' +
      'uncatchable signal, a coroutine function that would only make a never-awaited coroutine). The order of the checks ' +
      "is CPython's: a coroutine first, then the signal (_check_signal), then the closed loop, then the main thread, which " +
      "signal.set_wakeup_fd decides (its ValueError becomes a RuntimeError with its message), then signal.signal's " +
      'EINVAL for SIGKILL and SIGSTOP. The language passes SIGUSR1, SIGUSR2, SIGKILL and SIGSTOP by name and, for the refusals, None and ints ' +
      'that are no signal on any platform (at most 0, 65 and more): the numbers of the others differ between platforms, ' +
      'and the driver keeps SIGALRM for its deadline. Left out, and why: remove_signal_handler of a handler from another ' +
      "thread than the main thread (CPython deletes the handler, then signal.signal raises ValueError('signal only works " +
      "in main thread of the main interpreter'): a half-removal, the signal still caught by nobody), and close() of a loop " +
      "with handlers from such a thread (the same ValueError out of close()); SIGINT (its default handler is Python's " +
      "KeyboardInterrupt, and asyncio.run installs its own); what the process's signal dispositions are afterwards " +
      '(signal.getsignal is not in the language: a signal sent after its handler was removed ends the process).',
    sources: [
      cpy('unix_events.py', '_UnixSelectorEventLoop.add_signal_handler, remove_signal_handler, _check_signal, close'),
      'CPython 3.12.1 Modules/signalmodule.c signal_set_wakeup_fd and signal_signal_impl (the main-thread check: "... only works in main thread of the main interpreter"); 3.8.18: "... only works in main thread"',
      'CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: the same _UnixSelectorEventLoop.add_signal_handler, remove_signal_handler, _check_signal, _handle_signal and close (diffed against 3.12.1 in each pyenv install; 3.13.0 adds _unix_server_sockets to __init__ only); their messages measured with a script in each',
      "CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0 (script, 2026-12-01): add_signal_handler(signal.SIGSTOP, cb) raises RuntimeError('sig 19 cannot be caught') as SIGKILL's 'sig 9 ...', and remove_signal_handler(signal.SIGSTOP) returns False; a handler held before a refused SIGKILL or SIGSTOP still runs (the wakeup fd is given up only with no handler left)",
      docs('library/asyncio-eventloop.html', 'Unix signals'),
      measured('SIG-1'),
    ],
    versions:
      "Identical in every measured version but the main-thread message, signal.set_wakeup_fd's: 'set_wakeup_fd only " +
      "works in main thread' in 3.8.18, '... of the main interpreter' from 3.9.18 (switch signalMainInterpreter). 3.14 " +
      "(pyodide): the WebLoop has no signal handlers (AbstractEventLoop's NotImplementedError); neither measured nor read.",
    dependsOn: ['signalMainInterpreter'],
  }),
  r('SIG-2', 'SIG', "A signal's handler runs as a callback of its loop, queued by the loop's self-pipe reader", {
    clauses: [
      "When the process sends itself a signal sig (os.kill(os.getpid(), sig), from its main thread) while loop L has a handler for it (L the loop whose add_signal_handler last took the process's wakeup fd, no other loop holding handlers), os.kill MUST return None without running the handler, and L MUST run its handler for sig once for each such signal, as a callback of L: in L's thread, while L runs, after the statement that followed os.kill (never inside the callback or task step that sent it). The handler that runs is the one L has for sig when it reads the signal (SIG-2.2): one added again before then replaces the old one, which does not run; after remove_signal_handler (or close()) before then, none runs; a handler never runs but for a signal read while it is L's handler.",
      "When: the signal's number goes to L's self-pipe before os.kill returns. An iteration of L that begins with the self-pipe holding a byte MUST queue L's reader of the self-pipe at the end of the ready queue (behind the callbacks queued before that iteration, before the timers that come due in it). The reader, when it runs, MUST read every byte the self-pipe holds then and queue, for each signal in the order they were sent, the handler L has for it at the end of the ready queue: the handler runs in the next iteration, after the callbacks queued before the reader ran and before those queued after. A signal sent from a callback or a task step thus runs its handler two iterations later (one sent while L does not run, in L's second iteration when it runs again); a handler queued in the iteration in which L stops, or a signal still in the self-pipe then, MUST wait for L's next run (LIFE-7.4), and never run if L is closed first.",
    ],
    rationale:
      "CPython's signal handling is two-staged: the C-level handler only writes the signal's number to the wakeup fd (the " +
      'self-pipe of the loop that last called add_signal_handler), and the loop reads it as any other event: its ' +
      'selector finds the self-pipe readable, _process_events queues the reader (_read_from_self) as a callback, and the ' +
      'reader (_handle_signal) queues the handler (_add_callback_signalsafe, which writes a null byte that the same read ' +
      'takes too). So a handler is never reentrant with the code it interrupts, and it runs where and when any callback ' +
      'runs; a loop that calls the handler from its reader, or from the C handler, runs it an iteration early, or inside ' +
      'the code that sent the signal. os.kill of the process itself from its main thread is synchronous (the kernel ' +
      "delivers the signal before kill returns, to the calling thread), so where the handler runs among the loop's other " +
      'callbacks is determined, and measured identical on the six CPythons. Left out, and why: a signal sent from another ' +
      'thread, or while another thread of the process is alive (the thread that takes the signal, and a wake-up byte ' +
      'another thread writes to the self-pipe, which makes the reader run an iteration earlier, are real-thread timing); ' +
      'where a handler falls among callbacks and task steps where something reaches the loop in real time (a timer, a ' +
      "sleep of more than 0, an executor job's result, another thread's call_soon_threadsafe: the iteration it comes in " +
      "is the machine's speed), so that order is asserted only in programs without them; two loops holding handlers at " +
      'once (one wakeup fd per process: the last add_signal_handler takes it, ' +
      "and the removal of any loop's last handler gives it up, so the other loop's handlers silently stop running, a " +
      "known limitation, python/cpython PR #11145's review); a loop that a fork child inherited (its self-pipe is shared " +
      "with the parent); asyncio.run's loop (how many iterations its shutdown runs is not specified); a handler that " +
      "raises (the exception handler, ERR-1, gets the signal's Handle); a signal at its default action (it ends the process).",
    sources: [
      cpy('unix_events.py', '_UnixSelectorEventLoop._process_self_data, _handle_signal (self._add_callback_signalsafe(handle))'),
      cpy(
        'selector_events.py',
        'BaseSelectorEventLoop._make_self_pipe (_add_reader(self._ssock.fileno(), self._read_from_self)), _read_from_self (recv until BlockingIOError), _process_events',
      ),
      cpy(
        'base_events.py',
        '_run_once (event_list = self._selector.select(timeout); self._process_events(event_list); then the timers due), _add_callback_signalsafe',
      ),
      'CPython 3.12.1 Modules/signalmodule.c trip_signal (the signal number written to the wakeup fd by the C-level handler, every signal)',
      'CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: the same _handle_signal, _read_from_self, _process_events and order in _run_once (diffed against 3.12.1 in each pyenv install); when a handler runs among callbacks, task steps and timers due measured with a script in each (the same order in all six)',
      docs('library/asyncio-eventloop.html', 'Unix signals'),
      measured('SIG-2'),
    ],
    versions:
      'Identical in every measured version (3.8.18 to 3.13.0), the iteration in which the handler runs included. 3.14 ' +
      '(pyodide): no signal handlers in the WebLoop; neither measured nor read.',
  }),
  // ---- RUNNER -------------------------------------------------------------------------------
  r('RUNNER-1', 'RUNNER', "asyncio.Runner: several runs on one loop, the thread's current loop, close", {
    clauses: [
      "Profiles 3.11+ (switch runner): `R = asyncio.Runner()` (with `loop_factory=asyncio.new_event_loop` or not) MUST make a runner without making a loop; R.run(coro) MUST run coro as a task of R's loop and return its result or raise its exception (same class and message); R.get_loop() MUST return R's loop. R's loop is made by R's first run or get_loop, and every later run and get_loop of R MUST use that same loop, open and not running between runs; inside R.run, get_running_loop() is R's loop; a task one run leaves pending stays on that loop and goes on when the next run runs it. R.run where the calling thread has a running loop MUST raise RuntimeError('Runner.run() cannot be called from a running event loop'), and that coroutine MUST NOT run. Profiles 3.8 to 3.10: reading asyncio.Runner MUST raise AttributeError(\"module 'asyncio' has no attribute 'Runner'\").",
      when(
        { runner: true },
        "R's first run or get_loop, without loop_factory, MUST make R's loop the current loop of the calling thread (set_event_loop): get_event_loop() there outside a run returns it; R.close() MUST then leave the thread without a current loop, its \"set called\" flag set (set_event_loop(None): get_event_loop() afterwards raises RuntimeError as in GET-4, also in the main thread). With loop_factory, R MUST neither set nor reset the thread's current loop.",
      ),
      when(
        { runner: true },
        "R.close() of an initialized R MUST cancel every task of R's loop that is not done and run the loop until they have finished (each sees CancelledError at its current await and ends cancelled; tasks already done stay done), shut down its async generators and (as asyncio.run, ARUN-2) its default executor, then close the loop: R's loop's is_closed() is then True. R.close() MUST return None; it does nothing on a runner already closed, or on one never initialized (no run and no get_loop yet: no loop is made, and R stays usable).",
      ),
      when(
        { runner: true },
        "Once R.close() closed R, R.run(coro) and R.get_loop() MUST raise RuntimeError('Runner is closed'), and that coroutine MUST NOT run.",
      ),
    ],
    rationale:
      'asyncio.Runner is what asyncio.run is written with from 3.11, and what a framework uses to run several coroutines on ' +
      'one loop from sync code (an interactive console, a test runner). The program language makes a runner with ' +
      'runner_new (optionally `loop_factory=asyncio.new_event_loop`) and calls run, get_loop and close on it. asyncio.run ' +
      "itself stays ARUN-1 to ARUN-4's; what a Runner's close does to leftover tasks, to its loop and to the thread's current " +
      "loop is this rule's (one deviation, one rule), the async generators its close shuts down included, while what an " +
      "executor job observes stays EXEC-1's. What the model leaves out, and why: the SIGINT handler Runner.run installs in the main " +
      "thread (signals are not in the language); debug= (DEBUG-1 covers asyncio.run's); run(coro, context=) and the runner's " +
      'own context copy (RUNNER-2); a runner whose loop the program runs or closes itself (through get_loop); a ' +
      "runner used from another thread or a fork child; a non-coroutine given to run (ValueError names the object's repr).",
    sources: [
      cpy('runners.py', 'Runner.__init__, close, get_loop, run, _lazy_init; run (with Runner(debug=debug, loop_factory=loop_factory))'),
      cpy(
        'runners.py',
        'Runner (loop_factory=, _lazy_init: set_event_loop once when no loop_factory; close: set_event_loop(None))',
        '3.11.7',
      ),
      cpy('runners.py', 'Runner, as in 3.12.1', '3.13.0'),
      cpy('runners.py', 'run only (no Runner)', '3.10.13'),
      "CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: measured with a script (AttributeError before 3.11; get_loop and run on one loop, get_event_loop returning it, close leaving GET-4's RuntimeError, run and get_loop after close, close before any run, loop_factory not setting the current loop, run from a running loop)",
      docs('library/asyncio-runner.html', 'Runner context manager'),
      measured('RUNNER-1'),
    ],
    versions:
      'asyncio.Runner exists from 3.11 (switch runner): 3.8.18 to 3.10.13 raise AttributeError. runners.py differs between ' +
      "3.11.7 and 3.12.1 only in close's shutdown_default_executor(constants.THREAD_JOIN_TIMEOUT) and asyncio.run's " +
      "loop_factory; 3.13.0's is 3.12.1's. Runner behaves the same on 3.11.7, 3.12.1 and 3.13.0 in everything this rule " +
      "says. 3.14: not read and not measured here; the profile keeps 3.13's behaviour.",
    dependsOn: ['runner'],
  }),
  r('RUNNER-2', 'RUNNER', "asyncio.Runner as a context manager, its runs' context, asyncio.run(loop_factory=)", {
    clauses: [
      when(
        { runner: true },
        "`with R as W:` MUST initialize R on entry as R's first run or get_loop would (R.__enter__ is R._lazy_init: R's loop is made, and without loop_factory set as the thread's current loop, RUNNER-1.2) and bind W to R itself; on leaving the block, normally or by an exception, it MUST close R as R.close() does (RUNNER-1.3, RUNNER-1.2) and let the body's exception propagate unchanged. `with R:` on a closed R MUST raise RuntimeError('Runner is closed') from __enter__, and the body MUST NOT run.",
      ),
      when(
        { runner: true },
        "R's initialization (its first run, get_loop or __enter__) MUST take a copy of the calling thread's current context (contextvars.copy_context()), and every R.run(coro) without context= MUST run its task in that one copy: a context variable set in one run is seen by R's next runs, a set by the calling thread after R's initialization is not, and the thread's own context is untouched by the runs. R.run(coro, context=C) MUST run the task in C (its sets stay in C, the runner's copy is untouched).",
      ),
      'Profiles 3.12+ (switch runLoopFactory): `asyncio.run(coro, loop_factory=asyncio.new_event_loop)` MUST run coro as asyncio.run does (ARUN-1 to ARUN-4) on a loop the factory makes, except that it MUST neither set that loop as the thread\'s current loop nor reset the current loop afterwards (set_event_loop is not called): get_event_loop() inside coro returns the running loop; after it the thread\'s current loop and its "set called" flag are what they were before; the loop is closed when asyncio.run returns. Profiles 3.8 to 3.11: the keyword MUST raise TypeError("run() got an unexpected keyword argument \'loop_factory\'"), and coro MUST NOT run.',
    ],
    rationale:
      'What is left of asyncio.Runner after RUNNER-1: the with statement (how asyncio.run itself uses a Runner from 3.11, and ' +
      "how the docs say to use one), the contextvars.Context all of a runner's runs share (runners.py copies it once, in " +
      "_lazy_init, so a value one run sets is there for the next: an application's request-scoped state carried across " +
      "runs), and asyncio.run's own loop_factory= (3.12). What __exit__'s close then does is RUNNER-1.3's and RUNNER-1.2's " +
      "(one deviation, one rule: a close that leaves a task is RUNNER-1's wherever it is called from); this rule says that " +
      "__enter__ initializes and returns the runner and that __exit__ closes it. The language's one ContextVar is CTX-1's: " +
      "what a task made inside a run copies, a callback's and to_thread's context stay CTX-1's, the runner's copy being " +
      'the context those copies are taken from. What the model leaves out, and why: Runner(debug=) (DEBUG-1.2 covers the ' +
      'same `set_debug` step through asyncio.run(debug=); no second statement is worth its switch); a loop_factory other than ' +
      'asyncio.new_event_loop (a policy or a loop class of the program is not in the language); a context given by context= ' +
      "to runs of two runners or to another loop's callbacks (one context entered from two loops: CTX-1 keeps a context to " +
      'one loop); with-blocks nested on one runner (__enter__ of an initialized runner is a no-op, but the inner __exit__ ' +
      'closes it under the outer: no generator makes them); the SIGINT handling of Runner.run (signals are not sent to the ' +
      "main thread by the language while a run waits); 3.14's Runner.run accepting any awaitable (the language gives run " +
      'a coroutine only).',
    sources: [
      cpy(
        'runners.py',
        'Runner.__enter__ (self._lazy_init(); return self), __exit__ (self.close()), run (if context is None: context = self._context; self._loop.create_task(coro, context=context)), _lazy_init (self._context = contextvars.copy_context()); run(main, *, debug=None, loop_factory=None): with Runner(debug=debug, loop_factory=loop_factory)',
      ),
      cpy(
        'runners.py',
        'Runner as in 3.12.1 (__enter__, __exit__, run(context=), _lazy_init); run(main, *, debug=None): no loop_factory',
        '3.11.7',
      ),
      cpy('runners.py', 'as in 3.12.1', '3.13.0'),
      'CPython 3.14.2 Lib/asyncio/runners.py as shipped in the pyodide 314.0.7 npm package (python_stdlib.zip): __enter__, __exit__, _lazy_init and run(loop_factory=) as in 3.13.0; Runner.run also wraps an awaitable that is not a coroutine (not in the language)',
      "CPython 3.8.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: measured with a script (TypeError on asyncio.run(loop_factory=) before 3.12; `with Runner() as w` returning the runner and setting its loop current; a run's set seen by the next run, a set of the caller after __enter__ not seen, run(context=C) in C; re-entering a closed runner; the loop closed when the body raised; asyncio.run(loop_factory=) leaving the loop set before current)",
      docs('library/asyncio-runner.html', 'Runner context manager; asyncio.run'),
      measured('RUNNER-2'),
    ],
    versions:
      "asyncio.Runner from 3.11 (switch runner: before, RUNNER-1.1's AttributeError, so clauses 1 and 2 are 3.11+); " +
      "asyncio.run's loop_factory= from 3.12 (switch runLoopFactory; 3.11.7's run has only debug=). runners.py's " +
      '__enter__, __exit__, run(context=) and _lazy_init are the same in 3.11.7, 3.12.1, 3.13.0 and 3.14.2.',
    dependsOn: ['runner', 'runLoopFactory'],
    // Before 3.11 `R = asyncio.Runner()` is refused by RUNNER-1.1: every with and run of R after it is that clause's consequence.
    through: { runner: 'RUNNER-1' },
  }),
  // ---- RCT ----------------------------------------------------------------------------------
  r(
    'RCT-1',
    'RCT',
    'run_coroutine_threadsafe and wrap_future: a coroutine run on a loop from any thread, its outcome in a concurrent future',
    {
      clauses: [
        "`CF = asyncio.run_coroutine_threadsafe(coro, L)` MUST return a concurrent.futures.Future at once, in the calling thread (L's own thread included), without running any of coro: it MUST queue one callback on L by L.call_soon_threadsafe (behind the callbacks already ready, SCHED-1; waking L, SCHED-3), and that callback MUST make coro a task of L (ensure_future: L.create_task), whose first step is queued by call_soon as TASK-1.3 says: coro starts no earlier than the loop iteration after the one in which the callback ran, and never within the call. Until that task is done CF is pending (done() and cancelled() False; result(timeout=0) and exception(timeout=0) raise TimeoutError). A coro that is not a coroutine object MUST raise TypeError('A coroutine object is required') in the calling thread and queue nothing.",
        "When the task is done, CF MUST get its outcome, in L's thread, from the task's done callback (queued by call_soon when the task ends): its result (CF.result() returns it, CF.exception() is None), or its exception (CF.result() raises it, CF.exception() returns it: same class and message), or, where the task ended cancelled, CF cancelled (CF.cancelled() True; CF.result() and CF.exception() raise concurrent.futures.CancelledError). CF.done() is True from then on.",
        "CF.cancel() of a pending CF MUST return True and cancel CF at once (CF.done() and CF.cancelled() True when it returns), and MUST cancel the task through L.call_soon_threadsafe(task.cancel): the task sees CancelledError at the await it is suspended in and ends cancelled. Where CF is cancelled before the callback of RCT-1.1 ran, that callback MUST still make the task, and queue its cancel behind the task's first step: coro runs until its first suspension, then sees CancelledError there (a coro that ends in its first step ends as it would). CF.cancel() of a CF that has a result or an exception MUST return False and change nothing; of a cancelled CF it MUST return True (concurrent.futures). CF.cancel() of a CF still pending after L closed (its task left pending by a run that ended first) MUST return True and cancel CF all the same: the cancel it forwards is refused (call_soon_threadsafe raises RuntimeError on the closed L) inside CF's done callback, whose exception concurrent.futures logs, never raising it from cancel().",
        "`F = asyncio.wrap_future(CF, loop=L)` of a concurrent future MUST return a new pending asyncio future of L; once CF is done, F MUST get CF's state (its result, its exception, or cancelled) through L.call_soon_threadsafe: a callback queued when CF becomes done (at once when CF was done at the call), so F is done one callback after CF, never in the same call; `await F` gives that result or raises that exception, or CancelledError where CF was cancelled (before the callback of RCT-1.1 ran too), after which F is done and F.set_result raises InvalidStateError. Only a cancel goes from F back to CF: F made done otherwise (`F.set_result(x)` by the program while CF is pending) MUST leave CF as it is, pending until its task is done, then with the task's outcome (RCT-1.2), F keeping what was set (the copy is refused in a callback, which the loop's exception handler gets). wrap_future(X) of an asyncio future or task MUST return X itself; of anything else MUST raise AssertionError('concurrent.futures.Future is expected, got <repr>') (the int's repr in the language).",
      ],
      rationale:
        'run_coroutine_threadsafe is how a thread without a loop (a worker, a GUI or server thread) hands a coroutine to a ' +
        'loop running elsewhere and gets its outcome back, and wrap_future is how a coroutine awaits such a concurrent future. ' +
        'Both are written in asyncio (tasks.py, futures.py _chain_future) on top of call_soon_threadsafe, create_task and done ' +
        'callbacks, and a loop implementation that schedules the callback in the call, runs the coroutine at once, or drops ' +
        'the chaining of states breaks every program that crosses threads this way. The language calls ' +
        'run_coroutine_threadsafe from any body (binding CF), reads CF without waiting (done, cancelled, cancel, ' +
        'result(timeout=0), exception(timeout=0)), and wraps CF (or an asyncio future or task, or an int) with ' +
        'wrap_future(loop=L). From another thread the generators call it in an executor job awaited by the only task of L, ' +
        "so L is idle while the job runs and the coroutine's place among L's callbacks is determined (a program thread " +
        'calling it while L runs other work is in the language, but where its coroutine lands among that work is real ' +
        'timing: not generated). What the model leaves out, and why: what another thread observes of CF while L runs elsewhere ' +
        "(CF.done() or CF.result(timeout=0) in a worker thread depend on how far L's thread got: real thread timing; the " +
        "language reads CF only in L's own thread, or where L is not running and no other thread could run it); a " +
        'blocking CF.result() in a worker while L runs (the model runs threads as sequential code: it cannot block one on ' +
        'another; CF.result(timeout=0) after the loop thread set it is what the language observes instead); ' +
        "wrap_future of a concurrent future whose state is set in another thread than F's loop's (the order of the copy " +
        "against L's own callbacks is real timing); wrap_future without loop= (get_event_loop(), with 3.10 and 3.11's " +
        'deprecation warnings outside a running loop); run_coroutine_threadsafe on a closed loop, or a coroutine whose ' +
        'callback never runs (the coroutine is never awaited: a RuntimeWarning when it is collected, a garbage-collector ' +
        "fact); a loop with a task factory or in debug mode (the factory is called in the callback; debug's slow-callback " +
        'log); a task whose exception nobody retrieves because CF was cancelled first (logged when collected); cancelling F ' +
        '(the language has no Future.cancel); result() or exception() of a cancelled F (its CancelledError would end the ' +
        'reading coroutine; an await of it, the CancelledError caught or ending a task, is in).',
      sources: [
        cpy(
          'tasks.py',
          'run_coroutine_threadsafe (coroutines.iscoroutine check, concurrent.futures.Future(), loop.call_soon_threadsafe(callback), callback: _chain_future(ensure_future(coro, loop=loop), future))',
        ),
        cpy(
          'futures.py',
          '_chain_future (_call_check_cancel: source_loop.call_soon_threadsafe(source.cancel); _call_set_state: dest_loop.call_soon_threadsafe(_set_state, ...) unless dest_loop is source_loop or None), _set_concurrent_future_state, _copy_future_state, wrap_future (isfuture: returned as is; assert isinstance(future, concurrent.futures.Future))',
        ),
        'CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.13.0: run_coroutine_threadsafe identical to 3.12.1 (diffed in each pyenv install); futures.py _chain_future and wrap_future identical but for 3.8.18 and 3.9.18 (no dest_loop.is_closed() check before call_soon_threadsafe in _call_set_state: the closed check of call_soon_threadsafe raises in the done callback instead) and 3.10.13 and 3.11.7 (wrap_future without loop calls events._get_event_loop())',
        'CPython 3.14.2 Lib/asyncio/tasks.py run_coroutine_threadsafe and futures.py _chain_future, wrap_future, as shipped in python_stdlib.zip of the pyodide 314.0.7 npm package: identical to 3.12.1',
        "CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: measured with a script (the callback and the task's first step an iteration apart; result, exception and cancellation copied to CF; CF cancelled before the callback: the first step still runs; cancel of a done CF False; TypeError and AssertionError messages; wrap_future's F done one callback after CF; TimeoutError of a pending result(timeout=0): concurrent.futures._base.TimeoutError in 3.8 to 3.10, the builtin from 3.11, named TimeoutError in each)",
        "CPython 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0: measured with a script (CF.cancel() before run_until_complete, the coroutine's first suspension a sleep(0.05), run_until_complete's coroutine at a sleep(0.15): CF.cancel() True and CF.cancelled() True at once; the run's coroutine's first step runs first, then the coroutine's, and its sleep(0.05) raises CancelledError at once (0.0 s), not after 0.05 s; CF.exception(timeout=0) raises concurrent.futures CancelledError after the run)",
        'CPython 3.8.18 and 3.13.0 Lib/concurrent/futures/_base.py Future._invoke_callbacks (each done callback in `try: ... except Exception: LOGGER.exception(...)`: CF.cancel() returns True whatever its callbacks raise); Lib/asyncio/futures.py _chain_future._call_check_cancel (`if destination.cancelled():` only a cancel goes back to the source) and _copy_future_state (`if source.cancelled(): dest.cancel()`; `assert not dest.done()` refuses the copy to an F set already)',
        "CPython 3.8.18 and 3.13.0, measured (2026-12-01, the Python driver): wrap_future of a CF cancelled before run_coroutine_threadsafe's callback ran: F cancelled one callback later (F.set_result in a callback queued behind the copy, or in a timer after it, raises InvalidStateError; `await F`, in a task or in the coroutine, raises CancelledError; F.done() True); CF.cancel() after L closed, its task left pending in a sleep: True, CF cancelled. CPython 3.8.18, 3.12.1 and 3.13.0: F.set_result(1) while CF is pending: CF still pending after a sleep(0), not cancelled, then done with the task's 5. RCT-1 (its programs with these shapes) passes on 3.8.18, 3.9.18, 3.10.13, 3.11.7, 3.12.1 and 3.13.0 under their own profiles at seeds 10106 and 10107 (300 programs each)",
        docs('library/asyncio-task.html', 'Scheduling From Other Threads'),
        docs('library/asyncio-future.html', 'asyncio.wrap_future'),
        measured('RCT-1'),
      ],
      versions:
        'Identical in every measured version (3.8.18 to 3.13.0) in everything this rule says, and in 3.14 by its source. ' +
        "3.8.18 and 3.9.18 lack _call_set_state's closed check for the destination loop (a wrapped future of a loop closed " +
        'before CF is done: left out). The TimeoutError of a pending CF is concurrent.futures.TimeoutError (3.8 to 3.10) or ' +
        'the builtin TimeoutError (3.11+, its alias): the same name, no switch.',
    },
  ),
];

/** A clause as written above: its text, or its text with the switch values it applies under. */
type ClauseBody = string | { when: Partial<Switches>; text: string };

function when(switches: Partial<Switches>, text: string): ClauseBody {
  return { when: switches, text };
}

/** A rule as written above: `dependsOn` may be left out when no switch changes the rule. */
type RuleBody = Omit<Rule, 'id' | 'group' | 'title' | 'dependsOn' | 'clauses' | 'text'> &
  Partial<Pick<Rule, 'dependsOn'>> & { clauses: ClauseBody[] };

function r(id: string, group: RuleGroup, title: string, body: RuleBody): Rule {
  const clauses = body.clauses.map((c, i): Clause => {
    const clause = { id: `${id}.${i + 1}`, text: typeof c === 'string' ? c : c.text };
    return typeof c === 'string' ? clause : { ...clause, when: c.when };
  });
  return { id, group, title, ...body, clauses, text: clauses.map((c) => c.text).join(' '), dependsOn: body.dependsOn ?? [] };
}

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.filter((x) => !x.retired).map((x) => x.id));

export function ruleById(id: string): Rule | undefined {
  return RULES.find((x) => x.id === id);
}

/** Every clause of the rules in force, in registry order. */
export const CLAUSES: readonly Clause[] = RULES.filter((x) => !x.retired).flatMap((x) => x.clauses);

const CLAUSE_BY_ID = new Map(CLAUSES.map((c) => [c.id, c]));

export function clauseById(id: string): Clause | undefined {
  return CLAUSE_BY_ID.get(id);
}

/** The rule a clause belongs to: `SCHED-2` for `SCHED-2.3`. */
export function ruleOfClause(clause: string): string {
  return clause.slice(0, clause.lastIndexOf('.'));
}

/** Whether the clause applies under the profile: every switch it names has the value it names. */
export function clauseApplies(clause: Clause, profile: Profile): boolean {
  return Object.entries(clause.when ?? {}).every(([k, v]) => profile.switches[k as keyof Switches] === v);
}
