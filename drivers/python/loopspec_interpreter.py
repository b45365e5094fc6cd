"""loopspec interpreter: runs a loopspec program with the REAL asyncio and returns its trace.

The Python driver's interpreter, the function `run_program(program) -> trace`: the driver's
single-shot mode (loopspec_driver.py) and its protocol server (loopspec_server.py, through
loopspec_isolation.py) call it, Pyodide runs it (scripts/record-pyodide.ts), and a generated
Python reproducer that interprets its program embeds this file. Each call must run in a
pristine interpreter, e.g. a forked child of a clean parent: asyncio's policy and per-thread
state are process-global.
Stdlib only; CPython 3.8 to 3.14.

The program language is defined in language/program.ts, the trace format in
language/trace.ts. What a statement's observation holds (order, outcome, identities,
warnings, the deadline) is loopspec_recorder.py's business, beside this file, with
loopspec_observers.py's helpers; the `fork` statement (the child process, its deadline, the
merge of its trace) is loopspec_fork.py's, beside it too.

Conventions of this interpreter (where program.ts leaves a choice):
- `return` and `raise` yield no observation and are not listed in `order`.
- a `raise` statement that ends a fork body is swallowed (no traceback on stderr); one that
  ends a callback body propagates into the loop (which logs it, as asyncio does).
- a variable never bound yields `LoopspecUnbound` (message: the variable's name).
- `current_thread` in a child forked from thread T1 reports 'T1' (program name of the
  forking thread), although in the child threading.main_thread() is that thread and asyncio
  treats it as the main thread.
- a statement that runs in both parent and fork child (a callback queued before the fork on
  a loop that both then run) is reported once per process; the child's observation is
  merged when the child exits and the parent's, if later, overwrites it.
"""
import asyncio
import contextvars
import inspect
import sys

# ---- the modules beside this file (a reproducer embeds them before this file and drops these lines)
from loopspec_observers import (LoopspecInvalid, LoopspecUnbound, asyncgen_hooks, context_var, exception_text, factory_id,
                                handler_id, invalid, make_agen, signal_arg, signal_self, task_name_counter_now,
                                task_state, THREADSAFE_OPS, threadsafe_statement, NAME_OPS, name_statement,
                                name_arg, RUNNER_OPS, runner_statement)
from loopspec_recorder import Recorder, activate
from loopspec_fork import Forks
# ---- end of the imports beside this file

__all__ = ['run_program', 'number_program', 'DRIVER_VERSION']

# the Python driver's version, which `loopspec_driver.py --version` and the server's hello report
DRIVER_VERSION = '0.2.0'
CORO_ONLY = frozenset(['await', 'sleep', 'run_in_executor', 'agen_next', 'shutdown_asyncgens', 'to_thread',
                       'shutdown_default_executor'])


def raised(s):
    """The exception a `raise` statement raises: ValueError, or with `exc` KeyboardInterrupt or SystemExit (ERR-2)."""
    exc = {'KeyboardInterrupt': KeyboardInterrupt, 'SystemExit': SystemExit}.get(s.get('exc'), ValueError)
    return exc(s.get('message', ''))


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
    return all('id' in s and _has_ids(s.get('body', [])) for s in body)


class _Run(Recorder, Forks):
    """One program run: the recorder's observations, the program's variables, and its
    `fork` statement (Forks, loopspec_fork.py)."""

    def __init__(self, program, policy_cls=None):
        Recorder.__init__(self)
        self.program = program
        # the class `set_policy new` instantiates: a --policy plug-in replaces the default
        self.policy_cls = policy_cls
        self.vars = {}
        # TASK-6.2: default task names are observed counted from here, just before the program
        self.task_name_base = task_name_counter_now()

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

    def _arg(self, a):
        if a is None:
            return None
        if isinstance(a, bool):
            return a
        if isinstance(a, (int, float)):
            return int(a) if float(a).is_integer() else a
        return self.var(a)

    # ---- bodies -------------------------------------------------------------------------
    def run_sync_body(self, body):
        """Runs a sync body; returns its `return` value; `raise` raises ValueError."""
        for s in body:
            op = s.get('op')
            if op == 'return':
                return s.get('value')
            if op == 'raise':
                raise raised(s)
            try:
                self.exec_stmt(s)
            except asyncio.CancelledError:
                pass  # observed; only a coroutine body ends at it (language/program.ts)
        return None

    async def run_coro_body(self, body):
        for s in body:
            op = s.get('op')
            if op == 'return':
                return s.get('value')
            if op == 'raise':
                raise raised(s)
            if op in CORO_ONLY:
                await self.exec_await_stmt(s)
            else:
                self.exec_stmt(s)
        return None

    def make_coro(self, body):
        async def loopspec_coro():
            return await self.run_coro_body(body)
        return loopspec_coro()

    def make_coro_fn(self, body):
        async def loopspec_coro_fn():
            return await self.run_coro_body(body)
        return loopspec_coro_fn

    def make_fn(self, body):
        def loopspec_fn():
            return self.run_sync_body(body)
        return loopspec_fn

    # ---- one statement ------------------------------------------------------------------
    def exec_stmt(self, s):
        with self.statement(s['id']) as box:
            if s.get('op') in CORO_ONLY:
                invalid(s.get('op'))
            box.value = self.eval_sync(s)
            self.bind(s, box.value)

    async def exec_await_stmt(self, s):
        try:
            with self.statement(s['id']) as box:
                box.value = await self.eval_await(s)
        except asyncio.CancelledError:
            # observed by the statement; with `catch` the body goes on (CANCEL-1.3)
            if not s.get('catch'):
                raise
            self.bind(s, box.value)

    @staticmethod
    def _close_unstarted(coro):
        try:
            if inspect.getcoroutinestate(coro) == inspect.CORO_CREATED:
                coro.close()
        except Exception:
            pass

    def _with_coro(self, body, start):
        """start(coro) for a coroutine of `body`, closed if it never started (no warning)."""
        coro = self.make_coro(body)
        try:
            return start(coro)
        except BaseException:
            self._close_unstarted(coro)
            raise

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
            return asyncio.set_event_loop(self._arg(s.get('arg')))
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
            return self._with_coro(s.get('body', []), self.var(s['loop']).run_until_complete)
        if op == 'asyncio_run':
            kw = {'debug': s['debug']} if 'debug' in s else {}
            if s.get('loop_factory'):  # RUNNER-2.3 (3.12+; TypeError before)
                kw['loop_factory'] = asyncio.new_event_loop
            if not kw:
                return self._with_coro(s.get('body', []), asyncio.run)
            return self._with_coro(s.get('body', []), lambda coro: asyncio.run(coro, **kw))
        if op == 'get_debug':
            return self.var(s['loop']).get_debug()
        if op == 'set_debug':
            return self.var(s['loop']).set_debug(s.get('value'))
        if op == 'set_exception_handler':
            loop = self.var(s['loop'])
            if 'arg' in s:
                return loop.set_exception_handler(self._arg(s['arg']))
            return loop.set_exception_handler(self.handler(s['id'], self.make_fn(s.get('body', []))))
        if op == 'get_exception_handler':
            return handler_id(self.var(s['loop']).get_exception_handler())
        if op == 'call_exception_handler':
            context = {'message': s.get('message', '')}
            if 'exception' in s:
                context['exception'] = ValueError(s['exception'])
            return self.var(s['loop']).call_exception_handler(context)
        if op == 'handler_context':
            return self.handler_context(s.get('key'))
        if op == 'set_task_factory':
            loop = self.var(s['loop'])
            if s.get('arg') == 'eager':
                return loop.set_task_factory(asyncio.eager_task_factory)
            if 'arg' in s:
                return loop.set_task_factory(self._arg(s['arg']))
            return loop.set_task_factory(self.factory(s['id'], self.make_fn(s.get('body', []))))
        if op == 'get_task_factory':
            return factory_id(self.var(s['loop']).get_task_factory())
        # a handle is bound, never observed (the statement observes None)
        if op == 'call_soon':
            loop = self.var(s['loop'])
            self.bind(s, loop.call_soon(self.make_fn(s.get('body', [])), **self._context_kw(s)))
            return None
        if op == 'call_later':
            loop = self.var(s['loop'])
            self.bind(s, self.call_later(loop, s.get('delay', 0), self.make_fn(s.get('body', [])), **self._context_kw(s)))
            return None
        if op == 'call_at':
            loop = self.var(s['loop'])
            self.bind(s, self.call_at(loop, s.get('delay', 0), self.make_fn(s.get('body', []))))
            return None
        if op == 'loop_time':
            return self.loop_time(self.var(s['loop']))
        if op == 'timer_when':
            return self.timer_when(self.var(s['handle']))
        if op == 'timer_due':
            return self.timer_due(self.var(s['handle']))
        if op == 'cancel_handle':
            return self.var(s['handle']).cancel()
        if op == 'handle_cancelled':
            return self.var(s['handle']).cancelled()
        if op == 'call_soon_threadsafe':
            loop = self.var(s['loop'])
            loop.call_soon_threadsafe(self.make_fn(s.get('body', [])), **self._context_kw(s))
            return None
        if op == 'add_signal_handler':
            body = s.get('body', [])
            fn = self.make_coro_fn(body) if s.get('coro') else self.make_fn(body)
            return self.var(s['loop']).add_signal_handler(signal_arg(s.get('sig')), fn)
        if op == 'remove_signal_handler':
            return self.var(s['loop']).remove_signal_handler(signal_arg(s.get('sig')))
        if op == 'signal_self':
            return signal_self(s.get('sig'))
        # a future is bound, never observed (the statement observes None)
        if op == 'create_future':
            self.bind(s, self.var(s['loop']).create_future())
            return None
        if op == 'future_call':
            fut = self.var(s['future'])
            method = s.get('method')
            if method == 'set_result':
                return fut.set_result(s.get('value'))
            if method == 'set_exception':
                return fut.set_exception(ValueError(s.get('message', '')))
            if method == 'exception':
                return exception_text(fut.exception())
            if method in ('get_loop', 'done', 'result'):
                return getattr(fut, method)()
            raise LoopspecInvalid('unknown future method %r' % (method,))
        if op == 'add_done_callback':
            fn = self.make_fn(s.get('body', []))
            return self.var(s['future']).add_done_callback(lambda fut: fn())
        if op == 'create_task':
            kw = self._context_kw(s)
            if 'name' in s:  # TASK-6
                kw['name'] = name_arg(s['name'])
            if s.get('loop_method'):
                return self._with_coro(s.get('body', []), lambda coro: asyncio.get_running_loop().create_task(coro, **kw))
            return self._with_coro(s.get('body', []), lambda coro: asyncio.create_task(coro, **kw))
        if op == 'current_task':
            return asyncio.current_task()
        if op == 'task_state':
            return task_state(self.var(s['task']))
        if op == 'start_thread':
            return self.start_thread(s.get('thread'), self.make_fn(s.get('body', [])))
        if op == 'join_thread':
            return self.join_thread(s.get('thread'))
        if op == 'fork':
            return self.fork(s)
        if op == 'current_thread':
            return self.thread_name()
        if op == 'mark':
            return s.get('tag')
        # an asynchronous generator is bound, never observed; the program keeps it (AGEN-1)
        if op == 'async_gen':
            body = s.get('body', [])
            self.bind(s, make_agen(lambda: self.run_coro_body(body)))
            return None
        if op == 'asyncgen_hooks':
            return asyncgen_hooks(sys.get_asyncgen_hooks())
        # cancellation (CANCEL-1)
        if op == 'cancel_task':
            task = self.var(s['task'])
            return task.cancel(s['message']) if 'message' in s else task.cancel()
        if op == 'task_call':
            return getattr(self.var(s['task']), s.get('method'))()
        if op == 'all_tasks':
            tasks = asyncio.all_tasks(self.var(s['loop'])) if 'loop' in s else asyncio.all_tasks()
            return self.var(s['task']) in tasks if 'task' in s else len(tasks)
        # context variables (CTX-1); a Token and a Context are never observed
        if op == 'ctx_set':
            context_var.set(s.get('value'))
            return None
        if op == 'ctx_get':
            return context_var.get()
        if op == 'copy_context':
            self.bind(s, contextvars.copy_context())
            return None
        if op == 'new_executor':  # bound, never observed
            ex = self.new_executor(s['as'])
            with self.lock:
                self.vars[s['as']] = ex
            return None
        if op == 'set_default_executor':
            ex = s.get('executor')
            return self.var(s['loop']).set_default_executor(None if ex is None else self.var(ex))
        if op in RUNNER_OPS:  # asyncio.Runner (RUNNER-1, RUNNER-2)
            return runner_statement(self, s)
        if op in THREADSAFE_OPS:  # run_coroutine_threadsafe, cfuture_call, wrap_future (RCT-1)
            return threadsafe_statement(self, s)
        if op in NAME_OPS:  # task_name, set_task_name (TASK-6)
            return name_statement(self, s)
        raise LoopspecInvalid('unknown op %r' % (op,))

    async def eval_await(self, s):
        op = s.get('op')
        if op == 'sleep':
            return await asyncio.sleep(s.get('delay', 0))
        if op == 'await':
            return await self.var(s['task'])
        if op == 'run_in_executor':
            fn = self.in_context('exec:' + s['id'], self.make_fn(s.get('body', [])))
            loop = self.var(s['loop']) if 'loop' in s else asyncio.get_running_loop()
            return await loop.run_in_executor(self.var(s['executor']) if 'executor' in s else None, fn)
        if op == 'agen_next':
            return await self.var(s['agen']).__anext__()
        if op == 'shutdown_asyncgens':
            return await self.var(s['loop']).shutdown_asyncgens()
        if op == 'to_thread':
            fn = self.in_context('exec:' + s['id'], self.make_fn(s.get('body', [])))
            return await asyncio.to_thread(fn)
        if op == 'shutdown_default_executor':
            kw = {'timeout': s['timeout']} if 'timeout' in s else {}
            return await asyncio.get_running_loop().shutdown_default_executor(**kw)
        raise LoopspecInvalid('unknown op %r' % (op,))

    def _context_kw(self, s):
        """context=C where the statement names a context variable C (CTX-1), else nothing."""
        return {'context': self.var(s['context'])} if 'context' in s else {}


def run_program(program, timeout=None, policy_cls=None, progress=None):
    """Interprets `program` (a dict per language/program.ts) in this process and returns
    its trace (a dict per language/trace.ts). Meant to be called once per fresh process.
    With `policy_cls`, an instance of it is installed as the event loop policy first, and
    `set_policy new` instantiates it instead of asyncio.DefaultEventLoopPolicy. With
    `progress`, the recorder reports each step as it happens (Recorder.progress; a fork
    child reports nothing: its trace is merged, and reported, by its parent)."""
    if not _has_ids(program.get('main', [])):
        program = number_program(program)
    run = _Run(program, policy_cls)
    run.progress = progress
    activate(run)
    if policy_cls is not None:
        asyncio.set_event_loop_policy(policy_cls())
    end = run.run(lambda: run.run_sync_body(program.get('main', [])), timeout)
    return run.trace(end)
