/**
 * asyncio.events: the policy, get_event_loop, set_event_loop, new_event_loop and the running
 * loop, with the rules that decide what each returns, raises and warns.
 */
import { forkingThread } from './os.ts';
import { OutOfModel, PyErr } from './state.ts';
import type { MLoop, MPolicy } from './state.ts';
import type { RuleTags, StmtOf, Walk } from './walk.ts';

const NO_LOOP = (name: string) => `There is no current event loop in thread '${name}'.`;
export const noRunningLoop = (): PyErr => new PyErr('RuntimeError', 'no running event loop');

/** The rules that also decide what a thread sees of the running loop, by who asks and whose loop it is. */
function contextRules(walk: Walk, loop: MLoop | null): string[] {
  const m = walk.m;
  const rules: string[] = [];
  const t = m.thread;
  if (t.kind === 'executor') rules.push('EXEC-2');
  if (!loop && m.loopRunsElsewhere()) rules.push('RUN-3');
  if (t.kind === 'fork' && walk.forkParentHadRunning.get(t.ctx)) rules.push('FORK-1');
  if (loop?.fromRun) rules.push('ARUN-1');
  if (t.kind === 'program' && loop && walk.loopOwner.get(loop) === t) rules.push('THR-1');
  return rules;
}

export function newEventLoop(walk: Walk, s: StmtOf<'new_event_loop'>, tags: RuleTags): MLoop {
  const m = walk.m;
  tags.outcome.push('NEW-1');
  m.getPolicy();
  const loop = m.newLoop();
  walk.loopOwner.set(loop, m.thread);
  const local = m.local();
  local.newSince = [...(local.newSince ?? []), s.id!];
  walk.guards.bind(s.as, loop);
  return loop;
}

export function getEventLoop(walk: Walk, s: StmtOf<'get_event_loop'>, tags: RuleTags): MLoop {
  const running = walk.m.runningLoop();
  if (running) {
    tags.outcome.push('GET-1', ...contextRules(walk, running));
    tags.warnings.push('GET-1');
    walk.guards.bind(s.as, running);
    return running;
  }
  const loop = policyGetEventLoop(walk, tags);
  walk.guards.bind(s.as, loop);
  return loop;
}

/** get_running_loop, and _get_running_loop (peek_running_loop), which never raises. */
export function getRunningLoop(walk: Walk, s: StmtOf<'get_running_loop' | 'peek_running_loop'>, tags: RuleTags): MLoop | null {
  const rule = s.op === 'get_running_loop' ? 'RUN-1' : 'RUN-2';
  const loop = walk.m.runningLoop();
  tags.outcome.push(rule, ...contextRules(walk, loop));
  if (!loop && s.op === 'get_running_loop') throw noRunningLoop();
  if (s.op === 'get_running_loop') walk.guards.bind(s.as, loop);
  return loop;
}

export function setEventLoop(walk: Walk, s: StmtOf<'set_event_loop'>, tags: RuleTags): null {
  const local = walk.m.local();
  if (typeof s.arg === 'number') {
    tags.outcome.push('NEW-5');
    // 3.12 marks the call before it checks the type.
    local.setCalled = true;
    local.setBy = 'bad-type';
    throw typeError(walk, "loop must be an instance of AbstractEventLoop or None, not 'int'");
  }
  const loop = s.arg === null ? null : walk.guards.loopVar(s.arg, 'set_event_loop');
  tags.outcome.push(loop ? 'NEW-3' : 'NEW-4');
  local.setCalled = true;
  local.setBy = loop ? 'loop' : 'none';
  local.loop = loop;
  local.loopFrom = 'set';
  local.newSince = [];
  return null;
}

export function getPolicy(walk: Walk, _s: StmtOf<'get_policy'>, tags: RuleTags): MPolicy {
  tags.outcome.push('POL-1');
  tags.warnings.push('POL-1');
  if (walk.policyChanged) tags.outcome.push('POL-2');
  deprecatedPolicyApi(walk, 'get_event_loop_policy');
  return walk.m.getPolicy();
}

export function setPolicy(walk: Walk, s: StmtOf<'set_policy'>, tags: RuleTags): null {
  const m = walk.m;
  tags.outcome.push('POL-2');
  tags.warnings.push('POL-2');
  walk.guards.settingPolicy();
  if (s.arg === 'new') deprecatedPolicyApi(walk, 'DefaultEventLoopPolicy');
  deprecatedPolicyApi(walk, 'set_event_loop_policy');
  if (typeof s.arg === 'number') throw typeError(walk, "policy must be an instance of AbstractEventLoopPolicy or None, not 'int'");
  walk.policyChanged = true;
  m.policy = s.arg === 'new' ? { id: m.newId('policy'), locals: new Map() } : null;
  return null;
}

/** BaseDefaultEventLoopPolicy.get_event_loop in 3.12, with the rules that decide it. */
function policyGetEventLoop(walk: Walk, tags: RuleTags): MLoop {
  const m = walk.m;
  const t = m.thread;
  const local = m.local();
  // What a fork child sees is FORK-2's subject alone; an executor thread's, EXEC-2's too.
  const rules = (...own: string[]) => (t.kind === 'fork' ? ['FORK-2'] : t.kind === 'executor' ? [...own, 'EXEC-2'] : own);
  // NEW-2: whatever get_event_loop returns, it is not a loop new_event_loop made since.
  if (local.newSince?.length && t.kind !== 'fork')
    walk.exps.push({ rule: 'NEW-2', kind: 'not-same', stmt: walk.current!, others: local.newSince });
  if (local.loop) {
    // A loop created implicitly stays GET-3's: "later calls return that same loop".
    const own = local.loopFrom === 'implicit' ? ['GET-3'] : ['GET-2', ...(local.loopFrom === 'set' ? ['NEW-3'] : [])];
    tags.outcome.push(...rules(...own));
    tags.warnings.push(...rules(own[0]));
    if (t.kind === 'program' && walk.loopOwner.get(local.loop) === t) tags.outcome.push('THR-1');
    return local.loop;
  }
  // A child forked from a worker that never set a loop, keeping that state (no at-fork hook):
  // 3.8 tests isinstance(current_thread(), threading._MainThread), false for the worker's
  // Thread now main (RuntimeError); 3.9 to 3.11 test `is main_thread()` (implicit creation).
  // No profile switch tells them apart: left out (measured on 3.8.18 to 3.11.7).
  if (t.kind === 'fork' && !walk.sw.forkHook && walk.sw.implicitCreation && !local.setCalled && forkingThread(t).kind !== 'main')
    throw new OutOfModel('get_event_loop in a child forked from a worker that never set a loop: 3.8 differs from 3.9 to 3.11');
  if (!walk.sw.implicitCreation && t.isMain) {
    // 3.14: no implicit creation (and no "set called" flag): the main thread raises too.
    const cleared: Record<string, string> = { none: 'NEW-4', 'asyncio.run': 'ARUN-4' };
    tags.outcome.push(...rules('GET-3', ...(cleared[local.setBy] ? [cleared[local.setBy]] : [])));
    tags.warnings.push(...rules('GET-3'));
    throw new PyErr('RuntimeError', NO_LOOP(t.name));
  }
  if (!local.setCalled && t.isMain) {
    tags.outcome.push(...rules('GET-3'));
    tags.warnings.push(...rules('GET-3'));
    if (walk.sw.implicitCreationWarns) walk.warn('DeprecationWarning', 'There is no current event loop');
    const loop = m.newLoop();
    local.loop = loop;
    local.loopFrom = 'implicit';
    local.newSince = [];
    local.setCalled = true;
    local.setBy = 'implicit';
    return loop;
  }
  const because: Record<string, string> = { none: 'NEW-4', 'bad-type': 'NEW-5', 'asyncio.run': 'ARUN-4' };
  // A loop set in another thread is not this thread's: NEW-3's "this thread only".
  const setElsewhere = [...m.getPolicy().locals].some(([other, l]) => other !== t && other.pid === t.pid && l.loopFrom === 'set' && l.loop)
    ? ['NEW-3']
    : [];
  tags.outcome.push(...rules('GET-4', ...setElsewhere, ...(t.isMain && because[local.setBy] ? [because[local.setBy]] : [])));
  tags.warnings.push(...rules('GET-4'));
  if (t.kind === 'executor') tags.match = 'prefix';
  throw new PyErr('RuntimeError', t.kind === 'executor' ? 'There is no current event loop in thread' : NO_LOOP(t.name));
}

/** The type checks of set_event_loop and set_event_loop_policy: an assert before 3.11. */
function typeError(walk: Walk, message: string): PyErr {
  return walk.sw.typeCheck === 'assert' ? new PyErr('AssertionError', '') : new PyErr('TypeError', message);
}

/** 3.14 deprecates the policy system: each use of its public names warns. */
function deprecatedPolicyApi(walk: Walk, name: string): void {
  if (walk.sw.policyDeprecated) walk.warn('DeprecationWarning', `'asyncio.${name}' is deprecated and slated for removal in Python 3.16`);
}
