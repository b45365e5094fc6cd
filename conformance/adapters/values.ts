/**
 * What the reference's interpreter (interpreter.ts) reports of Python objects, as the Python
 * recorder does: the ids of loops, tasks and policies in a trace, the type names in C-level
 * messages, and warnings with their pids normalised.
 */
import { AbstractEventLoopPolicy, BaseEventLoop, PyError, type PyWarning, Task } from '../../reference/index.ts';
import type { Value } from '../../language/trace.ts';

/** Whether a statement's value is an object a later statement may name (`as`). */
export function isObject(v: unknown): boolean {
  return v instanceof BaseEventLoop || v instanceof Task || v instanceof AbstractEventLoopPolicy;
}

/** A trace's values: plain ones as they are, objects as `{obj, id}` with one id per object. */
export class Values {
  private readonly ids = new Map<object, string>();

  of(v: unknown): Value {
    if (v === null || v === undefined) return null;
    if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
    const kind = v instanceof BaseEventLoop ? 'loop' : v instanceof Task ? 'task' : v instanceof AbstractEventLoopPolicy ? 'policy' : null;
    if (kind === null) throw new Error(`loopspec: cannot report value ${String(v)}`);
    let id = this.ids.get(v);
    if (id === undefined) {
      id = `${kind}-${this.ids.size + 1}`;
      this.ids.set(v, id);
    }
    return { obj: kind, id };
  }
}

/** The multi-threaded-fork warning carries a pid: traces show it as `pid=<pid>`. */
export function normalizeWarning(w: PyWarning): PyWarning {
  return { category: w.category, message: w.message.replace(/pid=\d+/g, 'pid=<pid>') };
}

/** Py_TYPE(x)->tp_name, as C-level messages print it. */
export function tpName(x: unknown): string {
  if (x instanceof Task) return '_asyncio.Task';
  if (x instanceof BaseEventLoop) return '_UnixSelectorEventLoop';
  return x === null ? 'NoneType' : typeof x === 'number' ? 'int' : typeof x === 'string' ? 'str' : 'object';
}

export function attributeError(x: unknown, attr: string): PyError {
  return new PyError('AttributeError', `'${tpName(x)}' object has no attribute '${attr}'`);
}
