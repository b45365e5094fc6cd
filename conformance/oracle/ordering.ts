/**
 * The ordering rules: which marks' relative order a rule decides. The oracle reports every
 * mark as it runs, with where it ran (a callback of which loop, a task), and what else
 * happened that ordering depends on (stops, sleeps, task creations). When the prediction is
 * done, the order it predicted becomes the expectations of SCHED-1, SCHED-2, TASK-1, TASK-5,
 * LIFE-7 and LIFE-8, including what must never run and orders across the ready queue and the
 * timers.
 */
import type { Expectation } from '../predictions.ts';
import { tag } from '../predictions.ts';
import type { Callback, MLoop, MTask, MThread } from './state.ts';

/** A mark that ran, with where and why it ran. */
export interface MarkRun {
  id: string;
  ctx: string;
  loop?: MLoop;
  task?: MTask;
  /** The mark is the first statement of a callback scheduled this way. */
  via?: 'soon' | 'later';
  /** For a timer: its deadline. Exact ties have no order in CPython (a heap). */
  deadline?: number;
}

/**
 * A callback whose first statement is a mark, as it was scheduled: by which thread, in which
 * order, and in which segment of its loop's life (a stretch in which the loop cannot begin an
 * iteration: one callback, one task step, or the time the loop is idle between two runs).
 */
export interface Scheduled {
  id: string;
  loop: MLoop;
  via: 'soon' | 'later' | 'threadsafe';
  thread: MThread;
  seq: number;
  /** Compared with ===; undefined when the segment is not known. */
  segment?: unknown;
  /** For a timer: its deadline. */
  deadline?: number;
  /** Its handle: a cancelled callback never runs, by SCHED-5.1 (not by a stop, nor by a loop not run again). */
  handle: Callback;
}

/** Seconds after a stop within which a timer's deadline may fall into the stopping iteration on a loaded machine. */
const STOP_GAP = 0.25;

/** Seconds by which a later-scheduled timer's deadline must come first for the order to be asserted. */
export const INVERTED_GAP = 0.1 - 1e-9;

export class Orderings {
  private marks: MarkRun[] = [];
  private scheduled: Scheduled[] = [];
  private runs = new Map<MLoop, number>();
  private steps = new Map<MTask, number>();
  private early = new Set<MTask>();
  private earlyBodies: Array<{ ids: string[]; before: Set<string> }> = [];
  /** The stops of each loop that was stopped: when, and whether it ran then. */
  private stops = new Map<MLoop, Array<{ clock: number; running: boolean }>>();
  /** The clauses by which runs of a loop were refused (LIFE-2 to LIFE-4): a callback it never ran might have run in them. */
  private refusals = new Map<MLoop, Set<string>>();
  private sleptIn = new Set<MLoop>();
  private timerSleptIn = new Set<MLoop>();
  private taskStarts: Array<{ creatorNext: string; taskFirst: string }> = [];

  ran(mark: MarkRun): void {
    this.marks.push(mark);
  }

  /** A callback whose first statement is the mark `id` was scheduled. */
  scheduledCallback(s: Omit<Scheduled, 'seq'>): void {
    this.scheduled.push({ ...s, seq: this.scheduled.length });
  }

  /** A run of `loop` starts (or is attempted): its idle segment ends. */
  runStarted(loop: MLoop): void {
    this.runs.set(loop, (this.runs.get(loop) ?? 0) + 1);
  }

  /** The segment of an idle loop: it lasts until the loop's next run. */
  idleSegment(loop: MLoop): string {
    return `idle:${loop.id}:${this.runs.get(loop) ?? 0}`;
  }

  /** A task resumed after a suspension (or an await that did not suspend): a new step. */
  resumed(task: MTask): void {
    this.steps.set(task, (this.steps.get(task) ?? 0) + 1);
  }

  /** How many times `task` has resumed: 0 in its first step (TASK-3). */
  stepsOf(task: MTask): number {
    return this.steps.get(task) ?? 0;
  }

  /** The segment of the step `task` is in. */
  stepSegment(task: MTask): string {
    return `step:${task.id}:${this.steps.get(task) ?? 0}`;
  }

  /** LIFE-8: the task of a run_until_complete stopped early; `ids` are its body's statements. */
  stoppedEarly(task: MTask, ids: string[], before: Set<string>): void {
    this.early.add(task);
    this.earlyBodies.push({ ids, before });
  }

  /** Whether `task` was left pending by a run_until_complete stopped early (LIFE-8). */
  leftPending(task: MTask | undefined): boolean {
    return task !== undefined && this.early.has(task);
  }

  /** `loop.stop()` was called at virtual time `clock`, while the loop ran or not. */
  stop(loop: MLoop, clock: number, running: boolean): void {
    this.stops.set(loop, [...(this.stops.get(loop) ?? []), { clock, running }]);
  }

  /** That a callback of `loop` never ran: the conditions are the refusals of the loop's runs, which would have run it. */
  private refusedRunsOf(loop: MLoop, stmt: string): Expectation[] {
    return [...(this.refusals.get(loop) ?? [])].map((c) => ({
      ...tag(c),
      condition: true as const,
      kind: 'ran' as const,
      stmt,
      expected: false,
    }));
  }

  /** A run of `loop` was refused, by `clause`. */
  refused(loop: MLoop, clause: string): void {
    this.refusals.set(loop, new Set([...(this.refusals.get(loop) ?? []), clause]));
  }

  sleep0(loop: MLoop): void {
    this.sleptIn.add(loop);
  }

  /** Whether a task of `loop` has slept(0) so far. */
  slept0(loop: MLoop): boolean {
    return this.sleptIn.has(loop);
  }

  /** A task of `loop` slept for a time: its wake-up is a timer (SCHED-2). */
  sleepTimer(loop: MLoop): void {
    this.timerSleptIn.add(loop);
  }

  /** A task whose body starts with mark `taskFirst` was created just before mark `creatorNext`. */
  taskCreated(creatorNext: string, taskFirst: string): void {
    this.taskStarts.push({ creatorNext, taskFirst });
  }

  /** The expectations, from the predicted order of each context and what ran. */
  expectations(order: Record<string, string[]>, ran: (id: string) => boolean): Expectation[] {
    const out: Expectation[] = [];
    // As they ran, as often as each ran (a signal's handler runs its body once a signal, SIG-2).
    const inOrder = (ctx: string, ids: string[]) => (order[ctx] ?? []).filter((id) => ids.includes(id));
    // SCHED-1: the callbacks of one loop run in the order they were scheduled.
    // TASK-5: the marks of tasks on one loop interleave at sleep(0), round robin.
    const groups = new Map<string, { clause: string; ctx: string; marks: MarkRun[] }>();
    const loopNumber = new Map<MLoop, number>();
    const add = (clause: string, mk: MarkRun) => {
      if (!loopNumber.has(mk.loop!)) loopNumber.set(mk.loop!, loopNumber.size);
      const key = `${clause}|${loopNumber.get(mk.loop!)}|${mk.ctx}`;
      const g = groups.get(key) ?? { clause, ctx: mk.ctx, marks: [] };
      g.marks.push(mk);
      groups.set(key, g);
    };
    for (const mk of this.marks) {
      if (!mk.loop) continue;
      if (mk.via === 'soon') add('SCHED-1.2', mk);
      if (mk.via === 'later') out.push(...this.timerPairs(mk));
      if (mk.task && this.sleptIn.has(mk.loop)) add('TASK-5.2', mk);
    }
    for (const g of groups.values()) {
      if (g.marks.length < 2) continue;
      if (g.clause === 'TASK-5.2' && new Set(g.marks.map((mk) => mk.task)).size < 2) continue;
      const expected = inOrder(
        g.ctx,
        g.marks.map((mk) => mk.id),
      );
      out.push({ ...tag(g.clause), kind: 'order', context: g.ctx, expected });
      // Tasks that also slept for a time wake by timers: their order is the timers' too (SCHED-2.1).
      if (g.clause === 'TASK-5.2' && this.timerSleptIn.has(g.marks[0].loop!))
        out.push({ ...tag('SCHED-2.1'), condition: true, kind: 'order', context: g.ctx, expected });
      // Callbacks queued by tasks that slept(0): which iteration queued each is the round robin's (TASK-5.2).
      if (g.clause === 'SCHED-1.2' && this.sleptIn.has(g.marks[0].loop!))
        out.push({ ...tag('TASK-5.2'), condition: true, kind: 'order', context: g.ctx, expected });
    }
    out.push(...this.backToBack());
    // TASK-1: a new task's first step comes after its creator's next statement.
    for (const { creatorNext, taskFirst } of this.taskStarts) {
      const ctx = Object.keys(order).find((c) => order[c].includes(creatorNext) && order[c].includes(taskFirst));
      if (ctx) out.push({ ...tag('TASK-1.3'), kind: 'order', context: ctx, expected: inOrder(ctx, [creatorNext, taskFirst]) });
    }
    // LIFE-7: on a loop that was stopped, exactly the callbacks the model ran have run.
    // Not a timer due after a stop made before the run (the run's one iteration may start
    // late on a loaded machine), nor within STOP_GAP after a stop made while it ran: the
    // stopping iteration may start that late, find the timer due, and run it (3.11.7 under load).
    const nearStop = (loop: MLoop, deadline?: number) =>
      deadline !== undefined &&
      (this.stops.get(loop) ?? []).some((t) => deadline >= t.clock && (!t.running || deadline - t.clock < STOP_GAP));
    for (const { id, loop, deadline, handle } of this.scheduled) {
      if (handle.cancelled && !ran(id)) continue;
      if (!this.stops.has(loop) || (!ran(id) && nearStop(loop, deadline))) continue;
      out.push({ ...tag(ran(id) ? 'LIFE-7.3' : 'LIFE-7.4'), kind: 'ran', stmt: id, expected: ran(id) });
      if (!ran(id)) out.push(...this.refusedRunsOf(loop, id));
    }
    // SCHED-1: a call_soon callback that its loop never got to (never run again, or closed
    // first) never runs, in no loop. Not after a fork: a child's copy of the loop may run it.
    // Not on asyncio.run's loop: how many iterations its shutdown runs is left unspecified.
    const forked = Object.keys(order).some((c) => c.startsWith('fork:'));
    for (const { id, loop, via, handle } of this.scheduled) {
      if (via === 'soon' && !handle.cancelled && !forked && !loop.fromRun && !this.stops.has(loop) && !ran(id))
        out.push({ ...tag('SCHED-1.3'), kind: 'ran', stmt: id, expected: false }, ...this.refusedRunsOf(loop, id));
    }
    if (!forked) out.push(...this.crossQueue());
    // LIFE-8: the task of a run_until_complete stopped early resumes when its loop runs again.
    for (const { ids, before } of this.earlyBodies) {
      for (const id of ids) if (!before.has(id) && ran(id)) out.push({ ...tag('LIFE-8.3'), kind: 'ran', stmt: id, expected: true });
    }
    return out;
  }

  /** The context each mark ran in (a thread, a fork child), by its id. */
  private markContexts(): Map<string, string> {
    return new Map(this.marks.map((mk) => [mk.id, mk.ctx]));
  }

  /**
   * SCHED-1 where tasks slept(0): its order groups have TASK-5.2 as their condition (which
   * iteration queued each callback is the round robin's). But two call_soon callbacks queued
   * back to back (one loop, one thread, one segment: nothing of the round robin runs between
   * them) run in that order, if both run, whatever else went wrong: a break there is SCHED-1's
   * own (check.ts `proven`), and resolves a tie it takes part in.
   */
  private backToBack(): Expectation[] {
    const ctxOf = this.markContexts();
    const out: Expectation[] = [];
    let last: Scheduled | undefined;
    for (const c of this.scheduled) {
      const follows =
        last !== undefined &&
        c.via === 'soon' &&
        last.via === 'soon' &&
        c.loop === last.loop &&
        c.thread === last.thread &&
        c.segment !== undefined &&
        c.segment === last.segment &&
        this.sleptIn.has(c.loop);
      const ctx = ctxOf.get(c.id);
      if (follows && ctx !== undefined && ctx === ctxOf.get(last!.id))
        out.push({ ...tag('SCHED-1.2'), kind: 'order', context: ctx, expected: [last!.id, c.id], backToBack: true });
      last = c;
    }
    return out;
  }

  /**
   * SCHED-2 across queues: a timer joins the ready queue only in an iteration that begins
   * after it was scheduled, behind the callbacks already queued. So a call_soon callback C
   * runs before a timer T of its loop when C was scheduled before T, or in the same segment
   * as T (by the same thread; both ran, in one context; no fork copied the queues).
   */
  private crossQueue(): Expectation[] {
    const ctxOf = this.markContexts();
    const out: Expectation[] = [];
    for (const c of this.scheduled) {
      if (c.via !== 'soon' || !ctxOf.has(c.id)) continue;
      for (const t of this.scheduled) {
        if (t.via !== 'later' || t.loop !== c.loop || t.thread !== c.thread || ctxOf.get(t.id) !== ctxOf.get(c.id)) continue;
        if (!(c.seq < t.seq || (c.segment !== undefined && c.segment === t.segment))) continue;
        out.push({ ...tag(c.seq < t.seq ? 'SCHED-2.2' : 'SCHED-2.3'), kind: 'order', context: ctxOf.get(c.id)!, expected: [c.id, t.id] });
      }
    }
    return out;
  }

  /**
   * SCHED-2: a timer's callback runs after every timer of its loop with an earlier deadline.
   * Deadlines are virtual: real time passes between two call_later statements too. A timer
   * scheduled after another can come due first only if its deadline is earlier by more than
   * that time, so such pairs are compared only when their deadlines are INVERTED_GAP apart
   * (a stall of 50 ms between two statements inverted a 0.05 s pair on CPython 3.11.7 under
   * load, seed 9601); a pair in scheduling order only grows further apart.
   */
  private timerPairs(mk: MarkRun): Expectation[] {
    const seq = (m: MarkRun) => this.scheduled.find((s) => s.id === m.id)?.seq ?? Number.POSITIVE_INFINITY;
    const safe = (first: MarkRun) => seq(first) < seq(mk) || mk.deadline! - first.deadline! >= INVERTED_GAP;
    return this.marks
      .filter(
        (other) =>
          other !== mk &&
          other.via === 'later' &&
          other.loop === mk.loop &&
          other.ctx === mk.ctx &&
          other.deadline! < mk.deadline! &&
          safe(other),
      )
      .map((other) => ({ ...tag('SCHED-2.1'), kind: 'order' as const, context: mk.ctx, expected: [other.id, mk.id] }));
  }
}
