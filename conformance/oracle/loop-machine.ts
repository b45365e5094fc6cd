/**
 * The oracle's abstract machine, its lower half: threads, the policy, loops (a loop iteration,
 * running, closing) and futures. machine.ts adds tasks and the executor on top.
 *
 * Independent of reference/: two encodings of one text, each a check on the other.
 * Threads are simulated the way every loopspec simulation does (see program.ts): a started
 * thread runs when joined, when a loop would block, or at the end of the program.
 */
import type { Switches } from '../../spec/profiles.ts';
import { closedError, Hang, OutOfModel, PyErr } from './state.ts';
import { escapes } from './escapes.ts';
import type { Callback, Local, MFuture, MLoop, MPolicy, MTask, MThread, PyResult } from './state.ts';

export class LoopMachine {
  clock = 0;
  private seq = 0;
  private ids = 0;
  pid = 1;
  thread: MThread;
  threads: MThread[] = [];
  policy: MPolicy | null = null;
  running = new Map<MThread, { loop: MLoop; pid: number }>();
  tasks: MTask[] = [];
  constructor(readonly sw: Switches) {
    this.thread = this.makeThread('MainThread', 'main', true, 'main', () => {});
    this.thread.status = 'running';
  }

  newId(kind: string): string {
    return `${kind}${++this.ids}`;
  }

  makeThread(name: string, ctx: string, isMain: boolean, kind: MThread['kind'], body: () => void): MThread {
    const t: MThread = {
      name,
      ctx,
      isMain,
      pid: this.pid,
      status: 'runnable',
      body,
      joined: false,
      starterClock: this.thread?.clock ?? 0,
      starter: this.thread ?? null,
      clock: 0,
      kind,
    };
    this.threads.push(t);
    return t;
  }

  /** Runs a thread to its end, nested, as the current thread. */
  runThread(t: MThread): void {
    if (t.status !== 'runnable') return;
    const saved = this.thread;
    t.status = 'running';
    this.thread = t;
    try {
      t.body();
    } finally {
      t.status = 'done';
      this.thread = saved;
    }
  }

  join(t: MThread): void {
    if (t.status === 'running') throw new OutOfModel(`thread ${t.name} is joined while it waits`);
    this.runThread(t);
    t.joined = true;
  }

  runnableThreads(): MThread[] {
    return this.threads.filter((t) => t.status === 'runnable' && t.pid === this.pid);
  }

  // ---- the policy and the per-thread state ----------------------------------------------

  getPolicy(): MPolicy {
    if (!this.policy) this.policy = { id: this.newId('policy'), locals: new Map() };
    return this.policy;
  }

  local(): Local {
    const p = this.getPolicy();
    let l = p.locals.get(this.thread);
    if (!l) {
      l = { loop: null, setCalled: false, setBy: 'never' };
      p.locals.set(this.thread, l);
    }
    return l;
  }

  /** `_get_running_loop`: the running loop, if registered by this process. */
  runningLoop(): MLoop | null {
    const r = this.running.get(this.thread);
    return r && r.pid === this.pid ? r.loop : null;
  }

  /** Is a loop running in some other thread of this process right now? */
  loopRunsElsewhere(): boolean {
    for (const [t, r] of this.running) if (t !== this.thread && t.pid === this.pid && r.pid === this.pid) return true;
    return false;
  }

  newLoop(): MLoop {
    return {
      id: this.newId('loop'),
      pid: this.pid,
      closed: false,
      thread: null,
      stopping: false,
      ready: [],
      timers: [],
      woken: false,
      pipe: [],
      signalHandlers: new Map(),
      executorUsed: false,
      executorShutdown: false,
      currentTask: null,
      runFinished: false,
      fromRun: false,
      debug: false,
    };
  }

  // ---- scheduling -------------------------------------------------------------------------

  callSoon(loop: MLoop, run: () => void): Callback {
    if (loop.closed) throw closedError();
    return loop.ready[loop.ready.push({ run, cancelled: false }) - 1];
  }

  callLater(loop: MLoop, delay: number, run: () => void): Callback {
    if (loop.closed) throw closedError();
    const cb = { run, cancelled: false };
    loop.timers.push({ when: this.clock + delay, seq: ++this.seq, cb });
    loop.timers.sort((a, b) => a.when - b.when || a.seq - b.seq);
    return cb;
  }

  callSoonThreadsafe(loop: MLoop, run: () => void): Callback {
    const cb = this.callSoon(loop, run);
    loop.woken = true;
    return cb;
  }

  /** The selector: returns at once if the self-pipe is readable or with a zero timeout; else lets threads run. */
  private select(loop: MLoop, timeout: number | null): void {
    if (this.readable(loop) || timeout === 0) return;
    for (let t = this.runnableThreads()[0]; t; t = this.runnableThreads()[0]) {
      const before = this.clock;
      this.runThread(t);
      // An executor job that slept while this loop had a timer pending: whether its result
      // or the timer comes first is real time, which the model does not run.
      if (t.kind === 'executor' && timeout !== null && this.clock > before)
        throw new OutOfModel(`an executor job sleeps while ${loop.id} waits for a timer`);
      if (this.readable(loop)) return;
    }
    if (timeout === null) throw new Hang(`${loop.id} waits for an event that nothing can send`);
    this.clock += timeout;
  }

  /** The loop's self-pipe holds a byte. */
  private readable(loop: MLoop): boolean {
    return loop.woken || loop.pipe.length > 0;
  }

  /**
   * The self-pipe's reader (_read_from_self): every byte there when it runs; each signal's
   * number queues the handler the loop has for it then (SIG-2.2), which writes a null byte
   * that the same read takes too.
   */
  private selfReader(loop: MLoop): Callback {
    const run = () => {
      loop.woken = false;
      for (const sig of loop.pipe.splice(0)) {
        const handler = loop.signalHandlers.get(sig);
        if (!handler) continue;
        handler.queued = (handler.queued ?? 0) + 1;
        loop.ready.push(handler);
      }
    };
    return { run, cancelled: false };
  }

  private runOnce(loop: MLoop): void {
    loop.timers = loop.timers.filter((t) => !t.cb.cancelled);
    let timeout: number | null = null;
    if (loop.ready.length > 0 || loop.stopping) timeout = 0;
    else if (loop.timers.length > 0) timeout = Math.max(0, loop.timers[0].when - this.clock);
    this.select(loop, timeout);
    // _process_events: a readable self-pipe queues its reader, behind the callbacks ready, before the timers due.
    if (this.readable(loop)) loop.ready.push(this.selfReader(loop));
    while (loop.timers.length > 0 && loop.timers[0].when <= this.clock) loop.ready.push(loop.timers.shift()!.cb);
    const ntodo = loop.ready.length;
    for (let i = 0; i < ntodo; i++) {
      const cb = loop.ready.shift()!;
      if (cb.cancelled) continue;
      cb.ran = true;
      cb.run();
    }
  }

  checkCanRun(loop: MLoop): void {
    if (loop.closed) throw closedError();
    if (loop.thread) throw new PyErr('RuntimeError', 'This event loop is already running');
    if (this.runningLoop()) throw new PyErr('RuntimeError', 'Cannot run the event loop while another loop is running');
  }

  runForever(loop: MLoop): void {
    this.checkCanRun(loop);
    loop.thread = this.thread;
    this.running.set(this.thread, { loop, pid: this.pid });
    try {
      for (;;) {
        this.runOnce(loop);
        if (loop.stopping) break;
      }
    } finally {
      loop.stopping = false;
      loop.stoppedInRun = false;
      loop.disturbedBy = undefined;
      loop.thread = null;
      this.running.delete(this.thread);
    }
  }

  runUntilComplete(loop: MLoop, fut: MFuture): unknown {
    this.checkCanRun(loop);
    const stop = () => {
      // _run_until_complete_cb: a future done with SystemExit/KeyboardInterrupt already ended the run (ERR-2.2).
      if (fut.state === 'done' && 'error' in fut.result! && escapes(fut.result.error)) return;
      loop.stopping = true;
      loop.stoppedInRun = true;
    };
    this.addDoneCallback(fut, stop);
    loop.runFuture = fut;
    try {
      this.runForever(loop);
    } finally {
      loop.runFuture = undefined;
      fut.callbacks = fut.callbacks.filter((c) => c !== stop);
    }
    if (fut.state === 'pending') throw new PyErr('RuntimeError', 'Event loop stopped before Future completed.');
    return this.result(fut);
  }

  /** Called as a loop closes, before its queues are dropped (RCT-1: a coroutine never run). */
  readonly closeHooks: Array<(loop: MLoop) => void> = [];

  close(loop: MLoop): void {
    if (loop.thread) throw new PyErr('RuntimeError', 'Cannot close a running event loop');
    if (loop.closed) return;
    for (const hook of this.closeHooks) hook(loop);
    loop.closed = true;
    loop.ready = [];
    loop.timers = [];
    // The self-pipe closes with it, and what it held is gone.
    loop.woken = false;
    loop.pipe = [];
    loop.executorShutdown = true;
    // close() shuts the default executor down, without waiting, and forgets it (EXEC-3.4).
    if (loop.defaultExecutor && !loop.defaultExecutor.shutdownBy)
      Object.assign(loop.defaultExecutor, { shutdownBy: 'EXEC-3.4', shutdownFrom: loop });
    loop.defaultExecutor = null;
  }

  // ---- futures and tasks ---------------------------------------------------------------------

  newFuture(loop: MLoop): MFuture {
    return { kind: 'future', loop, state: 'pending', callbacks: [] };
  }

  addDoneCallback(f: MFuture, cb: () => void): void {
    if (f.state === 'pending') f.callbacks.push(cb);
    else this.callSoon(f.loop, cb);
  }

  protected settle(f: MFuture, state: 'done' | 'cancelled', result: PyResult): void {
    if (f.kind === 'task' && state === 'done' && !awaitedBy(f.loop.runFuture, f)) (f as MTask).doneInRace = true;
    f.state = state;
    f.result = result;
    const cbs = f.callbacks;
    f.callbacks = [];
    for (const cb of cbs) this.callSoon(f.loop, cb);
  }

  setResult(f: MFuture, value: unknown): void {
    this.settle(f, 'done', { value });
  }

  setException(f: MFuture, error: PyErr): void {
    this.settle(f, 'done', { error });
  }

  /** Future.cancel / Task.cancel, with cancel(msg)'s message (CANCEL-1.1, CANCEL-1.4). */
  cancel(f: MFuture, msg: string | null = null): boolean {
    if (f.state !== 'pending') return false;
    if (f.kind === 'task') {
      const t = f as MTask;
      t.numCancels = (t.numCancels ?? 0) + 1;
      if (t.waiter && this.cancel(t.waiter, msg)) return true;
      t.mustCancel = true;
      t.cancelMessage = msg;
      return true;
    }
    // A cancelled future is outside FUT-1: the Python driver ends a body at a CancelledError
    // where the language goes on (a task cancelled while it awaits a program's future cancels it).
    if (f.fromProgram) throw new OutOfModel("a program's future cancelled (through the task awaiting it)");
    this.settleCancelled(f, msg);
    return true;
  }

  /** Future.cancel's state change: cancelled, with `_cancel_message`. */
  protected settleCancelled(f: MFuture, msg: string | null): void {
    f.cancelMessage = msg;
    this.settle(f, 'cancelled', { error: new PyErr('CancelledError', msg ?? '') });
  }

  /**
   * Future._make_cancelled_error: the CancelledError the task's coroutine raised, once (3.11+),
   * else CancelledError(_cancel_message) (CANCEL-1.4).
   */
  cancelledError(f: MFuture): PyErr {
    if (this.sw.cancelledErrorKept && f.keptExc) {
      const e = f.keptExc;
      f.keptExc = null;
      return e;
    }
    return new PyErr('CancelledError', f.cancelMessage ?? '');
  }

  /** Future.result(): the value, or throws its exception (CancelledError if cancelled). */
  result(f: MFuture): unknown {
    if (f.state === 'cancelled') throw this.cancelledError(f);
    const o = f.result!;
    if ('error' in o) throw o.error;
    return o.value;
  }
}

/**
 * Whether a run's future waits on `f`: it is the future, or the future is a task whose awaited
 * future is (a chain of tasks, each waiting on the next). No run: nothing races it.
 */
function awaitedBy(run: MFuture | undefined, f: MFuture): boolean {
  for (let x: MFuture | null | undefined = run ?? f; x; x = x.kind === 'task' ? (x as MTask).waiter : null) if (x === f) return true;
  return false;
}
