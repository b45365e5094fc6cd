/**
 * Shapes by clause: for each clause (spec/rules.ts) that the families reach too rarely, the
 * program shapes that reach it (shapes-loops.ts, shapes-lookups.ts). A rule's property adds
 * the shapes of its clauses (`withShapes`), and the census (conformance/census.test.ts)
 * checks that every clause is reached by at least 20 of a rule's programs under every
 * profile where it applies.
 */
import fc from 'fast-check';
import type { Program } from '../../language/program.ts';
import type { Arb } from './blocks.ts';
import { afterForkParentPrograms, forkChildLoopPrograms, mainThreadNamePrograms } from './reach-fork.ts';
import { currentTaskInCallbackPrograms, stopRerunPrograms } from './reach-scheduling.ts';
import * as endings from './shapes-endings.ts';
import * as loops from './shapes-loops.ts';
import * as lookups from './shapes-lookups.ts';
import { taskStartPrograms } from './targeted.ts';

/**
 * The shapes that reach each clause the families reach too rarely: a clause may name several,
 * a shape may serve several clauses. Each entry weighs one in its rule's programs unless it
 * says otherwise (more, where the census found the clause reached too rarely at some seeds).
 */
export const CLAUSE_SHAPES: ReadonlyArray<{ clause: string; shape: Arb<Program>; weight?: number }> = [
  { clause: 'ARUN-1.1', shape: endings.otherLoopPending },
  { clause: 'ARUN-2.2', shape: endings.leftoverWaitsOnDone },
  { clause: 'ARUN-2.2', shape: endings.leftoverTimerDue },
  { clause: 'CANCEL-1.6', shape: loops.eagerAllTasks },
  { clause: 'EXEC-1.1', shape: endings.executorAtRunEnd },
  { clause: 'FORK-1.1', shape: endings.secondForkInLoop },
  { clause: 'FORK-2.1', shape: endings.forkRaises },
  { clause: 'FORK-2.2', shape: endings.forkInAsyncioRun },
  { clause: 'GET-4.2', shape: endings.threadRaises },
  { clause: 'GET-4.2', shape: endings.unjoinedThread },
  { clause: 'LIFE-1.3', shape: endings.stoppedRunWaiter },
  { clause: 'TASK-5.2', shape: endings.sleepsOfTwoLengths },
  { clause: 'TASK-5.2', shape: endings.stoppedRunWaiter },
  { clause: 'THR-1.3', shape: endings.joinWhileSleeping },
  { clause: 'ARUN-2.1', shape: loops.leftoverTasks },
  { clause: 'ARUN-2.2', shape: loops.leftoverTasks },
  { clause: 'ARUN-2.3', shape: loops.leftoverTasks },
  { clause: 'ARUN-3.1', shape: loops.refusedAsyncioRun },
  { clause: 'ARUN-3.2', shape: loops.refusedAsyncioRun },
  { clause: 'ARUN-4.1', shape: loops.afterAsyncioRun },
  { clause: 'EXEC-1.2', shape: loops.executorThread },
  { clause: 'EXEC-2.2', shape: loops.executorLookup },
  { clause: 'FORK-1.1', shape: lookups.forkInRunningLoop },
  { clause: 'FORK-1.2', shape: lookups.forkInRunningLoop },
  { clause: 'FORK-1.3', shape: lookups.forkInRunningLoop },
  { clause: 'FORK-2.2', shape: lookups.mainForks },
  { clause: 'FORK-2.3', shape: lookups.mainForks },
  { clause: 'FORK-2.4', shape: lookups.mainForks, weight: 3 },
  { clause: 'FORK-2.5', shape: lookups.workerForks, weight: 3 },
  { clause: 'FORK-2.6', shape: lookups.workerForks, weight: 4 },
  { clause: 'GET-1.1', shape: forkChildLoopPrograms },
  { clause: 'GET-1.2', shape: lookups.lookupWhileRunning },
  { clause: 'GET-2.1', shape: lookups.closedSetLoop },
  { clause: 'GET-2.1', shape: lookups.setLoopThenFork },
  { clause: 'GET-2.2', shape: lookups.closedSetLoop },
  { clause: 'GET-4.1', shape: lookups.setNoneCalls, weight: 2 },
  { clause: 'GET-4.2', shape: lookups.quotedThreadName },
  { clause: 'GET-4.3', shape: mainThreadNamePrograms, weight: 2 },
  { clause: 'LIFE-1.2', shape: loops.rerun },
  { clause: 'LIFE-1.3', shape: loops.rerun },
  { clause: 'LIFE-2.1', shape: loops.closedRun('until') },
  { clause: 'LIFE-2.2', shape: loops.closedRun('forever'), weight: 2 },
  { clause: 'LIFE-2.3', shape: loops.closedRun('until') },
  { clause: 'LIFE-3.1', shape: loops.refusedRun('until', 'L1') },
  { clause: 'LIFE-3.2', shape: loops.refusedRun('forever', 'L1'), weight: 3 },
  { clause: 'LIFE-3.3', shape: loops.refusedRun('until', 'L1') },
  { clause: 'LIFE-4.1', shape: loops.refusedRun('until', 'L2') },
  { clause: 'LIFE-4.2', shape: loops.refusedRun('forever', 'L2'), weight: 2 },
  { clause: 'LIFE-4.3', shape: loops.refusedRun('until', 'L2') },
  { clause: 'LIFE-6.1', shape: loops.lifecycleQueries },
  { clause: 'LIFE-6.4', shape: loops.lifecycleQueries },
  { clause: 'LIFE-8.2', shape: stopRerunPrograms },
  { clause: 'LIFE-8.3', shape: stopRerunPrograms },
  { clause: 'NEW-3.1', shape: lookups.setUncheckedLoop },
  { clause: 'NEW-3.2', shape: lookups.replacedSetLoop, weight: 2 },
  { clause: 'NEW-3.3', shape: lookups.setLoopCalls },
  { clause: 'NEW-4.1', shape: lookups.setNoneCalls },
  { clause: 'NEW-4.2', shape: lookups.setNoneCalls },
  { clause: 'NEW-5.2', shape: lookups.setBadAfterLoop, weight: 2 },
  { clause: 'NEW-5.3', shape: lookups.setBadCalls, weight: 2 },
  { clause: 'POL-1.2', shape: lookups.policyInChild },
  { clause: 'POL-2.3', shape: lookups.policyAfresh('new', null), weight: 2 },
  { clause: 'POL-2.4', shape: lookups.policyAfresh(42) },
  { clause: 'RUN-1.1', shape: loops.runningLookups },
  { clause: 'RUN-1.1', shape: afterForkParentPrograms },
  { clause: 'RUN-1.1', shape: forkChildLoopPrograms },
  { clause: 'RUN-1.2', shape: lookups.noRunningLookups },
  { clause: 'RUN-2.1', shape: loops.runningLookups },
  { clause: 'RUN-2.2', shape: lookups.noRunningLookups },
  { clause: 'RUN-3.1', shape: lookups.workerLoopWhileMainRuns },
  { clause: 'RUN-3.2', shape: lookups.workerLoopWhileMainRuns },
  { clause: 'SCHED-2.1', shape: loops.timersByDeadline },
  { clause: 'SCHED-3.2', shape: loops.threadsafeWhere },
  { clause: 'SCHED-4.1', shape: loops.scheduleOnClosed('call_soon', 'call_later') },
  { clause: 'SCHED-4.2', shape: loops.scheduleOnClosed('call_soon_threadsafe') },
  { clause: 'TASK-1.1', shape: loops.createTaskOutsideLoop, weight: 2 },
  { clause: 'TASK-1.3', shape: loops.createTaskOutsideLoop },
  { clause: 'TASK-1.3', shape: taskStartPrograms },
  { clause: 'TASK-3.2', shape: loops.currentTaskSteps },
  { clause: 'TASK-4.1', shape: loops.currentTaskOutside },
  { clause: 'TASK-4.2', shape: currentTaskInCallbackPrograms },
];

/**
 * A rule's programs with the shapes of its clauses added, by the entries' weights; the rule's own
 * programs weigh as much as all the shapes together, or one for each clause that has no entry
 * (they are what reaches those) if that is more.
 */
export function withShapes(clauses: readonly string[], programs: Arb<Program>): Arb<Program> {
  const entries = CLAUSE_SHAPES.filter((x) => clauses.includes(x.clause));
  if (entries.length === 0) return programs;
  // The families keep at least half of the programs: they make the variety the shapes lack.
  const shapes = entries.reduce((n, x) => n + (x.weight ?? 1), 0);
  const own = Math.max(shapes, clauses.filter((c) => !entries.some((x) => x.clause === c)).length);
  return fc.oneof({ weight: own, arbitrary: programs }, ...entries.map(({ shape, weight }) => ({ weight: weight ?? 1, arbitrary: shape })));
}
