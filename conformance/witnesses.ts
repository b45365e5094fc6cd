/**
 * Queue witnesses (one deviation, one rule): a failing program run again with two call_soon
 * callbacks queued before each run of a loop and, in its tasks, before each task created and
 * each point where the task may suspend (the end of a step). A loop whose ready queue is not first in, first
 * out runs a stopped loop's callbacks, a task's steps and an early-stopped task's resumption
 * out of place (LIFE-7's, TASK-5's, LIFE-8's observations); the witnesses' own order (SCHED-1.2)
 * is then the first thing out of place, and names the rule the implementer must fix. A loop
 * whose queue is right runs the witnesses in order, and the blame stays where it was.
 * Two witnesses queued back to back that ran the other way round are SCHED-1's, whatever
 * else went wrong (ordering.ts `backToBack`).
 */
import type { Program, Stmt } from '../language/program.ts';
import { bodyOf } from '../language/program.ts';
import { predicted } from './check.ts';
import type { Probed } from './probes.ts';
import { numbered } from './probes.ts';
import type { Profile } from '../spec/profiles.ts';

/** Statements that run a loop: the witnesses go before them. */
const RUNS = new Set<Stmt['op']>(['run_until_complete', 'run_forever']);

/** Statements at which a task queues a step or may suspend (the end of a step): the witnesses go before them too. */
const STEPS = new Set<Stmt['op']>(['create_task', 'await', 'sleep']);

/** The mark a witness callback makes. */
const WITNESS_TAG = 'w';

/**
 * The program with two marking call_soon callbacks before each run of a loop, and in the
 * coroutines run by run_until_complete (and their tasks) before each task created, await and
 * sleep; or undefined when it has none of these or leaves the model. asyncio.run's coroutine
 * gets them once it binds its running loop to a variable (get_running_loop), to queue on.
 */
export function witness(program: Program, profile: Profile): Probed | undefined {
  const added = new Set<Stmt>();
  const made = (s: Stmt): Stmt => {
    added.add(s);
    return s;
  };
  const queued = (loop: string): Stmt[] =>
    [1, 2].map(() => made({ op: 'call_soon', loop, body: [made({ op: 'mark', tag: WITNESS_TAG })] }));
  // `loop`: the loop a coroutine body runs on, by its variable. asyncio.run's has none until
  // its coroutine binds one (`L = asyncio.get_running_loop()`): from there on, while L stays that loop.
  const withWitnesses = (body: Stmt[], loop?: string, running = false): Stmt[] =>
    body.flatMap((s): Stmt[] => {
      const inner = bodyOf(s);
      const innerLoop = s.op === 'run_until_complete' ? s.loop : s.op === 'create_task' ? loop : undefined;
      const copy = (inner ? { ...s, body: withWitnesses(inner, innerLoop, s.op === 'asyncio_run') } : { ...s }) as Stmt;
      const out =
        RUNS.has(s.op) && 'loop' in s && s.loop !== undefined
          ? [...queued(s.loop), copy]
          : loop && STEPS.has(s.op)
            ? [...queued(loop), copy]
            : [copy];
      if (running && s.op === 'get_running_loop' && s.as) loop = s.as;
      else if (running && 'as' in s && s.as === loop) loop = undefined;
      return out;
    });
  const main = withWitnesses(program.main);
  if (added.size === 0) return undefined;
  // Each loop that new_event_loop() bound at the main thread's top level run once more at
  // the end (a variable bound twice: its last loop, twice), with nothing to do: a loop whose
  // queue is a stack may have stopped with witnesses still queued, and runs them here, out of
  // order (a run adds nothing before the end, so it changes no earlier observation). Not a
  // probe: the finding needs it, whatever witnesses it keeps.
  const drains = program.main.flatMap((s): Stmt[] =>
    s.op === 'new_event_loop' && s.as ? [{ op: 'run_until_complete', loop: s.as, body: [] }] : [],
  );
  for (const tail of [drains, []]) {
    const p = numbered([...main, ...tail], added);
    if (predicted(p.program, profile).deterministic) return p;
  }
  return undefined;
}
