"""loopspec in Pyodide: runs programs on Pyodide's own asyncio (its WebLoopPolicy and WebLoop,
as shipped), one after another in one interpreter, each from the state Pyodide starts in.

The JavaScript side (conformance/adapters/pyodide.ts) loads Pyodide once, writes this file and
the Python driver's interpreter and the modules it imports (loopspec_fork, loopspec_recorder,
loopspec_observers: drivers/python/, unchanged) into its file system, and for each program
calls reset(), then begin(program) (through callPromising where the runtime has stack
switching, so that run_until_complete can block), waits until the WebLoop has no callback
left to run (or the deadline), then finish(end) for the trace.

The pristine state is what pyodide.webloop._initialize_event_loop leaves at start-up: a new
WebLoopPolicy installed, whose get_event_loop() made a new WebLoop, which registered itself as
the running loop (WebLoop.__init__ does); asyncio.run and time.sleep as Pyodide patched them;
the warnings filters and hook as they were; no async generator hooks; no recorder active.
reset() rebuilds it (the policy is installed by assignment, as _set_event_loop_policy does,
without the 3.14 deprecation warning of the public setter) and check() says what differs.

The WebLoop schedules every callback through pyodide.webloop.scheduleCallback (JavaScript's
setImmediate or setTimeout); track() puts the adapter's wrapper there, which calls the
original and remembers the timer, so that a callback of an earlier program never runs in a
later one and the adapter knows when the WebLoop has nothing left to do.
Stdlib and Pyodide only.
"""
import asyncio
import gc
import json
import sys
import time
import warnings

import pyodide.webloop as webloop

import loopspec_interpreter
import loopspec_recorder

# as Pyodide left them at start-up (this module is imported before any program runs)
_FILTERS = list(warnings.filters)
_SHOWWARNING = warnings.showwarning
_HOOKS = tuple(sys.get_asyncgen_hooks())
_ASYNCIO_RUN = asyncio.run
_TIME_SLEEP = time.sleep
_SCHEDULE = getattr(webloop, 'scheduleCallback', None)

_state = {'policy': None, 'loop': None, 'earlier': [], 'run': None, 'end': None, 'tracker': None}


def python_version():
    import platform
    return platform.python_version()


def track(wrapper):
    """Puts the adapter's scheduleCallback wrapper in the WebLoop's module; returns the
    original, which the wrapper calls."""
    if _SCHEDULE is None:
        raise RuntimeError('this Pyodide has no pyodide.webloop.scheduleCallback: its WebLoop schedules '
                           'callbacks some other way, which the loopspec adapter does not know')
    _state['tracker'] = wrapper
    webloop.scheduleCallback = wrapper
    return _SCHEDULE


def reset():
    """Rebuilds the pristine state (see the module's docstring); returns check()'s problems,
    as a JSON list."""
    loopspec_recorder.activate(None)
    _state['run'] = None
    _state['end'] = None
    warnings.filters[:] = _FILTERS
    warnings.showwarning = _SHOWWARNING
    getattr(warnings, '_filters_mutated', lambda: None)()
    sys.set_asyncgen_hooks(*_HOOKS)
    asyncio.events._set_running_loop(None)
    # what a program made (loops it left half-built, tasks it left pending) is collected now,
    # with no recorder active, not in the middle of the next program
    gc.collect()
    for obj in (_state['policy'], _state['loop']):
        if obj is not None:
            _state['earlier'].append(obj)
    del _state['earlier'][:-64]  # identity checks need the last ones only
    policy = webloop.WebLoopPolicy()
    asyncio.events._event_loop_policy = policy
    loop = policy.get_event_loop()
    _state['policy'], _state['loop'] = policy, loop
    return json.dumps(check())


def check():
    """What differs from the pristine state, as a list of sentences (empty: pristine)."""
    problems = []
    events = asyncio.events
    policy = events._event_loop_policy
    running = events._get_running_loop()
    if type(policy) is not webloop.WebLoopPolicy or policy is not _state['policy']:
        problems.append('the policy is %r, not the fresh WebLoopPolicy' % (policy,))
    elif policy._default_loop is not _state['loop']:
        problems.append("the policy's loop is %r, not the fresh WebLoop" % (policy._default_loop,))
    if type(running) is not webloop.WebLoop or running is not _state['loop']:
        problems.append('the running loop is %r, not the fresh WebLoop' % (running,))
    elif asyncio.current_task(running) is not None or asyncio.all_tasks(running):
        problems.append('the fresh WebLoop has tasks already')
    if any(x is policy or x is running for x in _state['earlier']):
        problems.append("an earlier program's policy or loop is still in place")
    if list(warnings.filters) != _FILTERS or warnings.showwarning is not _SHOWWARNING:
        problems.append('the warnings filters or hook differ from the start-up ones')
    if tuple(sys.get_asyncgen_hooks()) != _HOOKS:
        problems.append('async generator hooks are installed: %r' % (sys.get_asyncgen_hooks(),))
    if asyncio.run is not _ASYNCIO_RUN or time.sleep is not _TIME_SLEEP:
        problems.append("asyncio.run or time.sleep is not Pyodide's")
    if _state['tracker'] is not None and webloop.scheduleCallback is not _state['tracker']:
        problems.append("the WebLoop's scheduleCallback is not the adapter's")
    if loopspec_recorder._ACTIVE is not None:
        problems.append("a recorder is still active")
    return problems


def begin(program_json, timeout):
    """Runs the program's main body (statements queued on the WebLoop run later, from the
    JavaScript event loop). Returns the state's problems as a JSON list: when it is not
    empty, nothing ran."""
    problems = check()
    if problems:
        return json.dumps(problems)
    program = json.loads(program_json)
    if not loopspec_interpreter._has_ids(program.get('main', [])):
        program = loopspec_interpreter.number_program(program)
    run = loopspec_interpreter._Run(program)
    _state['run'] = run
    loopspec_recorder.activate(run)
    _state['end'] = run.run(lambda: run.run_sync_body(program.get('main', [])), timeout)
    return '[]'


def finish(end_json):
    """The trace of the program begun last, ending as it ended, or with `end_json` (the
    adapter's: a hang) when given."""
    run = _state['run']
    if run is None:
        raise RuntimeError('no program was begun')
    end = json.loads(end_json) if end_json else (_state['end'] or {'kind': 'hang', 'detail': 'main body unfinished'})
    loopspec_recorder.activate(None)
    return json.dumps(run.trace(end))
