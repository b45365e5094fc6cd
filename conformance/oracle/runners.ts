/**
 * asyncio.runners: asyncio.run, a Runner with a new loop, set as current, then reset and
 * closed; with the clauses that decide it.
 */
import { walk as statements } from '../../language/program.ts';
import { tag } from '../predictions.ts';
import type { Machine } from './machine.ts';
import { OutOfModel, PyErr } from './state.ts';
import type { MFuture, MLoop, MTask, PyResult } from './state.ts';
import { spawnTask } from './factories.ts';
import { shutdownOf } from './agens.ts';
import { cleaningUp, cleanupAfter, runnerEscaped } from './escapes.ts';
import type { ClauseTags, StmtOf, Walk } from './walk.ts';

/** asyncio.run in 3.12. */
export function asyncioRun(walk: Walk, s: StmtOf<'asyncio_run'>, tags: ClauseTags): unknown {
  const m = walk.m;
  // RUNNER-2.3: `run(main, *, debug=None)` before 3.12 refuses the keyword at the call, before any check.
  if (s.loop_factory && !walk.sw.runLoopFactory) {
    tags.outcome.push('RUNNER-2.3');
    for (const x of statements(s.body)) walk.expect({ ...tag('RUNNER-2.3'), kind: 'ran', stmt: x.id!, expected: false });
    throw new PyErr('TypeError', "run() got an unexpected keyword argument 'loop_factory'");
  }
  if (m.runningLoop()) {
    tags.outcome.push('ARUN-3.1');
    // Refused before the coroutine is wrapped in a task: none of it ever runs.
    for (const x of statements(s.body)) walk.expect({ ...tag('ARUN-3.2'), kind: 'ran', stmt: x.id!, expected: false });
    throw new PyErr('RuntimeError', 'asyncio.run() cannot be called from a running event loop');
  }
  tags.outcome.push('ARUN-1.1');
  m.getPolicy();
  const loop = m.newLoop();
  loop.fromRun = true;
  // RUNNER-2.3: with loop_factory, set_event_loop is never called: the thread's state stays.
  const factory = s.loop_factory === true;
  // What it returns stays ARUN-1.1's; that the keyword is taken (3.12+) is RUNNER-2.3's.
  if (factory) tags.conditions.push('RUNNER-2.3');
  const local = m.local();
  // NEW-2.1: the factory is asyncio.new_event_loop, so no lookup after the run returns its loop
  // while the thread's current loop stays as it was: marked here, the statements that saw the
  // loop stand for it once the run is over (below); a set_event_loop in between drops the mark.
  const made = `${s.id}:loop_factory`;
  if (factory) local.newSince = [...(local.newSince ?? []), made];
  if (!factory) {
    local.setCalled = true;
    local.setBy = 'loop';
    local.forked = false;
    local.loop = loop;
    local.loopFrom = 'run';
    local.newSince = [];
    local.keptByRunFactory = false;
  }
  // `if debug is not None: loop.set_debug(debug)`, after set_event_loop (DEBUG-1.2).
  if (s.debug !== undefined) {
    loop.debug = s.debug;
    loop.debugBy = 'DEBUG-1.2';
  }
  let result: PyResult;
  try {
    result = { value: m.runUntilComplete(loop, spawnTask(walk, loop, s.body)) };
  } catch (e) {
    // A hang or a step outside the model ends the prediction here, with no shutdown.
    if (!(e instanceof PyErr)) throw e;
    result = { error: e };
  }
  if ('error' in result) cleanupAfter(m.tasks, loop, result.error);
  try {
    closeRunner(m, loop, walk, s.id!);
  } finally {
    const l = m.local();
    if (!factory) {
      l.loop = null;
      l.setCalled = true;
      l.setBy = 'asyncio.run';
      l.newSince = [];
    } else {
      l.keptByRunFactory = true;
      if (l.newSince?.includes(made)) l.newSince = [...l.newSince.filter((x) => x !== made), ...walk.observedAs(loop)];
    }
    m.close(loop);
    loop.runFinished = true;
  }
  if ('error' in result) {
    runnerEscaped(result.error, tags);
    throw result.error;
  }
  return result.value;
}

/**
 * asyncio.Runner.close in 3.12, before the loop closes: cancel leftovers, shut down asyncgens
 * and the executor. For asyncio.run, ARUN-2's and AGEN-1.4's; for a Runner's close, RUNNER-1.3's.
 */
export function closeRunner(m: Machine, loop: MLoop, walk: Walk, sid: string, byRunner = false, byExit = false): void {
  cleaningUp(() => closeRunnerSteps(m, loop, walk, sid, byRunner, byExit));
}

function closeRunnerSteps(m: Machine, loop: MLoop, walk: Walk, sid: string, byRunner: boolean, byExit: boolean): void {
  const leftovers = m.tasks.filter((t) => t.loop === loop && t.state === 'pending');
  if (leftovers.length > 0) {
    for (const t of leftovers) {
      m.cancel(t);
      t.cancelledByRun = true;
      t.cancelledByRunner = byRunner;
      t.cancelledByExit = byExit;
    }
    m.runUntilComplete(loop, gather(m, loop, leftovers));
  }
  // AGEN-1.4: the generators its loop kept are closed before asyncio.run returns.
  m.runUntilComplete(loop, m.createTask(loop, shutdownOf(walk, loop, byRunner ? 'RUNNER-1.3' : 'AGEN-1.4', walk.nextSibling.get(sid))));
  if (m.sw.runShutsDownExecutor) m.runUntilComplete(loop, m.createTask(loop, m.shutdownDefaultExecutor(loop)));
  // 3.8 does not wait for the default executor (runners.py 3.8.18): a job still running when
  // asyncio.run returns races with the caller's next statements.
  else if (m.runnableThreads().some((t) => t.kind === 'executor'))
    throw new OutOfModel('asyncio.run returns while an executor job runs (3.8 does not wait for it)');
}

/** gather(*tasks, return_exceptions=True): done when all are done. */
function gather(m: Machine, loop: MLoop, tasks: MTask[]): MFuture {
  const outer = m.newFuture(loop);
  let left = tasks.length;
  for (const t of tasks) {
    m.addDoneCallback(t, () => {
      if (--left === 0 && outer.state === 'pending') m.setResult(outer, null);
    });
  }
  return outer;
}
