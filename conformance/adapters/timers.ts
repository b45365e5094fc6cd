/**
 * The loop's clock (TIME-1), as the Python driver's recorder observes it: loop_time as its
 * relation to this thread's previous read of that loop's clock, timer_when as the relation of
 * when() to how the handle was made (the w given to call_at, or [t0 + delay, t1 + delay] with
 * t0 and t1 read around call_later), timer_due as `loop.time() + resolution > when()`.
 */
import { type BaseEventLoop, PyError, type Runtime, type Thread, type TimerHandle } from '../../reference/index.ts';

export class Timers {
  /** The last read of each loop's clock, by thread. */
  private readonly reads = new Map<Thread, Map<BaseEventLoop, number>>();
  /** What timer_when and timer_due compare each handle with. */
  private readonly made = new WeakMap<TimerHandle, { loop: BaseEventLoop; low: number; high: number }>();

  constructor(private readonly rt: Runtime) {}

  loopTime(loop: BaseEventLoop): string {
    const t = loop.time();
    const thread = this.rt.world.currentThread;
    const reads = this.reads.get(thread) ?? new Map<BaseEventLoop, number>();
    this.reads.set(thread, reads);
    const last = reads.get(loop);
    reads.set(loop, t);
    return last !== undefined && t < last ? 'earlier' : 'not earlier';
  }

  callLater(loop: BaseEventLoop, delay: number, cb: () => unknown, ...kw: unknown[]): TimerHandle {
    const t0 = loop.time();
    const h = loop.call_later(delay, cb, ...kw);
    this.made.set(h, { loop, low: t0 + delay, high: loop.time() + delay });
    return h;
  }

  callAt(loop: BaseEventLoop, delay: number, cb: () => unknown): TimerHandle {
    const w = loop.time() + delay;
    const h = loop.call_at(w, cb);
    this.made.set(h, { loop, low: w, high: w });
    return h;
  }

  when(h: TimerHandle): string {
    const when = h.when();
    const m = this.made.get(h);
    if (!m) return 'other';
    return when < m.low ? 'early' : when > m.high ? 'late' : 'deadline';
  }

  due(h: TimerHandle): boolean {
    const m = this.made.get(h);
    if (!m) throw new PyError('LoopspecInvalid', 'timer_due of a handle not made by call_later or call_at');
    // The clock's resolution (the recorder's time.get_clock_info('monotonic').resolution), not
    // the loop's _clock_resolution: a loop that takes timers early is what this observes.
    return m.loop.time() + 1e-9 > h.when();
  }
}
