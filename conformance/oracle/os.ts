/** os.fork: the child runs its body on a copy of the forking thread, then exits; the parent waits. */
import { PyErr } from './state.ts';
import type { Local, MThread } from './state.ts';
import type { StmtOf, Walk } from './walk.ts';

/**
 * The thread a fork child's thread copies, through forks of forks: not itself a fork child
 * (the main thread, or a worker: FORK-2). A child's starter is the thread that forked it.
 */
export function forkingThread(t: MThread): MThread {
  let u = t;
  while (u.kind === 'fork' && u.starter) u = u.starter;
  return u;
}

export function fork(walk: Walk, s: StmtOf<'fork'>): null {
  const m = walk.m;
  walk.guards.forking();
  const parent = m.thread;
  const parentPid = m.pid;
  const ctx = `fork:${s.id}`;
  walk.forkParentHadRunning.set(ctx, m.runningLoop() !== null);
  // After the fork the forking thread, even a worker, is the child's threading.main_thread().
  const child = m.makeThread(parent.name, ctx, true, 'fork', () => {});
  m.pid = 1000 + Number(s.id!.slice(1));
  child.pid = m.pid;
  // The signals left to asyncio's handler and the wakeup fd: the child's are a copy (SIG-2).
  walk.signals.fork(parentPid, m.pid);
  // The child's thread-local storage is a copy of the forking thread's; 3.12's
  // os.register_at_fork(after_in_child=...) resets it, and the running loop, in the child.
  const policy = m.policy;
  walk.forkPolicy.set(ctx, policy);
  if (policy) {
    const fresh: Local = { loop: null, setCalled: false, setBy: 'never' };
    const had = policy.locals.get(parent);
    const l = walk.sw.forkHook ? fresh : (had ?? fresh);
    const forkReset = walk.sw.forkHook && had !== undefined && (had.loop !== null || had.setCalled);
    // NEW-2.1 speaks in the child of the loops made there.
    policy.locals.set(child, { ...l, forked: true, forkReset, newSince: [] });
  }
  const run = m.running.get(parent);
  if (run && !walk.sw.forkHook) m.running.set(child, run);
  const savedThread = m.thread;
  // The policy is a global of the process: one the child creates or sets stays in the child,
  // and so does what the walk knows of its changes (POL-2).
  const savedPolicy = m.policy;
  const { policyChanged, lastPolicySet } = walk;
  // The counter of task names is the process's: the child goes on from it, the parent keeps its own (TASK-6.2).
  const savedTaskNames = m.taskNameCounter;
  m.thread = child;
  child.status = 'running';
  try {
    walk.syncBody(s.body);
  } catch (e) {
    if (!(e instanceof PyErr)) throw e;
  } finally {
    child.status = 'done';
    m.thread = savedThread;
    m.pid = parentPid;
    m.policy = savedPolicy;
    m.taskNameCounter = savedTaskNames;
    walk.policyChanged = policyChanged;
    walk.lastPolicySet = lastPolicySet;
  }
  return null;
}
