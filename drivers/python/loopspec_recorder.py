"""loopspec recorder: what each statement of a program did, as a loopspec trace.

The one recorder of the Python side: the driver's interpreter (loopspec_driver.py) records
through it, and every generated Python reproducer embeds this file verbatim (a reproducer is
a single stdlib-only script), so a reproducer observes exactly what the driver observes.
Stdlib only; CPython 3.8 to 3.14. The trace format is language/trace.ts.

What it records (where language/program.ts leaves a choice):
- `order`: a statement id is appended to its context's list when the statement STARTS
  (pre-order: `run_until_complete` before the statements of its body). A context is 'main',
  a program thread's name, 'exec:<sid>' in an executor function, 'fork:<sid>' in a fork
  child, or 'other'.
- outcomes: the statement's value, or the Exception it raised (the body goes on).
  `asyncio.CancelledError` is a BaseException since 3.8, so `except Exception` would not
  catch it: it is observed as the statement's error, then re-raised (it ends the coroutine,
  as in Python). A SystemExit (the deadline) or KeyboardInterrupt is no observation.
- identities: "<pid>:<n>" from a registry that keeps every reported object alive (the
  interpreter registers objects before a fork, so a child reports them under the parent's
  identities; an object first reported in a child gets the child's pid).
- warnings: category class name and str(message), captured by one global
  warnings.showwarning hook (filter 'always') and attributed to the innermost statement
  executing in the current task / callback / thread, tracked with a contextvars.ContextVar
  (asyncio gives every task and callback its own context, so interleaved tasks do not steal
  each other's warnings). The multi-threaded-fork DeprecationWarning of 3.12+ carries a pid,
  normalised to `pid=<pid>`. RuntimeWarnings 'coroutine ... was never awaited' are dropped
  (they depend on GC).
- a `raise` that ends a thread or main body is swallowed (no traceback on stderr);
  `join_thread` of a name never started yields `LoopspecUnbound` (message: the name).
- the whole run has a deadline (env LOOPSPEC_TIMEOUT, seconds, default 20); past it the
  trace ends with {"kind": "hang"} and the observations made so far.
- progress (off unless `progress` is set, as in the driver's fork isolation): the hook is
  called, under the lock and in the order the trace records them, with ('s', sid, context)
  when a statement starts, ('o', sid, outcome) when it gets its outcome and ('w', sid,
  warning) for each warning; the interpreter adds ('a', sid, context) and ('r', sid,
  observation) when it merges a fork child's trace. Replaying them gives the trace so far.
"""
import asyncio
import contextvars
import os
import re
import signal
import threading
import time
import warnings

# The policy base class, by its private name where 3.14 has one: reading the public
# asyncio.AbstractEventLoopPolicy warns there, and that warning is not the program's.
POLICY_BASE = getattr(asyncio.events, '_AbstractEventLoopPolicy', None) or asyncio.events.AbstractEventLoopPolicy


class LoopspecUnbound(Exception):
    """A variable or thread named before it was bound."""


class LoopspecInvalid(Exception):
    """A coroutine-only statement in a sync body, or an unknown one."""


class Hang(SystemExit):
    """Raised in the main thread when the deadline passes (a SystemExit, so that asyncio's
    Task.__step and Handle._run propagate it instead of storing or logging it)."""


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
def factory_id(f):
    """get_task_factory()'s observation: None, the id of the statement that set it, 'eager' for
    asyncio.eager_task_factory (3.12+), 'other' else."""
    if f is None:
        return None
    if f is getattr(asyncio, 'eager_task_factory', None):
        return 'eager'
    return getattr(f, 'loopspec_sid', 'other')


def task_state(task):
    return 'cancelled' if task.cancelled() else 'done' if task.done() else 'pending'


class Recorder(object):
    """The observations of one program run (one per process; a fork child gets a copy)."""

    # True where program variables are Python globals (a straight-line reproducer): reading
    # one before it is bound is then a NameError, which is the driver's LoopspecUnbound.
    unbound_names = False
    # progress(kind, sid, data), or None: see the module's docstring
    progress = None

    def __init__(self):
        self.lock = threading.RLock()
        self.obs = {}               # statement id -> {'outcome': ..., 'warnings': [...]}
        self.order = {}             # context -> statement ids in the order they started
        self.threads = {}           # program thread name -> threading.Thread
        self.thread_idents = set()  # Thread objects started by start_thread
        self.registry = {}          # id(obj) -> (obj, ref)
        self.counter = 0
        self.children = set()       # live fork children pids
        self.deadline = None        # time.monotonic() past which the run is a hang
        self.main_thread = threading.main_thread()
        self.tls = threading.local()
        # the statement currently executing, per task / callback / thread (contextvars
        # follow asyncio tasks and handles, so interleaved tasks do not mix up)
        self.cur = contextvars.ContextVar('loopspec_stmt', default=None)
        self.clock_reads = {}       # (pid, thread ident, id(loop)) -> (loop, its last time())
        self.timers = {}            # id(TimerHandle) -> (handle, loop, low, high) for timer_when

    # ---- contexts and identities -------------------------------------------------------
    def thread_name(self):
        """The program's name of the current thread: 'main', a started thread's, or 'other'."""
        t = threading.current_thread()
        if t is self.main_thread:
            return 'main'
        if t in self.thread_idents:
            return t.name
        return 'other'

    def context(self):
        c = getattr(self.tls, 'ctx', None)
        return c if c is not None else self.thread_name()

    def in_context(self, ctx, fn):
        """`fn`, whose statements are listed in the context `ctx` while it runs."""
        def loopspec_fn():
            prev = getattr(self.tls, 'ctx', None)
            self.tls.ctx = ctx
            try:
                return fn()
            finally:
                self.tls.ctx = prev
        return loopspec_fn

    # ---- the loop's clock (TIME-1) ---------------------------------------------------------
    # Observations of real time are relations that hold whatever the machine's speed.
    def loop_time(self, loop):
        """loop.time() against this thread's previous read of that loop's clock."""
        t = loop.time()
        key = (os.getpid(), threading.get_ident(), id(loop))
        last = self.clock_reads.get(key)
        self.clock_reads[key] = (loop, t)
        return 'earlier' if last is not None and t < last[1] else 'not earlier'

    def call_later(self, loop, delay, fn):
        """loop.call_later(delay, fn), its TimerHandle remembered with loop.time() around the call."""
        t0 = loop.time()
        h = loop.call_later(delay, fn)
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

    # ---- task factories (TFACT-1) ---------------------------------------------------------
    def factory(self, sid, fn):
        """The task factory `def factory(loop, coro)` of set_task_factory statement `sid`: it
        runs `fn` (its body), then returns asyncio.Task(coro, loop=loop)."""

        def loopspec_factory(loop, coro):
            fn()
            return asyncio.Task(coro, loop=loop)

        loopspec_factory.loopspec_sid = sid
        return loopspec_factory

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

    def ref(self, v):
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, (int, float)):
            return v
        if isinstance(v, asyncio.AbstractEventLoop):
            kind = 'loop'
        elif isinstance(v, asyncio.Task):
            kind = 'task'
        elif isinstance(v, POLICY_BASE):
            kind = 'policy'
        else:
            return repr(v)
        with self.lock:
            hit = self.registry.get(id(v))
            if hit is None or hit[0] is not v:
                self.counter += 1
                hit = (v, '%d:%d' % (os.getpid(), self.counter))
                self.registry[id(v)] = hit
        return {'obj': kind, 'id': hit[1]}

    # ---- recording ----------------------------------------------------------------------
    def statement(self, sid):
        """`with recorder.statement('s3') as s: s.value = ...`: one statement's observation."""
        return _Statement(self, sid)

    def observe(self, sid, outcome):
        with self.lock:
            o = self.obs.get(sid)
            if o is None:
                o = self.obs[sid] = {'outcome': None, 'warnings': []}
            o['outcome'] = outcome
            if self.progress is not None:
                self.progress('o', sid, outcome)

    def warn(self, sid, category, message):
        with self.lock:
            o = self.obs.get(sid)
            if o is None:
                o = self.obs[sid] = {'outcome': None, 'warnings': []}
            w = {'category': category, 'message': message}
            o['warnings'].append(w)
            if self.progress is not None:
                self.progress('w', sid, w)

    # ---- threads ------------------------------------------------------------------------
    def start_thread(self, name, fn):
        fn = self.in_context(name, fn)

        def target():
            try:
                fn()
            except BaseException:
                pass  # a `raise` ends the thread body; nothing to observe

        t = threading.Thread(target=target, name=name)
        with self.lock:
            self.threads[name] = t
            self.thread_idents.add(t)
        t.start()

    def join_thread(self, name):
        with self.lock:
            t = self.threads.get(name)
        if t is None:
            raise LoopspecUnbound(name)
        t.join()

    def join_all(self):
        while True:
            with self.lock:
                alive = [t for t in self.threads.values()
                         if t.is_alive() and t is not threading.current_thread()]
            if not alive:
                return
            for t in alive:
                t.join()

    # ---- the run ------------------------------------------------------------------------
    def run(self, main, timeout=None):
        """Calls `main` (the program's main body), then joins the program's threads; returns
        how the run ended (the trace's `end`)."""
        if timeout is None:
            timeout = float(os.environ.get('LOOPSPEC_TIMEOUT', '20'))
        use_alarm = (threading.current_thread() is threading.main_thread()
                     and hasattr(signal, 'setitimer') and timeout > 0)
        end = {'kind': 'ok'}
        if timeout > 0:
            self.deadline = time.monotonic() + timeout
        if use_alarm:
            def on_alarm(signum, frame):
                raise Hang()
            old = signal.signal(signal.SIGALRM, on_alarm)
            signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            try:
                main()
            except Hang:
                raise
            except BaseException:
                pass  # `raise` ended the main body
            self.join_all()
        except Hang:
            end = {'kind': 'hang', 'detail': 'deadline of %gs passed' % timeout}
            with self.lock:
                kids = list(self.children)
            for pid in kids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old)
        return end

    def trace(self, end):
        """The run as a loopspec trace."""
        with self.lock:
            obs = {}
            for k, o in self.obs.items():
                if o['outcome'] is None:
                    # started but never finished (a hang, or a thread still running)
                    continue
                obs[k] = {'outcome': o['outcome'], 'warnings': list(o['warnings'])}
            order = dict((k, list(v)) for k, v in self.order.items())
        return {'obs': obs, 'order': order, 'end': end}


class _Statement(object):
    """One statement's observation: the value put in `.value`, or the error raised."""

    __slots__ = ('rec', 'sid', 'value', 'token')

    def __init__(self, rec, sid):
        self.rec, self.sid, self.value = rec, sid, None

    def __enter__(self):
        rec = self.rec
        with rec.lock:
            ctx = rec.context()
            rec.order.setdefault(ctx, []).append(self.sid)
            rec.obs[self.sid] = {'outcome': None, 'warnings': []}
            if rec.progress is not None:
                rec.progress('s', self.sid, ctx)
        self.token = rec.cur.set(self.sid)
        return self

    def __exit__(self, typ, e, tb):
        rec = self.rec
        try:
            if typ is None:
                rec.observe(self.sid, {'value': rec.ref(self.value)})
                return False
            if rec.unbound_names and isinstance(e, NameError) and not isinstance(e, UnboundLocalError):
                text = str(e)
                e = LoopspecUnbound(text.split("'")[1] if "'" in text else text)
            elif not isinstance(e, (Exception, asyncio.CancelledError)):
                return False  # the deadline (SystemExit) or KeyboardInterrupt: no observation
            rec.observe(self.sid, {'error': {'type': type(e).__name__, 'message': error_text(e)}})
            return not isinstance(e, asyncio.CancelledError)
        finally:
            rec.cur.reset(self.token)


# ---- warnings ---------------------------------------------------------------------------
_ACTIVE = None  # the recorder whose statements the warning hook attributes to
_PID_RE = re.compile(r'pid=\d+')


def _showwarning(message, category, filename, lineno, file=None, line=None):
    rec = _ACTIVE
    if rec is None:
        return
    text = str(message)
    if issubclass(category, RuntimeWarning) and 'was never awaited' in text:
        return
    if 'multi-threaded' in text and 'fork()' in text:
        text = _PID_RE.sub('pid=<pid>', text)
    sid = rec.cur.get()
    if sid is None:
        return
    rec.warn(sid, category.__name__, text)


def activate(recorder):
    """Attributes warnings to `recorder`'s statements from now on (None: to nobody). Re-applied
    on every run: an in-process server resets the warnings filters between programs."""
    global _ACTIVE
    _ACTIVE = recorder
    warnings.simplefilter('always')
    warnings.showwarning = _showwarning
