/**
 * The program's exception handlers (ERR-1), as the Python driver's recorder makes them: a
 * body becomes `def handler(loop, context)`, named by the set_exception_handler statement that
 * made it; handler_context reads the innermost call in its thread.
 */
import type { Plain } from '../../language/program.ts';
import {
  type BaseEventLoop,
  type Blocking,
  type ExceptionContext,
  type ExceptionHandler,
  PyError,
  type Runtime,
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
