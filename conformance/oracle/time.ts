/**
 * The loop's clock (TIME-1). CPython's loop.time() is real monotonic time, so the language
 * observes relations only (language/program.ts): a read against the thread's previous read of
 * that clock (TIME-1.1), a timer's when() against how it was made (TIME-1.2), and, in a timer's
 * own callback, that it is due (TIME-1.3). Each holds exactly, whatever the machine's speed.
 */
import { OutOfModel } from './state.ts';
import type { ClauseTags, StmtOf, Walk, Where } from './walk.ts';

/** `L.time()`: never earlier than this thread's previous read of L's clock (TIME-1.1). */
export function loopTime(walk: Walk, s: StmtOf<'loop_time'>, tags: ClauseTags): string {
  walk.guards.loopVar(s.loop, 'loop_time');
  tags.outcome.push('TIME-1.1');
  return 'not earlier';
}

/** `H.when()`: the w given to call_at, or call_later's time() + delay read during the call (TIME-1.2). */
export function timerWhen(walk: Walk, s: StmtOf<'timer_when'>, tags: ClauseTags): string {
  const handle = walk.guards.handleVar(s.handle, 'timer_when');
  const made = walk.handles.get(handle);
  if (made?.via !== 'later') throw new OutOfModel('when() of a handle that is not a timer');
  tags.outcome.push('TIME-1.2');
  // That call_later made a timer at all (not a ready callback) is SCHED-2.1's.
  if (!made.at) tags.conditions.push('SCHED-2.1');
  return 'deadline';
}

/** In a timer's own callback: `L.time() + resolution > H.when()` (TIME-1.3). */
export function timerDue(walk: Walk, s: StmtOf<'timer_due'>, tags: ClauseTags, where?: Where): boolean {
  const handle = walk.guards.handleVar(s.handle, 'timer_due');
  const made = walk.handles.get(handle);
  if (made?.via !== 'later') throw new OutOfModel('timer_due of a handle that is not a timer');
  // Elsewhere, whether real time has reached the deadline depends on the machine's speed.
  if (where?.handle !== handle) throw new OutOfModel('timer_due outside its own callback');
  tags.outcome.push('TIME-1.3');
  if (!made.at) tags.conditions.push('SCHED-2.1');
  return true;
}
