/**
 * The oracle's abstract machine: the mechanisms that move the state CPython 3.12's asyncio
 * keeps (state.ts): a loop iteration, a task step, a thread switch. It knows nothing of
 * programs or rules: walk.ts walks a program over it and names the rule behind every
 * observation. Threads, loops and futures are loop-machine.ts's; tasks and the executor are
 * here.
 *
 * Independent of reference/: two encodings of one text, each a check on the other.
 */
import { LoopMachine } from './loop-machine.ts';
import { closedError, PyErr } from './state.ts';
import { escapes, escaping } from './escapes.ts';
import type { Coro, MFuture, MLoop, MTask, MThread, PyResult } from './state.ts';

export class Machine extends LoopMachine {
  /** TASK-6.2: the process's counter of default task names, from the program's start (a fork child goes on from its parent's). */
  taskNameCounter = 0;
  /** TASK-6.2: a thread other than a process's main thread made a task: which numbers it took is a race. */
  tasksInThreads = false;

  /**
   * Task(coro, loop=loop, eager_start=eager, name=name): an eager task on a running loop is not
   * scheduled: eagerStart steps it (TFACT-1.3). Without a name it takes the counter's next number (TASK-6.2).
   */
  createTask(loop: MLoop, coro: Coro, eager = false, name?: string): MTask {
    const t: MTask = {
      kind: 'task',
      id: this.newId('task'),
      loop,
      state: 'pending',
      callbacks: [],
      coro,
      mustCancel: false,
      waiter: null,
      cancelledByRun: false,
    };
    if (name === undefined) t.nameNumber = ++this.taskNameCounter;
    else t.name = name;
    if (this.thread.kind !== 'main' && this.thread.kind !== 'fork') this.tasksInThreads = true;
    this.tasks.push(t);
    if (!(eager && loop.thread !== null)) this.callSoon(loop, () => this.step(t));
    return t;
  }

  /** Task.__eager_start: the first step of a task made eager on a running loop, now, nested (TFACT-1.3). */
  eagerStart(t: MTask): void {
    t.eagerStepping = true;
    try {
      this.step(t);
    } finally {
      t.eagerStepping = false;
    }
    if (t.state !== 'pending') t.eagerDone = true;
  }

  /** Task.__step: one send (or throw) into the coroutine, with the task as current task. */
  private step(t: MTask, exc?: PyErr): void {
    if (t.state !== 'pending') return;
    if (t.mustCancel) {
      // A CancelledError already on its way in is kept (its message too).
      if (exc?.type !== 'CancelledError') exc = this.cancelledError(t);
      t.mustCancel = false;
    }
    t.waiter = null;
    t.stepped = true;
    const saved = t.loop.currentTask;
    t.loop.currentTask = t;
    try {
      let r: IteratorResult<MFuture | null, unknown>;
      try {
        r = exc ? t.coro.throw(exc) : t.coro.next();
      } catch (e) {
        if (!(e instanceof PyErr)) throw e;
        // The coroutine's CancelledError is kept (3.11+), the task cancelled with no message (super().cancel()).
        if (e.type === 'CancelledError') {
          t.keptExc = e;
          this.settleCancelled(t, null);
        } else {
          this.setException(t, e);
          // ERR-2.2: `except (KeyboardInterrupt, SystemExit) as exc: super().set_exception(exc); raise`
          if (escapes(e)) {
            escaping(t.loop, e);
            throw e;
          }
        }
        return;
      }
      if (r.done) {
        if (t.mustCancel) {
          // Cancelled during its own last step: super().cancel(msg=self._cancel_message)
          t.mustCancel = false;
          this.settleCancelled(t, t.cancelMessage ?? null);
        } else this.setResult(t, r.value);
        return;
      }
      const waited = r.value;
      if (waited === null) {
        this.callSoon(t.loop, () => this.step(t));
        return;
      }
      this.addDoneCallback(waited, () => this.wakeup(t, waited));
      t.waiter = waited;
      if (t.mustCancel && this.cancel(waited)) t.mustCancel = false;
    } finally {
      t.loop.currentTask = saved;
    }
  }

  private wakeup(t: MTask, f: MFuture): void {
    if (f.state === 'cancelled') {
      this.step(t, this.cancelledError(f));
      return;
    }
    const o = f.result!;
    this.step(t, 'error' in o ? o.error : undefined);
  }

  /** `await fut` inside a coroutine: yields while pending, then its result. */
  *await(f: MFuture): Coro {
    if (f.state === 'pending') yield f;
    return this.result(f);
  }

  /** `await asyncio.sleep(delay)`. */
  *sleep(loop: MLoop, delay: number): Coro {
    if (delay <= 0) {
      yield null;
      return null;
    }
    const f = this.newFuture(loop);
    const h = this.callLater(loop, delay, () => {
      if (f.state === 'pending') this.setResult(f, null);
    });
    try {
      return yield* this.await(f);
    } finally {
      h.cancelled = true;
    }
  }

  /**
   * `loop.run_in_executor(None, fn)`: fn runs on a worker thread, which hands its outcome back
   * with call_soon_threadsafe.
   */
  runInExecutor(loop: MLoop, ctx: string, fn: () => unknown, executorVar?: MThread['executorVar']): MFuture {
    if (loop.closed) throw closedError();
    // An executor given (EXEC-3.1) is not the loop's default: neither checked nor made.
    if (executorVar === undefined) {
      if (loop.executorShutdown) throw new PyErr('RuntimeError', 'Executor shutdown has been called');
      loop.executorUsed = true;
    }
    const f = this.newFuture(loop);
    const worker = this.makeThread(executorVar?.name ?? 'asyncio_0', ctx, false, 'executor', () => {
      let o: PyResult;
      try {
        o = { value: fn() };
      } catch (e) {
        if (!(e instanceof PyErr)) throw e;
        o = { error: e };
      }
      if (loop.closed) return;
      this.callSoonThreadsafe(loop, () => {
        if (f.state !== 'pending') return;
        if ('error' in o) this.setException(f, o.error);
        else this.setResult(f, o.value);
      });
    });
    worker.status = 'runnable';
    if (executorVar !== undefined) worker.executorVar = executorVar;
    return f;
  }

  /**
   * A job that had not run when asyncio.run shut the executor down, while the shutdown runs it:
   * in CPython it started when it was submitted, so it reaches the loop after the shutdown
   * began only if it waited first (virtual time passed); else that is a race (base_events.ts).
   */
  lateJob: { loop: MLoop; since: number } | null = null;

  /** `loop.shutdown_default_executor()`: waits, on a thread of its own, for every worker. */
  *shutdownDefaultExecutor(loop: MLoop): Coro {
    loop.executorShutdown = true;
    // The program's executor, when it is the default, is shut down with it (EXEC-3.3).
    if (loop.defaultExecutor && !loop.defaultExecutor.shutdownBy)
      Object.assign(loop.defaultExecutor, { shutdownBy: 'EXEC-3.3', shutdownFrom: loop });
    if (!loop.executorUsed) return null;
    const f = this.newFuture(loop);
    const shutdown = this.makeThread('Thread-shutdown', 'internal', false, 'internal', () => {
      // executor.shutdown(wait=True): every worker of this loop finishes first.
      for (const w of this.runnableThreads().filter((t) => t.kind === 'executor')) this.runThread(w);
      if (!loop.closed)
        this.callSoonThreadsafe(loop, () => {
          if (f.state === 'pending') this.setResult(f, null);
        });
    });
    // Jobs not yet run start now, in the model; in CPython they started when submitted.
    if (this.runnableThreads().some((t) => t.kind === 'executor')) this.lateJob = { loop, since: this.clock };
    try {
      yield* this.await(f);
    } finally {
      this.lateJob = null;
    }
    this.join(shutdown);
    return null;
  }
}
