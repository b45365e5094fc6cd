/**
 * Asynchronous generators and the loop's hooks for them (AGEN-1): `sys.get_asyncgen_hooks()`
 * per thread, an asynchronous generator `async def agen(): try: yield None / finally: <body>`,
 * and BaseEventLoop's `_asyncgen_firstiter_hook`, `_asyncgen_finalizer_hook`,
 * `shutdown_asyncgens` (CPython asyncio/base_events.py, the same in 3.8 to 3.13).
 *
 * Left out: finalization by the garbage collector (the finalizer hook runs when a generator
 * is collected: the program keeps every generator it makes until it ends, so it never runs).
 */
import type { BaseEventLoop } from './base_events.ts';
import { PyError } from './errors.ts';
import type { Coro, Future } from './futures.ts';
import type { Runtime } from './index.ts';
import type { Thread } from './world.ts';

/** `sys.get_asyncgen_hooks()`: (firstiter, finalizer), with the loop whose methods they are. */
export interface AsyncgenHooks {
  firstiter: ((agen: AsyncGenerator) => void) | null;
  finalizer: ((agen: AsyncGenerator) => void) | null;
  /** The loop both hooks are bound methods of (`__self__`), if they are a loop's. */
  loop: BaseEventLoop | null;
}

const NO_HOOKS: AsyncgenHooks = { firstiter: null, finalizer: null, loop: null };

/** The hooks are per thread (the thread state's async_gen_firstiter and async_gen_finalizer). */
const threadHooks = new WeakMap<Thread, AsyncgenHooks>();

export function get_asyncgen_hooks(rt: Runtime): AsyncgenHooks {
  return threadHooks.get(rt.world.currentThread) ?? NO_HOOKS;
}

export function set_asyncgen_hooks(rt: Runtime, hooks: AsyncgenHooks): void {
  threadHooks.set(rt.world.currentThread, hooks);
}

/** What BaseEventLoop keeps of async generators: `_asyncgens` (a WeakSet) and `_asyncgens_shutdown_called`. */
interface LoopAsyncgens {
  asyncgens: Set<AsyncGenerator>;
  shutdownCalled: boolean;
}

const loops = new WeakMap<BaseEventLoop, LoopAsyncgens>();

function of(loop: BaseEventLoop): LoopAsyncgens {
  let a = loops.get(loop);
  if (!a) {
    a = { asyncgens: new Set(), shutdownCalled: false };
    loops.set(loop, a);
  }
  return a;
}

/** _run_forever_setup: installs the loop's hooks, returns the thread's previous ones (AGEN-1.1). */
export function installHooks(rt: Runtime, loop: BaseEventLoop): AsyncgenHooks {
  const old = get_asyncgen_hooks(rt);
  set_asyncgen_hooks(rt, loopHooks(rt, loop));
  return old;
}

/** _run_forever_cleanup: `if self._old_agen_hooks is not None: sys.set_asyncgen_hooks(*old)` (3.13's test; up to 3.12 always set). */
export function restoreHooks(rt: Runtime, old: AsyncgenHooks | null): null {
  if (old !== null) set_asyncgen_hooks(rt, old);
  return null;
}

/** The hooks run_forever installs (`firstiter=self._asyncgen_firstiter_hook, finalizer=self._asyncgen_finalizer_hook`). */
function loopHooks(rt: Runtime, loop: BaseEventLoop): AsyncgenHooks {
  return {
    firstiter: (agen) => {
      // AGEN-1.2: a generator first iterated after shutdown_asyncgens was called warns, and is kept.
      if (of(loop).shutdownCalled)
        rt.warnings.warn('ResourceWarning', 'asynchronous generator <agen> was scheduled after loop.shutdown_asyncgens() call');
      of(loop).asyncgens.add(agen);
    },
    // Stryker disable next-line all: not in any trace: the finalizer runs only when a generator is collected (left out)
    finalizer: (agen) => {
      of(loop).asyncgens.delete(agen);
      // Stryker disable next-line all: not in any trace: the finalizer runs only when a generator is collected (left out: nothing calls it)
      if (!loop.is_closed()) loop.call_soon_threadsafe(() => loop.create_task(agen.aclose()));
    },
    loop,
  };
}

/** `async def agen(): try: yield None / finally: <finally_>` */
export class AsyncGenerator {
  /** 'created' (not started), 'suspended' (at the yield), 'running' (in its finally), 'closed'. */
  state: 'created' | 'suspended' | 'running' | 'closed' = 'created';
  private hooksInited = false;

  constructor(
    private readonly rt: Runtime,
    private readonly finally_: () => Coro<unknown>,
  ) {}

  /** async_gen_init_hooks: on the first __anext__, asend, athrow or aclose, the thread's hooks. */
  private initHooks(): void {
    if (this.hooksInited) return;
    this.hooksInited = true;
    // (ag_finalizer is kept too: it runs only when the generator is collected, left out)
    get_asyncgen_hooks(this.rt).firstiter?.(this);
  }

  /** `await agen.__anext__()`: None at the yield; then the finally runs and StopAsyncIteration. */
  *__anext__(): Coro<unknown> {
    this.initHooks();
    // Stryker disable next-line ConditionalExpression,StringLiteral: not compared: a generator runs only inside its finally, so stepping it then takes a finally that suspends or awaits its own generator, which AGEN-1 leaves out (its rationale; the oracle's OutOfModel) (the killed mutants of this line are ignored with it)
    if (this.state === 'running') throw new PyError('RuntimeError', 'anext(): asynchronous generator is already running');
    if (this.state === 'created') {
      this.state = 'suspended';
      return null;
    }
    if (this.state === 'suspended') yield* this.runFinally();
    throw new PyError('StopAsyncIteration', '');
  }

  /** `await agen.aclose()`: GeneratorExit at the yield, so the finally runs; nothing when not started or done. */
  *aclose(): Coro<void> {
    this.initHooks();
    // Stryker disable next-line ConditionalExpression,StringLiteral: not compared: aclose is called by shutdown_asyncgens only, and a generator runs only inside its finally, so closing it then takes a finally that suspends, which AGEN-1 leaves out (its rationale; the oracle's OutOfModel) (the killed mutants of this line are ignored with it)
    if (this.state === 'running') throw new PyError('RuntimeError', 'aclose(): asynchronous generator is already running');
    if (this.state === 'suspended') yield* this.runFinally();
    this.state = 'closed';
  }

  private *runFinally(): Coro<void> {
    this.state = 'running';
    try {
      yield* this.finally_();
    } finally {
      this.state = 'closed';
    }
  }
}

/** BaseEventLoop.shutdown_asyncgens (AGEN-1.3): close every generator this loop's hook kept, in tasks. */
export function* shutdown_asyncgens(rt: Runtime, loop: BaseEventLoop): Coro<void> {
  const a = of(loop);
  a.shutdownCalled = true;
  // No generator alive: return at once, without yielding to the loop.
  if (a.asyncgens.size === 0) return;
  const closing_agens = [...a.asyncgens];
  a.asyncgens.clear();
  // gather(*[ag.aclose() for ag in closing_agens], return_exceptions=True): each in a task.
  const children: Future<unknown>[] = [];
  for (const ag of closing_agens) children.push((yield* loop.create_task(ag.aclose())) as Future<unknown>);
  const results = yield* rt.tasks.gather_return_exceptions(children).await();
  // Stryker disable next-line BlockStatement: not compared: every aclose in the model returns None; a finally that raises (its error to the exception handler) is left out by AGEN-1's rationale
  for (const [i, result] of results.entries()) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral,BlockStatement: not compared: every aclose in the model returns None; a finally that raises (its error to the exception handler) is left out by AGEN-1's rationale (the killed mutants of this line are ignored with it)
    if (result instanceof PyError && result.type !== 'CancelledError') {
      yield* loop.call_exception_handler({
        // Stryker disable next-line StringLiteral: not compared: a finally that raises is left out by AGEN-1's rationale (the message also names the generator's repr, an address)
        message: `an error occurred during closing of asynchronous generator ${String(closing_agens[i])}`,
        exception: result,
      });
    }
  }
}
