# ==== the recorder: what each statement did, as loopspec's Python driver records it ====
# Each statement runs inside `with stmt('sN') as s:`; it records that the statement
# started (per thread: the `order` of the trace), its value or its error, and the warnings it
# raised itself (attributed through a context variable, since asyncio gives every task and
# callback its own context). An error is an observation and the body goes on, except for
# CancelledError, which is observed and then ends the coroutine, as in the driver.
import asyncio
import contextvars
import os
import signal
import sys
import threading
import warnings

_obs = {}     # statement id -> {'value': object} or {'error': (type name, message)}, + 'warnings'
_order = {}   # context -> statement ids in the order they started
_threads = {}  # program thread name -> threading.Thread
policy_class = asyncio.DefaultEventLoopPolicy  # what `set_policy new` instantiates; --policy replaces it
_LOCK = threading.RLock()
_CUR = contextvars.ContextVar('loopspec_stmt', default=None)
_TLS = threading.local()


class LoopspecUnbound(Exception):
    """A variable or thread named before it was bound."""


class LoopspecInvalid(Exception):
    """A coroutine-only statement in a sync body."""


class Hang(SystemExit):
    """The deadline passed (a SystemExit, so that asyncio propagates it)."""


def context():
    ctx = getattr(_TLS, 'ctx', None)
    if ctx is not None:
        return ctx
    t = threading.current_thread()
    if t is threading.main_thread():
        return 'main'
    if _threads.get(t.name) is t:
        return t.name
    return 'other'


class stmt(object):
    def __init__(self, sid):
        self.sid = sid
        self.value = None

    def __enter__(self):
        with _LOCK:
            _order.setdefault(context(), []).append(self.sid)
            _obs[self.sid] = {'warnings': []}
        self.token = _CUR.set(self.sid)
        return self

    def __exit__(self, typ, e, tb):
        _CUR.reset(self.token)
        if typ is None:
            _obs[self.sid]['value'] = self.value
            return False
        if isinstance(e, NameError) and not isinstance(e, UnboundLocalError):
            e = LoopspecUnbound(str(e).split("'")[1] if "'" in str(e) else str(e))
        elif not isinstance(e, (Exception, asyncio.CancelledError)):
            return False  # a hang (SystemExit) or KeyboardInterrupt: not an observation
        _obs[self.sid]['error'] = (type(e).__name__, str(e))
        return not isinstance(e, asyncio.CancelledError)


def _showwarning(message, category, filename, lineno, file=None, line=None):
    sid = _CUR.get()
    text = str(message)
    if sid is None or (issubclass(category, RuntimeWarning) and 'was never awaited' in text):
        return  # outside any statement, or dependent on the garbage collector
    with _LOCK:
        _obs[sid]['warnings'].append((category.__name__, text))


warnings.simplefilter('always')
warnings.showwarning = _showwarning


# ---- the statements that are not a single asyncio call --------------------------------
def mark(tag):
    return tag


def state(task):
    return 'cancelled' if task.cancelled() else 'done' if task.done() else 'pending'


def thread_name():
    t = threading.current_thread()
    if t is threading.main_thread():
        return 'main'
    return t.name if _threads.get(t.name) is t else 'other'


def invalid(op):
    raise LoopspecInvalid('%s outside a coroutine' % op)


def start_thread(name, body):
    def target():
        try:
            body()
        except BaseException:
            pass  # a `raise` ends the thread body; nothing to observe
    t = threading.Thread(target=target, name=name)
    _threads[name] = t
    t.start()


def join_thread(name):
    if name not in _threads:
        raise LoopspecUnbound(name)
    _threads[name].join()


def in_executor(sid, body):
    """The executor function's statements are listed in the context 'exec:<sid>'."""
    def fn():
        prev = getattr(_TLS, 'ctx', None)
        _TLS.ctx = 'exec:' + sid
        try:
            return body()
        finally:
            _TLS.ctx = prev
    return fn


def run(program, timeout=float(os.environ.get('LOOPSPEC_TIMEOUT', '20'))):
    """Runs the program's main body, then joins its threads; returns how it ended."""
    def on_alarm(signum, frame):
        raise Hang()
    use_alarm = hasattr(signal, 'setitimer')
    if use_alarm:
        signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        try:
            program()
        except Hang:
            raise
        except BaseException:
            pass  # a `raise` ended the main body
        for t in list(_threads.values()):
            t.join()
        return {'kind': 'ok'}
    except Hang:
        return {'kind': 'hang', 'detail': 'deadline of %gs passed' % timeout}
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)


def trace(end):
    """The run as a loopspec trace; objects get identities of their own."""
    ids = {}

    def ref(v):
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        kind = ('loop' if isinstance(v, asyncio.AbstractEventLoop) else 'task' if isinstance(v, asyncio.Task)
                else 'policy' if isinstance(v, asyncio.AbstractEventLoopPolicy) else None)
        if kind is None:
            return repr(v)
        return {'obj': kind, 'id': ids.setdefault(id(v), str(len(ids) + 1))}

    with _LOCK:
        obs = {}
        for sid, o in _obs.items():
            if 'value' in o:
                outcome = {'value': ref(o['value'])}
            elif 'error' in o:
                outcome = {'error': {'type': o['error'][0], 'message': o['error'][1]}}
            else:
                continue  # started, never finished (a hang)
            obs[sid] = {'outcome': outcome, 'warnings': [{'category': c, 'message': m} for c, m in o['warnings']]}
        return {'obs': obs, 'order': dict((k, list(v)) for k, v in _order.items()), 'end': end}
