/**
 * The program's futures (FUT-1), as the Python driver handles them: `create_future` binds the
 * Future and observes None; `future_call` calls one of its methods; the different-loop
 * RuntimeError of an `await` is observed with its reprs as `<task>` and `<future>`.
 */
import type { Plain, Stmt } from '../../language/program.ts';
import { type Blocking, Future, isfuture, PyError } from '../../reference/index.ts';
import { attributeError, tpName } from './values.ts';

/** `F.<method>(...)` of a future_call statement, on `fut` (anything else: the AttributeError). */
export function futureCall(fut: unknown, s: Extract<Stmt, { op: 'future_call' }>, attributeError: (x: unknown) => PyError): unknown {
  if (!(fut instanceof Future)) throw attributeError(fut);
  switch (s.method) {
    case 'get_loop':
      return fut.get_loop();
    case 'done':
      return fut.done();
    case 'result':
      return fut.result() as Plain;
    case 'exception': {
      const e = fut.exception();
      return e === null ? null : `${e.type}: ${e.message}`;
    }
    case 'set_result':
      fut.set_result(s.value ?? null);
      return null;
    case 'set_exception':
      fut.set_exception(new PyError('ValueError', s.message ?? ''));
      return null;
  }
}

const OTHER_LOOP = /^Task <.*> got Future <.*> attached to a different loop$/s;

/** An error observation's message: the different-loop error's reprs as `<task>`, `<future>` (language/program.ts `await`). */
export function errorText(e: PyError): string {
  if (e.type === 'RuntimeError' && OTHER_LOOP.test(e.message)) return 'Task <task> got Future <future> attached to a different loop';
  return e.message;
}

/** `F.add_done_callback(fn)`: observes None; anything but a future: the AttributeError. */
export function addDoneCallback(f: unknown, fn: () => Blocking<Plain>): null {
  if (!isfuture(f)) throw attributeError(f, 'add_done_callback');
  f.add_done_callback(fn);
  return null;
}

/** What `await X` awaits: a future or a task; anything else: the TypeError. */
export function awaitable(t: unknown): Future<unknown> {
  if (!isfuture(t)) throw new PyError('TypeError', `object ${tpName(t)} can't be used in 'await' expression`);
  return t;
}

/** `task_state(K)`: 'pending', 'done' or 'cancelled'; anything but a future: the AttributeError. */
export function taskState(t: unknown): 'pending' | 'done' | 'cancelled' {
  if (!isfuture(t)) throw attributeError(t, 'cancelled');
  return t.cancelled() ? 'cancelled' : t.done() ? 'done' : 'pending';
}
