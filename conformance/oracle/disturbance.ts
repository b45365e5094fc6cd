/**
 * 3.13.0's refused run_forever (python/cpython#130145): run_forever checks inside the try
 * whose finally cleans up, so a refusal clears the thread's running loop and the loop's thread
 * while the loop goes on running. Profile 3.13 stops predicting there; another profile's
 * suite sees the damage in what the run does next. Those statements have the refusal (LIFE-2.2,
 * LIFE-3.2, LIFE-4.2: its clause, MLoop.disturbedBy) as condition, so that one deviation is
 * one rule's: the refusal's, not the rule of whichever statement reads the damage first.
 */
import type { Op } from '../../language/program.ts';
import type { Expectation } from '../predictions.ts';
import { tag } from '../predictions.ts';

/**
 * Statements whose outcome reads the thread's running loop or a loop's running thread, which
 * 3.13.0's refused run_forever clears (python/cpython#130145): lookups, is_running, the
 * module functions that find the running loop, runs and their refusals, close (refused on a
 * running loop), the asyncgen hooks the cleanup puts back.
 */
export const READS_RUNNING = new Set<Op>([
  'get_running_loop',
  'peek_running_loop',
  'get_event_loop',
  'is_running',
  'current_task',
  'all_tasks',
  'create_task',
  'sleep',
  'to_thread',
  'asyncio_run',
  'run_until_complete',
  'run_forever',
  'runner_run',
  'close',
  'agen_next',
  'asyncgen_hooks',
]);

/**
 * The conditions a disturbed run adds to expectations `xs` (none where `by`, the refusal's
 * clause, is undefined): each plain expectation again, as a condition of the refusal. Only
 * for statements in READS_RUNNING: a broader condition took the blame of other rules'
 * deviations in the same run (the mutant eager-create-task failed LIFE-4).
 */
export function disturbedConditions(xs: Expectation[], by: string | undefined): Expectation[] {
  if (!by) return [];
  return xs.filter((x) => !x.condition && x.clause !== by).map((x) => ({ ...x, ...tag(by), condition: true as const }));
}
