"""loopspec isolation: how the protocol server (loopspec_server.py, beside this file) gives
every program a pristine process, and the reply to one run request.

Fork isolation (Pool): each program runs in a child forked from the server's process, which
never creates an event loop or a policy itself. A few children are forked ahead of need, so
that the fork of the next one overlaps the run of the current one; each answers one request
with a complete reply line and exits. In-process isolation (InProcess), where os.fork does
not exist or with --isolation in-process: programs run in the server's own process after
asyncio's global state is reset.

Progress: while its program runs, a forked child reports each step on a pipe of its own (the
progress pipe), one line per step, each line written with one os.write of fewer than
PIPE_BUF bytes, which a pipe takes whole or not at all (a longer step goes as several lines:
'+' pieces, then the '=' last one). A step is the JSON array [kind, sid, data] of
Recorder.progress (loopspec_recorder.py). The parent reads that pipe only now and then
(PROGRESS_POLL), not at every step, and only when the child dies or must be killed does it
replay the steps (partial_trace): its error reply then carries the trace so far, so the
harness can tell which statement was in flight. A child's own fork children report nothing
there (their trace goes back to the child, which reports it merged).

Stdlib only; CPython 3.8 to 3.14. The parent stays single-threaded: a fork from a
multi-threaded process is unsafe (and warns on 3.12+).
"""
import asyncio
import json
import os
import select
import signal
import time
import traceback
import warnings

import loopspec_interpreter  # beside this file
import loopspec_observers
import loopspec_recorder

DEFAULT_TIMEOUT_MS = 20000
# the share of the harness's deadline a program gets before the driver ends it itself with
# kind 'hang' (observations kept); past GRACE the child is killed and the reply is a timeout
OWN_DEADLINE = 0.75
GRACE = 0.9
# a write to a pipe of at most PIPE_BUF bytes is atomic (POSIX: at least 512; Linux: 4096)
PIPE_BUF = getattr(select, 'PIPE_BUF', 512)
# how often (s) the parent empties a running child's progress pipe, so that it never fills
PROGRESS_POLL = 0.05


# ---- one program ------------------------------------------------------------------------

def run_request(plugins, req, progress=None):
    """The reply (a dict) to one run request, computed in this process (reporting its steps
    to `progress`, see Recorder.progress)."""
    rid = req.get('id')
    program = req.get('program')
    if not isinstance(program, dict) or not isinstance(program.get('main'), list):
        return {'type': 'error', 'id': rid, 'message': 'run request without a program',
                'context': {'request': str(req)[:200]}}
    if program.get('version') != 1:
        return {'type': 'skip', 'id': rid,
                'reason': 'program language version %r is not supported (1 is)' % (program.get('version'),)}
    timeout_ms = req.get('timeout_ms') or DEFAULT_TIMEOUT_MS
    try:
        plugins.patch_new_event_loop()
        trace = loopspec_interpreter.run_program(program, timeout=timeout_ms * OWN_DEADLINE / 1000.0,
                                                 policy_cls=plugins.policy_cls, progress=progress)
    except BaseException as e:
        return {'type': 'error', 'id': rid, 'message': 'driver failed: %s: %s' % (type(e).__name__, e),
                'context': {'traceback': traceback.format_exc()[-2000:]}}
    return {'type': 'result', 'id': rid, 'trace': trace}


def encode(msg):
    return (json.dumps(msg, separators=(',', ':')) + '\n').encode('utf-8')


def write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


# ---- progress ---------------------------------------------------------------------------

def progress_writer(fd):
    """The child's Recorder.progress: each step, at once, to the progress pipe `fd`."""
    dumps = json.JSONEncoder(separators=(',', ':')).encode  # ASCII: one byte per character
    piece = PIPE_BUF - 2
    state = [fd]

    def progress(kind, sid, data):
        out = state[0]
        if out is None:
            return
        try:
            line = dumps([kind, sid, data])
        except (TypeError, ValueError):
            return  # the reply will say what cannot be encoded
        try:
            if len(line) <= piece:
                os.write(out, (line + '\n').encode('ascii'))
                return
            last = (len(line) - 1) // piece * piece
            for i in range(0, last, piece):
                os.write(out, ('+' + line[i:i + piece] + '\n').encode('ascii'))
            os.write(out, ('=' + line[last:] + '\n').encode('ascii'))
        except OSError:
            state[0] = None  # the parent is gone: the run goes on unreported

    return progress


def read_available(fd, chunks):
    """Appends to `chunks` what the non-blocking `fd` holds now."""
    while True:
        try:
            b = os.read(fd, 1 << 16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return
        if not b:
            return
        chunks.append(b)


def partial_trace(data, kind, detail):
    """The trace so far, from a child's progress lines (bytes), as Recorder.trace gives it,
    ending with {kind, detail}. An incomplete or unreadable step is left out."""
    obs, order, pieces = {}, {}, []
    for line in data.split(b'\n')[:-1]:
        head = line[:1]
        if head == b'+':
            pieces.append(line[1:])
            continue
        if head == b'=':
            line = b''.join(pieces) + line[1:]
        pieces = []
        try:
            step, sid, x = json.loads(line.decode('utf-8'))
            if not isinstance(sid, str):
                continue
            if step == 's' or step == 'a':
                if isinstance(x, str):
                    order.setdefault(x, []).append(sid)
                    if step == 's':
                        obs[sid] = {'outcome': None, 'warnings': []}
            elif step == 'o':
                obs.setdefault(sid, {'outcome': None, 'warnings': []})['outcome'] = x
            elif step == 'w':
                obs.setdefault(sid, {'outcome': None, 'warnings': []})['warnings'].append(x)
            elif step == 'r':
                obs[sid] = {'outcome': x.get('outcome'), 'warnings': list(x.get('warnings') or [])}
        except (ValueError, TypeError, AttributeError):
            continue
    done = dict((k, o) for k, o in obs.items() if o['outcome'] is not None)
    return {'obs': done, 'order': order, 'end': {'kind': kind, 'detail': detail}}


# ---- fork isolation ---------------------------------------------------------------------

def describe_status(status):
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        return 'killed by signal %d (%s)' % (sig, name), {'signal': sig}
    return 'exited with status %d' % os.WEXITSTATUS(status), {'exit_status': os.WEXITSTATUS(status)}


class Child(object):
    def __init__(self, pid, task_w, result_r, progress_r):
        self.pid, self.task_w, self.result_r, self.progress_r = pid, task_w, result_r, progress_r


class Pool(object):
    """Children forked ahead of need. Each one waits for one request on its task pipe,
    reports its steps on its progress pipe, answers on its result pipe with a complete reply
    line, and exits."""

    def __init__(self, plugins, size, proto_fd, warm=True):
        self.plugins, self.size, self.proto_fd = plugins, size, proto_fd
        self.warm = warm
        self.ready = []
        self.running = None  # the child whose program is running now
        self.exited = []  # pids to reap without blocking

    def fork_one(self):
        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
        progress_r, progress_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            # the child: drop every fd of the parent's that is not ours, so that the harness
            # never sees our bytes and sibling pipes see EOF when the parent closes them
            try:
                for c in self.ready:
                    os.close(c.task_w)
                    os.close(c.result_r)
                    os.close(c.progress_r)
                if self.running is not None:
                    os.close(self.running.result_r)
                    os.close(self.running.progress_r)
                os.close(task_w)
                os.close(result_r)
                os.close(progress_r)
                os.close(self.proto_fd)
                devnull = os.open(os.devnull, os.O_RDONLY)
                os.dup2(devnull, 0)
                os.close(devnull)
                self.child_main(task_r, result_w, progress_w)
            finally:
                os._exit(70)
        os.close(task_r)
        os.close(result_w)
        os.close(progress_w)
        os.set_blocking(progress_r, False)
        self.ready.append(Child(pid, task_w, result_r, progress_r))

    def warm_up(self):
        """Runs, in a child waiting for its program, the code paths every program takes, so
        that the copy-on-write faults and cold caches of a fresh fork are paid before the
        program arrives (it halves the time of a typical program). Nothing asyncio keeps
        refers to what it makes: a loop object that is closed at once (no policy, no current
        or running loop, no task) and a program of marks; the interpreter's own state is
        per run."""
        loop = asyncio.SelectorEventLoop()
        loop.close()
        trace = loopspec_interpreter.run_program({'version': 1, 'main': [
            {'op': 'mark', 'tag': 'w'}, {'op': 'current_thread'}, {'op': 'peek_running_loop'},
            {'op': 'is_closed', 'loop': 'X'}]}, timeout=5)
        encode({'type': 'result', 'id': 0, 'trace': trace})
        loopspec_recorder.activate(None)  # keeps nothing of the warm-up run alive

    def child_main(self, task_r, result_w, progress_w):
        if self.warm and not select.select([task_r], [], [], 0)[0]:
            try:
                self.warm_up()  # only while the program is not there yet: never delay it
            except Exception:
                pass  # an optimisation only: the program runs the same without it
        chunks = []
        while True:
            b = os.read(task_r, 65536)
            if not b:
                break
            chunks.append(b)
        if not chunks:
            os._exit(0)  # the parent is gone or shutting down
        req = json.loads(b''.join(chunks).decode('utf-8'))
        reply = run_request(self.plugins, req, progress_writer(progress_w))
        try:
            data = encode(reply)
        except (TypeError, ValueError) as e:
            data = encode({'type': 'error', 'id': req.get('id'), 'message': 'unencodable trace: %s' % e})
        write_all(result_w, data)
        os._exit(0)

    def fill(self):
        while len(self.ready) < self.size:
            self.fork_one()

    def reap(self):
        for pid in list(self.exited):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                self.exited.remove(pid)

    def run(self, req, raw):
        rid = req.get('id')
        self.reap()
        while True:
            if not self.ready:
                self.fork_one()
            child = self.ready.pop(0)
            try:
                write_all(child.task_w, raw)
                os.close(child.task_w)
                break
            except OSError:  # it died while idle: take another
                os.close(child.task_w)
                os.close(child.result_r)
                os.close(child.progress_r)
                self.exited.append(child.pid)
        self.running = child
        self.fill()  # the next child is forked while this one runs
        timeout_ms = req.get('timeout_ms') or DEFAULT_TIMEOUT_MS
        deadline = time.monotonic() + timeout_ms * GRACE / 1000.0
        reply, steps = [], []  # chunks of the reply line, and of the progress pipe
        try:
            while not (reply and reply[-1].endswith(b'\n')):
                left = deadline - time.monotonic()
                if left <= 0:
                    os.kill(child.pid, signal.SIGKILL)
                    os.waitpid(child.pid, 0)
                    return self.fault(rid, child, steps, 'timeout', {},
                                      'the program did not finish within %d ms; its process was killed'
                                      % (timeout_ms * GRACE))
                if not select.select([child.result_r], [], [], min(left, PROGRESS_POLL))[0]:
                    read_available(child.progress_r, steps)  # never let the child block on it
                    continue
                b = os.read(child.result_r, 1 << 20)
                if not b:
                    _, status = os.waitpid(child.pid, 0)
                    what, ctx = describe_status(status)
                    ctx['partial_reply'] = b''.join(reply)[:200].decode('utf-8', 'replace')
                    return self.fault(rid, child, steps, 'crash', ctx,
                                      "the program's process %s before it replied" % what)
                reply.append(b)
            self.exited.append(child.pid)
            return b''.join(reply)
        finally:
            self.running = None
            os.close(child.result_r)
            os.close(child.progress_r)

    @staticmethod
    def fault(rid, child, steps, kind, ctx, message):
        """The error reply for a child that died or was killed, with the trace so far."""
        read_available(child.progress_r, steps)  # all of it: the child is gone
        msg = {'type': 'error', 'id': rid, 'fault': kind, 'message': message,
               'trace': partial_trace(b''.join(steps), kind, message)}
        if ctx:
            msg['context'] = ctx
        try:
            return encode(msg)
        except (TypeError, ValueError):
            del msg['trace']
            return encode(msg)

    def close(self):
        for c in self.ready:
            os.close(c.task_w)  # EOF: the child exits
            os.close(c.result_r)
            os.close(c.progress_r)
            self.exited.append(c.pid)
        self.ready = []
        for pid in self.exited:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


# ---- in-process isolation ---------------------------------------------------------------

def reset_signals():
    """What a program's signal handlers (SIG-1) leave in this process, undone: the signals a
    program can handle back to their default action, and no wakeup fd. A loop that adds a
    handler sets the process's wakeup fd to its self-pipe; one never closed leaves both behind.
    (A forked child exits with its program: nothing of it reaches the server.)"""
    for name in loopspec_observers.SIGNAL_NAMES:
        sig = getattr(signal, name, None)
        if sig is not None and name not in loopspec_observers.UNCATCHABLE_NAMES:
            signal.signal(sig, signal.SIG_DFL)
    signal.set_wakeup_fd(-1)


class InProcess(object):
    """Runs programs in this process, resetting asyncio's process-global state first. A
    program that hung leaves threads behind, so after one the driver exits (the harness
    starts a new one for the next program)."""

    def __init__(self, plugins):
        self.plugins = plugins
        self.filters = list(warnings.filters)
        self.showwarning = warnings.showwarning
        self.tainted = False

    def reset(self):
        events = asyncio.events
        policy = getattr(events, '_event_loop_policy', None)
        if policy is not None:
            try:
                policy.set_event_loop(None)
            except Exception:
                pass
        events._set_running_loop(None)
        events._event_loop_policy = None
        reset_signals()
        warnings.filters[:] = self.filters
        warnings.showwarning = self.showwarning
        getattr(warnings, '_filters_mutated', lambda: None)()

    def run(self, req, raw):
        self.reset()
        reply = run_request(self.plugins, req)
        if reply.get('type') == 'result' and reply['trace']['end']['kind'] != 'ok':
            self.tainted = True
            reply['retire'] = True  # the harness starts a new driver for the next program
        self.reset()
        return encode(reply)

    def close(self):
        pass
