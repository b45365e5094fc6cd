"""loopspec protocol server: `loopspec_driver.py --serve` (see protocol/PROTOCOL.md).

JSON lines on stdin/stdout. Every program runs in a pristine process: a child forked from
this parent, which never creates an event loop or a policy itself (it only imports asyncio
and the plug-ins, and runs --setup). A few children are forked ahead of need, so that the
fork of the next one overlaps the run of the current one. Where os.fork does not exist (or
with --isolation in-process) programs run in this process after asyncio's global state is
reset, and the handshake says so. This file holds the conversation, the options and the
plug-ins; how programs run, forked or in-process, is loopspec_isolation.py's, beside it.

Stdlib only; CPython 3.8 to 3.14. The parent stays single-threaded: a fork from a
multi-threaded process is unsafe (and warns on 3.12+).
"""
import argparse
import asyncio
import gc
import importlib
import json
import os
import platform
import sys
import threading
import traceback

import loopspec_interpreter  # beside this file
from loopspec_isolation import InProcess, Pool, encode, write_all

# The protocol version this server speaks. The harness's is PROTOCOL_VERSION in
# protocol/version.ts (this file must run without the repository's TypeScript):
# protocol/version.test.ts fails when the two disagree.
PROTOCOL = 1


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


# ---- the conversation -------------------------------------------------------------------

def hello(plugins, isolation, can_fork):
    impl = platform.python_implementation()
    variant = ' '.join('%s=%s' % kv for kv in sorted(plugins.specs.items()))
    return {
        'type': 'hello',
        'protocol': PROTOCOL,
        'implementation': dict({'name': impl, 'version': platform.python_version(), 'build': sys.version},
                               **({'variant': variant} if variant else {})),
        'driver': {'name': 'loopspec-python', 'version': loopspec_interpreter.DRIVER_VERSION},
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
