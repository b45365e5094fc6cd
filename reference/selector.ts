/**
 * The loop's selector, reduced to its self-pipe: the bytes written to it (`wake()` is
 * `_write_to_self()`, a null byte, called by call_soon_threadsafe; a signal's number, written
 * by the C-level signal handler through the wakeup fd, reference/signal.ts) wait there until the
 * loop's reader of the self-pipe reads them. `select(timeout)` blocks the thread until the
 * self-pipe is readable or the timeout passes, and then, as `_process_events` does with the
 * events select() returns, queues the reader (the Unix loop's `_read_from_self`) when the
 * self-pipe is readable: behind the callbacks already ready, before the timers that come due.
 *
 * Blocking is simulated (see world.ts): while this thread waits, the others run; a finite
 * timeout lets the virtual clock advance to the deadline once every thread is blocked; an
 * infinite one (None) that nothing can end is a deadlock (SimulationHang).
 */
import { Wait, type Blocking, type World } from './world.ts';

export class Selector {
  /** The self-pipe's bytes, not read yet: 0 for a wake-up, a signal's number for a signal. */
  private readonly pipe: number[] = [];
  /** The self-pipe's reader (`_add_reader(ssock, _read_from_self)`): queues it on the loop. */
  private reader: (() => void) | null = null;
  /** `_close_self_pipe()` was called: nothing is written to it any more. */
  private closed = false;
  constructor(private readonly world: World) {}

  /** `_add_reader(self._ssock.fileno(), self._read_from_self)`. */
  add_reader(reader: () => void): void {
    this.reader = reader;
  }

  /** `_write_to_self()`: a null byte. */
  wake(): void {
    this.write(0);
  }

  /** A byte written to the self-pipe (a closed socket takes none). */
  write(byte: number): void {
    if (!this.closed) this.pipe.push(byte);
  }

  /** `self._ssock.recv(4096)` until it would block: every byte there. */
  recv(): number[] {
    return this.pipe.splice(0);
  }

  /** `_close_self_pipe()`: its bytes are gone with it. */
  close(): void {
    this.closed = true;
    this.pipe.length = 0;
  }

  *select(timeout: number | null): Blocking<void> {
    this.world.tick(); // a net for broken variants that would spin forever
    // Stryker disable next-line ConditionalExpression,LogicalOperator: not in any trace: only cross-thread interleaving changes
    if (timeout !== 0 && this.pipe.length === 0) {
      const deadline = timeout === null ? null : this.world.clock.now + timeout;
      // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: not in any trace: hang report text only
      const what = timeout === null ? 'waits in select() with no timeout' : `waits in select(${timeout})`;
      // SCHED-3: other threads run while this one blocks; one of them may wake it.
      yield* this.world.block(new Wait(() => this.pipe.length > 0, deadline, what));
    }
    if (this.pipe.length === 0) return;
    // _process_events: the self-pipe is readable, its reader joins the ready queue (SIG-2.2).
    // A loop without one (none registered it) reads the bytes here.
    if (this.reader) this.reader();
    else this.recv();
  }
}
