/**
 * The program's asynchronous generators (AGEN-1), as the Python driver handles them:
 * `async_gen` binds the generator and observes None; `agen_next` awaits its `__anext__()`;
 * `asyncgen_hooks` observes the loop whose hooks the thread has, None, or 'other'.
 */
import { AsyncGenerator, get_asyncgen_hooks } from '../../reference/asyncgens.ts';
import type { Coro, PyError, Runtime } from '../../reference/index.ts';

/** `make_agen(finally_)`: the generator over the finally body. */
export function makeAgen(rt: Runtime, finally_: () => Coro<unknown>): AsyncGenerator {
  return new AsyncGenerator(rt, finally_);
}

/** `await G.__anext__()` (anything but a generator: the AttributeError). */
export function* agenNext(g: unknown, attributeError: (x: unknown) => PyError): Coro<unknown> {
  if (!(g instanceof AsyncGenerator)) throw attributeError(g);
  return yield* g.__anext__();
}

/** `asyncgen_hooks(sys.get_asyncgen_hooks())` */
export function asyncgenHooks(rt: Runtime): unknown {
  const h = get_asyncgen_hooks(rt);
  if (h.firstiter === null && h.finalizer === null) return null;
  return h.loop ?? 'other';
}
