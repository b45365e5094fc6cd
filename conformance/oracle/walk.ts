/**
 * One walk of a program over the abstract machine: every statement becomes an observation,
 * recorded with the clauses that decide it. What a statement does is up to the module named
 * after the CPython module it models (events, base_events, tasks, runners, threading, os);
 * what keeps the walk deterministic, to determinism.ts. The walk holds the state that one
 * prediction builds up.
 */
import { carriedOver } from './runner.ts';
import { cleanupCondition, raisedInCoro, raisedInSync } from './escapes.ts';
import type { Op, Program, Stmt } from '../../language/program.ts';
import { CORO_ONLY, walk } from '../../language/program.ts';
import type { Observation, Outcome, Value, Warning } from '../../language/trace.ts';
import type { Switches } from '../../spec/profiles.ts';
import type { Expectation } from '../predictions.ts';
import { tag } from '../predictions.ts';
import * as cancellation from './cancellation.ts';
import { Determinism } from './determinism.ts';
import type { HandlerCall } from './errors.ts';
import { Machine } from './machine.ts';
import { type Exec, STATEMENTS, SUSPENDING, type Suspend } from './statements.ts';
import * as agens from './agens.ts';
import * as futures from './futures.ts';
import * as signals from './signals.ts';
import { Orderings } from './ordering.ts';
import { disturbedConditions, READS_RUNNING } from './disturbance.ts';
import { runsAndEnds } from './runs.ts';
import type { Timeline } from '../attribution.ts';
import { OutOfModel, PyErr } from './state.ts';
import type { Callback, Coro, MLoop, MPolicy, MTask, MThread } from './state.ts';

/** The clauses (spec/rules.ts) that decide a statement's observation: its outcome, its warnings. */
export interface ClauseTags {
  /** The clauses that decide what the statement does with the state it sees. */
  outcome: string[];
  warnings: string[];
  /** The clauses that decide which state it sees (Expectation's `condition`), for its outcome. */
  conditions: string[];
  /** Conditions whose text speaks of the statement's warnings too (a fork child's fresh state warns as GET-3 does). */
  warnedConditions: string[];
  match?: 'prefix';
  /** The conditions are about the state the call read: they hold only where it returned a value (a missing method is the outcome's alone). */
  conditionsOnValue?: true;
}

/** The callback a sync body is, if it is one. */
export interface Where {
  loop: MLoop;
  /** How it was scheduled; 'signal': a signal's handler, queued by its loop's self-pipe reader (SIG-2). */
  via: 'soon' | 'later' | 'threadsafe' | 'signal';
  deadline?: number;
  /** The loop was in debug mode when the callback was scheduled (its handle keeps a source traceback). */
  scheduledInDebug?: boolean;
  /** A timer of call_at (TIME-1.3), not call_later. */
  at?: boolean;
  /** Its handle (timer_due in its own callback, TIME-1.3). */
  handle?: Callback;
  escapable?: boolean; // call_soon's, call_later's, call_at's: a KeyboardInterrupt or SystemExit may escape it (ERR-2.1)
  /** Scheduled while another loop ran in the scheduling thread: that it runs in its own loop, not that one, is SCHED-1.3's. */
  fromOtherLoop?: boolean;
}

export type StmtOf<O extends Op> = Extract<Stmt, { op: O }>;
type Obj = MLoop | MTask | MPolicy;

type BodyEnd = { returned: unknown } | undefined;
const noTags = (): ClauseTags => ({ outcome: [], warnings: [], conditions: [], warnedConditions: [] });

export class Walk {
  readonly m: Machine;
  readonly guards: Determinism;
  readonly orderings = new Orderings();
  readonly obs: Record<string, Observation> = {};
  readonly order: Record<string, string[]> = {};
  /** When each statement started and ended, on one counter over every context (attribution.ts). */
  readonly timeline: Timeline = { start: {}, end: {} };
  private tick = 0;
  /** Expectations made as the walk goes (the ordering rules' come at the end): see expect(). */
  private readonly exps: Expectation[] = [];
  /** The statement being observed. */
  current: string | undefined;
  /** The statement being observed reads the thread's running loop or its loop's thread (READS_RUNNING). */
  private readsRunning = false;
  /** The threads the program started, by name. */
  readonly threads = new Map<string, MThread>();
  /** Which task (if any) runs each coroutine body being walked. */
  readonly bodyTask = new Map<Stmt[], MTask>();
  /** The thread each loop was made in by new_event_loop (THR-1). */
  readonly loopOwner = new Map<MLoop, MThread>();
  /** For each fork child's context: a loop was running where it forked (FORK-1). */
  readonly forkParentHadRunning = new Map<string, boolean>();
  /** The statement after each statement in its body: TASK-1 compares it with the new task's. */
  readonly nextSibling = new Map<string, Stmt>();
  /** A set_event_loop_policy succeeded (POL-2.3: threads start afresh). */
  policyChanged = false;
  /** What the last set_event_loop_policy did: installed a new policy, uninstalled it, or was refused. */
  lastPolicySet: 'new' | 'none' | 'refused' | undefined;
  /** For each fork child's context: the policy installed when it forked (POL-1.2). */
  readonly forkPolicy = new Map<string, MPolicy | null>();
  /** Threads that called get_event_loop while a loop ran in them, until their next lookup without one (GET-1.2). */
  readonly lookedUpRunning = new Set<MThread>();
  /** Loops that have run (LIFE-1.3). */
  readonly hasRun = new Set<MLoop>();
  threadsafeFromOtherThread = false;
  executorUsed = false;
  /** Each executor job submitted: its run_in_executor statement and its first statement (undefined: an empty job). */
  executorJobs: Array<[string, string | undefined]> = [];
  /** The statements of each callback the model ran, and how it was scheduled. */
  callbacksRun: Array<{ body: string[]; via: Where['via']; loop: MLoop; at?: boolean }> = [];
  /** The handles call_soon and call_later bound: their loop and the statements of their callback (SCHED-5). */
  readonly handles = new Map<Callback, { loop: MLoop; via: Where['via']; body: string[]; at?: boolean }>();
  /** The exception handler calls in progress, innermost last (ERR-1). */
  readonly handlerCalls: HandlerCall[] = [];
  /** Loops whose handler raised for a callback, until their next callback runs (ERR-1.4). */
  readonly handlerRaised = new Set<MLoop>();
  /** The callbacks queued on ready queues, done callbacks among them (FUT-1.2). */
  readonly futures = new futures.FutureBook();
  /** What the processes keep of signals, and each handler added (SIG-1, SIG-2). */
  readonly signals = new signals.SignalBook();
  /** The statements of each task created. */
  taskBodies: Array<{ body: string[]; task: MTask }> = [];
  private sinks: Warning[][] = [];
  private ids = new Map<Obj, string>();
  private kinds = new Map<Obj, 'loop' | 'task' | 'policy'>();

  constructor(
    readonly sw: Switches,
    readonly program: Program,
  ) {
    this.m = new Machine(sw);
    this.guards = new Determinism(this.m);
    const link = (body: Stmt[]) => {
      for (const [i, s] of body.entries()) if (body[i + 1]) this.nextSibling.set(s.id!, body[i + 1]);
    };
    link(program.main);
    for (const s of walk(program.main)) if ('body' in s) link(s.body);
  }

  /** Every statement of the program, in pre-order. */
  statements(): Stmt[] {
    return [...walk(this.program.main)];
  }

  /** The ops of every statement of the program. */
  programOps(): string[] {
    return this.statements().map((s) => s.op);
  }

  /** Drops the expectations on these statements' observations: they run again (an exception handler called twice). */
  forget(stmts: Set<string>): void {
    const kept = this.exps.filter((x) => !('stmt' in x) || !stmts.has(x.stmt as string) || x.kind === 'ran');
    this.exps.splice(0, this.exps.length, ...kept);
  }

  /** Runs the main body, then the threads that were started and never joined. */
  run(): void {
    this.syncBody(this.program.main);
    for (const t of this.m.threads) if (t.kind === 'program' && t.pid === 1) this.m.join(t);
  }

  /** Every expectation of the walk so far, the ordering rules' and the termination checks last. */
  expectations(): Expectation[] {
    const all = [
      // A statement is observed once it ends: one the model started and never ended (a task's sleep(30) when its
      // loop stops) cannot be seen to have run, so "it runs" is expected only of those that end.
      ...this.exps.filter((x) => x.kind !== 'ran' || !x.expected || x.stmt in this.obs),
      ...this.orderings.expectations(this.order, (id) => id in this.obs),
      ...futures.expectations(this),
      ...agens.expectations(this),
      ...signals.expectations(this),
    ];
    all.push(...runsAndEnds(this, all));
    return all;
  }

  // ---- values ------------------------------------------------------------------------------

  private ref(o: Obj, kind: 'loop' | 'task' | 'policy'): Value {
    let id = this.ids.get(o);
    if (!id) {
      id = `${kind}#${this.ids.size + 1}`;
      this.ids.set(o, id);
      this.kinds.set(o, kind);
    }
    return { obj: kind, id };
  }

  /** The statements observed so far whose value is `o`. */
  observedAs(o: MLoop): string[] {
    const ref = this.toValue(o) as { id: string };
    return Object.keys(this.obs).filter((id) => {
      const out = this.obs[id].outcome;
      return 'value' in out && out.value !== null && typeof out.value === 'object' && (out.value as { id?: string }).id === ref.id;
    });
  }

  private toValue(v: unknown): Value {
    if (v === null || v === undefined) return null;
    if (typeof v === 'object') {
      const kind = this.kinds.get(v as Obj);
      if (kind) return this.ref(v as Obj, kind);
      if ('ready' in v) return this.ref(v as MLoop, 'loop');
      if ('coro' in v) return this.ref(v as MTask, 'task');
      if ('locals' in v) return this.ref(v as MPolicy, 'policy');
    }
    return v as Value;
  }

  /**
   * Records expectations. While the running loop's run is disturbed by a refused run_forever
   * and the statement observed reads that loop, each comes with the refusal's clause as a
   * condition too (disturbance.ts).
   */
  expect(...xs: Expectation[]): void {
    const by = this.readsRunning ? this.m.runningLoop()?.disturbedBy : undefined;
    this.exps.push(...xs, ...disturbedConditions(xs, by));
  }

  /** A Python warning, raised by the statement being observed. */
  warn(category: string, message: string): void {
    this.sinks[this.sinks.length - 1]?.push({ category, message });
  }

  // ---- observations ----------------------------------------------------------------------------

  /** Runs one statement: its observation, its warnings, the rules that decide them. */
  private observe(s: Stmt, run: (tags: ClauseTags) => unknown): void {
    const tags = noTags();
    this.current = s.id;
    this.started(s);
    this.sinks.push([]);
    const outer = this.readsRunning;
    this.readsRunning = READS_RUNNING.has(s.op);
    try {
      let outcome: Outcome;
      try {
        outcome = { value: this.toValue(run(tags)) };
      } catch (e) {
        if (!(e instanceof PyErr)) {
          this.sinks.pop();
          throw e;
        }
        outcome = { error: { type: e.type, message: e.message } };
      }
      const warnings = this.sinks.pop()!;
      this.record(s, outcome, warnings, tags);
    } finally {
      this.readsRunning = outer;
    }
    this.guards.stopIfLeaving();
  }

  /** A statement starts: it takes its place in its context's order. */
  private started(s: Stmt): void {
    this.timeline.start[s.id!] = ++this.tick;
    this.m.thread.clock++;
    this.order[this.m.thread.ctx] ??= [];
    this.order[this.m.thread.ctx].push(s.id!);
  }

  private record(s: Stmt, outcome: Outcome, warnings: Warning[], tags: ClauseTags): void {
    const id = s.id!;
    this.timeline.end[id] = ++this.tick;
    this.obs[id] = { outcome, warnings };
    // An executor job that outlived asyncio.run's coroutine finishes because the run's shutdown waits for it (ARUN-2.3, 3.9+).
    if (this.m.thread.kind === 'executor' && this.m.lateJob) tags.conditions.push('ARUN-2.3');
    // A task a Runner's earlier run left pending goes on in this run because the loop is the same
    // (RUNNER-1.1), then as far as the ready queue takes it (SCHED-1.2).
    const stepping = this.m.runningLoop()?.currentTask;
    const carried = stepping && carriedOver(stepping);
    if (carried) tags.conditions.push(carried);
    const match = tags.match ? { match: tags.match } : {};
    for (const clause of new Set(tags.outcome)) this.expect({ ...tag(clause), kind: 'outcome', stmt: id, expected: outcome, ...match });
    for (const clause of new Set(tags.warnings)) this.expect({ ...tag(clause), kind: 'warnings', stmt: id, expected: warnings });
    // A condition checks the same observation, for the clause that decided the state it saw.
    const decided = new Set([...tags.outcome, ...tags.warnings]);
    for (const clause of new Set([...tags.conditions, ...tags.warnedConditions].filter((c) => !decided.has(c))))
      this.expect({
        ...tag(clause),
        condition: true,
        kind: 'outcome',
        stmt: id,
        expected: outcome,
        ...match,
        ...(tags.conditionsOnValue ? { valueOnly: true as const } : {}),
      });
    for (const clause of new Set(tags.warnedConditions.filter((c) => !decided.has(c))))
      this.expect({ ...tag(clause), condition: true, kind: 'warnings', stmt: id, expected: warnings });
  }

  // ---- bodies ------------------------------------------------------------------------------------

  /**
   * A job running `s`'s body on an executor worker of `loop` (through `run`: in a context, for
   * to_thread), awaited by the calling task: run_in_executor, to_thread.
   */
  *executorJob(
    loop: MLoop,
    s: { id?: string; body: Stmt[] },
    run: (job: () => unknown) => unknown = (job) => job(),
    executorVar?: MThread['executorVar'],
  ): Coro {
    this.executorUsed = true;
    this.executorJobs.push([s.id!, s.body[0]?.id]);
    const job = () => {
      const end = this.syncBody(s.body);
      return end ? end.returned : null;
    };
    const f = this.m.runInExecutor(loop, `exec:${s.id}`, () => run(job), executorVar);
    const task = loop.currentTask;
    try {
      return yield* this.m.await(f);
    } finally {
      if (task) this.orderings.resumed(task);
    }
  }

  /** Runs a sync body (main, thread, callback, executor function, fork child). */
  syncBody(body: Stmt[], where?: Where): BodyEnd {
    for (const [i, s] of body.entries()) {
      if (s.op === 'return') return { returned: s.value };
      if (s.op === 'raise') throw raisedInSync(this, s, body, where);
      if (CORO_ONLY.has(s.op)) {
        this.started(s);
        this.record(s, { error: { type: 'LoopspecInvalid', message: `${s.op} outside a coroutine` } }, [], noTags());
        continue;
      }
      this.syncStmt(s, i === 0, where);
    }
    return undefined;
  }

  private syncStmt(s: Stmt, first: boolean, where?: Where): void {
    if (s.op !== 'mark') {
      this.observe(s, (tags) => this.exec(s, tags, where));
      return;
    }
    this.observe(s, () => s.tag);
    // The first statement of a callback tells when the callback ran: the ordering rules.
    // A call_at timer's place among the other timers is not asserted (TIME-1.3 says it runs).
    const via = first && where && (where.via === 'soon' || where.via === 'later') && !where.at ? where.via : undefined;
    this.orderings.ran({ id: s.id!, ctx: this.m.thread.ctx, ...(via ? { loop: where!.loop, via, deadline: where!.deadline } : {}) });
    if (where?.via === 'threadsafe') this.expect({ ...tag('SCHED-3.1'), kind: 'outcome', stmt: s.id!, expected: { value: s.tag } });
  }

  /** A coroutine over a body: the statements that suspend yield to the task stepping it. */
  *coroBody(body: Stmt[]): Coro {
    for (const s of body) {
      if (s.op === 'return') return s.value;
      if (s.op === 'raise') throw raisedInCoro(s, this.bodyTask.get(body));
      if (s.op === 'mark') {
        this.observe(s, () => s.tag);
        const task = this.bodyTask.get(body);
        this.orderings.ran({ id: s.id!, ctx: this.m.thread.ctx, loop: task?.loop, task });
        continue;
      }
      if (SUSPENDING[s.op]) {
        yield* this.suspendingStmt(s, body);
        continue;
      }
      this.observe(s, (tags) => this.exec(s, tags));
    }
    return null;
  }

  /** sleep, await and run_in_executor: observed when they resume. */
  private *suspendingStmt(s: Stmt, body: Stmt[]): Coro {
    const tags = noTags();
    this.started(s);
    // The step ends here: a task that made an eager task is current again by TASK-3 after it.
    const stepping = this.bodyTask.get(body);
    if (stepping) stepping.madeEagerTask = false;
    let outcome: Outcome;
    try {
      const suspend = SUSPENDING[s.op] as Suspend<Op>;
      outcome = { value: this.toValue(yield* suspend(this, s, tags, body)) };
    } catch (e) {
      if (!(e instanceof PyErr)) throw e;
      outcome = { error: { type: e.type, message: e.message } };
      if (e.type === 'CancelledError') {
        const task = this.bodyTask.get(body);
        // Cancelled by asyncio.run: ARUN-2.1 decides it, not the clause of the statement. A
        // sleep(0) still pending then is the round robin's too: had it not yielded, it would
        // have returned (as in LIFE-8.1's early stop).
        if (task?.cancelledByRun) {
          tags.outcome.splice(0, tags.outcome.length, task.cancelledByRunner ? 'RUNNER-1.3' : 'ARUN-2.1');
          // Cancelled by the close of `with R`'s __exit__: that __exit__ closed R is RUNNER-2.1's.
          if (task.cancelledByExit) tags.conditions.push('RUNNER-2.1');
          if (s.op === 'sleep' && s.delay === 0) tags.conditions.push('TASK-5.2');
          cleanupCondition(this, s, outcome, task); // still pending because an escape ended the run (ERR-2)
        } else if (task?.cancelClause) {
          tags.outcome.splice(0, tags.outcome.length, task.cancelClause);
          // A forwarded cancel seen at a sleep(0) (RCT-1.3): had the sleep not yielded, the coroutine would have gone on past
          // it. Where tasks of its loop slept(0), whether the loop still ran when the cancel came is the round robin's too
          // (a run_until_complete whose sleep(0) does not yield stops the loop before the cancel reaches a sleep(30)).
          if ((s.op === 'sleep' && s.delay === 0) || this.orderings.slept0(task.loop)) tags.conditions.push('TASK-5.2');
        } else if (!futures.raisedByCancelledFuture(e)) cancellation.cancelledTags(this, tags);
        this.record(s, outcome, agens.warnedBy(this, s.id!), tags);
        if (cancellation.caught(this, s, task)) return null;
        throw e;
      }
    }
    this.record(s, outcome, agens.warnedBy(this, s.id!), tags);
    return null;
  }

  /** A statement that does not suspend, by the module that models it. */
  private exec(s: Stmt, tags: ClauseTags, where?: Where): unknown {
    const exec = STATEMENTS[s.op] as Exec<Op> | undefined;
    if (!exec) throw new OutOfModel(`unexpected statement ${s.op}`);
    return exec(this, s, tags, where);
  }
}
