/**
 * The rule registry: every behavioural rule of the specification, with a stable ID.
 * IDs are GROUP-N and are never reused; a retired rule stays here with `retired: true`.
 *
 * `text` is normative (RFC 2119 keywords). `sources` name where each fact comes from: the
 * Python docs, PEP 3156, the CPython function and version that implements it, or a recorded
 * run of a real interpreter. `versions` notes how other CPython versions differ, where known,
 * and `dependsOn` names the profile switches that make them differ: both live in the rule's
 * own entry below, so a rule reads whole in one place.
 */
import type { SwitchName } from './profiles.ts';

export type RuleGroup = 'POL' | 'GET' | 'RUN' | 'NEW' | 'LIFE' | 'THR' | 'TASK' | 'SCHED' | 'EXEC' | 'ARUN' | 'FORK';

export interface Rule {
  id: string;
  group: RuleGroup;
  title: string;
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
    text:
      'asyncio.get_event_loop_policy() MUST return the process-wide policy object. If no policy is installed, ' +
      'the first call MUST create exactly one instance of the default policy class (asyncio.DefaultEventLoopPolicy), ' +
      'under a lock, and install it. Every later call, from any thread (the main thread, a worker thread, an executor ' +
      'thread, a coroutine or a callback), MUST return that same object until set_event_loop_policy replaces it ' +
      '(POL-2). asyncio.get_event_loop, set_event_loop and new_event_loop MUST act through the installed policy, ' +
      'installing the default one first if none is. A forked child MUST see the same policy object (its copy of the ' +
      "parent's); only the policy's per-thread state differs there (FORK-2).",
    rationale:
      'The policy is the single global that scopes every loop lookup; lazily creating it once keeps ' +
      'new_event_loop side-effect free apart from that creation.',
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
    text:
      'asyncio.set_event_loop_policy(policy) MUST return None and: (a) given an AbstractEventLoopPolicy instance, ' +
      'install it, so that get_event_loop_policy() returns it; since the per-thread state (current loop and the ' +
      '"set called" flag) lives in the policy instance, every thread MUST start afresh under a newly installed default ' +
      'policy: in the main thread get_event_loop() then takes the implicit-creation path of GET-3 and returns a new ' +
      'loop even if a loop was set under the old policy; (b) given None, uninstall the policy so that the next ' +
      'get_event_loop_policy() lazily creates a new default instance, distinct from every earlier one; (c) given ' +
      'anything else, raise TypeError with message "policy must be an instance of AbstractEventLoopPolicy or None, ' +
      "not '<type(policy).__name__>'\" (e.g. not 'int') and leave the installed policy unchanged.",
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
    text:
      'asyncio.get_event_loop() MUST return the running loop of the calling thread (what _get_running_loop() ' +
      'returns) whenever there is one, without consulting the policy: regardless of the loop set for the thread, ' +
      'even after set_event_loop(None) or set_event_loop(other) inside the running loop, in coroutines and in ' +
      'callbacks alike. In that case it MUST NOT warn and MUST NOT change the policy state.',
    rationale:
      'Inside asyncio code "the event loop" means the running one; this is what makes get_event_loop safe in ' +
      'coroutines and callbacks.',
    sources: [
      cpy('events.py', 'get_event_loop (pure Python; C version _asyncio.get_event_loop)'),
      docs('library/asyncio-eventloop.html', 'asyncio.get_event_loop'),
      measured('GET-1'),
    ],
    versions: 'Identical in every measured version (3.8.18 to 3.13.0).',
  }),
  r('GET-2', 'GET', 'Otherwise the loop set for this thread', {
    text:
      'With no running loop in the calling thread, get_event_loop() MUST return the loop last set for this thread ' +
      'with set_event_loop (through the installed default policy), the same object on every call, without a warning. ' +
      'It MUST return that loop even if it is closed: neither get_event_loop nor the policy checks the loop state.',
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
  }),
  r('GET-3', 'GET', 'Implicit creation: main thread, no loop, set never called', {
    text:
      'With no running loop, when no loop is set for the calling thread AND set_event_loop was never called in this ' +
      'thread under the installed policy AND the calling thread is threading.main_thread() (in a forked child: the ' +
      "thread that called fork; not a worker thread that is merely named 'MainThread'), get_event_loop() MUST create a loop with the policy's new_event_loop(), set it as " +
      'the current loop of the thread (which counts as a set_event_loop call) and return it; later calls return that ' +
      'same loop, even after it is closed (no re-creation). The new loop is open and not running. ' +
      'Profile 3.12 and later: the creating call MUST emit exactly one DeprecationWarning with message ' +
      '"There is no current event loop" (attributed to the caller outside asyncio), and no other get_event_loop path ' +
      'warns. Profiles 3.8 to 3.11: the creation is silent.',
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
      'warning; the _set_called flag is gone. The main thread is recognised by identity, never by name: ' +
      '`isinstance(threading.current_thread(), threading._MainThread)` in 3.8.18, ' +
      '`threading.current_thread() is threading.main_thread()` in 3.9.18 to 3.13.0 (events.py, ' +
      "BaseDefaultEventLoopPolicy.get_event_loop); a worker thread named 'MainThread' raises as in GET-4 " +
      '(measured on 3.8.18 to 3.13.0, seeds 101 and 202).',
    dependsOn: ['implicitCreation', 'implicitCreationWarns'],
  }),
  r('GET-4', 'GET', 'Otherwise RuntimeError naming the thread', {
    text:
      'In every other case (no running loop, no loop set, and either set_event_loop was already called in this ' +
      'thread, including set_event_loop(None), a set_event_loop rejected by NEW-5 and the set_event_loop(None) at the ' +
      'end of asyncio.run, or the thread is not the main thread) get_event_loop() MUST raise RuntimeError with message ' +
      '"There is no current event loop in thread %r." % threading.current_thread().name, for example ' +
      '"There is no current event loop in thread \'MainThread\'." or "... in thread \'T1\'.", and MUST NOT create or set ' +
      'a loop. Executor worker threads are non-main threads; their names are implementation-defined, so for them ' +
      'conformance compares the class and the prefix "There is no current event loop in thread " only.',
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
    text:
      'asyncio.get_running_loop() MUST return the loop running in the calling thread (in its coroutines and in its ' +
      "callbacks) and otherwise MUST raise RuntimeError('no running event loop'). A loop that is merely set as the " +
      'current loop, or running in another thread, does not count.',
    rationale: 'The unambiguous accessor that the docs recommend over get_event_loop.',
    sources: [cpy('events.py', 'get_running_loop'), docs('library/asyncio-eventloop.html', 'asyncio.get_running_loop'), measured('RUN-1')],
    versions: 'Identical in every measured version.',
  }),
  r('RUN-2', 'RUN', '_get_running_loop returns the running loop or None', {
    text:
      'asyncio._get_running_loop() MUST return the running loop of the calling thread or None, and MUST NOT raise. ' +
      'The running loop is recorded per thread together with the pid of the process that started running it; in a ' +
      'process whose pid differs (a forked child) it MUST return None (FORK-1).',
    rationale: 'The low-level hook that get_event_loop, get_running_loop and third-party loops share.',
    sources: [cpy('events.py', '_get_running_loop, _set_running_loop, _RunningLoop'), measured('RUN-2')],
    versions: 'Identical in every measured version.',
  }),
  r('RUN-3', 'RUN', 'The running loop is per thread', {
    text:
      'While a loop L runs in thread A, any other thread B MUST see no running loop (_get_running_loop() is None, ' +
      "get_running_loop() raises RuntimeError('no running event loop')). B MAY run its own loop M concurrently; M " +
      'is then the running loop in B only, and when M stops B again has no running loop, while L is still the running ' +
      'loop of A.',
    rationale: 'The running loop lives in thread-local storage; loops in different threads are independent.',
    sources: [cpy('events.py', '_RunningLoop (threading.local)'), measured('RUN-3')],
    versions: 'Identical in every measured version.',
  }),

  // ---- NEW ----------------------------------------------------------------------------------
  r('NEW-1', 'NEW', 'new_event_loop returns a new, open, idle loop', {
    text:
      'asyncio.new_event_loop() MUST return, in any thread, a new loop object distinct from every loop returned ' +
      'before, with is_closed() False and is_running() False.',
    rationale: 'The building block of every explicit loop setup (THR-1, asyncio.run).',
    sources: [cpy('events.py', 'new_event_loop, BaseDefaultEventLoopPolicy.new_event_loop'), measured('NEW-1')],
    versions: 'Identical in every measured version.',
  }),
  r('NEW-2', 'NEW', 'new_event_loop has no side effect on the current loop', {
    text:
      'new_event_loop() MUST NOT set the new loop as the current loop of any thread, MUST NOT set the "set called" ' +
      'flag and MUST NOT make the loop running (its only side effect is installing the default policy if none is, ' +
      'POL-1). Hence in the main thread of a fresh process get_event_loop() after new_event_loop() still takes the ' +
      'implicit-creation path of GET-3 and returns a second, different loop (with the DeprecationWarning on 3.12+), ' +
      'and in a worker thread it still raises (GET-4).',
    rationale: 'Creating a loop and binding it to a thread are separate steps; the seed calls new_event_loop side-effect free.',
    sources: [
      cpy('events.py', 'BaseDefaultEventLoopPolicy.new_event_loop'),
      docs('library/asyncio-policy.html', 'new_event_loop'),
      measured('NEW-2'),
    ],
    versions: 'Identical in every measured version except the warning of GET-3 (3.12.1 and 3.13.0 only).',
  }),
  r('NEW-3', 'NEW', 'set_event_loop(loop) sets the current loop of this thread only', {
    text:
      'asyncio.set_event_loop(loop) with a loop MUST make it the current loop of the calling thread only (what ' +
      'get_event_loop returns there when no loop is running), replacing any earlier one, and MUST return None. The ' +
      'current loops of other threads MUST be unaffected. No check is made that the loop is open, idle or current ' +
      'in another thread.',
    rationale: 'The default policy keeps one slot per thread (threading.local).',
    sources: [
      cpy('events.py', 'BaseDefaultEventLoopPolicy.set_event_loop, _Local'),
      docs('library/asyncio-eventloop.html', 'asyncio.set_event_loop'),
      measured('NEW-3'),
    ],
    versions: 'Identical in every measured version.',
  }),
  r('NEW-4', 'NEW', 'set_event_loop(None) clears the loop and counts as a call', {
    text:
      'asyncio.set_event_loop(None) MUST clear the current loop of the calling thread (without closing it), MUST set ' +
      'the thread\'s "set called" flag and MUST return None. From then on get_event_loop() in that thread, with no ' +
      'running loop, MUST raise RuntimeError as in GET-4, even in the main thread of a fresh process: it never falls ' +
      'back to implicit creation.',
    rationale: 'Lets a program opt out of implicit creation; asyncio.run relies on it (ARUN-4).',
    sources: [cpy('events.py', 'BaseDefaultEventLoopPolicy.set_event_loop, get_event_loop'), measured('NEW-4')],
    versions: 'Identical in every measured version.',
  }),
  r('NEW-5', 'NEW', 'set_event_loop rejects a non-loop with TypeError', {
    text:
      'asyncio.set_event_loop(x), x neither None nor an AbstractEventLoop, MUST raise TypeError with message ' +
      "\"loop must be an instance of AbstractEventLoop or None, not '<type(x).__name__>'\" (e.g. not 'int') and MUST " +
      'leave the current loop of the thread unchanged. It MUST nevertheless set the thread\'s "set called" flag, ' +
      'which the policy does before its type check: after set_event_loop(42) in the main thread of a fresh process, ' +
      'get_event_loop() raises RuntimeError("There is no current event loop in thread \'MainThread\'.") instead of ' +
      'creating a loop.',
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
    dependsOn: ['typeCheck'],
  }),

  // ---- LIFE ---------------------------------------------------------------------------------
  r('LIFE-1', 'LIFE', 'run_until_complete returns the result or raises the exception', {
    text:
      'loop.run_until_complete(coro) MUST wrap the coroutine in a Task of that loop, run the loop until the task is ' +
      "done, and return the coroutine's return value, or raise the exception it raised (same class and message). " +
      'Afterwards the loop MUST be idle and open, and MAY be run again.',
    rationale: 'The basic synchronous entry point into a loop.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.run_until_complete'),
      docs('library/asyncio-eventloop.html', 'loop.run_until_complete'),
      measured('LIFE-1'),
    ],
    versions: 'Identical in every measured version.',
  }),
  r('LIFE-2', 'LIFE', 'A closed loop cannot run', {
    text:
      "On a closed loop, run_until_complete and run_forever MUST raise RuntimeError('Event loop is closed') before " +
      'anything else: the coroutine is not wrapped in a task and none of it runs.',
    rationale: 'A closed loop has released its selector and executor.',
    sources: [cpy('base_events.py', 'BaseEventLoop._check_closed, run_until_complete, run_forever'), measured('LIFE-2')],
    versions: 'Identical in every measured version.',
  }),
  r('LIFE-3', 'LIFE', 'A running loop cannot be run again', {
    text:
      'On a loop that is running (necessarily in the calling thread, from one of its coroutines or callbacks), ' +
      "run_until_complete and run_forever MUST raise RuntimeError('This event loop is already running') and MUST " +
      'leave the running loop undisturbed: is_running() stays True and the loop keeps running the caller. The ' +
      'refused run_until_complete MUST NOT wrap its coroutine in a task: none of the coroutine runs, then or later.',
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
      'affected (s5, s6).',
  }),
  r('LIFE-4', 'LIFE', 'No loop runs while another loop runs in the same thread', {
    text:
      'While loop A runs in a thread, run_until_complete and run_forever of another loop B called in that thread ' +
      "(from a coroutine or a callback of A) MUST raise RuntimeError('Cannot run the event loop while another loop is " +
      "running'), MUST leave B idle and MUST leave A the running loop of the thread. The refused run_until_complete " +
      'MUST NOT wrap its coroutine in a task: none of the coroutine runs, then or later (in A or in B). B MAY run in ' +
      'another thread (RUN-3) and in this thread once A has stopped.',
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
    text:
      "loop.close() on a running loop MUST raise RuntimeError('Cannot close a running event loop') and leave it open. " +
      'On an idle loop it MUST close it (is_closed() becomes True) and return None; closing a closed loop MUST do ' +
      'nothing and return None.',
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
    text:
      'loop.is_running() MUST be True exactly while run_forever or run_until_complete of that loop is in progress ' +
      '(including inside its coroutines and callbacks) and False before, after, and after close. loop.is_closed() ' +
      'MUST be False until close() succeeds and True from then on. (In a forked child, the copy of a loop that was ' +
      'running in the parent reports is_running() True although nothing runs it: FORK-1.)',
    rationale: 'Observable state that the other lifecycle rules are stated in terms of.',
    sources: [cpy('base_events.py', 'BaseEventLoop.is_running, is_closed'), measured('LIFE-6')],
    versions: 'Identical in every measured version (but see LIFE-3 for 3.13.0 after a failed nested run_forever).',
  }),
  r('LIFE-7', 'LIFE', 'stop ends run_forever after the current iteration', {
    text:
      'loop.stop() MUST return None and make run_forever return at the end of the current iteration: the callbacks ' +
      'that were in the ready queue when the iteration began all run (also those after the one that called stop); ' +
      'callbacks scheduled during that iteration MUST NOT run in it, but stay queued and run first when the loop ' +
      'next runs. stop() called while the loop is not running MUST make the next run_forever run exactly one ' +
      'iteration (running the callbacks already scheduled) and return.',
    rationale: 'stop is a request honoured between iterations, never in the middle of one.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.stop, run_forever, _run_once (ntodo = len(self._ready))'),
      docs('library/asyncio-eventloop.html', 'loop.run_forever'),
      measured('LIFE-7'),
    ],
    versions: 'Identical in every measured version.',
  }),
  r('LIFE-8', 'LIFE', 'run_until_complete stopped early raises', {
    text:
      'If the loop is stopped (loop.stop()) before the task of run_until_complete is done, run_until_complete MUST ' +
      "raise RuntimeError('Event loop stopped before Future completed.'). The task MUST NOT be cancelled: it stays " +
      'pending on the loop and resumes when the loop next runs (e.g. during a later run_until_complete or ' +
      'run_forever): the statement it was suspended in completes normally (sleep returns None) and the rest of its ' +
      'coroutine runs. (Its observations after the early stop are checked under this rule, not TASK-2 or TASK-5.)',
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
    text:
      'In a worker thread, new_event_loop() + set_event_loop(loop) + loop.run_until_complete(coro) + loop.close() ' +
      'MUST work: inside the coroutine get_running_loop() and get_event_loop() return that loop and the current thread ' +
      'is the worker; after the run, get_event_loop() in the worker returns that loop (also once closed: GET-2). ' +
      'Loops of different worker threads MUST be independent and MAY run at the same time; none of this changes the ' +
      "main thread's state.",
    rationale: 'The seed\'s pattern for "a loop per thread"; get_event_loop never creates a loop outside the main thread (GET-4).',
    sources: ['seed: shared/seed/event-loops-and-policies.txt "Attaching a Loop to the Thread"', measured('THR-1')],
    versions: "Identical in every measured version (only the main thread's later implicit creation warns on 3.12.1 and 3.13.0: GET-3).",
  }),

  // ---- TASK ---------------------------------------------------------------------------------
  r('TASK-1', 'TASK', 'A coroutine runs only when its task is stepped', {
    text:
      'asyncio.create_task(coro) MUST require a running loop in the calling thread; otherwise it MUST raise ' +
      "RuntimeError('no running event loop') and none of the coroutine runs. With a running loop it MUST return a " +
      'new pending Task and MUST NOT run any of the coroutine before the caller yields to the loop: the first step ' +
      'is scheduled like a call_soon callback (SCHED-1).',
    rationale: 'Tasks are scheduled, never run eagerly (eager task factories are opt-in and out of scope).',
    sources: [cpy('tasks.py', 'create_task, Task.__init__ (loop.call_soon(self.__step))'), measured('TASK-1')],
    versions: 'Identical in every measured version.',
  }),
  r('TASK-2', 'TASK', "A task tracks its coroutine's outcome", {
    text:
      'A Task MUST be pending until its coroutine returns or raises, then done. Awaiting a done task MUST give the ' +
      'return value, or raise the same exception (class and message), every time it is awaited. A task cancelled ' +
      "before it finishes MUST report cancelled() True (task_state 'cancelled').",
    rationale: 'Tasks are futures for coroutines.',
    sources: [cpy('tasks.py', 'Task.__step'), cpy('futures.py', 'Future.result, Future.cancelled'), measured('TASK-2')],
    versions: 'Identical in every measured version.',
  }),
  r('TASK-3', 'TASK', 'current_task is the task being stepped', {
    text:
      'asyncio.current_task() MUST return the task whose step is executing: in the coroutine passed to ' +
      'run_until_complete (or asyncio.run), the task that wraps it; in a create_task body, that task; after an ' +
      'await (of sleep or of another task), the awaiting task again.',
    rationale: 'The loop records the current task per loop around each step.',
    sources: [cpy('tasks.py', 'current_task, _enter_task, _leave_task'), measured('TASK-3')],
    versions: 'Identical in every measured version.',
  }),
  r('TASK-4', 'TASK', 'current_task outside a task', {
    text:
      "asyncio.current_task() with no running loop in the calling thread MUST raise RuntimeError('no running event " +
      "loop') (in the main thread, a worker thread or an executor thread). In a callback run by a running loop " +
      '(call_soon, call_later, call_soon_threadsafe) it MUST return None, also after tasks of that loop have ' +
      'stepped: a step leaves no current task behind.',
    rationale: 'current_task looks up the running loop first, then the task being stepped on it, which is none during a plain callback.',
    sources: [
      cpy('tasks.py', 'current_task (loop = events.get_running_loop()), Task.__step (_enter_task ... finally _leave_task)'),
      measured('TASK-4'),
    ],
    versions: 'Identical in every measured version.',
  }),
  r('TASK-5', 'TASK', 'sleep(0) yields to the other ready tasks', {
    text:
      'await asyncio.sleep(0) MUST suspend the current task for exactly one loop iteration: every other task that ' +
      'is ready runs one step before it resumes, in the order they became ready (round robin: with a main task M ' +
      'and tasks A, B created in that order, each alternating marks and sleep(0): M0 A1 B1 M1 A2 B2 M2 A3 B3).',
    rationale: 'sleep(0) is the documented way to yield; task steps share the FIFO ready queue.',
    sources: [cpy('tasks.py', 'sleep (__sleep0)'), docs('library/asyncio-task.html', 'asyncio.sleep'), measured('TASK-5')],
    versions: 'Identical in every measured version.',
  }),

  // ---- SCHED --------------------------------------------------------------------------------
  r('SCHED-1', 'SCHED', 'call_soon callbacks run in FIFO order', {
    text:
      "loop.call_soon(cb) MUST return without running cb; callbacks MUST run in the loop's thread in the order " +
      'they were scheduled, sharing one FIFO queue with task steps. A callback scheduled while an iteration runs ' +
      '(by a callback or a task step) MUST run in a later iteration, after every callback already queued. A ' +
      'callback MUST run only when its own loop runs: one scheduled on a loop that is not run again (or is closed ' +
      'first) MUST NOT run at all, in particular not while another loop runs.',
    rationale: 'The ready queue is a deque consumed ntodo-at-a-time per iteration.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.call_soon, _call_soon, _run_once'),
      docs('library/asyncio-eventloop.html', 'loop.call_soon'),
      measured('SCHED-1'),
    ],
    versions: 'Identical in every measured version.',
  }),
  r('SCHED-2', 'SCHED', 'call_later callbacks run by deadline, then FIFO', {
    text:
      'loop.call_later(delay, cb) MUST schedule cb at deadline loop.time() + delay and timers MUST run in order of ' +
      'deadline, none before its deadline. A delay of 0 or less is allowed and means due now, but the timer is moved ' +
      'to the ready queue only when an iteration finds it due, after the callbacks already queued: a call_soon made ' +
      'after call_later(0) still runs first. So a call_soon callback MUST run before a timer of its loop when it was ' +
      'scheduled before the timer, or after it but before the loop began another iteration (from the same callback ' +
      'or task step, or while the loop was idle), whatever the delay. Callbacks with equal delays scheduled one after the other run in call ' +
      'order in practice, because the clock advances between calls and their deadlines differ. Exact ties are NOT ' +
      'FIFO in CPython (a binary heap): ten call_at callbacks with one identical deadline ran in the order ' +
      '0 2 6 5 9 8 7 1 3 4; an implementation MAY order exact ties in any order and conformance MUST NOT test them.',
    rationale: 'Timers live in a heap keyed by deadline only (TimerHandle.__lt__ compares _when).',
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
    text:
      'loop.call_soon_threadsafe(cb) from another thread MUST enqueue cb and wake the loop if it is blocked waiting ' +
      "for events (run_forever with nothing to do), so that cb runs promptly in the loop's thread, where the loop " +
      'is the running loop.',
    rationale: 'Plain call_soon is not thread-safe and does not write to the self-pipe; call_soon_threadsafe does.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.call_soon_threadsafe (_write_to_self)'),
      docs('library/asyncio-dev.html', 'Concurrency and Multithreading'),
      measured('SCHED-3'),
    ],
    versions: 'Identical in every measured version.',
  }),
  r('SCHED-4', 'SCHED', 'A closed loop refuses callbacks', {
    text:
      "loop.call_soon, loop.call_later and loop.call_soon_threadsafe on a closed loop MUST raise RuntimeError('Event " +
      "loop is closed') and schedule nothing, call_soon_threadsafe also when called from another thread.",
    rationale: 'Callbacks on a closed loop would never run.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.call_soon, call_at, call_soon_threadsafe (_check_closed)'),
      'CPython 3.8.18 to 3.13.0 call_soon_threadsafe calls self._check_closed() first (read in each pyenv install)',
      measured('SCHED-4'),
    ],
    versions: 'Identical in every measured version.',
  }),

  // ---- EXEC ---------------------------------------------------------------------------------
  r('EXEC-1', 'EXEC', 'run_in_executor runs on another thread and delivers the outcome', {
    text:
      "await loop.run_in_executor(None, fn) MUST run fn on a worker thread of the loop's default executor (not the " +
      "loop's thread) and MUST give the awaiting coroutine fn's return value, or raise fn's exception (same class " +
      "and message). The awaiting coroutine resumes in the loop's thread.",
    rationale: 'The way to run blocking code without blocking the loop.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.run_in_executor'),
      docs('library/asyncio-eventloop.html', 'loop.run_in_executor'),
      measured('EXEC-1'),
    ],
    versions: 'Identical in every measured version (worker thread names differ, see GET-4).',
  }),
  r('EXEC-2', 'EXEC', 'An executor thread has no running or current loop', {
    text:
      'In fn run by run_in_executor there MUST be no running loop (_get_running_loop() None; get_running_loop() and ' +
      "current_task() raise RuntimeError('no running event loop')) and no current loop: get_event_loop() MUST raise " +
      'RuntimeError as in GET-4, even when the thread that scheduled fn has a loop set, because the worker is not ' +
      'the main thread and never called set_event_loop.',
    rationale: 'Executor workers are ordinary non-main threads; contextvars and thread-locals are not carried over.',
    sources: [
      cpy('base_events.py', 'BaseEventLoop.run_in_executor'),
      cpy('events.py', 'BaseDefaultEventLoopPolicy.get_event_loop'),
      measured('EXEC-2'),
    ],
    versions: "Identical in every measured version except the worker thread's name in the message (GET-4).",
  }),

  // ---- ARUN ---------------------------------------------------------------------------------
  r('ARUN-1', 'ARUN', 'asyncio.run runs the coroutine on a new loop', {
    text:
      "asyncio.run(coro) MUST create a new loop with the policy's new_event_loop (never reusing the thread's current " +
      'loop), set it as the current loop of the calling thread, run coro on it as the main task and return its ' +
      'result or raise its exception (same class and message); inside, get_running_loop() and get_event_loop() ' +
      'return the new loop. When asyncio.run returns or raises, that loop MUST be closed. A loop that was current ' +
      'before is not closed.',
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
    text:
      'When the main coroutine finishes, asyncio.run MUST cancel every task of its loop that is not done, run the ' +
      'loop until they have all finished (each sees CancelledError at its current await and ends cancelled), shut ' +
      'down async generators (and, 3.9+, the default executor), then close the loop. Tasks already done stay done. ' +
      'A task created by the main coroutine just before it returns still takes its first step before the ' +
      'cancellation, because that step was queued before the callback that stops the loop.',
    rationale: 'No task outlives asyncio.run.',
    sources: [cpy('runners.py', '_cancel_all_tasks, Runner.close'), measured('ARUN-2'), measured('TASK-2')],
    versions: 'Identical in every measured version (the default-executor shutdown exists from 3.9: runners.py).',
  }),
  r('ARUN-3', 'ARUN', 'asyncio.run refuses to run from a running event loop', {
    text:
      "asyncio.run MUST raise RuntimeError('asyncio.run() cannot be called from a running event loop') when the " +
      'calling thread has a running loop (in a coroutine or in a callback), without creating a loop or running any ' +
      'of the coroutine.',
    rationale: 'Nested runs would violate LIFE-4; the check fails fast with a clearer message.',
    sources: [cpy('runners.py', 'run'), measured('ARUN-3')],
    versions: 'Identical in every measured version.',
  }),
  r('ARUN-4', 'ARUN', 'After asyncio.run the thread has no current loop', {
    text:
      'When asyncio.run returns or raises, the calling thread MUST have no current loop and its "set called" flag ' +
      'MUST be set: asyncio.run ends with set_event_loop(None). Hence get_event_loop() in that thread afterwards ' +
      'raises RuntimeError as in GET-4 (also in the main thread: "There is no current event loop in thread ' +
      "'MainThread'.\"), and a loop that was current before asyncio.run is no longer current (but stays open).",
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
    text:
      'In a child created by os.fork, even from inside a running loop, there MUST be no running loop: ' +
      "_get_running_loop() returns None, get_running_loop() and current_task() raise RuntimeError('no running event " +
      "loop'). The child MAY create and run a new loop. The child's copy of the loop that was running in the parent " +
      'is not reset: its is_running() reports True. Warnings of the fork statement itself (3.12+: ' +
      'DeprecationWarning "This process (pid=N) is multi-threaded, use of fork() may lead to deadlocks in the ' +
      'child." from os.fork when other threads are alive, which may include idle executor workers) are outside ' +
      'this specification and MUST NOT be compared.',
    rationale: 'A loop cannot run in a process that did not start it; the pid check (and the 3.12 at-fork hook) enforce this.',
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
    text:
      'In a forked child the installed policy MUST be the same object as in the parent (POL-1). Profile 3.12 and ' +
      'later: the policy\'s per-thread state MUST be fresh in the child (no current loop, "set called" false), and the ' +
      "forking thread is the child's main thread; so get_event_loop() in the child takes the implicit-creation path " +
      "of GET-3 (new loop, DeprecationWarning 'There is no current event loop') even if the parent had set a loop, " +
      'had called set_event_loop(None), or forked from a worker thread that had set its own loop. Profiles 3.8 to ' +
      "3.11: the child keeps the forking thread's policy state: get_event_loop() returns the child's copy of the " +
      'loop set in the parent without a warning, raises RuntimeError (GET-4) if the parent had called ' +
      "set_event_loop(None), and returns the worker's loop when forked from a worker thread.",
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
      "child's main thread) while 3.9.18 to 3.11.7 create a loop silently (measured); no profile switch separates " +
      '3.8 from 3.9, so that case is left out of the model (conformance/oracle/events.ts).',
    dependsOn: ['forkHook', 'implicitCreation', 'implicitCreationWarns'],
  }),
];

/** A rule as written above: `dependsOn` may be left out when no switch changes the rule. */
type RuleBody = Omit<Rule, 'id' | 'group' | 'title' | 'dependsOn'> & Partial<Pick<Rule, 'dependsOn'>>;

function r(id: string, group: RuleGroup, title: string, body: RuleBody): Rule {
  return { id, group, title, ...body, dependsOn: body.dependsOn ?? [] };
}

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.filter((x) => !x.retired).map((x) => x.id));

export function ruleById(id: string): Rule | undefined {
  return RULES.find((x) => x.id === id);
}
