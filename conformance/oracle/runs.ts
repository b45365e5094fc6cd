/**
 * The expectations that callbacks, tasks and the program itself ran or ended at all, made
 * once the walk is over (Walk.expectations): each by the rule that scheduled it, not by the
 * rules of the statements it ran.
 */
import type { Expectation } from '../predictions.ts';
import { tag } from '../predictions.ts';
import type { Walk } from './walk.ts';

/** The clause by which a callback runs at all, by how it was scheduled. */
const CALLBACK_RUNS = { soon: 'SCHED-1.2', later: 'SCHED-2.1', threadsafe: 'SCHED-3.1', signal: 'SIG-2.1' } as const;

/** The ran and terminates expectations of a finished walk, given its other expectations `all`. */
export function runsAndEnds(walk: Walk, all: Expectation[]): Expectation[] {
  const out: Expectation[] = [];
  // That a callback or a task ran at all is how it was scheduled, not what it does: where the
  // model ran a statement of its body that is checked anyway (its outcome), the rule that
  // queued it says it runs, so that one never run blames the queue, not that statement's rule.
  // A mark whose order is checked counts too.
  const checked = new Set(all.flatMap((x) => (x.kind === 'outcome' ? [x.stmt] : x.kind === 'order' ? x.expected : [])));
  const firstChecked = (body: string[]) => body.find((id) => checked.has(id) && id in walk.timeline.start);
  for (const { body, via, loop, at } of walk.callbacksRun) {
    const stmt = firstChecked(body);
    if (!stmt) continue;
    out.push({ ...tag(at ? 'TIME-1.3' : CALLBACK_RUNS[via]), kind: 'ran', stmt, expected: true });
    // Before its loop stopped or not: which iteration queued it is the round robin's where tasks slept(0).
    if (walk.orderings.slept0(loop)) out.push({ ...tag('TASK-5.2'), condition: true, kind: 'ran', stmt, expected: true });
    // A due timer runs from the ready queue: whether it got there in time is the queue's (SCHED-1).
    if (via === 'later') out.push({ ...tag('SCHED-1.2'), condition: true, kind: 'ran', stmt, expected: true });
  }
  // A task's first step is queued like a call_soon callback (TASK-1.3, with the queue as its condition).
  for (const { body, task } of walk.taskBodies) {
    const stmt = firstChecked(body);
    if (!stmt) continue;
    out.push({ ...tag('TASK-1.3'), kind: 'ran', stmt, expected: true });
    // Cancelled in a race with a sleep(0) (cancellation.ts): that its first step came before the cancel is the round robin's.
    const queue = task.cancelRaced ? 'TASK-5.2' : 'SCHED-1.2';
    out.push({ ...tag(queue), condition: true, kind: 'ran', stmt, expected: true });
  }
  // That the program ends is a condition of the statement a hang leaves in flight: a loop
  // that waits for a wake-up from another thread (a callback sent, an executor job done)
  // hangs in whatever statement ran it, and the wake-up is to blame unless that statement's
  // rule hangs on its own.
  // An executor job's result comes back the same way: asyncio.futures._chain_future calls
  // the loop's call_soon_threadsafe (CPython 3.8 to 3.14).
  if (walk.threadsafeFromOtherThread || walk.executorUsed) out.push({ ...tag('SCHED-3.1'), condition: true, kind: 'terminates' });
  // A job that never runs hangs whatever awaits it; one seen to start ran (its result comes
  // back through call_soon_threadsafe, above). An empty job shows nothing of its run.
  if (walk.executorUsed) {
    const jobs = walk.executorJobs.flatMap(([submit, first]): Array<[string, string]> => (first === undefined ? [] : [[submit, first]]));
    const seen = jobs.length === walk.executorJobs.length ? { jobs } : {};
    out.push({ ...tag('EXEC-1.1'), condition: true, kind: 'terminates', ...seen });
  }
  return out;
}
