"""loopspec observers: what a program's calls return, turned into observations.

The recorder's helpers for the calls whose result is not itself the observation: an
exception handler or a task factory is observed as the id of the statement that set it, an
exception as '<class name>: <str>', a task as its state, the loop's clock and its timers as
relations that hold whatever the machine's speed (TIME-1); and the signals a program passes
(SIG-1, SIG-2). Also the errors loopspec itself raises where the program cannot run as written
(LoopspecUnbound, LoopspecInvalid).

The recorder (loopspec_recorder.py, beside this file) imports it, and its Recorder inherits
Observers; every generated Python reproducer embeds this file verbatim, before the recorder.
It imports none of the driver's modules. Stdlib only; CPython 3.8 to 3.14.
"""
import asyncio
import contextvars
import os
import re
import signal
import threading
import time


class LoopspecUnbound(Exception):
    """A variable or thread named before it was bound."""


class LoopspecInvalid(Exception):
    """A coroutine-only statement in a sync body, or an unknown one."""


def invalid(op):
    """A coroutine-only statement in a sync body: its error observation."""
    raise LoopspecInvalid('%s outside a coroutine' % op)


def handler_id(h):
    """get_exception_handler()'s observation: None, or the id of the statement that set it."""
    return None if h is None else getattr(h, 'loopspec_sid', 'other')


def exception_text(e):
    """Future.exception()'s observation: None, or '<class name>: <str>' (FUT-1)."""
    return None if e is None else '%s: %s' % (type(e).__name__, e)


# Task.__step's RuntimeError for a future of another loop: its reprs hold addresses and paths
_OTHER_LOOP_RE = re.compile(r'^Task <.*> got Future <.*> attached to a different loop$', re.S)


def error_text(e):
    """An error observation's message: str(e), the reprs of the different-loop error as <task>, <future>."""
    text = str(e)
    if isinstance(e, RuntimeError) and _OTHER_LOOP_RE.match(text):
        return 'Task <task> got Future <future> attached to a different loop'
    return text


# The signals the language names. The driver keeps SIGALRM for its deadline (and its parent
# SIGKILL for a child past it), so a program never touches another signal: a number passed is
# one that is no signal (at most 0, or 65 and more), by the language's rule. SIGKILL and
# SIGSTOP cannot be caught: add_signal_handler refuses them (SIG-1.1).
SIGNAL_NAMES = ('SIGUSR1', 'SIGUSR2', 'SIGKILL', 'SIGSTOP')
UNCATCHABLE_NAMES = ('SIGKILL', 'SIGSTOP')


def signal_arg(sig):
    """A statement's `sig` as Python passes it: signal.<name>, an int that is no signal, None."""
    if sig is None:
        return None
    if isinstance(sig, str) and sig in SIGNAL_NAMES:
        return getattr(signal, sig)
    if isinstance(sig, float) and sig.is_integer():
        sig = int(sig)
    if isinstance(sig, int) and not isinstance(sig, bool) and not 1 <= sig <= 64:
        return sig
    raise LoopspecInvalid('signal %r is not one the language passes' % (sig,))


def signal_self(sig):
    """os.kill(os.getpid(), signal.<sig>): SIGUSR1 or SIGUSR2 only (SIG-2)."""
    if sig not in ('SIGUSR1', 'SIGUSR2'):
        raise LoopspecInvalid('signal_self of %r: only SIGUSR1 and SIGUSR2' % (sig,))
    os.kill(os.getpid(), getattr(signal, sig))


def factory_id(f):
    """get_task_factory()'s observation: None, the id of the statement that set it, 'eager' for
    asyncio.eager_task_factory (3.12+), 'other' else."""
    if f is None:
        return None
    if f is getattr(asyncio, 'eager_task_factory', None):
        return 'eager'
    return getattr(f, 'loopspec_sid', 'other')


# The program's one context variable (CTX-1): `var` in a program's Python.
context_var = contextvars.ContextVar('var', default=0)


def task_state(task):
    return 'cancelled' if task.cancelled() else 'done' if task.done() else 'pending'


# ---- task names (TASK-6) ----------------------------------------------------------------
DEFAULT_TASK_NAME = re.compile(r'Task-([0-9]+)')


def task_name_counter_now():
    """The number in the default name of a Task made now: the process-wide counter of Task
    names (the C Task's, advanced by the warmed-up parent this process forked from) after one
    more task. The task is made on a stub loop, never scheduled, registered with no loop the
    program has (all_tasks filters by loop), and dropped at once; its coroutine is closed."""

    class _StubLoop(object):
        def get_debug(self):
            return False

        def call_soon(self, *args, **kwargs):
            return None

        def is_running(self):
            return False

        def call_exception_handler(self, context):
            return None

    async def _nothing():
        return None

    coro = _nothing()
    try:
        task = asyncio.Task(coro, loop=_StubLoop())
    finally:
        coro.close()
    task._log_destroy_pending = False
    m = DEFAULT_TASK_NAME.fullmatch(task.get_name())
    del task
    return int(m.group(1)) if m else 0


def relative_task_name(name, base):
    """get_name()'s observation: 'Task-<n>' as 'Task-<n - base>' (TASK-6.2), any other name as is."""
    m = DEFAULT_TASK_NAME.fullmatch(name) if isinstance(name, str) else None
    return 'Task-%d' % (int(m.group(1)) - base) if m else name


class Observers(object):
    """The Recorder's methods that observe the loop's clock and timers, exception handlers and
    task factories. They use the Recorder's state: `tls` (per thread), `clock_reads` and
    `timers` (see Recorder.__init__)."""

    # ---- task names (TASK-6) -----------------------------------------------------------------
    # The counter's value when the program started (task_name_counter_now), set by whoever runs it.
    task_name_base = 0

    def task_name(self, task):
        """K.get_name(), a default 'Task-<n>' counted from the program's start (TASK-6.2)."""
        return relative_task_name(task.get_name(), self.task_name_base)

    # ---- the loop's clock (TIME-1) ---------------------------------------------------------
    # Observations of real time are relations that hold whatever the machine's speed.
    def loop_time(self, loop):
        """loop.time() against this thread's previous read of that loop's clock."""
        t = loop.time()
        key = (os.getpid(), threading.get_ident(), id(loop))
        last = self.clock_reads.get(key)
        self.clock_reads[key] = (loop, t)
        return 'earlier' if last is not None and t < last[1] else 'not earlier'

    def call_later(self, loop, delay, fn, **kw):
        """loop.call_later(delay, fn, **kw) (kw: context=, CTX-1), its TimerHandle remembered with loop.time() around the call."""
        t0 = loop.time()
        h = loop.call_later(delay, fn, **kw)
        t1 = loop.time()
        self.timers[id(h)] = (h, loop, t0 + delay, t1 + delay)
        return h

    def call_at(self, loop, delay, fn):
        """loop.call_at(w, fn), w = loop.time() + delay, its TimerHandle remembered with w."""
        w = loop.time() + delay
        h = loop.call_at(w, fn)
        self.timers[id(h)] = (h, loop, w, w)
        return h

    def timer_when(self, h):
        """'deadline' where h.when() is in [low, high] as its call made it, else 'early', 'late', 'other'."""
        when = h.when()
        low, high = self.timers.get(id(h), (h, None, None, None))[2:]
        if low is None:
            return 'other'
        return 'early' if when < low else 'late' if when > high else 'deadline'

    def timer_due(self, h):
        """loop.time() + its clock's resolution > h.when(): the bound _run_once takes a timer by."""
        loop = self.timers.get(id(h), (h, None))[1]
        if loop is None:
            raise LoopspecInvalid('timer_due of a handle not made by call_later or call_at')
        return loop.time() + time.get_clock_info('monotonic').resolution > h.when()

    # ---- exception handlers (ERR-1) -------------------------------------------------------
    def handler(self, sid, fn):
        """The exception handler `def handler(loop, context)` whose body is `fn` (the body of
        set_exception_handler statement `sid`): its handler_context statements read the
        innermost call in their thread."""
        rec = self

        def loopspec_handler(loop, context):
            calls = rec.tls.__dict__.setdefault('handler_calls', [])
            calls.append((loop, context))
            try:
                return fn()
            finally:
                calls.pop()

        loopspec_handler.loopspec_sid = sid
        return loopspec_handler

    def handler_context(self, key):
        """What the innermost exception handler call in this thread was given (ERR-1)."""
        calls = getattr(self.tls, 'handler_calls', None)
        if not calls:
            raise LoopspecInvalid('handler_context outside an exception handler')
        loop, context = calls[-1]
        if key == 'loop':
            return loop
        if key == 'keys':
            return ','.join(sorted(context))
        if key == 'message':
            m = context.get('message')
            if isinstance(m, str) and m.startswith('Exception in callback '):
                return 'Exception in callback'
            return m
        if key == 'exception':
            e = context.get('exception')
            return None if e is None else '%s: %s' % (type(e).__name__, e)
        raise LoopspecInvalid('unknown handler_context key %r' % (key,))

    # ---- task factories (TFACT-1) ---------------------------------------------------------
    def factory(self, sid, fn):
        """The task factory `def factory(loop, coro)` of set_task_factory statement `sid`: it
        runs `fn` (its body), then returns asyncio.Task(coro, loop=loop)."""

        def loopspec_factory(loop, coro):
            fn()
            return asyncio.Task(coro, loop=loop)

        loopspec_factory.loopspec_sid = sid
        return loopspec_factory


# ---- asynchronous generators (AGEN-1) -------------------------------------------------------
_AGEN_RE = re.compile(r'<async_generator object \S+ at 0x[0-9a-fA-F]+>')


def agen_text(text):
    """A warning's text with each asynchronous generator's repr as '<agen>' (it holds an address)."""
    return _AGEN_RE.sub('<agen>', text)


def make_agen(finally_):
    """`async def agen(): try: yield None / finally: await finally_()`, called (AGEN-1)."""
    async def loopspec_agen():
        try:
            yield None
        finally:
            await finally_()
    return loopspec_agen()


def asyncgen_hooks(hooks):
    """sys.get_asyncgen_hooks()'s observation: the loop both hooks are methods of, None when
    both are None, 'other' otherwise."""
    firstiter, finalizer = hooks
    if firstiter is None and finalizer is None:
        return None
    loop = getattr(firstiter, '__self__', None)
    if isinstance(loop, asyncio.AbstractEventLoop) and getattr(finalizer, '__self__', None) is loop:
        return loop
    return 'other'


# ---- run_coroutine_threadsafe and wrap_future (RCT-1) ---------------------------------------
THREADSAFE_OPS = frozenset(['run_coroutine_threadsafe', 'cfuture_call', 'wrap_future'])


def threadsafe_statement(run, s):
    """One RCT-1 statement for the interpreter `run`: a concurrent future is bound, never
    observed; it is read without waiting (result and exception with timeout=0); wrap_future
    observes 'same' when it returns its argument itself."""
    op = s.get('op')
    if op == 'run_coroutine_threadsafe':
        loop = run.var(s['loop'])
        start = lambda coro: asyncio.run_coroutine_threadsafe(coro, loop)  # noqa: E731
        run.bind(s, start(run._arg(s['arg'])) if 'arg' in s else run._with_coro(s.get('body', []), start))
        return None
    if op == 'wrap_future':
        given = run._arg(s['arg']) if 'arg' in s else run.var(s['future'])
        wrapped = asyncio.wrap_future(given, loop=run.var(s['loop']))
        run.bind(s, wrapped)
        return 'same' if wrapped is given else None
    cf, method = run.var(s['future']), s.get('method')
    if method in ('result', 'exception'):
        value = getattr(cf, method)(timeout=0)
        return value if method == 'result' else exception_text(value)
    if method in ('done', 'cancelled', 'cancel'):
        return getattr(cf, method)()
    raise LoopspecInvalid('unknown concurrent future method %r' % (method,))


NAME_OPS = frozenset(['task_name', 'set_task_name'])


def name_arg(v):
    """A task name as the statement passes it (TASK-6): a str, an int, or None."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def name_statement(run, s):
    """One TASK-6 statement for the interpreter `run`: get_name (a default name observed
    relative to the program's start) or set_name."""
    task = run.var(s['task'])
    if s.get('op') == 'task_name':
        return run.task_name(task)
    return task.set_name(name_arg(s.get('value')))


RUNNER_OPS = frozenset(['runner_new', 'runner_run', 'runner_get_loop', 'runner_close', 'runner_with'])


def runner_statement(run, s):
    """One asyncio.Runner statement for the interpreter `run` (RUNNER-1, RUNNER-2): the runner
    is bound, never observed; `with R as W:` binds what __enter__ returned and observes the
    body's value or the exception that left the with statement."""
    op = s.get('op')
    if op == 'runner_new':
        kw = {'loop_factory': asyncio.new_event_loop} if s.get('loop_factory') else {}
        run.bind(s, asyncio.Runner(**kw))
        return None
    runner = run.var(s['runner'])
    if op == 'runner_run':
        kw = run._context_kw(s)  # context=C (RUNNER-2.2)
        return run._with_coro(s.get('body', []), lambda coro: runner.run(coro, **kw))
    if op == 'runner_get_loop':
        return runner.get_loop()
    if op == 'runner_close':
        return runner.close()
    with runner as entered:  # runner_with (RUNNER-2.1)
        if s.get('as'):
            run.bind(s, entered)
        return run.run_sync_body(s.get('body', []))
