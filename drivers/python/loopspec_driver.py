#!/usr/bin/env python3
"""loopspec Python driver: interprets a loopspec program with the REAL asyncio.

Usage (stdlib only; CPython 3.8 to 3.13):

    python3 drivers/python/loopspec_driver.py < program.json > trace.json
    python3 drivers/python/loopspec_driver.py program.json > trace.json
    python3 drivers/python/loopspec_driver.py --serve [--policy M:A] [--loop-factory M:A]
        [--setup M:A] [--pool N] [--isolation fork|in-process]

The first two run one program (single shot). `--serve` speaks the loopspec protocol
(protocol/PROTOCOL.md) on stdin/stdout and runs every program in a pristine process forked from
a clean parent, or in this process after resetting asyncio's state where os.fork is missing
(see loopspec_server.py beside this file, `--serve --help` for the options).

The program language is defined in language/program.ts, the trace format in
language/trace.ts. The interpreter is the function `run_program(program) -> trace`, so a
long-running protocol can reuse it (each call must then run in a pristine interpreter, e.g.
a forked child of a clean parent: asyncio's policy and per-thread state are process-global).

Conventions of this driver (where program.ts leaves a choice):
- `order`: a statement id is appended to its context's list when the statement STARTS
  (pre-order: `run_until_complete` before the statements of its body). `return` and `raise`
  yield no observation and are not listed.
- `asyncio.CancelledError` is a BaseException since 3.8, so `except Exception` would not
  catch it and the statement would yield no observation. The driver observes it as the
  error `CancelledError` of the statement, then re-raises it (the body ends, as in Python).
- a `raise` statement that ends a thread, fork or main body is swallowed by the driver (no
  traceback on stderr); one that ends a callback body propagates into the loop (which logs
  it, as asyncio does).
- `join_thread` of a name never started, like a variable never bound, yields
  `LoopspecUnbound` (message: the thread name).
- warnings: category class name and str(message); the multi-threaded-fork
  DeprecationWarning of 3.12+ carries a pid, normalised to `pid=<pid>`.
  RuntimeWarnings 'coroutine ... was never awaited' are dropped (they depend on GC).
- warnings are captured by one global warnings.showwarning hook (filter 'always') and
  attributed to the innermost statement executing in the current task / callback / thread,
  tracked with a contextvars.ContextVar (asyncio gives every task and callback its own
  context, so interleaved tasks do not steal each other's warnings).
- identities: "<pid>:<n>" from a registry that keeps every reported object alive. Before a
  fork the policy, the thread's current and running loop and the current task are
  registered, so the child reports them under the parent's identities; an object first
  reported in a child gets the child's pid.
- `current_thread` in a child forked from thread T1 reports 'T1' (program name of the
  forking thread), although in the child threading.main_thread() is that thread and asyncio
  treats it as the main thread.
- a statement that runs in both parent and fork child (a callback queued before the fork on
  a loop that both then run) is reported once per process; the child's observation is
  merged when the child exits and the parent's, if later, overwrites it.
- the whole run has a deadline (env LOOPSPEC_TIMEOUT, seconds, default 20); past it the
  trace ends with {"kind": "hang"} and the observations made so far.
"""
import asyncio
import contextlib
import contextvars
import inspect
import json
import os
import re
import signal
import sys
import threading
import time
import warnings

__all__ = ['run_program', 'number_program', 'main']

DRIVER_VERSION = '0.2.0'
CORO_ONLY = frozenset(['await', 'sleep', 'run_in_executor'])
# The policy base class, by its private name where 3.14 has one: reading the public
# asyncio.AbstractEventLoopPolicy warns there, and that warning is not the program's.
POLICY_BASE = getattr(asyncio.events, '_AbstractEventLoopPolicy', None) or asyncio.events.AbstractEventLoopPolicy
BODY_OPS = frozenset(['run_until_complete', 'asyncio_run', 'create_task', 'call_soon',
                      'call_later', 'call_soon_threadsafe', 'run_in_executor',
                      'start_thread', 'fork'])


class LoopspecUnbound(Exception):
    pass


class LoopspecInvalid(Exception):
    pass


class _Hang(SystemExit):
    """Raised in the main thread when the deadline passes (a SystemExit, so that asyncio's
    Task.__step and Handle._run propagate it instead of storing or logging it)."""


def number_program(program):
    """Numbers statements s1, s2, ... in pre-order, like numberProgram in program.ts."""
    n = [0]

    def number(body):
        out = []
        for s in body:
            n[0] += 1
            t = dict(s)
            t['id'] = 's%d' % n[0]
            if 'body' in s:
                t['body'] = number(s['body'])
            out.append(t)
        return out

    return {'version': 1, 'main': number(program.get('main', []))}


def _has_ids(body):
    for s in body:
        if 'id' not in s:
            return False
        if 'body' in s and not _has_ids(s['body']):
            return False
    return True


class _Run(object):
    """The state of one program run (one per process; a fork child gets a copy)."""

    def __init__(self, program, policy_cls=None):
        self.program = program
        # the class `set_policy new` instantiates: a --policy plug-in replaces the default
        self.policy_cls = policy_cls
        self.lock = threading.RLock()
        self.obs = {}
        self.order = {}
        self.vars = {}
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

    # ---- contexts and identities -------------------------------------------------------
    def ctx(self):
        c = getattr(self.tls, 'ctx', None)
        if c is not None:
            return c
        t = threading.current_thread()
        if t is self.main_thread:
            return 'main'
        if t in self.thread_idents:
            return t.name
        return 'other'

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
    def start(self, sid):
        with self.lock:
            self.order.setdefault(self.ctx(), []).append(sid)
            self.obs[sid] = {'outcome': None, 'warnings': []}

    def observe(self, sid, outcome):
        with self.lock:
            o = self.obs.get(sid)
            if o is None:
                o = self.obs[sid] = {'outcome': None, 'warnings': []}
            o['outcome'] = outcome

    def warn(self, sid, category, message):
        with self.lock:
            o = self.obs.get(sid)
            if o is None:
                o = self.obs[sid] = {'outcome': None, 'warnings': []}
            o['warnings'].append({'category': category, 'message': message})

    # ---- variables ----------------------------------------------------------------------
    def var(self, name):
        with self.lock:
            if name not in self.vars:
                raise LoopspecUnbound(name)
            return self.vars[name]

    def bind(self, s, value):
        name = s.get('as')
        if name and value is not None and not isinstance(value, (bool, int, float, str)):
            with self.lock:
                self.vars[name] = value

    # ---- bodies -------------------------------------------------------------------------
    def run_sync_body(self, body):
        """Runs a sync body; returns its `return` value; `raise` raises ValueError."""
        for s in body:
            op = s.get('op')
            if op == 'return':
                return s.get('value')
            if op == 'raise':
                raise ValueError(s.get('message', ''))
            self.exec_stmt(s)
        return None

    async def run_coro_body(self, body):
        for s in body:
            op = s.get('op')
            if op == 'return':
                return s.get('value')
            if op == 'raise':
                raise ValueError(s.get('message', ''))
            if op in CORO_ONLY:
                await self.exec_await_stmt(s)
            else:
                self.exec_stmt(s)
        return None

    def make_coro(self, body):
        async def loopspec_coro():
            return await self.run_coro_body(body)
        return loopspec_coro()

    def make_fn(self, body, ctx=None):
        def loopspec_fn():
            prev = getattr(self.tls, 'ctx', None)
            if ctx is not None:
                self.tls.ctx = ctx
            try:
                return self.run_sync_body(body)
            finally:
                if ctx is not None:
                    self.tls.ctx = prev
        return loopspec_fn

    # ---- one statement ------------------------------------------------------------------
    def _enter(self, s):
        sid = s['id']
        self.start(sid)
        return self.cur.set(sid)

    def _outcome_value(self, s, value):
        self.bind(s, value)
        self.observe(s['id'], {'value': self.ref(value)})

    def _outcome_error(self, s, e):
        self.observe(s['id'], {'error': {'type': type(e).__name__, 'message': str(e)}})

    @contextlib.contextmanager
    def _statement(self, s):
        """One statement's observation: the value put in the box, or the error raised. A
        CancelledError is observed, then goes on ending its coroutine, as in Python."""
        token = self._enter(s)
        box = {}
        try:
            yield box
        except asyncio.CancelledError as e:
            self._outcome_error(s, e)
            raise
        except Exception as e:
            self._outcome_error(s, e)
        else:
            self._outcome_value(s, box['value'])
        finally:
            self.cur.reset(token)

    def exec_stmt(self, s):
        with self._statement(s) as box:
            if s.get('op') in CORO_ONLY:
                raise LoopspecInvalid('%s outside a coroutine' % s.get('op'))
            box['value'] = self.eval_sync(s)

    async def exec_await_stmt(self, s):
        with self._statement(s) as box:
            box['value'] = await self.eval_await(s)

    def _arg(self, a):
        if a is None:
            return None
        if isinstance(a, bool):
            return a
        if isinstance(a, (int, float)):
            return int(a) if float(a).is_integer() else a
        return self.var(a)

    @staticmethod
    def _close_unstarted(coro):
        try:
            if inspect.getcoroutinestate(coro) == inspect.CORO_CREATED:
                coro.close()
        except Exception:
            pass

    def eval_sync(self, s):
        op = s.get('op')
        if op == 'new_event_loop':
            return asyncio.new_event_loop()
        if op == 'get_event_loop':
            return asyncio.get_event_loop()
        if op == 'get_running_loop':
            return asyncio.get_running_loop()
        if op == 'peek_running_loop':
            return asyncio._get_running_loop()
        if op == 'set_event_loop':
            arg = self._arg(s.get('arg'))
            return asyncio.set_event_loop(arg)
        if op == 'get_policy':
            return asyncio.get_event_loop_policy()
        if op == 'set_policy':
            a = s.get('arg')
            if a == 'new':
                arg = (self.policy_cls or asyncio.DefaultEventLoopPolicy)()
            elif a is None:
                arg = None
            else:
                arg = self._arg(a)
            return asyncio.set_event_loop_policy(arg)
        if op == 'close':
            return self.var(s['loop']).close()
        if op == 'is_closed':
            return self.var(s['loop']).is_closed()
        if op == 'is_running':
            return self.var(s['loop']).is_running()
        if op == 'stop':
            return self.var(s['loop']).stop()
        if op == 'run_forever':
            return self.var(s['loop']).run_forever()
        if op == 'run_until_complete':
            loop = self.var(s['loop'])
            coro = self.make_coro(s.get('body', []))
            try:
                return loop.run_until_complete(coro)
            except BaseException:
                self._close_unstarted(coro)
                raise
        if op == 'asyncio_run':
            coro = self.make_coro(s.get('body', []))
            try:
                return asyncio.run(coro)
            except BaseException:
                self._close_unstarted(coro)
                raise
        if op == 'call_soon':
            loop = self.var(s['loop'])
            loop.call_soon(self.make_fn(s.get('body', [])))
            return None
        if op == 'call_later':
            loop = self.var(s['loop'])
            loop.call_later(s.get('delay', 0), self.make_fn(s.get('body', [])))
            return None
        if op == 'call_soon_threadsafe':
            loop = self.var(s['loop'])
            loop.call_soon_threadsafe(self.make_fn(s.get('body', [])))
            return None
        if op == 'create_task':
            coro = self.make_coro(s.get('body', []))
            try:
                return asyncio.create_task(coro)
            except BaseException:
                self._close_unstarted(coro)
                raise
        if op == 'current_task':
            return asyncio.current_task()
        if op == 'task_state':
            k = self.var(s['task'])
            return 'cancelled' if k.cancelled() else 'done' if k.done() else 'pending'
        if op == 'start_thread':
            return self.start_thread(s)
        if op == 'join_thread':
            name = s.get('thread')
            with self.lock:
                t = self.threads.get(name)
            if t is None:
                raise LoopspecUnbound(name)
            t.join()
            return None
        if op == 'fork':
            return self.fork(s)
        if op == 'current_thread':
            t = threading.current_thread()
            if t is self.main_thread:
                return 'main'
            if t in self.thread_idents:
                return t.name
            return 'other'
        if op == 'mark':
            return s.get('tag')
        raise LoopspecInvalid('unknown op %r' % (op,))

    async def eval_await(self, s):
        op = s.get('op')
        if op == 'sleep':
            return await asyncio.sleep(s.get('delay', 0))
        if op == 'await':
            return await self.var(s['task'])
        if op == 'run_in_executor':
            fn = self.make_fn(s.get('body', []), ctx='exec:' + s['id'])
            return await asyncio.get_running_loop().run_in_executor(None, fn)
        raise LoopspecInvalid('unknown op %r' % (op,))

    # ---- threads and processes ----------------------------------------------------------
    def start_thread(self, s):
        name = s.get('thread')
        fn = self.make_fn(s.get('body', []), ctx=name)

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
        return None

    def child_deadline(self):
        """In a fork child: past the run's deadline, kill our own children and exit without
        reporting (the parent, past the same deadline, ends the trace with 'hang')."""
        if self.deadline is None or not hasattr(signal, 'setitimer'):
            return
        remaining = self.deadline - time.monotonic()

        def on_alarm(signum, frame):
            for pid in list(self.children):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            os._exit(4)

        signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, max(remaining, 0.001))

    def preregister(self):
        """Gives an identity, before a fork, to the objects the child may observe first
        (the policy, this thread's current and running loop, the current task), so that an
        object that exists before the fork has the same identity in parent and child."""
        cands = []
        policy = getattr(asyncio.events, '_event_loop_policy', None)
        if policy is not None:
            cands.append(policy)
            cands.append(getattr(getattr(policy, '_local', None), '_loop', None))
        running = asyncio._get_running_loop()
        if running is not None:
            cands.append(running)
            try:
                cands.append(asyncio.current_task())
            except Exception:
                pass
        for obj in cands:
            if obj is not None:
                self.ref(obj)

    def join_all(self):
        while True:
            with self.lock:
                alive = [t for t in self.threads.values()
                         if t.is_alive() and t is not threading.current_thread()]
            if not alive:
                return
            for t in alive:
                t.join()

    def fork(self, s):
        sid = s['id']
        body = s.get('body', [])
        self.preregister()
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            code = 0
            try:
                os.close(rfd)
                with self.lock:
                    self.obs = {}
                    self.order = {}
                    self.children = set()
                    self.threads = {}
                self.tls.ctx = 'fork:' + sid
                self.child_deadline()
                try:
                    self.run_sync_body(body)
                except BaseException:
                    pass
                self.join_all()
                with self.lock:
                    data = json.dumps({'obs': self.obs, 'order': self.order}).encode()
                with os.fdopen(wfd, 'wb') as f:
                    f.write(data)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(wfd)
        with self.lock:
            self.children.add(pid)
        chunks = []
        with os.fdopen(rfd, 'rb') as f:
            while True:
                b = f.read(65536)
                if not b:
                    break
                chunks.append(b)
        os.waitpid(pid, 0)
        with self.lock:
            self.children.discard(pid)
        raw = b''.join(chunks)
        if not raw:
            raise RuntimeError('loopspec: fork child %d reported nothing' % pid)
        child = json.loads(raw.decode())
        with self.lock:
            for k, v in child['obs'].items():
                self.obs[k] = v
            for k, ids in child['order'].items():
                self.order.setdefault(k, []).extend(ids)
        return None


_RUN = None  # the run whose statements the warning hook attributes to
_PID_RE = re.compile(r'pid=\d+')


def _showwarning(message, category, filename, lineno, file=None, line=None):
    run = _RUN
    if run is None:
        return
    text = str(message)
    if issubclass(category, RuntimeWarning) and 'was never awaited' in text:
        return
    if 'multi-threaded' in text and 'fork()' in text:
        text = _PID_RE.sub('pid=<pid>', text)
    sid = run.cur.get()
    if sid is None:
        return
    run.warn(sid, category.__name__, text)


def _install_hook():
    # idempotent, and re-applied on every run: an in-process server resets the filters
    # between programs
    warnings.simplefilter('always')
    warnings.showwarning = _showwarning


def run_program(program, timeout=None, policy_cls=None):
    """Interprets `program` (a dict per language/program.ts) in this process and returns
    its trace (a dict per language/trace.ts). Meant to be called once per fresh process.
    With `policy_cls`, an instance of it is installed as the event loop policy first, and
    `set_policy new` instantiates it instead of asyncio.DefaultEventLoopPolicy."""
    global _RUN
    if not _has_ids(program.get('main', [])):
        program = number_program(program)
    run = _Run(program, policy_cls)
    _RUN = run
    _install_hook()
    if policy_cls is not None:
        asyncio.set_event_loop_policy(policy_cls())
    if timeout is None:
        timeout = float(os.environ.get('LOOPSPEC_TIMEOUT', '20'))
    use_alarm = (threading.current_thread() is threading.main_thread()
                 and hasattr(signal, 'setitimer') and timeout > 0)
    end = {'kind': 'ok'}
    if timeout > 0:
        run.deadline = time.monotonic() + timeout
    if use_alarm:
        def on_alarm(signum, frame):
            raise _Hang()
        old = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        try:
            run.run_sync_body(program.get('main', []))
        except _Hang:
            raise
        except BaseException:
            pass  # `raise` ended the main body
        run.join_all()
    except _Hang:
        end = {'kind': 'hang', 'detail': 'deadline of %gs passed' % timeout}
        with run.lock:
            kids = list(run.children)
        for pid in kids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    with run.lock:
        obs = {}
        for k, o in run.obs.items():
            if o['outcome'] is None:
                # started but never finished (a hang, or a thread still running)
                continue
            obs[k] = {'outcome': o['outcome'], 'warnings': list(o['warnings'])}
        order = dict((k, list(v)) for k, v in run.order.items())
    return {'obs': obs, 'order': order, 'end': end}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ('-h', '--help'):
        sys.stdout.write(__doc__)
        return 0
    if argv and argv[0] == '--serve':
        sys.dont_write_bytecode = True  # leave no __pycache__ in the checkout, nor in plug-ins' dirs
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import loopspec_server  # beside this file
        return loopspec_server.main(argv[1:], sys.modules[__name__])
    if argv and argv[0] == '--version':
        sys.stdout.write('loopspec-driver %s python %s\n' % (DRIVER_VERSION, sys.version.split()[0]))
        return 0
    if argv:
        with open(argv[0]) as f:
            program = json.load(f)
    else:
        program = json.load(sys.stdin)
    trace = run_program(program)
    sys.stdout.write(json.dumps(trace, indent=1, sort_keys=True) + '\n')
    sys.stdout.flush()
    sys.stderr.flush()
    ended = trace['end']['kind'] == 'ok'
    # skip interpreter teardown: threads left running (a hang) must not block the exit
    os._exit(0 if ended else 3)


if __name__ == '__main__':
    sys.exit(main())
