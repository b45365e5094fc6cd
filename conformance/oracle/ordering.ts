/**
 * The ordering rules: which marks' relative order a rule decides. The oracle reports every
 * mark as it runs, with where it ran (a callback of which loop, a task), and what else
 * happened that ordering depends on (stops, sleeps, task creations). When the prediction is
 * done, the order it predicted becomes the expectations of SCHED-1, SCHED-2, TASK-1, TASK-5
 * and LIFE-7.
 */
import type { Expectation } from '../predictions.ts';
import type { MLoop, MTask } from './state.ts';

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

export class Orderings {
  private marks: MarkRun[] = [];
  private scheduled: Array<{ id: string; loop: MLoop }> = [];
  private stopped = new Set<MLoop>();
  private sleptIn = new Set<MLoop>();
  private taskStarts: Array<{ creatorNext: string; taskFirst: string }> = [];

  ran(mark: MarkRun): void {
    this.marks.push(mark);
  }

  /** A callback whose first statement is the mark `id` was scheduled on `loop`. */
  scheduledCallback(id: string, loop: MLoop): void {
    this.scheduled.push({ id, loop });
  }

  stop(loop: MLoop): void {
    this.stopped.add(loop);
  }

  sleep0(loop: MLoop): void {
    this.sleptIn.add(loop);
  }

  /** A task whose body starts with mark `taskFirst` was created just before mark `creatorNext`. */
  taskCreated(creatorNext: string, taskFirst: string): void {
    this.taskStarts.push({ creatorNext, taskFirst });
  }

  /** The expectations, from the predicted order of each context and what ran. */
  expectations(order: Record<string, string[]>, ran: (id: string) => boolean): Expectation[] {
    const out: Expectation[] = [];
    const inOrder = (ctx: string, ids: string[]) => [...ids].sort((a, b) => (order[ctx] ?? []).indexOf(a) - (order[ctx] ?? []).indexOf(b));
    // SCHED-1: the callbacks of one loop run in the order they were scheduled.
    // TASK-5: the marks of tasks on one loop interleave at sleep(0), round robin.
    const groups = new Map<string, { rule: string; ctx: string; marks: MarkRun[] }>();
    const loopNumber = new Map<MLoop, number>();
    const add = (rule: string, mk: MarkRun) => {
      if (!loopNumber.has(mk.loop!)) loopNumber.set(mk.loop!, loopNumber.size);
      const key = `${rule}|${loopNumber.get(mk.loop!)}|${mk.ctx}`;
      const g = groups.get(key) ?? { rule, ctx: mk.ctx, marks: [] };
      g.marks.push(mk);
      groups.set(key, g);
    };
    for (const mk of this.marks) {
      if (!mk.loop) continue;
      if (mk.via === 'soon') add('SCHED-1', mk);
      if (mk.via === 'later') out.push(...this.timerPairs(mk));
      if (mk.task && this.sleptIn.has(mk.loop)) add('TASK-5', mk);
    }
    for (const g of groups.values()) {
      if (g.marks.length < 2) continue;
      if (g.rule === 'TASK-5' && new Set(g.marks.map((mk) => mk.task)).size < 2) continue;
      out.push({
        rule: g.rule,
        kind: 'order',
        context: g.ctx,
        expected: inOrder(
          g.ctx,
          g.marks.map((mk) => mk.id),
        ),
      });
    }
    // TASK-1: a new task's first step comes after its creator's next statement.
    for (const { creatorNext, taskFirst } of this.taskStarts) {
      const ctx = Object.keys(order).find((c) => order[c].includes(creatorNext) && order[c].includes(taskFirst));
      if (ctx) out.push({ rule: 'TASK-1', kind: 'order', context: ctx, expected: inOrder(ctx, [creatorNext, taskFirst]) });
    }
    // LIFE-7: on a loop that was stopped, exactly the callbacks the model ran have run.
    for (const { id, loop } of this.scheduled) {
      if (this.stopped.has(loop)) out.push({ rule: 'LIFE-7', kind: 'ran', stmt: id, expected: ran(id) });
    }
    return out;
  }

  /** SCHED-2: a timer's callback runs after every timer of its loop with an earlier deadline. */
  private timerPairs(mk: MarkRun): Expectation[] {
    return this.marks
      .filter(
        (other) =>
          other !== mk && other.via === 'later' && other.loop === mk.loop && other.ctx === mk.ctx && other.deadline! < mk.deadline!,
      )
      .map((other) => ({ rule: 'SCHED-2', kind: 'order' as const, context: mk.ctx, expected: [other.id, mk.id] }));
  }
}
