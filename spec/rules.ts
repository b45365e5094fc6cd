/**
 * The rule registry: every behavioural rule of the specification, with a stable ID.
 * IDs are GROUP-N and are never reused; a retired rule stays here with `retired: true`.
 *
 * `text` is normative (RFC 2119 keywords). `sources` name where each fact comes from: the
 * Python docs, PEP 3156, the CPython function and version that implements it, or a recorded
 * run of a real interpreter. `versions` notes how other CPython versions differ, where known.
 */

export type RuleGroup = 'POL' | 'GET' | 'RUN' | 'NEW' | 'LIFE' | 'THR' | 'TASK' | 'SCHED' | 'EXEC' | 'ARUN' | 'FORK';

export interface Rule {
  id: string;
  group: RuleGroup;
  title: string;
  text: string;
  rationale: string;
  sources: string[];
  versions: string;
  retired?: boolean;
}

export const GROUP_TITLES: Record<RuleGroup, string> = {
  POL: 'The event loop policy',
  GET: 'asyncio.get_event_loop',
  RUN: 'The running loop',
  NEW: 'new_event_loop and set_event_loop',
  LIFE: 'Loop lifecycle',
  THR: 'A loop per worker thread',
  TASK: 'Coroutines and tasks',
  SCHED: 'Callback scheduling',
  EXEC: 'run_in_executor',
  ARUN: 'asyncio.run',
  FORK: 'fork',
};

export const RULES: Rule[] = [
  // TODO(spec): text, rationale, sources, versions for every rule.
  r('POL-1', 'POL', 'One policy for the process, created once'),
  r('POL-2', 'POL', 'set_event_loop_policy installs, resets and type-checks'),
  r('GET-1', 'GET', 'The running loop comes first'),
  r('GET-2', 'GET', 'Otherwise the loop set for this thread'),
  r('GET-3', 'GET', 'Implicit creation: main thread, no loop, set never called'),
  r('GET-4', 'GET', 'Otherwise RuntimeError naming the thread'),
  r('RUN-1', 'RUN', 'get_running_loop returns the running loop or raises'),
  r('RUN-2', 'RUN', '_get_running_loop returns the running loop or None'),
  r('RUN-3', 'RUN', 'The running loop is per thread'),
  r('NEW-1', 'NEW', 'new_event_loop returns a new, open, idle loop'),
  r('NEW-2', 'NEW', 'new_event_loop has no side effect on the current loop'),
  r('NEW-3', 'NEW', 'set_event_loop(loop) sets the current loop of this thread only'),
  r('NEW-4', 'NEW', 'set_event_loop(None) clears the loop and counts as a call'),
  r('NEW-5', 'NEW', 'set_event_loop rejects a non-loop with TypeError'),
  r('LIFE-1', 'LIFE', 'run_until_complete returns the result or raises the exception'),
  r('LIFE-2', 'LIFE', 'A closed loop cannot run'),
  r('LIFE-3', 'LIFE', 'A running loop cannot be run again'),
  r('LIFE-4', 'LIFE', 'No loop runs while another loop runs in the same thread'),
  r('LIFE-5', 'LIFE', 'close refuses a running loop and is idempotent'),
  r('LIFE-6', 'LIFE', 'is_running and is_closed follow the lifecycle'),
  r('LIFE-7', 'LIFE', 'stop ends run_forever after the current iteration'),
  r('LIFE-8', 'LIFE', 'run_until_complete stopped early raises'),
  r('THR-1', 'THR', 'A loop created, set, run and closed in a worker thread'),
  r('TASK-1', 'TASK', 'A coroutine runs only when its task is stepped'),
  r('TASK-2', 'TASK', "A task tracks its coroutine's outcome"),
  r('TASK-3', 'TASK', 'current_task is the task being stepped'),
  r('TASK-4', 'TASK', 'current_task outside a task'),
  r('TASK-5', 'TASK', 'sleep(0) yields to the other ready tasks'),
  r('SCHED-1', 'SCHED', 'call_soon callbacks run in FIFO order'),
  r('SCHED-2', 'SCHED', 'call_later callbacks run by deadline, then FIFO'),
  r('SCHED-3', 'SCHED', 'call_soon_threadsafe wakes the loop'),
  r('SCHED-4', 'SCHED', 'A closed loop refuses callbacks'),
  r('EXEC-1', 'EXEC', 'run_in_executor runs on another thread and delivers the outcome'),
  r('EXEC-2', 'EXEC', 'An executor thread has no running or current loop'),
  r('ARUN-1', 'ARUN', 'asyncio.run runs the coroutine on a new loop'),
  r('ARUN-2', 'ARUN', 'asyncio.run cancels leftover tasks and closes its loop'),
  r('ARUN-3', 'ARUN', 'asyncio.run refuses to run from a running loop'),
  r('ARUN-4', 'ARUN', 'After asyncio.run the thread has no current loop'),
  r('FORK-1', 'FORK', 'A forked child has no running loop'),
  r('FORK-2', 'FORK', "A forked child starts with fresh per-thread policy state"),
];

function r(id: string, group: RuleGroup, title: string): Rule {
  return { id, group, title, text: '', rationale: '', sources: [], versions: '' };
}

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.filter((x) => !x.retired).map((x) => x.id));

export function ruleById(id: string): Rule | undefined {
  return RULES.find((x) => x.id === id);
}
