/** threading: starting and joining the program's threads, and which thread runs a statement. */
import { forkingThread } from './os.ts';
import { PyErr } from './state.ts';
import type { ClauseTags, StmtOf, Walk, Where } from './walk.ts';

/** The thread runs when it is joined, when a loop would block, or at the end (see machine.ts). */
export function startThread(walk: Walk, s: StmtOf<'start_thread'>): null {
  walk.guards.startingThread(s.thread, walk.threads.has(s.thread));
  const t = walk.m.makeThread(s.thread, s.thread, false, 'program', () => walk.syncBody(s.body));
  walk.threads.set(s.thread, t);
  return null;
}

export function joinThread(walk: Walk, s: StmtOf<'join_thread'>): null {
  const t = walk.threads.get(s.thread);
  if (!t) throw new PyErr('LoopspecUnbound', s.thread);
  walk.guards.joining(t);
  walk.m.join(t);
  return null;
}

/** The current thread by program name: 'main', a started thread's name, or 'other'. */
export function currentThread(walk: Walk, _s: StmtOf<'current_thread'>, tags: ClauseTags, where?: Where): string {
  const t = walk.m.thread;
  // A worker of an executor the program made reports its variable (EXEC-3.1).
  if (t.executorVar !== undefined) {
    tags.outcome.push('EXEC-3.1');
    // A job of run_in_executor(None) runs on a worker of the default executor (EXEC-1.2) at all.
    if (t.executorVar.viaDefault) tags.conditions.push('EXEC-1.2');
    return t.executorVar.name;
  }
  if (t.kind === 'executor') tags.outcome.push('EXEC-1.2');
  if (where?.via === 'threadsafe') tags.outcome.push('SCHED-3.2');
  // A signal's handler runs in its loop's thread (SIG-2.1).
  if (where?.via === 'signal') tags.outcome.push('SIG-2.1');
  if (t.kind === 'executor' || t.kind === 'internal') return 'other';
  // A fork child's only thread keeps the program name of the thread that forked it.
  const u = forkingThread(t);
  return u.kind === 'main' ? 'main' : u.name;
}
