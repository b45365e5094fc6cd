/**
 * asyncio.events: the policy, get_event_loop, set_event_loop, new_event_loop and the running
 * loop, with the clauses that decide what each returns, raises and warns.
 */
import { tag } from '../predictions.ts';
import { forkingThread } from './os.ts';
import { OutOfModel, PyErr } from './state.ts';
import type { MLoop, MPolicy, SetBy } from './state.ts';
import type { ClauseTags, StmtOf, Walk, Where } from './walk.ts';

const NO_LOOP = (name: string) => `There is no current event loop in thread ${asciiRepr(name)}.`;

/**
 * Python's repr of a str of printable ASCII (thread names are, language/program.ts): single
 * quotes unless the text has a single quote and no double one; backslashes and the quote escaped.
 */
function asciiRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  return q + s.replace(/\\/g, '\\\\').replaceAll(q, `\\${q}`) + q;
}
export const noRunningLoop = (): PyErr => new PyErr('RuntimeError', 'no running event loop');

/** The conditions of a running-loop lookup: the clauses that decide which running loop the thread sees, by who asks and whose loop it is. */
export function contextClauses(walk: Walk, loop: MLoop | null): string[] {
  const m = walk.m;
  const clauses: string[] = [];
  const t = m.thread;
  if (t.kind === 'executor' && !loop) clauses.push('EXEC-2.1');
  // RUN-3 is about other threads in general; EXEC-2.1 says it of an executor's thread itself.
  if (m.loopRunsElsewhere() && !(t.kind === 'executor' && !loop)) clauses.push(loop ? 'RUN-3.2' : 'RUN-3.1');
  if (t.kind === 'fork' && loop) clauses.push('FORK-1.2');
  if (t.kind === 'fork' && !loop && walk.forkParentHadRunning.get(t.ctx)) clauses.push('FORK-1.1');
  if (loop?.fromRun) clauses.push('ARUN-1.2');
  if (loop?.fromRunner) clauses.push('RUNNER-1.1');
  if (t.kind === 'program' && loop && walk.loopOwner.get(loop) === t) clauses.push('THR-1.1');
  return clauses;
}

export function newEventLoop(walk: Walk, s: StmtOf<'new_event_loop'>, tags: ClauseTags): MLoop {
  const m = walk.m;
  tags.outcome.push('NEW-1.1');
  m.getPolicy();
  const loop = m.newLoop();
  walk.loopOwner.set(loop, m.thread);
  const local = m.local();
  local.newSince = [...(local.newSince ?? []), s.id!];
  walk.guards.bind(s.as, loop);
  return loop;
}

export function getEventLoop(walk: Walk, s: StmtOf<'get_event_loop'>, tags: ClauseTags): MLoop {
  const running = walk.m.runningLoop();
  if (running) {
    tags.outcome.push('GET-1.1');
    tags.conditions.push(...contextClauses(walk, running));
    tags.warnings.push('GET-1.1');
    walk.lookedUpRunning.add(walk.m.thread);
    walk.guards.bind(s.as, running);
    return running;
  }
  const loop = policyGetEventLoop(walk, tags);
  walk.guards.bind(s.as, loop);
  return loop;
}

/** The clauses of get_running_loop and _get_running_loop: with a running loop, and without. */
const RUNNING_LOOP = { get: { found: 'RUN-1.1', none: 'RUN-1.2' }, peek: { found: 'RUN-2.1', none: 'RUN-2.2' } };

/** get_running_loop, and _get_running_loop (peek_running_loop), which never raises. */
export function getRunningLoop(
  walk: Walk,
  s: StmtOf<'get_running_loop' | 'peek_running_loop'>,
  tags: ClauseTags,
  where?: Where,
): MLoop | null {
  const loop = walk.m.runningLoop();
  const clauses = s.op === 'get_running_loop' ? RUNNING_LOOP.get : RUNNING_LOOP.peek;
  tags.outcome.push(loop ? clauses.found : clauses.none);
  tags.conditions.push(...contextClauses(walk, loop));
  // A callback scheduled from another loop's run: which loop runs it is SCHED-1.3's (its own, never that one).
  if (where?.fromOtherLoop && where.via !== 'threadsafe') tags.conditions.push('SCHED-1.3');
  if (!loop && s.op === 'get_running_loop') throw noRunningLoop();
  if (s.op === 'get_running_loop') walk.guards.bind(s.as, loop);
  return loop;
}

export function setEventLoop(walk: Walk, s: StmtOf<'set_event_loop'>, tags: ClauseTags): null {
  walk.guards.settingLoop();
  const local = walk.m.local();
  const arg = s.arg === null || typeof s.arg === 'number' ? s.arg : walk.guards.useVar(s.arg, 'set_event_loop');
  if (arg !== null && typeof arg === 'object' && 'cancelled' in arg) throw new OutOfModel('set_event_loop of a handle');
  // Not a loop: a number, or a task (type(task).__name__ is 'Task', measured on 3.11.7 to 3.13.0).
  if (typeof arg === 'number' || (arg !== null && 'coro' in arg)) {
    tags.outcome.push('NEW-5.1');
    // 3.12 marks the call before it checks the type.
    local.setCalled = true;
    local.setBy = 'bad-type';
    if (local.forked) local.refusedInChild = true;
    throw typeError(walk, `loop must be an instance of AbstractEventLoop or None, not '${typeof arg === 'number' ? 'int' : 'Task'}'`);
  }
  const loop = arg;
  tags.outcome.push(loop ? 'NEW-3.1' : 'NEW-4.1');
  // A loop or None replaces what a fork left; a rejected call (above) keeps the loop it left.
  local.forked = false;
  local.setCalled = true;
  local.setBy = loop ? 'loop' : 'none';
  local.keptByRunFactory = false;
  local.replaced = local.loop !== null && local.loop !== loop;
  local.loop = loop;
  local.loopFrom = 'set';
  local.newSince = [];
  return null;
}

export function getPolicy(walk: Walk, _s: StmtOf<'get_policy'>, tags: ClauseTags): MPolicy {
  const m = walk.m;
  const t = m.thread;
  const inherited = t.kind === 'fork' && walk.forkPolicy.get(t.ctx);
  tags.outcome.push(inherited && inherited === m.policy ? 'POL-1.2' : 'POL-1.1');
  tags.warnings.push('POL-1.3');
  const bySet = { new: 'POL-2.1', none: 'POL-2.2', refused: 'POL-2.4' } as const;
  if (walk.lastPolicySet) tags.conditions.push(bySet[walk.lastPolicySet]);
  deprecatedPolicyApi(walk, 'get_event_loop_policy');
  return m.getPolicy();
}

export function setPolicy(walk: Walk, s: StmtOf<'set_policy'>, tags: ClauseTags): null {
  const m = walk.m;
  tags.outcome.push(s.arg === 'new' ? 'POL-2.1' : s.arg === null ? 'POL-2.2' : 'POL-2.4');
  tags.warnings.push('POL-2.5');
  walk.guards.settingPolicy();
  if (s.arg === 'new') deprecatedPolicyApi(walk, 'DefaultEventLoopPolicy');
  deprecatedPolicyApi(walk, 'set_event_loop_policy');
  if (typeof s.arg === 'number') {
    walk.lastPolicySet = 'refused';
    throw typeError(walk, "policy must be an instance of AbstractEventLoopPolicy or None, not 'int'");
  }
  walk.policyChanged = true;
  walk.lastPolicySet = s.arg === 'new' ? 'new' : 'none';
  m.policy = s.arg === 'new' ? { id: m.newId('policy'), locals: new Map() } : null;
  return null;
}

/**
 * BaseDefaultEventLoopPolicy.get_event_loop in 3.12, with the clauses that decide it: what the
 * lookup does with the state it sees (GET-2, GET-3, GET-4; what an executor thread sees,
 * EXEC-2's), and as conditions the clauses that decide which state that is (what a fork left
 * the child, FORK-2; a new policy, POL-2.3; a lookup inside a running loop, GET-1.2; the call
 * that set or cleared it, NEW-3, NEW-4, NEW-5, ARUN-4; the thread that ran it, THR-1.2).
 */
function policyGetEventLoop(walk: Walk, tags: ClauseTags): MLoop {
  const m = walk.m;
  const t = m.thread;
  const local = m.local();
  // The state a fork left the child (copied, reset, or made lazily there), until the child changes it.
  const inChild = t.kind === 'fork' && local.forked !== false;
  const decide = (clause: string, ...conditions: string[]) => {
    tags.outcome.push(clause);
    tags.warnings.push(clause);
    tags.conditions.push(...conditions);
  };
  // What a fork left the child, and a loop's implicit creation, speak of the warning too.
  const decideWarned = (clause: string, ...conditions: string[]) => {
    decide(clause);
    tags.warnedConditions.push(...conditions);
  };
  // NEW-2: whatever get_event_loop returns, it is not a loop new_event_loop made since.
  if (local.newSince?.length) walk.expect({ ...tag('NEW-2.1'), kind: 'not-same', stmt: walk.current!, others: local.newSince });
  // RUNNER-1.2: after a Runner's close took its loop away, no lookup returns that loop; whether
  // its set_event_loop(None) counts as a call is NEW-4.2's (CLEARED_BY).
  if (local.setBy === 'runner.close' && local.runnerLoopSeen?.length) {
    walk.expect({ ...tag('RUNNER-1.2'), kind: 'not-same', stmt: walk.current!, others: local.runnerLoopSeen });
    // A close by `with R`'s __exit__: that __exit__ closed R at all is RUNNER-2.1's.
    if (local.clearedByExit)
      walk.expect({ ...tag('RUNNER-2.1'), condition: true, kind: 'not-same', stmt: walk.current!, others: local.runnerLoopSeen });
  }
  // asyncio.run(loop_factory=) left the thread's loop and flag as they were (RUNNER-2.3).
  if (local.keptByRunFactory) tags.conditions.push('RUNNER-2.3');
  // GET-1.2: lookups while a loop ran in this thread changed nothing: the next lookup without
  // one finds what it would have found (not in a fork child, whose state FORK-2 decides).
  if (walk.lookedUpRunning.delete(t) && t.kind !== 'fork') tags.conditions.push('GET-1.2');
  const forkedFromWorker = t.kind === 'fork' && forkingThread(t).kind !== 'main';
  // FORK-2.5: a child forked from a worker thread sees the worker's state as its main thread's.
  if (inChild && forkedFromWorker) tags.conditions.push('FORK-2.5');
  if (local.loop) {
    // Returning the thread's loop is GET-2's; how it came to be there, the conditions'.
    const kept = local.loop.closed ? 'GET-2.2' : 'GET-2.1';
    if (inChild) decideWarned(kept, 'FORK-2.2');
    else {
      decide(kept);
      if (local.loopFrom === 'implicit') tags.warnedConditions.push('GET-3.2');
      // Plain set_event_loop is GET-2's ordinary case: NEW-3.2 conditions only a replacement.
      if (local.loopFrom === 'set' && local.replaced) tags.conditions.push('NEW-3.2');
      if (local.setBy === 'bad-type') tags.conditions.push('NEW-5.2');
      if (local.setBy === 'runner') tags.conditions.push('RUNNER-1.2');
    }
    if (t.kind === 'program' && walk.loopOwner.get(local.loop) === t) tags.conditions.push('THR-1.2');
    return local.loop;
  }
  // The main thread: by identity (3.9+); by class in 3.8, where a child forked from a worker
  // thread runs in the worker's Thread, its main_thread() but no _MainThread.
  const isMain = t.isMain && !(walk.sw.mainThreadByClass && forkedFromWorker);
  const afresh = walk.policyChanged && local.setBy === 'never' && !inChild ? ['POL-2.3'] : [];
  // What the fork left the child: fresh state (3.12+), or the forking thread's. Not once a
  // rejected set_event_loop in the child set the flag, unless the hook dropped something the
  // forking thread had: the state is then the child's call's doing (NEW-5.3), on a fresh state
  // that is the parent's too.
  const ownCall = local.refusedInChild && !local.forkReset;
  const forked = (kept: string): string[] => (!inChild ? [] : !walk.sw.forkHook ? [kept] : ownCall ? [] : ['FORK-2.1']);
  if (!walk.sw.implicitCreation && isMain) {
    // 3.14: no implicit creation (and no "set called" flag): the main thread raises too.
    const cleared = CLEARED_BY[local.setBy];
    // NEW-5.3's "set called" flag does not exist in 3.14: its clause applies with implicit creation only.
    decideWarned('GET-3.5', ...forked('FORK-2.1'));
    tags.conditions.push(...afresh, ...(!inChild && cleared && cleared !== 'NEW-5.3' ? [cleared] : []));
    throw new PyErr('RuntimeError', NO_LOOP(t.name));
  }
  if (!local.setCalled && isMain) {
    tags.outcome.push('GET-3.1');
    tags.warnings.push(walk.sw.implicitCreationWarns ? 'GET-3.3' : 'GET-3.4');
    tags.warnedConditions.push(...forked('FORK-2.4'));
    tags.conditions.push(...afresh);
    if (walk.sw.implicitCreationWarns) walk.warn('DeprecationWarning', 'There is no current event loop');
    const loop = m.newLoop();
    local.loop = loop;
    local.loopFrom = 'implicit';
    local.newSince = [];
    local.setCalled = true;
    local.setBy = 'implicit';
    local.forked = false;
    return loop;
  }
  if (inChild) {
    decideWarned(isMain ? 'GET-4.1' : 'GET-4.2', ...forked(local.setCalled ? 'FORK-2.3' : 'FORK-2.6'));
    // The flag the child's own rejected set_event_loop set.
    if (local.refusedInChild) tags.conditions.push('NEW-5.3');
  } else if (t.kind === 'executor') decide('EXEC-2.2');
  else {
    // A loop set in another thread is not this thread's: NEW-3's "this thread only".
    const setElsewhere = [...m.getPolicy().locals].some(
      ([other, l]) => other !== t && other.pid === t.pid && l.loopFrom === 'set' && l.loop,
    );
    const own = t.isMain ? 'GET-4.1' : t.name === 'MainThread' ? 'GET-4.3' : 'GET-4.2';
    decide(own, ...(setElsewhere ? ['NEW-3.3'] : []), ...(t.isMain && CLEARED_BY[local.setBy] ? [CLEARED_BY[local.setBy]!] : []));
  }
  if (t.kind === 'executor') tags.match = 'prefix';
  throw new PyErr('RuntimeError', t.kind === 'executor' ? 'There is no current event loop in thread' : NO_LOOP(t.name));
}

/** The clause that makes a main thread's lookup raise, by the last call that counted as set_event_loop. */
const CLEARED_BY: Partial<Record<SetBy, string>> = {
  none: 'NEW-4.2',
  'bad-type': 'NEW-5.3',
  'asyncio.run': 'ARUN-4.1',
  // Runner.close calls set_event_loop(None): that it counts is NEW-4.2's; that it is called, RUNNER-1.2's (the not-same above).
  'runner.close': 'NEW-4.2',
};

/** The type checks of set_event_loop and set_event_loop_policy: an assert before 3.11. */
function typeError(walk: Walk, message: string): PyErr {
  return walk.sw.typeCheck === 'assert' ? new PyErr('AssertionError', '') : new PyErr('TypeError', message);
}

/** 3.14 deprecates the policy system: each use of its public names warns. */
function deprecatedPolicyApi(walk: Walk, name: string): void {
  if (walk.sw.policyDeprecated) walk.warn('DeprecationWarning', `'asyncio.${name}' is deprecated and slated for removal in Python 3.16`);
}
