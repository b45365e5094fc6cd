"""loopspec protocol server: `loopspec_driver.py --serve` (see protocol/PROTOCOL.md).

JSON lines on stdin/stdout. Every program runs in a pristine process: a child forked from
this parent, which never creates an event loop or a policy itself (it only imports asyncio
and the plug-ins, and runs --setup). A few children are forked ahead of need, so that the
fork of the next one overlaps the run of the current one. Where os.fork does not exist (or
with --isolation in-process) programs run in this process after asyncio's global state is
reset, and the handshake says so.

Stdlib only; CPython 3.8 to 3.13. The parent stays single-threaded: a fork from a
multi-threaded process is unsafe (and warns on 3.12+).
"""
import argparse
import asyncio
import gc
import importlib
import json
import os
import platform
import select
import signal
import sys
import threading
import time
import traceback
import warnings

import loopspec_driver  # beside this file; the driver imports this module only to dispatch --serve
import loopspec_recorder

# The protocol version this server speaks. The harness's is PROTOCOL_VERSION in
# protocol/version.ts (this file must run without the repository's TypeScript):
# protocol/version.test.ts fails when the two disagree.
PROTOCOL = 1
DEFAULT_TIMEOUT_MS = 20000
# the share of the harness's deadline a program gets before the driver ends it itself with
# kind 'hang' (observations kept); past GRACE the child is killed and the reply is a timeout
OWN_DEADLINE = 0.75
GRACE = 0.9


# ---- plug-ins ---------------------------------------------------------------------------

def load_attr(spec, flag):
    """'package.module:attr.sub' -> the object, imported from this interpreter's sys.path."""
    mod, sep, attr = spec.partition(':')
    if not sep or not mod or not attr:
        raise ValueError('%s wants module:attr, got %r' % (flag, spec))
    obj = importlib.import_module(mod)
    for part in attr.split('.'):
        obj = getattr(obj, part)
    return obj


class Plugins(object):
    def __init__(self, opts):
        self.specs = {}
        self.setup = self.policy_cls = self.loop_factory = None
        for flag, name in (('--setup', 'setup'), ('--policy', 'policy'),
                           ('--loop-factory', 'loop_factory')):
            spec = getattr(opts, name)
            if spec:
                self.specs[flag.lstrip('-')] = spec
                obj = load_attr(spec, flag)
                if not callable(obj):
                    raise TypeError('%s %s is not callable' % (flag, spec))
                setattr(self, 'policy_cls' if name == 'policy' else name, obj)

    def patch_new_event_loop(self):
        """Routes asyncio.new_event_loop (the statement, and asyncio.run, which calls
        events.new_event_loop on 3.8-3.13) to the factory. The policy's own creation (the
        implicit loop of get_event_loop) is the policy's business: use --policy for that."""
        factory = self.loop_factory
        if factory is None or getattr(asyncio.events.new_event_loop, 'loopspec_patched', False):
            return
        original = asyncio.events.new_event_loop
        inside = threading.local()

        def new_event_loop():
            if getattr(inside, 'active', False):  # a factory that calls new_event_loop
                return original()
            inside.active = True
            try:
                return factory()
            finally:
                inside.active = False

        new_event_loop.loopspec_patched = True
        asyncio.events.new_event_loop = new_event_loop
        asyncio.new_event_loop = new_event_loop


# ---- one program ------------------------------------------------------------------------

def run_request(plugins, req):
    """The reply (a dict) to one run request, computed in this process."""
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
        trace = loopspec_driver.run_program(program, timeout=timeout_ms * OWN_DEADLINE / 1000.0,
                                            policy_cls=plugins.policy_cls)
    except BaseException as e:
        return {'type': 'error', 'id': rid, 'message': 'driver failed: %s: %s' % (type(e).__name__, e),
                'context': {'traceback': traceback.format_exc()[-2000:]}}
    return {'type': 'result', 'id': rid, 'trace': trace}


def encode(msg):
    return (json.dumps(msg, separators=(',', ':')) + '\n').encode('utf-8')


def write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


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
    def __init__(self, pid, task_w, result_r):
        self.pid, self.task_w, self.result_r = pid, task_w, result_r


class Pool(object):
    """Children forked ahead of need. Each one waits for one request on its task pipe,
    answers on its result pipe with a complete reply line, and exits."""

    def __init__(self, plugins, size, proto_fd, warm=True):
        self.plugins, self.size, self.proto_fd = plugins, size, proto_fd
        self.warm = warm
        self.ready = []
        self.running = None  # the child whose program is running now
        self.exited = []  # pids to reap without blocking

    def fork_one(self):
        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            # the child: drop every fd of the parent's that is not ours, so that the harness
            # never sees our bytes and sibling pipes see EOF when the parent closes them
            try:
                for c in self.ready:
                    os.close(c.task_w)
                    os.close(c.result_r)
                if self.running is not None:
                    os.close(self.running.result_r)
                os.close(task_w)
                os.close(result_r)
                os.close(self.proto_fd)
                devnull = os.open(os.devnull, os.O_RDONLY)
                os.dup2(devnull, 0)
                os.close(devnull)
                self.child_main(task_r, result_w)
            finally:
                os._exit(70)
        os.close(task_r)
        os.close(result_w)
        self.ready.append(Child(pid, task_w, result_r))

    def warm_up(self):
        """Runs, in a child waiting for its program, the code paths every program takes, so
        that the copy-on-write faults and cold caches of a fresh fork are paid before the
        program arrives (it halves the time of a typical program). Nothing asyncio keeps
        refers to what it makes: a loop object that is closed at once (no policy, no current
        or running loop, no task) and a program of marks; the interpreter's own state is
        per run."""
        loop = asyncio.SelectorEventLoop()
        loop.close()
        trace = loopspec_driver.run_program({'version': 1, 'main': [
            {'op': 'mark', 'tag': 'w'}, {'op': 'current_thread'}, {'op': 'peek_running_loop'},
            {'op': 'is_closed', 'loop': 'X'}]}, timeout=5)
        encode({'type': 'result', 'id': 0, 'trace': trace})
        loopspec_recorder.activate(None)  # keeps nothing of the warm-up run alive

    def child_main(self, task_r, result_w):
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
        reply = run_request(self.plugins, req)
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
                self.exited.append(child.pid)
        self.running = child
        self.fill()  # the next child is forked while this one runs
        timeout_ms = req.get('timeout_ms') or DEFAULT_TIMEOUT_MS
        deadline = time.monotonic() + timeout_ms * GRACE / 1000.0
        buf = b''
        try:
            while not buf.endswith(b'\n'):
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([child.result_r], [], [], left)[0]:
                    os.kill(child.pid, signal.SIGKILL)
                    os.waitpid(child.pid, 0)
                    return encode({'type': 'error', 'id': rid, 'fault': 'timeout',
                                   'message': 'the program did not finish within %d ms; its process was killed'
                                   % (timeout_ms * GRACE)})
                b = os.read(child.result_r, 1 << 20)
                if not b:
                    _, status = os.waitpid(child.pid, 0)
                    what, ctx = describe_status(status)
                    ctx['partial_reply'] = buf[:200].decode('utf-8', 'replace')
                    return encode({'type': 'error', 'id': rid, 'fault': 'crash',
                                   'message': "the program's process %s before it replied" % what,
                                   'context': ctx})
                buf += b
            self.exited.append(child.pid)
            return buf
        finally:
            self.running = None
            os.close(child.result_r)

    def close(self):
        for c in self.ready:
            os.close(c.task_w)  # EOF: the child exits
            os.close(c.result_r)
            self.exited.append(c.pid)
        self.ready = []
        for pid in self.exited:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


# ---- in-process isolation ---------------------------------------------------------------

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


# ---- the conversation -------------------------------------------------------------------

def hello(plugins, isolation, can_fork):
    impl = platform.python_implementation()
    variant = ' '.join('%s=%s' % kv for kv in sorted(plugins.specs.items()))
    return {
        'type': 'hello',
        'protocol': PROTOCOL,
        'implementation': dict({'name': impl, 'version': platform.python_version(), 'build': sys.version},
                               **({'variant': variant} if variant else {})),
        'driver': {'name': 'loopspec-python', 'version': loopspec_driver.DRIVER_VERSION},
        'capabilities': {'threads': True, 'fork': can_fork, 'executor': True},
        'isolation': isolation,
        'details': {'executable': sys.executable, 'platform': platform.platform(), 'plugins': plugins.specs},
    }


def parse_args(argv):
    ap = argparse.ArgumentParser(prog='loopspec_driver.py --serve',
                                 description='Serve the loopspec protocol (protocol/PROTOCOL.md) on stdin/stdout.')
    ap.add_argument('--policy', metavar='MODULE:ATTR',
                    help='event loop policy class; an instance is installed at the start of every program')
    ap.add_argument('--loop-factory', metavar='MODULE:ATTR',
                    help='callable returning a new loop; replaces asyncio.new_event_loop in every program')
    ap.add_argument('--setup', metavar='MODULE:ATTR', help='function called once in the parent at start')
    ap.add_argument('--pool', type=int, default=2, help='children forked ahead of need (default 2; 0: fork on demand)')
    ap.add_argument('--no-warm-up', dest='warm_up', action='store_false',
                    help='fork children cold (see Pool.warm_up)')
    ap.add_argument('--isolation', choices=['fork', 'in-process'],
                    help='default: fork where os.fork exists, else in-process')
    return ap.parse_args(argv)


def main(argv):
    opts = parse_args(argv)
    # stdout is the protocol's alone: anything else that prints (a plug-in, a program, a
    # child) writes to what fd 1 now is, our stderr
    proto_fd = os.dup(1)
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    first = inp.readline()
    try:
        msg = json.loads(first.decode('utf-8'))
    except ValueError:
        msg = None
    if not isinstance(msg, dict) or msg.get('type') != 'hello':
        write_all(proto_fd, encode({'type': 'error', 'id': None, 'message': 'expected a hello first',
                                    'context': {'line': first[:200].decode('utf-8', 'replace')}}))
        return 2
    if msg.get('protocol') != PROTOCOL:
        write_all(proto_fd, encode({'type': 'error', 'id': None,
                                    'message': 'protocol %r is not supported (%d is)' % (msg.get('protocol'), PROTOCOL)}))
        return 2
    try:
        plugins = Plugins(opts)
        if plugins.setup is not None:
            plugins.setup()
    except BaseException as e:
        write_all(proto_fd, encode({'type': 'error', 'id': None,
                                    'message': 'cannot load plug-ins: %s: %s' % (type(e).__name__, e),
                                    'context': {'traceback': traceback.format_exc()[-2000:]}}))
        return 2
    can_fork = hasattr(os, 'fork')
    isolation = opts.isolation or ('fork' if can_fork else 'in-process')
    if isolation == 'fork' and not can_fork:
        isolation = 'in-process'
    gc.collect()
    if hasattr(gc, 'freeze'):
        gc.freeze()  # fewer copy-on-write faults in the children
    runner = Pool(plugins, max(opts.pool, 0), proto_fd, opts.warm_up) if isolation == 'fork' else InProcess(plugins)
    write_all(proto_fd, encode(hello(plugins, isolation, can_fork)))
    if isolation == 'fork':
        runner.fill()
    try:
        while True:
            line = inp.readline()
            if not line:
                return 0  # EOF: the harness is gone, or done
            try:
                req = json.loads(line.decode('utf-8'))
                if not isinstance(req, dict):
                    raise ValueError('not an object')
            except ValueError as e:
                write_all(proto_fd, encode({'type': 'error', 'id': None, 'message': 'unreadable request: %s' % e,
                                            'context': {'line': line[:200].decode('utf-8', 'replace')}}))
                continue
            kind, rid = req.get('type'), req.get('id')
            if kind == 'run':
                write_all(proto_fd, runner.run(req, line))
                if getattr(runner, 'tainted', False):
                    return 0
            elif kind == 'ping':
                write_all(proto_fd, encode({'type': 'pong', 'id': rid}))
            elif kind == 'shutdown':
                write_all(proto_fd, encode({'type': 'bye', 'id': rid}))
                return 0
            else:
                write_all(proto_fd, encode({'type': 'error', 'id': rid,
                                            'message': 'unknown request type %r' % (kind,)}))
    finally:
        runner.close()
