"""loopspec fork: the program's `fork` statement, for the driver's interpreter.

The interpreter's run (loopspec_interpreter.py, beside this file) inherits Forks: `fork` runs
its body in a child process forked from the program's, gives objects their identities before
the fork so that parent and child report them alike, and merges the child's observations into
the parent's when the child exits. The child keeps the run's deadline: past it, it kills its
own children and exits without reporting (the parent ends the trace with 'hang').

A mixin of the interpreter's run: it uses the Recorder's state and methods (`lock`, `obs`,
`order`, `children`, `threads`, `tls`, `progress`, `deadline`, `ref`, `join_all`) and the
interpreter's `run_sync_body`. It imports none of the driver's modules; a generated Python
reproducer that embeds the interpreter embeds this file verbatim before it.
Stdlib only; CPython 3.8 to 3.14.
"""
import asyncio
import json
import os
import signal
import time


class Forks(object):
    """The `fork` statement of the interpreter's run."""

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

    def fork(self, s):
        sid = s['id']
        body = s.get('body', [])
        self.preregister()
        rfd, wfd = os.pipe()
        # Fork holding the lock: another thread of the program recording a step at that moment
        # would leave it held in the child, by a thread the child does not have (a hang seen
        # once on 3.9.18, a thread forking while the main thread started join_thread).
        with self.lock:  # released in the child too: its only thread is the one that holds it
            pid = os.fork()
        if pid == 0:  # the child
            code = 0
            try:
                os.close(rfd)
                with self.lock:
                    self.progress = None  # the parent's to report: ours goes back to it below
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
            progress = self.progress
            for k, v in child['obs'].items():
                self.obs[k] = v
                if progress is not None:
                    progress('r', k, v)
            for k, ids in child['order'].items():
                self.order.setdefault(k, []).extend(ids)
                if progress is not None:
                    for sid in ids:
                        progress('a', sid, k)
        return None
