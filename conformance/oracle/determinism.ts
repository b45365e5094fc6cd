/**
 * The guards that keep predictions deterministic. Observations that would depend on how real
 * threads interleave, on a fork child changing what it inherited, or on object reprs in
 * CPython's errors are outside the model: a guard throws OutOfModel, and the prediction is
 * marked non-deterministic (such programs are never used as tests). So are programs that hang.
 *
 * Program variables live here, because touching another thread's object is where races
 * happen. One Determinism belongs to one walk: who bound each variable and which threads
 * ran as sequential code are that walk's.
 */
import type { Trace } from '../../language/trace.ts';
import type { Machine } from './machine.ts';
import { Hang, OutOfModel, PyErr } from './state.ts';
import type { Callback, MLoop, MTask, MThread } from './state.ts';

/** Statements that change the object they name: a fork child may not run them on what it inherited. */
const MUTATING = new Set([
  'cancel_handle',
  'close',
  'stop',
  'run_until_complete',
  'run_forever',
  'set_debug',
  'set_exception_handler',
  'set_task_factory',
  'call_soon',
  'call_later',
  'call_at',
  'call_soon_threadsafe',
  'await',
  'future_call',
  'add_done_callback',
  'cancel_task',
  'task_call',
  'set_task_name',
  'add_signal_handler',
  'remove_signal_handler',
  'run_coroutine_threadsafe',
  'cfuture_call',
  'wrap_future',
]);

interface Binding {
  obj: MLoop | MTask | Callback;
  binder: MThread;
}

export class Determinism {
  private vars = new Map<string, Binding>();
  /** Threads their starter joined at once, having run nothing in between: no race with it. */
  private sequentialThreads = new Set<MThread>();
  /** Set when the statement being observed is the last the model can speak for. */
  private leaving: string | undefined;

  constructor(private m: Machine) {}

  // ---- variables -------------------------------------------------------------------------------

  bind(name: string | undefined, obj: unknown): void {
    if (name && obj && typeof obj === 'object') this.vars.set(name, { obj: obj as MLoop | MTask | Callback, binder: this.m.thread });
  }

  /**
   * The object bound to a variable. Another thread's object may only be touched where real
   * threads could not race: through call_soon_threadsafe, after that thread was joined, or
   * from a thread its binder started and at once joined. A fork child may read what it
   * inherited but not change it.
   */
  useVar(name: string, op: string): MLoop | MTask | Callback {
    const b = this.vars.get(name);
    if (!b) throw new PyErr('LoopspecUnbound', name);
    const cur = this.m.thread;
    if (b.binder === cur || op === 'call_soon_threadsafe' || op === 'run_coroutine_threadsafe') return b.obj;
    if (b.binder.pid !== cur.pid) {
      if (MUTATING.has(op)) throw new OutOfModel(`a fork child changes ${name}, which it inherited`);
      return b.obj;
    }
    if (b.binder.status === 'done' && b.binder.joined) return b.obj;
    if (this.sequential(cur, b.binder)) return b.obj;
    throw new OutOfModel(`${op} on ${name} races with the thread that made it`);
  }

  loopVar(name: string, op: string): MLoop {
    const o = this.useVar(name, op);
    if (!('ready' in o)) throw new OutOfModel(`${name} is not a loop`);
    return o;
  }

  handleVar(name: string, op: string): Callback {
    const o = this.useVar(name, op);
    if (!('cancelled' in o)) throw new OutOfModel(`${name} is not a handle`);
    return o;
  }

  taskVar(name: string, op: string): MTask {
    const task = this.useVar(name, op) as MTask;
    if (!('coro' in task)) throw new OutOfModel(`${name} is not a task`);
    return task;
  }

  /** cur was started by binder (or its starter chain), which then joined it at once. */
  private sequential(cur: MThread, binder: MThread): boolean {
    for (let t: MThread | null = cur; t && t.kind === 'program'; t = t.starter) {
      if (!this.sequentialThreads.has(t)) return false;
      if (t.starter === binder) return true;
    }
    return false;
  }

  // ---- threads and processes ---------------------------------------------------------------

  /** A thread's name stands for one thread; a fork child keeps to its one thread. */
  startingThread(name: string, startedBefore: boolean): void {
    if (startedBefore) throw new OutOfModel(`thread ${name} is started twice`);
    if (this.m.thread.kind === 'fork') throw new OutOfModel('a fork child starts a thread');
  }

  /** The current thread is about to join t: remembers a start at once followed by its join. */
  joining(t: MThread): void {
    const cur = this.m.thread;
    if (t === cur) throw new OutOfModel(`thread ${t.name} joins itself`);
    if (t.status === 'runnable' && t.starter === cur && cur.clock === t.starterClock + 1) this.sequentialThreads.add(t);
  }

  /**
   * os.fork copies only the forking thread: the other threads' state would be a race. A
   * program thread may fork when its starters joined it at once (each blocked in that join,
   * running nothing), and no other thread is alive: then the fork is as sequential as one
   * from the main thread (FORK-2, measured by fixtures/probes/FORK-2.json).
   */
  forking(): void {
    const m = this.m;
    const cur = m.thread;
    const waiting = new Set<MThread>();
    if (cur.kind === 'program') {
      for (let t: MThread | null = cur; t && t.kind === 'program'; t = t.starter) {
        if (!this.sequentialThreads.has(t) || !t.starter) throw new OutOfModel('fork from a thread that races with its starter');
        waiting.add(t.starter);
      }
    } else if (cur.kind !== 'main') throw new OutOfModel('fork from a thread other than the main thread or a program thread');
    if (m.threads.some((t) => t.pid === m.pid && t !== cur && !waiting.has(t) && t.status !== 'done'))
      throw new OutOfModel('fork while another thread is alive');
  }

  /**
   * set_event_loop in an executor worker: which worker runs a later job (an idle one reused,
   * or a new one) depends on timing in CPython's ThreadPoolExecutor, so what a later job's
   * get_event_loop finds would too.
   */
  settingLoop(): void {
    if (this.m.thread.kind === 'executor')
      throw new OutOfModel('set_event_loop in an executor worker: later jobs may or may not run there');
  }

  /** The policy is process-wide: a thread still running could see either one. */
  settingPolicy(): void {
    if (this.m.threads.some((t) => t.kind === 'program' && !t.joined))
      throw new OutOfModel('set_event_loop_policy races with a running thread');
  }

  // ---- coroutines ------------------------------------------------------------------------------

  /**
   * Awaiting itself, a task that waits on it, or another loop's task: CPython's errors then
   * carry object reprs, or recurse without end. Left out of the language. `me` is the task
   * that awaits.
   */
  checkAwaitable(task: MTask, me: MTask | undefined): void {
    if (!('coro' in task)) throw new OutOfModel('await on a non-task');
    if (!me || task.loop !== me.loop) throw new OutOfModel('await on a task of another loop');
    for (let t: MTask | null = task; t; t = t.waiter && 'coro' in t.waiter ? (t.waiter as MTask) : null) {
      if (t === me) throw new OutOfModel('a task awaits itself');
    }
  }

  requireRunning(): MLoop {
    const loop = this.m.runningLoop();
    if (!loop) throw new OutOfModel('a coroutine statement ran with no running loop');
    return loop;
  }

  // ---- leaving the model -------------------------------------------------------------------------

  /** The statement being observed is the last the model can speak for: the walk ends after it. */
  leaveAfterThis(reason: string): void {
    this.leaving = reason;
  }

  /** Called once a statement is observed: ends the walk if the model can say no more. */
  stopIfLeaving(): void {
    if (this.leaving) throw new OutOfModel(this.leaving);
  }
}

/** Why a walk that threw is not deterministic; anything but a hang or OutOfModel is rethrown. */
export function notDeterministic(e: unknown): { reason: string; end?: Trace['end'] } {
  if (e instanceof Hang) return { reason: `hangs: ${e.message}`, end: { kind: 'hang', detail: e.message } };
  if (e instanceof OutOfModel) return { reason: e.message };
  throw e;
}
