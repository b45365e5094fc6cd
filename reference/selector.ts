/**
 * The loop's selector, reduced to its self-pipe: `wake()` is `_write_to_self()` (called by
 * call_soon_threadsafe), `select(timeout)` blocks the thread until woken or timed out.
 *
 * Blocking is simulated (see world.ts): while this thread waits, the others run; a finite
 * timeout lets the virtual clock advance to the deadline once every thread is blocked; an
 * infinite one (None) that nothing can end is a deadlock (SimulationHang).
 */
import { Wait, type Blocking, type World } from './world.ts';

export class Selector {
  /** The self-pipe holds a byte. */
  // Stryker disable next-line BooleanLiteral: equivalent: a full self-pipe at start only adds one empty loop iteration
  private woken = false;
  constructor(private readonly world: World) {}

  wake(): void {
    this.woken = true;
  }

  *select(timeout: number | null): Blocking<void> {
    this.world.tick(); // a net for broken variants that would spin forever
    // Stryker disable next-line ConditionalExpression,LogicalOperator: not in any trace: only cross-thread interleaving changes
    if (timeout !== 0 && !this.woken) {
      const deadline = timeout === null ? null : this.world.clock.now + timeout;
      // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: not in any trace: hang report text only
      const what = timeout === null ? 'waits in select() with no timeout' : `waits in select(${timeout})`;
      // SCHED-3: other threads run while this one blocks; one of them may wake it.
      yield* this.world.block(new Wait(() => this.woken, deadline, what));
    }
    this.woken = false; // the loop reads the self-pipe
  }
}
