/**
 * contextvars (CTX-1): Context, ContextVar, copy_context, and asyncio.to_thread (threads.py)
 * which carries a copy of the caller's context into the executor. Each thread has a current
 * context: its own, empty when the thread starts (threading.Thread in 3.8 to 3.13; 3.14's
 * GIL build by default), or the one Context.run entered.
 */
import { PyError } from './errors.ts';
import type { BaseEventLoop } from './base_events.ts';
import type { Future } from './futures.ts';
import { isGenerator, type Blocking, type World } from './world.ts';

/** The key of a thread's current context in its thread-local storage. */
const CURRENT = {};

/** contextvars.Context: a mapping of ContextVar to value, entered by run(). */
export class Context {
  _entered = false;
  constructor(readonly _vars: Map<ContextVar, unknown> = new Map()) {}

  /** Context.copy(): a new context with the same values; later sets in either stay there. */
  copy(): Context {
    return new Context(new Map(this._vars));
  }

  /** Context.run(fn): fn with this context current in the calling thread, then the one before again. */
  *run<R>(world: World, fn: () => R | Blocking<R>): Blocking<R> {
    // Stryker disable next-line ConditionalExpression,StringLiteral: not compared: a context entered twice (one context given to two loops' threads, a race; an eager task in the context it runs in) is left out by CTX-1's rationale (the oracle's OutOfModel) (the killed mutants of this line are ignored with it)
    if (this._entered) throw new PyError('RuntimeError', 'cannot enter context: <Context> is already entered');
    const tls = world.currentThread.tls as Map<object, unknown>;
    const prev = tls.get(CURRENT);
    tls.set(CURRENT, this);
    // Stryker disable next-line BooleanLiteral: not compared: read only by the check above, for a context entered twice, which CTX-1's rationale leaves out
    this._entered = true;
    try {
      const r = fn();
      return isGenerator(r) ? yield* r as Blocking<R> : (r as R);
    } finally {
      this._entered = false;
      // A blocking fn may have let other threads run: this thread's storage is still its own.
      // Stryker disable next-line ConditionalExpression: equivalent: tls.set(CURRENT, undefined) and tls.delete(CURRENT) read the same: current_context and World.fork's copy both see no Context and make an empty one (the killed mutants of this line are ignored with it)
      if (prev === undefined) tls.delete(CURRENT);
      else tls.set(CURRENT, prev);
    }
  }
}

/** The calling thread's current context: its own (made empty at its first use), or the one entered. */
export function current_context(world: World): Context {
  const tls = world.currentThread.tls as Map<object, unknown>;
  let ctx = tls.get(CURRENT) as Context | undefined;
  if (!(ctx instanceof Context)) {
    // A fork child's thread storage holds shallow copies of its parent's values (World.fork):
    // the child goes on in a context of its own with the same values (os.fork copies memory).
    ctx = new Context(new Map((ctx as { _vars?: Map<ContextVar, unknown> } | undefined)?._vars));
    tls.set(CURRENT, ctx);
  }
  return ctx;
}

/** contextvars.copy_context() */
export function copy_context(world: World): Context {
  return current_context(world).copy();
}

/** contextvars.ContextVar(name, default=...) */
export class ContextVar {
  constructor(
    readonly name: string,
    readonly _default: unknown,
  ) {}

  get(world: World): unknown {
    const vars = current_context(world)._vars;
    return vars.has(this) ? vars.get(this) : this._default;
  }

  /** Sets the value in the current context only (the token is not modelled). */
  set(world: World, value: unknown): void {
    current_context(world)._vars.set(this, value);
  }
}

/** `context=C` passed to call_soon & co, after the callback's arguments (a keyword argument in Python). */
export class ContextArg {
  constructor(readonly context: Context) {}
}

/** Handle.__init__: the context given by context=, else a copy of the current one; and the callback's own arguments. */
export function handleContext(world: World, args: unknown[]): { context: Context; args: unknown[] } {
  const last = args[args.length - 1];
  // Stryker disable next-line MethodExpression,UnaryOperator: not in any trace: only the program's callbacks are given context=, and they take no arguments (call_soon(cb, *args) is not in the language)
  if (last instanceof ContextArg) return { context: last.context, args: args.slice(0, -1) };
  return { context: copy_context(world), args };
}

/** threads.py to_thread (3.9+): `loop.run_in_executor(None, functools.partial(ctx.run, func))`, ctx a copy of the caller's context. */
export function to_thread<T>(loop: BaseEventLoop, func: () => T | Blocking<T>): Future<T> {
  const world = loop._rt.world;
  const ctx = copy_context(world);
  return loop.run_in_executor(null, () => ctx.run(world, func));
}
