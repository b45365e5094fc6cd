/**
 * The program's exception handlers (ERR-1), as the Python driver's recorder makes them: a
 * body becomes `def handler(loop, context)`, named by the set_exception_handler statement that
 * made it; handler_context reads the innermost call in its thread.
 */
import type { Plain } from '../../language/program.ts';
import {
  type BaseEventLoop,
  type Blocking,
  type Coro,
  type ExceptionContext,
  type ExceptionHandler,
  PyError,
  type Runtime,
  type TaskFactory,
  type Thread,
} from '../../reference/index.ts';

export class ExceptionHandlers {
  /** The statement that set each handler (get_exception_handler's observation). */
  private readonly ids = new WeakMap<object, string>();
  /** The handler calls in progress in each thread, innermost last. */
  private readonly calls = new Map<Thread, Array<[BaseEventLoop, ExceptionContext]>>();

  constructor(private readonly rt: Runtime) {}

  /** The handler of statement `id`, whose body `run` runs. */
  make(id: string, run: () => Blocking<Plain>): ExceptionHandler {
    const self = this;
    const h = function* (loop: BaseEventLoop, context: ExceptionContext): Blocking<Plain> {
      const t = self.rt.world.currentThread;
      const calls = self.calls.get(t) ?? [];
      self.calls.set(t, calls);
      calls.push([loop, context]);
      try {
        return yield* run();
      } finally {
        calls.pop();
      }
    };
    this.ids.set(h, id);
    return h;
  }

  /** get_exception_handler()'s observation: None, or the id of the statement that set it. */
  name(h: ExceptionHandler | null): string | null {
    return h === null ? null : (this.ids.get(h) ?? 'other');
  }

  /** handler_context(key): what the innermost handler call of this thread was given. */
  context(key: 'loop' | 'keys' | 'message' | 'exception'): unknown {
    const calls = this.calls.get(this.rt.world.currentThread);
    const call = calls?.[calls.length - 1];
    if (!call) throw new PyError('LoopspecInvalid', 'handler_context outside an exception handler');
    const [loop, context] = call;
    switch (key) {
      case 'loop':
        return loop;
      case 'keys':
        return Object.keys(context).sort().join(',');
      case 'message':
        return context.message.startsWith('Exception in callback ') ? 'Exception in callback' : context.message;
      case 'exception':
        return context.exception ? `${context.exception.type}: ${context.exception.message}` : null;
    }
  }
}

/**
 * The program's task factories (TFACT-1), as the Python driver's recorder makes them: a body
 * becomes `def factory(loop, coro)` that runs it, then returns `asyncio.Task(coro, loop=loop)`.
 */
export class TaskFactories {
  /** The statement that set each factory (get_task_factory's observation). */
  private readonly ids = new WeakMap<object, string>();

  constructor(private readonly rt: Runtime) {}

  /** The factory of statement `id`, whose body `run` runs. */
  make(id: string, run: () => Blocking<Plain>): TaskFactory {
    const rt = this.rt;
    const f = function* (loop: BaseEventLoop, coro: Coro<unknown>, kwargs?: object): Blocking<unknown> {
      // def factory(loop, coro): a keyword argument (3.14's name=, TASK-6.5) is refused before its body runs.
      if (kwargs !== undefined) throw new PyError('TypeError', `factory() got an unexpected keyword argument '${Object.keys(kwargs)[0]}'`);
      yield* run();
      return new rt.Task(coro, loop);
    };
    this.ids.set(f, id);
    return f;
  }

  /** `asyncio.eager_task_factory`: an AttributeError where the profile has none (before 3.12). */
  eager(): TaskFactory {
    const f = this.rt.tasks.eager_task_factory;
    if (!f) throw new PyError('AttributeError', "module 'asyncio' has no attribute 'eager_task_factory'");
    return f;
  }

  /** get_task_factory()'s observation: None, the id of the statement that set it, 'eager', or 'other'. */
  name(f: TaskFactory | null): string | null {
    if (f === null) return null;
    return f === this.rt.tasks.eager_task_factory ? 'eager' : (this.ids.get(f) ?? 'other');
  }
}
