/**
 * A program's variables: shared by all threads of a process, copied into fork children. A
 * statement that calls a method on a variable of the wrong kind gets the AttributeError
 * Python would give.
 */
import { BaseEventLoop, Handle, PyError, ProcessLocal, TimerHandle, type World } from '../../reference/index.ts';
import { attributeError } from './values.ts';

export class Variables {
  private readonly vars: ProcessLocal<Map<string, unknown>>;

  constructor(w: World) {
    this.vars = new ProcessLocal(
      w,
      () => new Map(),
      (m) => new Map(m),
    );
  }

  set(name: string, value: unknown): void {
    this.vars.value.set(name, value);
  }

  lookup(name: string): unknown {
    const v = this.vars.value;
    if (!v.has(name)) throw new PyError('LoopspecUnbound', name);
    return v.get(name);
  }

  bindHandle(as: string | undefined, h: Handle): void {
    if (as !== undefined) this.set(as, h);
  }

  /** The handle bound to `name`, which the statement calls `method` on. */
  handle(name: string, method: string): Handle {
    const v = this.lookup(name);
    if (!(v instanceof Handle)) throw attributeError(v, method);
    return v;
  }

  /** The TimerHandle bound to `name`, which the statement calls `method` on. */
  timer(name: string, method: string): TimerHandle {
    const v = this.lookup(name);
    if (!(v instanceof TimerHandle)) throw attributeError(v, method);
    return v;
  }

  /** The loop bound to `name`, which the statement calls `method` on. */
  loop(name: string, method: string): BaseEventLoop {
    const v = this.lookup(name);
    if (!(v instanceof BaseEventLoop)) throw attributeError(v, method);
    return v;
  }
}
