/**
 * asyncio.unix_events: a loop's signal handlers (add_signal_handler, remove_signal_handler,
 * what close() removes) and the signals a process sends itself (os.kill), with the rules that
 * decide them (SIG-1, SIG-2). The self-pipe's reader, which queues a handler, is the machine's
 * (loop-machine.ts); here is what the process keeps (each signal left to asyncio's Python
 * handler, the wakeup fd) and what the rules assert of each handler.
 *
 * Out of the model, and why: a signal sent from a thread other than the process's main thread
 * (which thread takes it, and when its number reaches the self-pipe, is real-thread timing), or
 * while another thread of the process is alive (a wake-up it writes to the self-pipe makes the
 * loop read the signal an iteration early or not); a signal whose action is the default (it ends
 * the process); one sent while two loops of the process hold handlers, or while the wakeup fd is
 * not the self-pipe of the loop that holds them (the process has one wakeup fd, which each
 * add_signal_handler takes and the removal of a loop's last handler gives up: which loop reads
 * the signal is that accident); one sent to a loop that runs in another thread, that a fork
 * child inherited (their self-pipe is shared with the parent), or that asyncio.run runs (how many
 * iterations its shutdown runs is not specified); remove_signal_handler of a handler, or close()
 * of a loop with handlers, from a thread other than the main thread (CPython deletes the
 * handler, then signal.signal raises ValueError: a half-removal); a handler that raises.
 */
import type { Stmt } from '../../language/program.ts';
import { SIGNAL_NUMBERS, type Sig, walk as statements } from '../../language/program.ts';
import type { Expectation } from '../predictions.ts';
import { tag } from '../predictions.ts';
import { callbackStarts } from './errors.ts';
import { closedError, OutOfModel, PyErr } from './state.ts';
import type { Callback, MLoop } from './state.ts';
import type { ClauseTags, StmtOf, Walk, Where } from './walk.ts';

/** The signals signal.signal refuses (sigaction's EINVAL): add_signal_handler raises RuntimeError (SIG-1.1). */
const UNCATCHABLE = new Set<number>([SIGNAL_NUMBERS.SIGKILL, SIGNAL_NUMBERS.SIGSTOP]);

/** A handler the program added (or tried to): its body, its loop, what became of it. */
interface Handler {
  sid: string;
  body: Stmt[];
  loop: MLoop;
  /** Its signal, where add_signal_handler got that far. */
  sig?: number;
  /** The Handle the loop's reader queues; none where add_signal_handler refused. */
  cb?: Callback;
  /** A signal for it was in its loop's self-pipe when the loop closed, or when the program ended. */
  lost?: boolean;
}

/** One run of a handler: where it started and ended in its context's order. */
interface Run {
  handler: Handler;
  ctx: string;
  /** Indexes in the predicted order of `ctx`: its first statement, and the first after it. */
  start: number;
  end: number;
  /** It ran after a stop() in its iteration: that it was still in that iteration's batch is the ready queue's FIFO (SCHED-1.2). */
  afterStop: boolean;
}

/** What a process keeps: the loop whose self-pipe the wakeup fd is, the signals left to asyncio's handler, the loops holding handlers. */
interface Process {
  owner: MLoop | null;
  caught: Set<number>;
  loops: Set<MLoop>;
}

/** What the walk keeps of signals (SIG-1, SIG-2). */
export class SignalBook {
  private readonly procs = new Map<number, Process>();
  readonly handlers: Handler[] = [];
  readonly runs: Run[] = [];
  /** The signals close() removed from each loop (SIG-1.3). */
  readonly removedByClose = new Map<MLoop, Set<number>>();
  /** Signals sent and not yet matched with a run of their handler: the statement after os.kill (SIG-2.1). */
  readonly sent: Array<{ loop: MLoop; sig: number; next: string }> = [];
  /** The order pairs that say a handler ran after the statement that followed its os.kill (SIG-2.1). */
  readonly notInline: Array<{ ctx: string; next: string; first: string; loop: MLoop; afterStop: boolean }> = [];

  process(pid: number): Process {
    let p = this.procs.get(pid);
    if (!p) {
      p = { owner: null, caught: new Set(), loops: new Set() };
      this.procs.set(pid, p);
    }
    return p;
  }

  /** A fork child starts with a copy of what its parent keeps. */
  fork(parent: number, child: number): void {
    const p = this.process(parent);
    this.procs.set(child, { owner: p.owner, caught: new Set(p.caught), loops: new Set(p.loops) });
  }
}

/** The int a statement's `sig` passes, or the TypeError / ValueError of _check_signal. */
function checkSignal(sig: Sig): number {
  if (sig === null) throw new PyErr('TypeError', 'sig must be an int, not None');
  if (typeof sig === 'string') return SIGNAL_NUMBERS[sig];
  if (!Number.isInteger(sig) || (sig >= 1 && sig <= 64)) throw new OutOfModel(`signal number ${sig}: the language passes signals by name`);
  throw new PyErr('ValueError', `invalid signal number ${sig}`);
}

/** set_wakeup_fd's ValueError from a thread other than the main thread, as add_signal_handler raises it (RuntimeError). */
const notMainThread = (walk: Walk): PyErr =>
  new PyErr('RuntimeError', `set_wakeup_fd only works in main thread${walk.sw.signalMainInterpreter ? ' of the main interpreter' : ''}`);

/** A loop that runs in another thread: its handlers would change under its reader. */
function runsElsewhere(walk: Walk, loop: MLoop, op: string): void {
  if (loop.thread !== null && loop.thread !== walk.m.thread) throw new OutOfModel(`${op} on a loop running in another thread`);
}

/** `L.add_signal_handler(sig, cb)` (SIG-1.1): CPython's checks in order, then cb is sig's handler, and L's self-pipe the wakeup fd. */
export function addSignalHandler(walk: Walk, s: StmtOf<'add_signal_handler'>, tags: ClauseTags): null {
  const m = walk.m;
  const loop = walk.guards.loopVar(s.loop, 'add_signal_handler');
  runsElsewhere(walk, loop, 'add_signal_handler');
  tags.outcome.push('SIG-1.1');
  const handler: Handler = { sid: s.id!, body: s.body, loop };
  walk.signals.handlers.push(handler);
  if (s.coro) throw new PyErr('TypeError', 'coroutines cannot be used with add_signal_handler()');
  const sig = checkSignal(s.sig);
  if (loop.closed) throw closedError();
  if (!m.thread.isMain) throw notMainThread(walk);
  const proc = walk.signals.process(m.pid);
  proc.owner = loop;
  if (UNCATCHABLE.has(sig)) {
    // signal.signal refuses it; the loop gives the wakeup fd up when it holds no other handler.
    if (loop.signalHandlers.size === 0) proc.owner = null;
    throw new PyErr('RuntimeError', `sig ${sig} cannot be caught`);
  }
  handler.sig = sig;
  handler.cb = { run: () => runHandler(walk, handler), cancelled: false };
  loop.signalHandlers.set(sig, handler.cb);
  proc.caught.add(sig);
  proc.loops.add(loop);
  return null;
}

/** `L.remove_signal_handler(sig)` (SIG-1.2; SIG-1.3 where close() removed it). */
export function removeSignalHandler(walk: Walk, s: StmtOf<'remove_signal_handler'>, tags: ClauseTags): boolean {
  const m = walk.m;
  const loop = walk.guards.loopVar(s.loop, 'remove_signal_handler');
  runsElsewhere(walk, loop, 'remove_signal_handler');
  tags.outcome.push('SIG-1.2');
  const sig = checkSignal(s.sig);
  if (!loop.signalHandlers.has(sig)) {
    if (walk.signals.removedByClose.get(loop)?.has(sig)) tags.outcome.splice(0, tags.outcome.length, 'SIG-1.3');
    return false;
  }
  if (!m.thread.isMain)
    throw new OutOfModel('remove_signal_handler of a handler from another thread than the main thread (a half-removal)');
  remove(walk, loop, sig);
  return true;
}

/** The handler of `sig` removed from `loop`: the signal back to its default action, the wakeup fd given up with the last one. */
function remove(walk: Walk, loop: MLoop, sig: number): void {
  const proc = walk.signals.process(walk.m.pid);
  loop.signalHandlers.delete(sig);
  proc.caught.delete(sig);
  if (loop.signalHandlers.size > 0) return;
  proc.owner = null;
  proc.loops.delete(loop);
}

/** close() of a loop (now closed): its self-pipe's signals are lost, and every handler removed (SIG-1.3). */
export function closed(walk: Walk, loop: MLoop, pipe: number[]): void {
  for (const sig of pipe) lose(walk, loop, sig);
  if (loop.signalHandlers.size === 0) return;
  if (!walk.m.thread.isMain) throw new OutOfModel('close() of a loop with signal handlers from another thread than the main thread');
  const removed = walk.signals.removedByClose.get(loop) ?? new Set<number>();
  for (const sig of [...loop.signalHandlers.keys()]) {
    removed.add(sig);
    remove(walk, loop, sig);
  }
  walk.signals.removedByClose.set(loop, removed);
}

/** A signal's number that `loop` never read: the handler it has for it then never got it. */
function lose(walk: Walk, loop: MLoop, sig: number): void {
  const cb = loop.signalHandlers.get(sig);
  const handler = walk.signals.handlers.find((h) => h.cb !== undefined && h.cb === cb);
  if (handler) handler.lost = true;
}

/** `os.kill(os.getpid(), sig)` (SIG-2.1): the number goes to the self-pipe of the loop that holds the wakeup fd. */
export function signalSelf(walk: Walk, s: StmtOf<'signal_self'>, tags: ClauseTags): null {
  const m = walk.m;
  const sig = SIGNAL_NUMBERS[s.sig];
  if (m.thread.kind !== 'main' && m.thread.kind !== 'fork') throw new OutOfModel('a signal sent from a thread other than the main thread');
  if (m.threads.some((t) => t !== m.thread && t.pid === m.pid && t.status !== 'done'))
    throw new OutOfModel('a signal sent while another thread is alive (its wake-ups of the self-pipe are real-thread timing)');
  const proc = walk.signals.process(m.pid);
  if (!proc.caught.has(sig)) throw new OutOfModel('a signal at its default action (it ends the process)');
  const owner = proc.owner;
  if (!owner || [...proc.loops].some((l) => l !== owner))
    throw new OutOfModel('a signal while the wakeup fd is not the self-pipe of the one loop holding handlers');
  if (owner.pid !== m.pid) throw new OutOfModel('a signal to a loop a fork child inherited (its self-pipe is shared with the parent)');
  if (owner.fromRun) throw new OutOfModel("a signal to asyncio.run's loop (how many iterations its shutdown runs is not specified)");
  runsElsewhere(walk, owner, 'signal_self');
  tags.outcome.push('SIG-2.1');
  // Sent from a callback or a task step: that the signal is still caught then (no handler removed
  // first) is the order in which the loop ran them.
  const running = m.runningLoop();
  if (running) tags.conditions.push(timing(walk, running));
  owner.pipe.push(sig);
  const next = walk.nextSibling.get(s.id!);
  if (next && next.op !== 'return' && next.op !== 'raise') walk.signals.sent.push({ loop: owner, sig, next: next.id! });
  return null;
}

/** A handler runs: a callback of its loop, in the loop's thread (SIG-2.1). */
function runHandler(walk: Walk, handler: Handler): void {
  const { loop, body } = handler;
  const ctx = walk.m.thread.ctx;
  const where: Where = { loop, via: 'signal' };
  // The statement that followed the os.kill it answers (the oldest not yet answered) ran first.
  const i = walk.signals.sent.findIndex((x) => x.loop === loop && x.sig === handler.sig);
  const first = body.find((x) => x.op !== 'return' && x.op !== 'raise');
  const afterStop = loop.stopping;
  if (i >= 0) {
    const [sent] = walk.signals.sent.splice(i, 1);
    if (first) walk.signals.notInline.push({ ctx, next: sent.next, first: first.id!, loop, afterStop });
  }
  const start = (walk.order[ctx] ?? []).length;
  callbackStarts(walk, loop, body);
  try {
    walk.syncBody(body, where);
  } catch (e) {
    if (!(e instanceof PyErr)) throw e;
    throw new OutOfModel('a signal handler that raises');
  }
  walk.signals.runs.push({ handler, ctx, start, end: (walk.order[ctx] ?? []).length, afterStop });
}

/** The statement ids of each body a task runs, a callback of each kind, or a handler: where a neighbour of a handler's run comes from. */
function origins(walk: Walk): Map<string, string> {
  const from = new Map<string, string>();
  for (const body of walk.bodyTask.keys()) for (const x of body) from.set(x.id!, 'task');
  for (const { body, via } of walk.callbacksRun) for (const id of body) from.set(id, via);
  for (const h of walk.signals.handlers) for (const x of h.body) from.set(x.id!, 'signal');
  return from;
}

/**
 * Which iteration a callback or a task step of `loop` runs in, where the handler's does too:
 * the round robin where its tasks slept(0) (TASK-5.2), else the ready queue's FIFO (SCHED-1.2).
 */
const timing = (walk: Walk, loop: MLoop): string => (walk.orderings.slept0(loop) ? 'TASK-5.2' : 'SCHED-1.2');

/**
 * The conditions of a handler's order against a neighbour, by where the neighbour comes from,
 * or undefined where the order is not asserted: for another handler, none (the round robin where
 * tasks slept(0): how often each ran by then is its timing); for a task step, the
 * iteration it runs in (timing); for a callback, the FIFO (SCHED-1.2), but not where tasks
 * slept(0) (the round robin and the queue would both decide it); for a statement outside the run
 * (the handler queued in the previous run's stopping iteration, or run in the run's last one),
 * none: that is SIG-2.2's queuing (LIFE-7.4 says the same of every callback), but the round robin
 * where tasks slept(0), which decides the iteration the run stops in.
 */
function conditionsOf(walk: Walk, loop: MLoop, origin: string | undefined, afterStop: boolean): string[] | undefined {
  const slept = walk.orderings.slept0(loop);
  // Run after a stop in its iteration: that it ran before the run ended at all is the queue's FIFO.
  const fifo = afterStop ? ['SCHED-1.2'] : [];
  if (origin === 'signal') return slept ? ['TASK-5.2'] : fifo;
  if (origin === 'task') return [timing(walk, loop)];
  if (origin === 'soon') return slept ? undefined : ['SCHED-1.2'];
  if (origin === undefined) return slept ? ['TASK-5.2'] : fifo;
  return undefined;
}

/** Every expectation of the signals: which handlers run, how often, and where among the loop's callbacks (SIG-2). */
export function expectations(walk: Walk): Expectation[] {
  const book = walk.signals;
  const out: Expectation[] = [];
  // A loop's self-pipe still holding signals at the end: their handlers never got them.
  for (const h of book.handlers) for (const sig of h.loop.pipe) lose(walk, h.loop, sig);
  const ran = new Set(book.runs.map((r) => r.handler));
  for (const h of book.handlers) {
    const first = h.body.find((x) => x.op !== 'return' && x.op !== 'raise');
    if (!first) continue;
    // Where its loop's tasks slept(0), which iteration reads a signal, against the run's end or a
    // handler added again or removed, is the round robin's too (TASK-5.2).
    const slept = walk.orderings.slept0(h.loop) ? [{ ...tag('TASK-5.2'), condition: true as const }] : [];
    if (ran.has(h)) {
      // Run after a stop in the same iteration: that it ran before the run ended is the queue's FIFO.
      const queued =
        slept.length === 0 && book.runs.some((r) => r.handler === h && r.afterStop)
          ? [{ ...tag('SCHED-1.2'), condition: true as const }]
          : [];
      // It runs (SIG-2.1), as often as its signals were read: its first statement, once a run.
      for (const t of [tag('SIG-2.1'), ...slept, ...queued]) out.push({ ...t, kind: 'ran', stmt: first.id!, expected: true });
      const ctx = book.runs.find((r) => r.handler === h)!.ctx;
      const times = (walk.order[ctx] ?? []).filter((id) => id === first.id);
      for (const t of [tag('SIG-2.1'), ...slept, ...queued]) out.push({ ...t, kind: 'order', context: ctx, expected: times });
      continue;
    }
    // Never run: refused (SIG-1.1); no signal for it read while it was the handler (SIG-2.1);
    // or its signal queued it, or waited in the self-pipe, when its loop stopped or closed (SIG-2.2).
    const late = (h.cb?.queued ?? 0) > 0 || h.lost === true;
    const clause = !h.cb ? 'SIG-1.1' : late ? 'SIG-2.2' : 'SIG-2.1';
    for (const x of statements(h.body))
      for (const t of [tag(clause), ...(h.cb ? slept : [])]) out.push({ ...t, kind: 'ran', stmt: x.id!, expected: false });
  }
  // Not inside os.kill, nor inside the callback or step that sent it: after the statement that
  // followed it (how often the handler ran by then is the iteration timing's, as above).
  for (const { ctx, next, first, loop, afterStop } of book.notInline)
    out.push(...pair(walk, 'SIG-2.1', ctx, next, first, walk.orderings.slept0(loop) ? ['TASK-5.2'] : afterStop ? ['SCHED-1.2'] : []));
  out.push(...neighbours(walk));
  return out;
}

/** An order expectation of two statements, as often as each ran (a handler runs once a signal). */
function pair(walk: Walk, clause: string, ctx: string, a: string, b: string, conditions: string[]): Expectation[] {
  const expected = (walk.order[ctx] ?? []).filter((id) => id === a || id === b);
  if (!expected.includes(a) || !expected.includes(b)) return [];
  return [clause, ...conditions].map((c, i) => ({
    ...tag(c),
    ...(i > 0 ? { condition: true as const } : {}),
    kind: 'order' as const,
    context: ctx,
    expected,
  }));
}

/** What comes in real time: a timer due, a callback or a job's result from another thread (SIG-2 rationale). */
const REAL_TIME = new Set(['call_later', 'call_at', 'run_in_executor', 'call_soon_threadsafe', 'start_thread']);

/**
 * SIG-2.2: each run of a handler against the statements just before and just after it in its
 * context, where nothing comes in real time: a timer comes due, and another thread's callback
 * or an executor job's result reaches the loop, in an iteration that depends on the machine's
 * speed, so where it falls against the iteration that reads the signal is not determined.
 */
function neighbours(walk: Walk): Expectation[] {
  if (walk.statements().some((x) => REAL_TIME.has(x.op) || (x.op === 'sleep' && x.delay > 0))) return [];
  const from = origins(walk);
  const out: Expectation[] = [];
  const seen = new Set<string>();
  for (const { handler, ctx, start, end, afterStop } of walk.signals.runs) {
    const order = walk.order[ctx] ?? [];
    if (end <= start) continue;
    const sides: Array<[string | undefined, string, boolean]> = [
      [order[start - 1], order[start], true],
      [order[end], order[end - 1], false],
    ];
    for (const [other, own, before] of sides) {
      if (other === undefined) continue;
      const conditions = conditionsOf(walk, handler.loop, from.get(other), afterStop);
      const key = `${ctx} ${[other, own].sort().join(' ')}`;
      if (!conditions || seen.has(key)) continue;
      seen.add(key);
      out.push(...(before ? pair(walk, 'SIG-2.2', ctx, other, own, conditions) : pair(walk, 'SIG-2.2', ctx, own, other, conditions)));
    }
  }
  return out;
}
