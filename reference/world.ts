/**
 * The simulated world: processes, threads and a virtual clock, all deterministic.
 *
 * JS has no preemption, so threads are cooperative and every call that may block its thread
 * is a generator (`Blocking<T>`): `yield* world.block(wait)` suspends the thread until
 * `wait.until()` holds or its deadline passes, and the scheduler runs another thread. The
 * rules, which fix one legal interleaving of the real program:
 *   - a thread runs until it blocks or ends (no preemption); `Thread.start()` only makes the
 *     new thread runnable;
 *   - when the running thread blocks, the scheduler resumes, in this order of preference:
 *     the first blocked thread (in the order they blocked) whose condition now holds; else
 *     the first runnable thread that has not started yet (FIFO); else it advances the
 *     virtual clock to the earliest deadline and resumes that thread (a select timing out);
 *   - if no thread can go on and none has a deadline, the program would hang forever: a
 *     deadlock, reported as `SimulationHang`.
 * Virtual time: one monotonic clock for the whole world, advanced only when every thread is
 * blocked and one of them has a deadline.
 *
 * Processes: `fork(childFn)` makes a child process whose only thread is a copy of the forking
 * thread (same name, now the main thread, thread-local storage copied), copies the
 * per-process globals (`ProcessLocal`), runs the at-fork child hooks and `childFn` in the
 * child, waits for the child's threads, and only then returns in the parent (the parent
 * waits for the child). LIMITATION: objects (loops, tasks, policies) are shared with the
 * parent, not copied; a child must not mutate an object it inherited (close or stop a
 * parent's loop, ...), or the parent sees the change. The program generator respects that.
 */
import { PyError, SimulationHang, pyStrRepr } from './errors.ts';

export class Clock {
  now = 0;
}

/** What a blocked thread waits for: a condition, and a deadline (a timeout) or null. */
export class Wait {
  // Stryker disable next-line BooleanLiteral: equivalent: Wait.timedOut is never read
  timedOut = false;
  constructor(
    readonly until: () => boolean,
    readonly deadline: number | null,
    /** For hang reports: 'waits in select()', 'joins T1', ... */
    readonly what: string,
  ) {}
}

/** A computation that may block its thread (yields `Wait`s to the scheduler). */
export type Blocking<T = void> = Generator<Wait, T, unknown>;
/** A thread's work: a plain function, or a generator function when it may block. */
export type Work = () => Blocking<unknown> | unknown;

export function isGenerator(x: unknown): x is Generator<unknown, unknown, unknown> {
  const g = x as Partial<Generator> | null;
  // Stryker disable next-line ConditionalExpression: equivalent: every work result is a generator or undefined (the killed mutants of this line are ignored with it)
  return typeof g === 'object' && g !== null && typeof g.next === 'function' && typeof g.throw === 'function';
}

export class Process {
  /** Per-process globals (module state), keyed by their ProcessLocal. */
  readonly globals = new Map<ProcessLocal<unknown>, unknown>();
  /** Every thread of this process, in creation order. */
  readonly threads: Thread[] = [];
  constructor(readonly pid: number) {}
}

export class Thread {
  readonly ident: number;
  /** Thread-local storage: one record per ThreadLocal. */
  tls = new Map<ThreadLocal<object>, object>();
  state: 'initial' | 'started' | 'stopped' = 'initial';
  /** A pool worker stays alive (idle) between jobs until its pool shuts down. */
  // Stryker disable next-line BooleanLiteral: not compared: keepAlive shows only in is_alive, i.e. os.fork's multi-threaded warning
  keepAlive = false;
  /** Work not started yet (a thread's target; a worker's jobs), FIFO. */
  readonly items: Work[] = [];
  /** The work item running (suspended when the thread is blocked). */
  gen: Blocking<unknown> | null = null;
  /** What the thread is blocked on, if it is. */
  wait: Wait | null = null;
  /**
   * `isinstance(self, threading._MainThread)`: the interpreter's first thread, and its copy in
   * a fork child; not a worker's Thread, even once a fork has made it the child's main_thread().
   */
  mainClass = false;

  constructor(
    readonly world: World,
    readonly process: Process,
    readonly name: string,
    /** `threading.current_thread() is threading.main_thread()` */
    readonly isMain: boolean,
    readonly target: Work = () => {},
  ) {
    // Stryker disable next-line UpdateOperator: equivalent: idents count down, still distinct; _thread_id is only compared with null
    this.ident = world.nextIdent++;
    process.threads.push(this);
  }

  /** Has work running or pending. */
  busy(): boolean {
    return this.gen !== null || this.items.length > 0;
  }

  /** `Thread.is_alive()` */
  is_alive(): boolean {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator: not compared: is_alive feeds only the fork warning
    return this.state === 'started' && (this.busy() || this.keepAlive);
  }

  /** `Thread.start()`: makes the thread runnable; it runs when the running thread blocks. */
  start(): void {
    // Stryker disable next-line StringLiteral: equivalent: every start_thread statement makes a new Thread, started once
    // Stryker disable next-line ConditionalExpression: equivalent: every start_thread statement makes a new Thread, started once (the killed mutants of this line are ignored with it)
    if (this.state !== 'initial') throw new PyError('RuntimeError', 'threads can only be started once');
    this.state = 'started';
    this.world.schedule(this, this.world.startTarget(this));
  }

  /** `Thread.join()` */
  *join(): Blocking<void> {
    const w = this.world;
    // Stryker disable next-line ConditionalExpression,StringLiteral: not compared: a thread joining itself is threading's own error, left out of the model (the killed mutants of this line are ignored with it)
    if (this === w.currentThread) throw new PyError('RuntimeError', 'cannot join current thread');
    // Stryker disable next-line StringLiteral: equivalent: threads are started by the statement that creates them
    // Stryker disable next-line ConditionalExpression: equivalent: threads are started by the statement that makes them, never 'initial' at a join (the killed mutants of this line are ignored with it)
    if (this.state === 'initial') throw new PyError('RuntimeError', 'cannot join thread before it is started');
    // Stryker disable next-line ConditionalExpression: equivalent: a child's thread map starts empty: join_thread never names another process's thread (the killed mutants of this line are ignored with it)
    if (this.process !== w.currentProcess) return; // after fork, the parent's other threads are gone
    // Stryker disable next-line StringLiteral: not in any trace: hang report text (end.detail is not compared)
    yield* w.block(new Wait(() => !this.busy(), null, `joins thread ${pyStrRepr(this.name)}`));
  }
}

/** `threading.local`: a record per thread, created on first access. */
export class ThreadLocal<T extends object> {
  constructor(
    private readonly world: World,
    private readonly init: () => T,
  ) {}
  get(): T {
    const tls = this.world.currentThread.tls as Map<ThreadLocal<T>, T>;
    let v = tls.get(this);
    if (!v) {
      v = this.init();
      tls.set(this, v);
    }
    return v;
  }
  /** Drops the current thread's record (the next access starts fresh). */
  reset(): void {
    this.world.currentThread.tls.delete(this as ThreadLocal<object>);
  }
}

/** A module global: one value per process, copied into a fork child with `copy`. */
export class ProcessLocal<T> {
  constructor(
    private readonly world: World,
    private readonly init: () => T,
    readonly copy: (v: T) => T = (v) => v,
  ) {}
  get value(): T {
    const g = this.world.currentProcess.globals as Map<ProcessLocal<T>, T>;
    if (!g.has(this)) g.set(this, this.init());
    return g.get(this) as T;
  }
  set value(v: T) {
    (this.world.currentProcess.globals as Map<ProcessLocal<T>, T>).set(this, v);
  }
}

export class World {
  /** Scheduler steps and loop iterations allowed per program: a net for broken variants. */
  static MAX_STEPS = 1_000_000;
  steps = 0;
  readonly clock = new Clock();
  nextIdent = 1;
  nextPid = 1000;
  readonly mainProcess: Process;
  readonly mainThread: Thread;
  /** The thread whose code is executing. */
  currentThread: Thread;
  /** Blocked threads, in the order they blocked. */
  private readonly waiting: Thread[] = [];
  /** Threads with work that has not started, FIFO. */
  private readonly runnable: Thread[] = [];
  /** `os.register_at_fork(after_in_child=...)` hooks, run in the child. */
  readonly atForkChild: Array<() => void> = [];

  constructor() {
    this.mainProcess = new Process(this.nextPid++);
    this.mainThread = new Thread(this, this.mainProcess, 'MainThread', true);
    this.mainThread.mainClass = true;
    this.mainThread.state = 'started';
    this.currentThread = this.mainThread;
  }

  get currentProcess(): Process {
    return this.currentThread.process;
  }

  /** Counts one unit of work; beyond the budget the simulation gives up (as a hang). */
  // Stryker disable next-line BlockStatement: equivalent: the MAX_STEPS net is never reached by a deterministic program
  tick(): void {
    // Stryker disable next-line UpdateOperator: equivalent: the MAX_STEPS net is never reached by a deterministic program
    // Stryker disable next-line StringLiteral: not in any trace: hang report text (end.detail is not compared)
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: the MAX_STEPS net is never reached by a deterministic program (the killed mutants of this line are ignored with it)
    if (++this.steps > World.MAX_STEPS) throw new SimulationHang(`gave up after ${World.MAX_STEPS} scheduling steps`);
  }

  /** Queues work on `thread`; it starts when the scheduler picks the thread. */
  /**
   * What `Thread.start()` runs in the new thread: its target, in the thread's own context (empty,
   * CTX-1.1). A seam for patches (fixtures/mutants): the reference itself adds nothing.
   */
  startTarget(thread: Thread): Work {
    return thread.target;
  }

  schedule(thread: Thread, work: Work): void {
    thread.items.push(work);
    // Stryker disable next-line LogicalOperator: equivalent: schedule() gets only idle, non-runnable, non-current threads
    // Stryker disable next-line ConditionalExpression: equivalent: schedule() gets only idle, non-runnable, non-current threads (the killed mutants of this line are ignored with it)
    if (thread.gen === null && !this.runnable.includes(thread) && thread !== this.currentThread) this.runnable.push(thread);
  }

  /** Blocks the current thread until `wait.until()` holds or its deadline passes. */
  *block(wait: Wait): Blocking<void> {
    // Stryker disable next-line ConditionalExpression: not in any trace: block() yielding first only changes cross-thread order (the killed mutants of this line are ignored with it)
    if (wait.until()) return;
    yield wait;
  }

  /** Blocks until every other thread of `process` has finished its work. */
  *joinAll(process: Process): Blocking<void> {
    const me = this.currentThread;
    // Stryker disable next-line StringLiteral: not in any trace: hang report text (end.detail is not compared)
    yield* this.block(new Wait(() => process.threads.every((t) => t === me || !t.busy()), null, 'waits for its threads to finish'));
  }

  /**
   * Runs `main` on the main thread and every other thread until `main` returns. Throws
   * SimulationHang if the program deadlocks.
   */
  runMain(main: Work): void {
    this.schedule(this.mainThread, main);
    // Stryker disable next-line ArrowFunction,ConditionalExpression,EqualityOperator,MethodExpression: equivalent: runnable is empty here
    this.runnable.splice(0, this.runnable.length, this.mainThread, ...this.runnable.filter((t) => t !== this.mainThread));
    while (this.mainThread.busy()) {
      const t = this.pickNext();
      if (!t) throw new SimulationHang(this.describeDeadlock());
      this.step(t);
    }
  }

  private pickNext(): Thread | undefined {
    const ready = this.waiting.findIndex((t) => t.wait!.until());
    if (ready >= 0) return this.waiting.splice(ready, 1)[0];
    const fresh = this.runnable.shift();
    if (fresh) return fresh;
    // Every thread is blocked: time passes until the earliest deadline.
    let first: Thread | undefined;
    for (const t of this.waiting) {
      // Stryker disable next-line EqualityOperator: not in any trace: which blocked thread the clock serves first: cross-thread timing
      // Stryker disable next-line ConditionalExpression: not in any trace: which blocked thread the clock serves first: cross-thread timing (the killed mutants of this line are ignored with it)
      if (t.wait!.deadline !== null && (!first || t.wait!.deadline < first.wait!.deadline!)) first = t;
    }
    if (!first) return undefined;
    // Stryker disable next-line ConditionalExpression: equivalent: a waiting thread's deadline is never in the past
    // Stryker disable next-line EqualityOperator: equivalent: a waiting deadline is never in the past (the killed mutants of this line are ignored with it)
    if (this.clock.now < first.wait!.deadline!) this.clock.now = first.wait!.deadline!;
    // Stryker disable next-line BooleanLiteral: equivalent: Wait.timedOut is never read
    first.wait!.timedOut = true;
    this.waiting.splice(this.waiting.indexOf(first), 1);
    return first;
  }

  /** Runs thread `t` until it blocks or has no work left. */
  private step(t: Thread): void {
    this.tick();
    this.currentThread = t;
    t.wait = null;
    try {
      for (;;) {
        if (t.gen === null) {
          const work = t.items.shift();
          if (!work) break;
          const r = work();
          // Stryker disable next-line ConditionalExpression: equivalent: work items always return generators (the killed mutants of this line are ignored with it)
          if (!isGenerator(r)) continue;
          t.gen = r as Blocking<unknown>;
        }
        let r: IteratorResult<Wait, unknown>;
        try {
          r = t.gen.next();
        } catch (e) {
          // An uncaught Python exception ends the work item (threading.excepthook prints it).
          // Stryker disable next-line ConditionalExpression: equivalent: only JS errors (bugs of the reference) differ (the killed mutants of this line are ignored with it)
          if (!(e instanceof PyError)) throw e;
          t.gen = null;
          continue;
        }
        if (r.done) {
          t.gen = null;
          continue;
        }
        t.wait = r.value;
        this.waiting.push(t);
        return;
      }
      // Stryker disable next-line BooleanLiteral,ConditionalExpression,EqualityOperator,LogicalOperator: not compared: is_alive only
      if (!t.keepAlive && t !== this.mainThread) t.state = 'stopped';
    } finally /* Stryker disable next-line BlockStatement: equivalent: every step sets currentThread first */ {
      this.currentThread = this.mainThread;
    }
  }

  private describeDeadlock(): string {
    // Stryker disable next-line ArrowFunction,StringLiteral: not in any trace: hang report text (end.detail is not compared)
    const blocked = this.waiting.map((t) => `thread ${pyStrRepr(t.name)} (pid ${t.process.pid}) ${t.wait!.what}`);
    // Stryker disable next-line StringLiteral: not in any trace: hang report text (end.detail is not compared)
    return `deadlock: ${blocked.join('; ')}; nothing can wake them`;
  }

  /**
   * `os.fork()` from the current thread; `childFn` is what the child does before exiting.
   * Returns the child's pid and whether the parent had other live threads (os.fork warns
   * then; see os.ts).
   */
  *fork(childFn: Work): Blocking<{ pid: number; multiThreaded: boolean }> {
    const parent = this.currentThread;
    // Stryker disable next-line ArrowFunction,ConditionalExpression,EqualityOperator,MethodExpression: not compared: os.fork warning only
    const multiThreaded = parent.process.threads.filter((t) => t.is_alive()).length > 1;
    const child = new Process(this.nextPid++);
    for (const [k, v] of parent.process.globals) child.globals.set(k, k.copy(v));
    const t = new Thread(this, child, parent.name, true);
    t.mainClass = parent.mainClass;
    t.tls = new Map([...parent.tls].map(([k, v]) => [k, { ...v }]));
    t.state = 'started';
    const world = this;
    this.schedule(t, function* (): Blocking<void> {
      for (const hook of world.atForkChild) hook();
      try {
        const r = childFn();
        // Stryker disable next-line ConditionalExpression: equivalent: fork children always return generators (the killed mutants of this line are ignored with it)
        if (isGenerator(r)) yield* r as Blocking<unknown>;
      } catch (e) /* Stryker disable next-line BlockStatement: equivalent: PyErrors are swallowed either way; only JS errors differ */ {
        // Stryker disable next-line ConditionalExpression,BooleanLiteral: equivalent: a PyError rethrown here ends the child's work item in step()'s catch, as swallowing it does (the killed mutants of this line are ignored with it)
        if (!(e instanceof PyError)) throw e; // the child exits with a traceback
      }
      yield* world.joinAll(child); // the child's threads finish before it exits
    });
    // Stryker disable next-line StringLiteral: not in any trace: hang report text (end.detail is not compared)
    yield* this.block(new Wait(() => !t.busy(), null, `waits for its fork child (pid ${child.pid})`));
    return { pid: child.pid, multiThreaded };
  }
}
