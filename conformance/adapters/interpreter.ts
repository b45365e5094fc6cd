/**
 * Interprets a numbered Program over one reference runtime, exactly as the Python driver does
 * over real asyncio: every statement is `try: value = <stmt>; observe(value) except
 * BaseException as e: observe(e)`, with the warnings the statement itself raised.
 *
 * Bodies become Python-shaped functions: a coroutine body becomes a coroutine object (a
 * generator the reference's Task steps), the other bodies functions (callbacks, thread
 * targets, executor functions, fork children); all are generators, because any statement
 * may block its thread (see reference/world.ts). A `SimulationHang` from the reference stops
 * everything; the trace then ends with `{kind: 'hang'}` and the observations made so far.
 */
import {
  type BaseEventLoop,
  ConcurrentCancelledError,
  PyError,
  ProcessKilled,
  ProcessLocal,
  SimulationHang,
  Thread,
  type Blocking,
  type Coro,
  type ExceptionContext,
  type PyWarning,
  type Runtime,
  type YieldItem,
} from '../../reference/index.ts';
import { CORO_ONLY, type Plain, type Program, type Stmt } from '../../language/program.ts';
import type { Observation, Outcome, Trace } from '../../language/trace.ts';
import { cancellation } from './cancellation.ts';
import { threadsafeStatement } from './concurrent.ts';
import { ProgramExecutors } from './executors.ts';
import { addDoneCallback, awaitable, errorText, futureCall, taskState } from './futures.ts';
import { ExceptionHandlers, TaskFactories } from './handlers.ts';
import { ProgramContexts } from './contexts.ts';
import { addSignalHandler, removeSignalHandler, signalSelf } from './signals.ts';
import { ProgramRunners } from './runners.ts';
import { Timers } from './timers.ts';
import { attributeError, isObject, Values } from './values.ts';
import { agenNext, asyncgenHooks, makeAgen } from './agens.ts';
import { Variables } from './variables.ts';
import { withWarnings } from './warnings.ts';
import { nameStatement } from './names.ts';

type Kind = 'sync' | 'coro';
type Step = Generator<YieldItem, unknown, unknown>;

export function interpret(rt: Runtime, program: Program): Trace {
  return new Interpreter(rt).run(program);
}

class Interpreter {
  private readonly obs: Record<string, Observation> = {};
  private readonly order: Record<string, string[]> = {};
  /** Program variables: shared by all threads, copied into fork children. */
  private readonly vars: Variables;
  /**
   * Threads started by the program, by name, per process: a fork child starts with none
   * (as in the Python driver; the parent's other threads do not exist in the child).
   */
  private readonly threads: ProcessLocal<Map<string, Thread>>;
  /** The trace context of each thread ('main', 'T1', 'exec:s5', 'fork:s7'). */
  private readonly context = new Map<Thread, string>();
  /** What `current_thread` reports for each thread ('main', 'T1'; others are 'other'). */
  private readonly programName = new Map<Thread, string>();
  /** The ids of the objects the trace reports (loops, tasks, policies). */
  private readonly values = new Values();
  /** The exception handlers the program made (ERR-1). */
  private readonly handlers: ExceptionHandlers;
  /** What the program's clock reads and timers are compared with (TIME-1). */
  private readonly timers: Timers;
  /** The task factories the program made (TFACT-1). */
  private readonly factories: TaskFactories;
  /** The program's context variable and contexts (CTX-1). */
  private readonly contexts: ProgramContexts;
  /** The executors the program made (EXEC-3). */
  private readonly executors: ProgramExecutors;
  private readonly runners: ProgramRunners;

  constructor(private readonly rt: Runtime) {
    this.handlers = new ExceptionHandlers(rt);
    this.timers = new Timers(rt);
    this.factories = new TaskFactories(rt);
    const w = rt.world;
    this.vars = new Variables(w);
    this.contexts = new ProgramContexts(rt, this.vars);
    this.executors = new ProgramExecutors(rt, this.vars);
    this.runners = new ProgramRunners(rt, this.vars);
    this.threads = new ProcessLocal(
      w,
      () => new Map(),
      () => new Map(),
    );
    this.context.set(w.mainThread, 'main');
    this.programName.set(w.mainThread, 'main');
  }

  run(program: Program): Trace {
    const w = this.rt.world;
    const self = this;
    try {
      w.runMain(function* () {
        try {
          yield* self.runSync(program.main);
        } catch (e) {
          if (!(e instanceof PyError)) throw e; // a `raise` ends the main body
        }
        yield* w.joinAll(w.mainProcess); // the driver joins every thread it started
      });
    } catch (e) {
      if (e instanceof SimulationHang) return { obs: this.obs, order: this.order, end: { kind: 'hang', detail: e.message } };
      // A signal at its default action ends the process (SIG-2): the driver's child dies of it.
      if (e instanceof ProcessKilled) return { obs: this.obs, order: this.order, end: { kind: 'crash', detail: e.message } };
      throw e;
    }
    return { obs: this.obs, order: this.order, end: { kind: 'ok' } };
  }

  // ---- bodies ---------------------------------------------------------------------------

  /** Runs a sync body as a function: returns its `return` value; `raise` propagates. */
  private *runSync(body: Stmt[]): Blocking<Plain> {
    // A sync body yields only `Wait`s: coroutine-only statements are rejected in it.
    return yield* this.body(body, 'sync') as Blocking<Plain>;
  }

  /** A coroutine object for a coroutine body (not started: its Task steps it). */
  private coro(body: Stmt[]): Coro<Plain> {
    return this.body(body, 'coro');
  }

  private *body(body: Stmt[], kind: Kind): Generator<YieldItem, Plain, unknown> {
    for (const s of body) {
      // `return` and `raise` yield no observation and take no place in `order` (as in the
      // Python driver).
      if (s.op === 'return') return s.value;
      if (s.op === 'raise') throw new PyError(s.exc ?? 'ValueError', s.message);
      this.record(s);
      yield* this.statement(s, kind);
    }
    return null;
  }

  private *statement(s: Stmt, kind: Kind): Generator<YieldItem, void, unknown> {
    const warnings: PyWarning[] = [];
    let outcome: Outcome;
    try {
      const value = yield* withWarnings(this.rt, this.evaluate(s, kind), warnings);
      outcome = { value: this.values.of(value) };
      if ('as' in s && s.as !== undefined && isObject(value)) this.vars.set(s.as, value);
    } catch (e) {
      if (!(e instanceof PyError)) throw e;
      outcome = { error: { type: e.type, message: errorText(e) } };
      this.obs[s.id!] = { outcome, warnings };
      // CancelledError ends a coroutine (that is how cancellation works), unless caught (CANCEL-1.3).
      // concurrent.futures.CancelledError (RCT-1.2) is another class of that name: it ends nothing.
      if (kind === 'coro' && e.type === 'CancelledError' && !(e instanceof ConcurrentCancelledError) && !('catch' in s && s.catch)) throw e;
      return;
    }
    this.obs[s.id!] = { outcome, warnings };
  }

  // ---- statements -----------------------------------------------------------------------

  private *evaluate(s: Stmt, kind: Kind): Step {
    const rt = this.rt;
    const ev = rt.events;
    if (CORO_ONLY.has(s.op) && kind === 'sync') throw new PyError('LoopspecInvalid', `${s.op} outside a coroutine`);
    switch (s.op) {
      case 'new_event_loop':
        return ev.new_event_loop();
      case 'get_event_loop':
        return ev.get_event_loop();
      case 'get_running_loop':
        return ev.get_running_loop();
      case 'peek_running_loop':
        return ev._get_running_loop();
      case 'set_event_loop':
        ev.set_event_loop(typeof s.arg === 'string' ? this.vars.lookup(s.arg) : s.arg);
        return null;
      case 'get_policy':
        return ev.get_event_loop_policy();
      case 'set_policy': {
        // `asyncio.set_event_loop_policy(asyncio.DefaultEventLoopPolicy())`: the argument is
        // evaluated first (3.14 warns on reading the name, then in set_event_loop_policy).
        const arg = s.arg === 'new' ? new rt.asyncio.DefaultEventLoopPolicy() : s.arg;
        ev.set_event_loop_policy(arg);
        return null;
      }
      case 'close':
        this.vars.loop(s.loop, 'close').close();
        return null;
      case 'is_closed':
        return this.vars.loop(s.loop, 'is_closed').is_closed();
      case 'is_running':
        return this.vars.loop(s.loop, 'is_running').is_running();
      case 'stop':
        this.vars.loop(s.loop, 'stop').stop();
        return null;
      case 'run_forever':
        yield* this.vars.loop(s.loop, 'run_forever').run_forever();
        return null;
      case 'run_until_complete': {
        const loop = this.vars.loop(s.loop, 'run_until_complete');
        return yield* loop.run_until_complete(this.coro(s.body));
      }
      case 'asyncio_run':
        // loop_factory=asyncio.new_event_loop (RUNNER-2.3): the module's function, read at the call.
        return yield* rt.runners.run(
          this.coro(s.body),
          s.debug ?? null,
          s.loop_factory ? () => ev.new_event_loop() as BaseEventLoop : null,
        );
      case 'get_debug':
        return this.vars.loop(s.loop, 'get_debug').get_debug();
      case 'set_debug':
        this.vars.loop(s.loop, 'set_debug').set_debug(s.value);
        return null;
      case 'set_exception_handler':
        this.vars
          .loop(s.loop, 'set_exception_handler')
          .set_exception_handler(s.arg !== undefined ? s.arg : this.handlers.make(s.id!, () => this.runSync(s.body)));
        return null;
      case 'get_exception_handler':
        return this.handlers.name(this.vars.loop(s.loop, 'get_exception_handler').get_exception_handler());
      case 'call_exception_handler': {
        const context: ExceptionContext = { message: s.message };
        if (s.exception !== undefined) context.exception = new PyError('ValueError', s.exception);
        yield* this.vars.loop(s.loop, 'call_exception_handler').call_exception_handler(context);
        return null;
      }
      case 'handler_context':
        return this.handlers.context(s.key);
      case 'set_task_factory': {
        const loop = this.vars.loop(s.loop, 'set_task_factory');
        const f = s.arg === 'eager' ? this.factories.eager() : s.arg;
        loop.set_task_factory(f !== undefined ? f : this.factories.make(s.id!, () => this.runSync(s.body)));
        return null;
      }
      case 'get_task_factory':
        return this.factories.name(this.vars.loop(s.loop, 'get_task_factory').get_task_factory());
      // The handle is bound, never observed (as the Python driver does).
      case 'call_soon':
        this.vars.bindHandle(s.as, this.vars.loop(s.loop, 'call_soon').call_soon(this.callback(s.body), ...this.contexts.kw(s.context)));
        return null;
      case 'call_later':
        this.vars.bindHandle(
          s.as,
          this.timers.callLater(this.vars.loop(s.loop, 'call_later'), s.delay, this.callback(s.body), ...this.contexts.kw(s.context)),
        );
        return null;
      case 'call_at':
        this.vars.bindHandle(s.as, this.timers.callAt(this.vars.loop(s.loop, 'call_at'), s.delay, this.callback(s.body)));
        return null;
      case 'loop_time':
        return this.timers.loopTime(this.vars.loop(s.loop, 'time'));
      case 'timer_when':
        return this.timers.when(this.vars.timer(s.handle, 'when'));
      case 'timer_due':
        return this.timers.due(this.vars.timer(s.handle, 'when'));
      case 'cancel_handle':
        this.vars.handle(s.handle, 'cancel').cancel();
        return null;
      case 'handle_cancelled':
        return this.vars.handle(s.handle, 'cancelled').cancelled();
      case 'call_soon_threadsafe':
        this.vars.loop(s.loop, 'call_soon_threadsafe').call_soon_threadsafe(this.callback(s.body), ...this.contexts.kw(s.context));
        return null;
      // The future is bound, never observed (as the Python driver does).
      case 'create_future':
        if (s.as !== undefined) this.vars.set(s.as, this.vars.loop(s.loop, 'create_future').create_future());
        else this.vars.loop(s.loop, 'create_future').create_future();
        return null;
      case 'future_call':
        return futureCall(this.vars.lookup(s.future), s, (x) => attributeError(x, s.method));
      case 'add_done_callback':
        return addDoneCallback(this.vars.lookup(s.future), this.callback(s.body));
      case 'add_signal_handler':
        return addSignalHandler(this.vars.loop(s.loop, s.op), s.sig, s.coro, this.callback(s.body));
      case 'remove_signal_handler':
        return removeSignalHandler(this.vars.loop(s.loop, s.op), s.sig);
      case 'signal_self':
        return signalSelf(rt, s.sig);
      case 'sleep':
        return yield* rt.tasks.sleep(s.delay);
      case 'create_task': {
        // context=C is read before the call, as the driver reads it (CTX-1.3); name= and the loop's method: TASK-6.
        const context = this.contexts.context(s.context);
        const kwargs = s.name === undefined ? {} : { name: s.name };
        if (s.loop_method) return yield* (rt.events.get_running_loop() as BaseEventLoop).create_task(this.coro(s.body), context, kwargs);
        return yield* rt.tasks.create_task(this.coro(s.body), context, kwargs);
      }
      case 'await':
        return yield* awaitable(this.vars.lookup(s.task)).await();
      case 'current_task':
        return rt.tasks.current_task();
      case 'task_state':
        return taskState(this.vars.lookup(s.task));
      case 'run_in_executor': {
        const { loop, executor } = this.executors.target(s);
        return yield* loop.run_in_executor(executor, this.executorFunction(s.id!, s.body)).await();
      }
      case 'start_thread': {
        const w = rt.world;
        const t = new Thread(w, w.currentProcess, s.thread, false, () => this.runSync(s.body));
        this.context.set(t, s.thread);
        this.programName.set(t, s.thread);
        this.threads.value.set(s.thread, t);
        t.start();
        return null;
      }
      case 'join_thread': {
        const t = this.threads.value.get(s.thread);
        if (!t) throw new PyError('LoopspecUnbound', s.thread);
        yield* t.join();
        return null;
      }
      case 'fork': {
        const parent = rt.world.currentThread;
        yield* rt.os.fork(() => {
          const child = rt.world.currentThread;
          this.context.set(child, `fork:${s.id}`);
          // The child's thread is the forking thread's Thread object, now the main thread.
          this.programName.set(child, this.programName.get(parent) ?? 'other');
          return this.runSync(s.body);
        });
        return null;
      }
      case 'current_thread':
        return this.programName.get(rt.world.currentThread) ?? this.executors.nameOf(rt.world.currentThread) ?? 'other';
      case 'mark':
        return s.tag;
      // AGEN-1: the generator is bound, never observed; the program keeps it
      case 'async_gen': {
        const g = makeAgen(rt, () => this.coro(s.body));
        if (s.as !== undefined) this.vars.set(s.as, g);
        return null;
      }
      case 'agen_next':
        return yield* agenNext(this.vars.lookup(s.agen), (x) => attributeError(x, '__anext__'));
      case 'shutdown_asyncgens':
        return yield* this.vars.loop(s.loop, 'shutdown_asyncgens').shutdown_asyncgens();
      case 'asyncgen_hooks':
        return asyncgenHooks(rt);
      case 'cancel_task':
      case 'task_call':
      case 'all_tasks':
        return cancellation(rt, s, (name) => this.vars.lookup(name));
      case 'ctx_set':
        return this.contexts.set(s.value);
      case 'ctx_get':
        return this.contexts.get();
      case 'copy_context':
        return this.contexts.copy(s.as);
      case 'to_thread':
        return yield* this.contexts.toThread(ev.get_running_loop() as BaseEventLoop, this.executorFunction(s.id!, s.body));
      case 'return':
      case 'raise':
        throw new Error('unreachable: handled by body()');
      case 'new_executor':
        return this.executors.make(s);
      case 'set_default_executor':
        return this.executors.setDefault(s);
      case 'shutdown_default_executor':
        return yield* this.executors.shutdownDefault(s);
      case 'runner_new':
        return this.runners.make(s);
      case 'runner_run':
        return (yield* this.runners.run(s, this.coro(s.body), this.contexts.context(s.context))) as Plain;
      case 'runner_get_loop':
        return this.runners.getLoop(s);
      case 'runner_close':
        return yield* this.runners.close(s);
      case 'run_coroutine_threadsafe':
      case 'cfuture_call':
      case 'wrap_future':
        return threadsafeStatement(rt, this.vars, s, (body) => this.coro(body));
      case 'task_name':
      case 'set_task_name':
        return nameStatement(this.vars, s);
      case 'runner_with':
        return yield* this.runners.with(s, () => this.runSync(s.body));
    }
  }

  /** A callback for call_soon & co: runs the body; its errors go to the loop's handler. */
  private callback(body: Stmt[]): () => Blocking<Plain> {
    return () => this.runSync(body);
  }

  /** The function given to run_in_executor: its statements are traced in `exec:<id>`. */
  private executorFunction(id: string, body: Stmt[]): () => Blocking<Plain> {
    const self = this;
    return function* () {
      const t = self.rt.world.currentThread;
      const saved = self.context.get(t);
      self.context.set(t, `exec:${id}`);
      try {
        return yield* self.runSync(body);
      } finally {
        if (saved === undefined) self.context.delete(t);
        else self.context.set(t, saved);
      }
    };
  }

  private record(s: Stmt): void {
    const t = this.rt.world.currentThread;
    const ctx = this.context.get(t) ?? t.name;
    let ids = this.order[ctx];
    if (ids === undefined) {
      ids = [];
      this.order[ctx] = ids;
    }
    ids.push(s.id!);
  }
}
