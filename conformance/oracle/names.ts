/**
 * Task names (TASK-6): create_task(name=), set_name, get_name, and the default 'Task-<n>' from
 * the process's counter (tasks.py Task.__init__, create_task, _set_task_name; base_events.py
 * create_task; the C Task's task_name_counter).
 */
import type { TaskName } from '../../language/program.ts';
import { tag } from '../predictions.ts';
import { OutOfModel } from './state.ts';
import type { MLoop, MTask } from './state.ts';
import type { ClauseTags, StmtOf, Walk } from './walk.ts';

/** str(N) of a name the language passes: an int's digits, a str itself, None's 'None'. */
export function pyStr(v: TaskName | boolean): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

/** The clause under which a task factory's task is named, by profile (TASK-6.3 to TASK-6.5). */
function factoryClause(walk: Walk): string {
  const f = walk.sw.factoryTaskName;
  return f === 'ifGiven' ? 'TASK-6.3' : f === 'always' ? 'TASK-6.4' : 'TASK-6.5';
}

export interface Naming {
  /** The name the Task is made with (undefined: a default name, a number taken). */
  atCreation?: string;
  /** The name set_name gives it after it is made (after the factory, or asyncio.create_task's _set_task_name). */
  after?: string;
  /** The clause that decides the name it ends with. */
  clause: string;
}

/** How create_task(coro, name=N) names its task on `loop` (TASK-6.1 to TASK-6.5). */
export function taskNaming(walk: Walk, s: StmtOf<'create_task'>, loop: MLoop): Naming {
  const given = s.name !== undefined;
  const n = s.name ?? null;
  const f = loop.taskFactory ?? null;
  if (f === null) {
    if (!given || n === null) return { clause: 'TASK-6.2' };
    // loop.create_task passes name= to Task in every version; asyncio.create_task from 3.13 (TASK-6.2).
    if (s.loop_method || walk.sw.createTaskPassesName) return { atCreation: pyStr(n), clause: 'TASK-6.1' };
    return { after: pyStr(n), clause: 'TASK-6.1' };
  }
  const clause = factoryClause(walk);
  switch (walk.sw.factoryTaskName) {
    case 'ifGiven':
      return n === null ? { clause } : { after: pyStr(n), clause };
    case 'always':
      return { after: pyStr(n), clause };
    case 'keyword':
      // 3.14 passes name= to the factory: the program's def factory(loop, coro) refuses it (not measured).
      if (given && f !== 'eager') throw new OutOfModel('create_task(name=) through a task factory of the program on 3.14');
      return given && n !== null ? { atCreation: pyStr(n), clause } : { clause };
  }
}

/** After the Task is made (and an eager first step ran): set_name, where create_task calls it. */
export function nameMade(walk: Walk, task: MTask, naming: Naming): void {
  if (naming.after !== undefined) renamed(walk, task, naming.after, true);
  task.nameClause = naming.clause;
}

/**
 * A name set on a task after it was made (`byCreateTask`: create_task's own set_name). Set before its first step
 * began, that step sees it because it runs later (TASK-1.3). Set after an eager first step that read the name
 * before, by create_task or by its creator before it yields, that read saw the old name because the step ran
 * inside create_task (TFACT-1.3): a plain first step would have seen this one. A condition of those reads.
 */
function renamed(walk: Walk, t: MTask, name: string, byCreateTask = false): void {
  t.name = name;
  if (!t.stepped) t.renamedBeforeStart = true;
  const c = t.createdIn;
  // Renamed after its plain first step read the name: that the step ran first is how the creator yielded,
  // by the sleep(0) round robin (TASK-5.2) or the ready queue (TASK-1.3).
  if (!byCreateTask && t.firstNameReads) {
    const clause = walk.orderings.slept0(t.loop) ? 'TASK-5.2' : 'TASK-1.3';
    for (const stmt of t.firstNameReads) {
      const seen = walk.obs[stmt];
      if (seen) walk.expect({ ...tag(clause), condition: true, kind: 'outcome', stmt, expected: seen.outcome });
    }
    t.firstNameReads = undefined;
  }
  const unyielded = byCreateTask || (c !== undefined && t.loop.currentTask === c.by && walk.orderings.stepsOf(c.by) === c.steps);
  if (!unyielded || !t.eagerNameReads) return;
  for (const stmt of t.eagerNameReads) {
    const seen = walk.obs[stmt];
    if (seen) walk.expect({ ...tag('TFACT-1.3'), condition: true, kind: 'outcome', stmt, expected: seen.outcome });
  }
  t.eagerNameReads = undefined;
}

/**
 * A task reading its own name in its first step, where the name it sees is decided by when that step ran: a plain
 * one (TASK-1.3) sees every rename made before it began, and none made after (its reads are kept, a condition once
 * a rename follows); an eager one's reads are kept too, a condition once a rename follows (TFACT-1.3, in `renamed`).
 */
function firstStepConditions(walk: Walk, s: StmtOf<'task_name'>, t: MTask, tags: ClauseTags): void {
  if (t.loop.currentTask !== t) return;
  if (t.eagerStepping) {
    t.eagerNameReads ??= [];
    t.eagerNameReads.push(s.id!);
  } else if (walk.orderings.stepsOf(t) === 0) {
    if (t.renamedBeforeStart) tags.conditions.push('TASK-1.3');
    // Renamed again later, by a body that yielded to this step first: that it ran before that rename is how.
    t.firstNameReads ??= [];
    t.firstNameReads.push(s.id!);
  }
}

/** `K.get_name()`: the name, a default one as 'Task-<n>' counted from the program's start (TASK-6.2). */
export function taskName(walk: Walk, s: StmtOf<'task_name'>, tags: ClauseTags): string {
  const t = walk.guards.taskVar(s.task, 'task_name');
  firstStepConditions(walk, s, t, tags);
  if (t.name !== undefined) {
    tags.outcome.push(t.nameClause ?? 'TASK-6.1');
    return t.name;
  }
  // Which numbers tasks of other threads took is a race on the process's counter.
  if (walk.m.tasksInThreads) throw new OutOfModel("a default task name where other threads made tasks (the process's counter)");
  tags.outcome.push(t.nameClause ?? 'TASK-6.2');
  if (t.nameClause !== undefined && t.nameClause !== 'TASK-6.2') tags.conditions.push('TASK-6.2');
  // Its number counts the tasks of asyncio.run's or a Runner's shutdown before it: no condition, the count is this
  // rule's (TASK-6.2 names them), so that 3.8's shutdown without an executor task differs in TASK-6 (runShutsDownExecutor).
  return `Task-${t.nameNumber}`;
}

/** `K.set_name(value)` (TASK-6.1). */
export function setTaskName(walk: Walk, s: StmtOf<'set_task_name'>, tags: ClauseTags): null {
  const t = walk.guards.taskVar(s.task, 'set_task_name');
  tags.outcome.push('TASK-6.1');
  renamed(walk, t, pyStr(s.value));
  t.nameClause = 'TASK-6.1';
  return null;
}
