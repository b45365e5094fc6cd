"""loopspec recorder: what each statement of a program did, as a loopspec trace.

The one recorder of the Python side: the driver's interpreter (loopspec_driver.py) records
through it, and every generated Python reproducer embeds this file verbatim (a reproducer is
a single stdlib-only script), so a reproducer observes exactly what the driver observes.
How the results of some calls become observations (the loop's clock and timers, exception
handlers, task factories, a future's exception, a task's state, error messages), and the
errors loopspec raises itself (LoopspecUnbound, LoopspecInvalid), are loopspec_observers.py's,
beside this file: Recorder inherits its Observers, and a reproducer embeds that file before
this one and drops this file's marked import of it (the only lines not embedded verbatim).
Stdlib only; CPython 3.8 to 3.14. The trace format is language/trace.ts.

What it records (where language/program.ts leaves a choice):
- `order`: a statement id is appended to its context's list when the statement STARTS
  (pre-order: `run_until_complete` before the statements of its body). A context is 'main',
  a program thread's name, 'exec:<sid>' in an executor function, 'fork:<sid>' in a fork
  child, or 'other'.
- outcomes: the statement's value, or the Exception it raised (the body goes on).
  `asyncio.CancelledError` is a BaseException since 3.8, so `except Exception` would not
  catch it: it is observed as the statement's error, then re-raised (it ends the coroutine,
  as in Python). The deadline (`Hang`, a SystemExit of the recorder's own class) is no
  observation: it unwinds the whole run. A program's own KeyboardInterrupt or SystemExit
  (`raise` with `exc`, ERR-2) is observed like an Exception (the body goes on); the
  deadline is told from it by its class, `Hang`, never by its base.
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
import concurrent.futures
import contextvars
import os
import re
import signal
import threading
import time
import warnings

# ---- the modules beside this file (a reproducer embeds them before this file and drops these lines)
from loopspec_observers import LoopspecUnbound, Observers, agen_text, error_text
# ---- end of the imports beside this file

# The policy base class, by its private name where 3.14 has one: reading the public
# asyncio.AbstractEventLoopPolicy warns there, and that warning is not the program's.
POLICY_BASE = getattr(asyncio.events, '_AbstractEventLoopPolicy', None) or asyncio.events.AbstractEventLoopPolicy


class Hang(SystemExit):
    """Raised in the main thread when the deadline passes (a SystemExit, so that asyncio's
    Task.__step and Handle._run propagate it instead of storing or logging it). Told from a
    program's own SystemExit or KeyboardInterrupt (ERR-2) by this class alone: a statement
    observes those, and lets only a Hang through."""


class Recorder(Observers):
    """The observations of one program run (one per process; a fork child gets a copy). What
    the clock, timers, exception handlers and task factories give is observed by the methods
    it inherits from Observers (loopspec_observers.py)."""

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
        self.executors = {}         # thread_name_prefix -> (variable, ThreadPoolExecutor) (EXEC-3)

    # ---- contexts -----------------------------------------------------------------------
    def thread_name(self):
        """The program's name of the current thread: 'main', a started thread's, or 'other'."""
        t = threading.current_thread()
        if t is self.main_thread:
            return 'main'
        if t in self.thread_idents:
            return t.name
        # a worker of an executor the program made: named '<prefix>_<n>' (EXEC-3)
        made = self.executors.get(t.name.rpartition('_')[0])
        return made[0] if made is not None else 'other'

    def new_executor(self, var):
        """X = ThreadPoolExecutor(thread_name_prefix='loopspec_X'), shut down at the end of the run (EXEC-3)."""
        prefix = 'loopspec_' + var
        ex = concurrent.futures.ThreadPoolExecutor(thread_name_prefix=prefix)
        with self.lock:
            self.executors[prefix] = (var, ex)
        return ex

    def shutdown_executors(self):
        """The executors the program made: shut down, their workers joined (no stray threads)."""
        with self.lock:
            made = list(self.executors.values())
        for _, ex in made:
            ex.shutdown(wait=True)

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

    # ---- identities ---------------------------------------------------------------------
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
            self.shutdown_executors()
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
            elif isinstance(e, Hang) or not isinstance(e, (Exception, asyncio.CancelledError, KeyboardInterrupt, SystemExit)):
                return False  # the deadline (Hang), or GeneratorExit: no observation
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
    if issubclass(category, ResourceWarning) and 'asynchronous generator' in text:
        text = agen_text(text)
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
