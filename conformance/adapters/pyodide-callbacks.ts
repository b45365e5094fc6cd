/**
 * The WebLoop's callbacks, per program, for the Pyodide adapter (pyodide.ts): every callback
 * Pyodide's scheduleCallback gets is known by its program, so a reset can clear those an
 * earlier program left queued.
 */
import { describeThrown, fatalOf } from './pyodide-errors.ts';

export type PyCallable = ((...args: unknown[]) => unknown) & { callPromising(...args: unknown[]): Promise<unknown>; destroy?(): void };
export type Schedule = (callback: PyCallable, delayMs: number) => void;

/** A callback the WebLoop handed to scheduleCallback: which program's, and how to unschedule it. */
interface Queued {
  generation: number;
  clear: () => void;
  callback: PyCallable;
  /** Called already (running, if it is still live: suspended in run_until_complete). */
  fired: boolean;
}

export const isPromise = (v: unknown): v is Promise<unknown> => typeof (v as Promise<unknown> | null)?.then === 'function';

/** Releases a callback Pyodide made for one call (a once-callable) that will not be called now. */
function release(callback: PyCallable): void {
  try {
    callback.destroy?.();
  } catch {
    // already released
  }
}

/** Runs `schedule` and returns a function that clears the Node timers it set (setTimeout, setImmediate). */
function capturingTimers(schedule: () => void): () => void {
  const g = globalThis as unknown as Record<'setTimeout' | 'setImmediate', (...a: unknown[]) => unknown>;
  const { setTimeout: st, setImmediate: si } = g;
  const clears: Array<() => void> = [];
  g.setTimeout = (...a) => {
    const h = st(...a) as NodeJS.Timeout;
    clears.push(() => clearTimeout(h));
    return h;
  };
  g.setImmediate = (...a) => {
    const h = si(...a) as NodeJS.Immediate;
    clears.push(() => clearImmediate(h));
    return h;
  };
  try {
    schedule();
  } finally {
    g.setTimeout = st;
    g.setImmediate = si;
  }
  return () => {
    for (const c of clears) c();
  };
}

/**
 * The WebLoop's callbacks, per program (a generation): which are still to run or running (a
 * callback that blocks in run_until_complete is suspended, with JSPI), and who waits for none.
 */
export class Callbacks {
  generation = 0;
  private live = new Set<Queued>();
  private waiters: Array<() => void> = [];
  /** What went wrong in a callback that Pyodide let out into JavaScript, for the program's trace. */
  failure: string | undefined;
  /** Pyodide's end (its runtime's exit, a fatal error) a callback let out, if one did (whichever program's it was). */
  fatal: string | undefined;

  constructor(
    private original: Schedule,
    private errnoNames: Readonly<Record<string, number>> = {},
  ) {}

  readonly schedule: Schedule = (callback, delayMs) => {
    const q: Queued = { generation: this.generation, clear: () => {}, callback, fired: false };
    this.live.add(q);
    const done = () => {
      this.live.delete(q);
      if (this.live.size === 0) for (const w of this.waiters.splice(0)) w();
    };
    const failed = (how: string, e: unknown) => {
      this.fatal ??= fatalOf(e);
      if (q.generation === this.generation) this.failure ??= `a WebLoop callback ${how}: ${describeThrown(e, this.errnoNames)}`;
      done();
    };
    const fire = () => {
      if (q.generation !== this.generation) return release(callback);
      q.fired = true;
      let result: unknown;
      try {
        result = callback();
      } catch (e) {
        return failed('raised into JavaScript', e);
      }
      if (isPromise(result)) result.then(done, (e: unknown) => failed('failed', e));
      else done();
    };
    q.clear = capturingTimers(() => this.original(fire as unknown as PyCallable, delayMs));
  };

  /** A new program: what earlier ones queued is cleared (a suspended callback is left suspended, uncounted). */
  next(): void {
    this.generation++;
    this.failure = undefined;
    for (const q of this.live) {
      q.clear();
      if (!q.fired) release(q.callback);
    }
    this.live.clear();
  }

  /** Resolves true once no callback of this program is queued or running, false at `deadline` (ms, performance.now()). */
  async idle(deadline: number): Promise<boolean> {
    for (;;) {
      if (this.live.size === 0) {
        // one more turn of the event loop: a callback may still be on its way (a promise's reaction)
        await new Promise((r) => setImmediate(r));
        if (this.live.size === 0) return true;
      }
      const left = deadline - performance.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((r) => {
        this.waiters.push(r);
        timer = setTimeout(r, left);
      });
      clearTimeout(timer);
    }
  }

  pending(): number {
    return this.live.size;
  }
}
