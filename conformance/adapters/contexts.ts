/**
 * The program's context variable (CTX-1), as the Python driver has it: one module-level
 * `var = contextvars.ContextVar('var', default=0)`, contexts from copy_context() bound to
 * program variables and passed as context=, and asyncio.to_thread (3.9+).
 */
import type { Plain } from '../../language/program.ts';
import {
  type BaseEventLoop,
  type Blocking,
  Context,
  ContextArg,
  ContextVar,
  copy_context,
  PyError,
  type Runtime,
  to_thread,
  type YieldItem,
} from '../../reference/index.ts';
import type { Variables } from './variables.ts';

export class ProgramContexts {
  /** `var`, the program's one ContextVar. */
  private readonly var = new ContextVar('var', 0);

  constructor(
    private readonly rt: Runtime,
    private readonly vars: Variables,
  ) {}

  set(value: number): null {
    this.var.set(this.rt.world, value);
    return null;
  }

  get(): unknown {
    return this.var.get(this.rt.world);
  }

  /** `C = contextvars.copy_context()`: bound, never observed. */
  copy(as: string | undefined): null {
    if (as !== undefined) this.vars.set(as, copy_context(this.rt.world));
    return null;
  }

  /** The context bound to `name`, as create_task's context= (read before the call). */
  context(name: string | undefined): Context | null {
    if (name === undefined) return null;
    const c = this.vars.lookup(name);
    if (!(c instanceof Context)) throw new PyError('TypeError', 'an instance of Context was expected');
    return c;
  }

  /** call_soon & co's extra arguments: context=C where the statement gives one. */
  kw(name: string | undefined): unknown[] {
    const c = this.context(name);
    return c === null ? [] : [new ContextArg(c)];
  }

  /** `await asyncio.to_thread(fn)`: an AttributeError where the profile has none (3.8). */
  *toThread(loop: BaseEventLoop, fn: () => Blocking<Plain>): Generator<YieldItem, unknown, unknown> {
    if (!this.rt.sw.toThread) throw new PyError('AttributeError', "module 'asyncio' has no attribute 'to_thread'");
    return yield* to_thread(loop, fn).await();
  }
}
