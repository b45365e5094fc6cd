/**
 * run_coroutine_threadsafe and wrap_future (RCT-1), as the Python driver handles them: the
 * concurrent future is bound, never observed; `cfuture_call` reads it without waiting
 * (`result(timeout=0)`); `wrap_future` observes 'same' when it returns its argument itself.
 */
import type { Plain, Stmt } from '../../language/program.ts';
import { type BaseEventLoop, type Coro, ConcurrentFuture, type PyError, type Runtime } from '../../reference/index.ts';
import { attributeError } from './values.ts';
import type { Variables } from './variables.ts';

type StmtOf<O extends Stmt['op']> = Extract<Stmt, { op: O }>;

/** `CF = asyncio.run_coroutine_threadsafe(coro, L)`: binds CF (through `bind`), observes None. */
export function runCoroutineThreadsafe(rt: Runtime, loop: BaseEventLoop, coro: unknown, bind: (cf: ConcurrentFuture) => void): null {
  bind(rt.tasks.run_coroutine_threadsafe(coro, loop));
  return null;
}

/** `CF.<method>()`, never waiting; anything but a concurrent future: the AttributeError. */
export function cfutureCall(cf: unknown, s: StmtOf<'cfuture_call'>, attributeError: (x: unknown) => PyError): unknown {
  if (!(cf instanceof ConcurrentFuture)) throw attributeError(cf);
  switch (s.method) {
    case 'done':
      return cf.done();
    case 'cancelled':
      return cf.cancelled();
    case 'cancel':
      return cf.cancel();
    case 'result':
      return cf.result(0) as Plain;
    case 'exception': {
      const e = cf.exception(0);
      return e === null ? null : `${e.type}: ${e.message}`;
    }
  }
}

/** `F = asyncio.wrap_future(X, loop=L)`: 'same' when X itself comes back, else None; binds F. */
export function wrapFuture(rt: Runtime, given: unknown, loop: BaseEventLoop, bind: (f: unknown) => void): string | null {
  const f = rt.asyncio.wrap_future(given as ConcurrentFuture, loop);
  bind(f);
  return f === given ? 'same' : null;
}

/** One RCT-1 statement: run_coroutine_threadsafe, cfuture_call or wrap_future. */
export function threadsafeStatement(
  rt: Runtime,
  vars: Variables,
  s: StmtOf<'run_coroutine_threadsafe' | 'cfuture_call' | 'wrap_future'>,
  coro: (body: Stmt[]) => Coro<Plain>,
): unknown {
  const bind = (x: unknown) => ('as' in s && s.as !== undefined ? vars.set(s.as, x) : undefined);
  switch (s.op) {
    case 'run_coroutine_threadsafe':
      return runCoroutineThreadsafe(rt, vars.loop(s.loop, 'call_soon_threadsafe'), s.arg !== undefined ? s.arg : coro(s.body), bind);
    case 'cfuture_call':
      return cfutureCall(vars.lookup(s.future), s, (x) => attributeError(x, s.method));
    case 'wrap_future': {
      const given = s.arg !== undefined ? s.arg : s.future !== undefined ? vars.lookup(s.future) : null;
      return wrapFuture(rt, given, vars.loop(s.loop, 'create_future'), bind);
    }
  }
}
