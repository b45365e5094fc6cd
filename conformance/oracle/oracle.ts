/**
 * The oracle: the specification in executable form. It walks a program over the abstract
 * machine (machine.ts), predicts every observation, and names the rule (spec/rules.ts) that
 * decides each one. A rule's property compares only the expectations tagged with that rule,
 * so a failure names the rule that was broken.
 *
 * Programs outside the deterministic part of the language are reported as such (and are
 * never used as tests): observations that would depend on how real threads interleave, on a
 * fork child changing what it inherited, or programs that would hang.
 */
import type { Program, Stmt } from '../../language/program.ts';
import { CORO_ONLY, walk } from '../../language/program.ts';
import type { Expectation } from '../predictions.ts';
import type { Capability } from '../adapter.ts';
import type { Observation, Outcome as TraceOutcome, Trace, Value, Warning } from '../../language/trace.ts';
import { canonicalRenamer, renameOutcome } from '../../language/trace.ts';
import { Hang, Machine, OutOfModel, PyErr } from './machine.ts';
import { Orderings } from './ordering.ts';
import { defaultProfile } from '../../spec/profiles.ts';
import type { Profile, Switches } from '../../spec/profiles.ts';
import type { Coro, MFuture, MLoop, MPolicy, MTask, MThread } from './machine.ts';

export interface Prediction {
  /** The predicted trace, canonical. */
  trace: Trace;
  /** Every check the rules make on this program, canonical. */
  expectations: Expectation[];
  /** False when the program leaves the deterministic part of the language. */
  deterministic: boolean;
  reason?: string;
  /** Capabilities an adapter needs to run it. */
  needs: Capability[];
}

const NO_LOOP = (name: string) => `There is no current event loop in thread '${name}'.`;
const NO_RUNNING = () => new PyErr('RuntimeError', 'no running event loop');
const MUTATING = new Set([
  'close',
  'stop',
  'run_until_complete',
  'run_forever',
  'call_soon',
  'call_later',
  'call_soon_threadsafe',
  'await',
]);

type Obj = MLoop | MTask | MPolicy;
interface Binding {
  obj: MLoop | MTask;
  binder: MThread;
}
type Attr = { outcome: string[]; warnings: string[]; match?: 'prefix' };
type BodyEnd = { returned: unknown } | undefined;
/** The callback a sync body is, if it is one. */
interface Where {
  loop: MLoop;
  via: 'soon' | 'later' | 'threadsafe';
  deadline?: number;
}

export function predict(program: Program, profile: Profile = defaultProfile()): Prediction {
  return new Oracle(profile.switches).predict(program);
}

export function capabilitiesNeeded(program: Program): Capability[] {
  const needs = new Set<Capability>();
  for (const s of walk(program.main)) {
    if (s.op === 'start_thread' || s.op === 'join_thread') needs.add('threads');
    if (s.op === 'fork') needs.add('fork');
    if (s.op === 'run_in_executor') needs.add('executor');
  }
  return [...needs].sort();
}

class Oracle {
  private m: Machine;
  private vars = new Map<string, Binding>();
  private threads = new Map<string, MThread>();
  private obs: Record<string, Observation> = {};
  private order: Record<string, string[]> = {};
  private exps: Expectation[] = [];
  private sinks: Warning[][] = [];
  private ids = new Map<Obj, string>();
  private kinds = new Map<Obj, 'loop' | 'task' | 'policy'>();
  private policyChanged = false;
  private orderings = new Orderings();
  private threadsafeFromOtherThread = false;
  private executorUsed = false;
  /** Which task (if any) runs each coroutine body being walked. */
  private bodyTask = new Map<Stmt[], MTask>();
  private forkParentHadRunning = new Map<string, boolean>();
  private loopOwner = new Map<MLoop, MThread>();
  /** The statement being observed. */
  private current: string | undefined;
  /** Set when the statement being observed is the last the model can speak for. */
  private leaveAfterThis: string | undefined;
  /** The statement after each statement in its body: TASK-1 compares it with the new task's. */
  private nextSibling = new Map<string, Stmt>();

  constructor(private sw: Switches) {
    this.m = new Machine(sw);
  }

  predict(program: Program): Prediction {
    const needs = capabilitiesNeeded(program);
    const link = (body: Stmt[]) => body.forEach((s, i) => body[i + 1] && this.nextSibling.set(s.id!, body[i + 1]));
    link(program.main);
    for (const s of walk(program.main)) if ('body' in s) link(s.body);
    let end: Trace['end'] = { kind: 'ok' };
    let deterministic = true;
    let reason: string | undefined;
    try {
      this.syncBody(program.main);
      for (const t of this.m.threads) if (t.kind === 'program' && t.pid === 1) this.m.join(t);
    } catch (e) {
      if (e instanceof Hang) {
        end = { kind: 'hang', detail: e.message };
        deterministic = false;
        reason = `hangs: ${e.message}`;
      } else if (e instanceof OutOfModel) {
        deterministic = false;
        reason = e.message;
      } else throw e;
    }
    this.exps.push(...this.orderings.expectations(this.order, (id) => id in this.obs));
    if (this.threadsafeFromOtherThread) this.exps.push({ rule: 'SCHED-3', kind: 'terminates' });
    if (this.executorUsed) this.exps.push({ rule: 'EXEC-1', kind: 'terminates' });
    const raw: Trace = { obs: this.obs, order: this.order, end };
    const rename = canonicalRenamer(raw);
    const trace: Trace = {
      obs: Object.fromEntries(
        Object.entries(this.obs).map(([id, o]) => [id, { outcome: renameOutcome(o.outcome, rename), warnings: o.warnings }]),
      ),
      order: this.order,
      end,
    };
    const expectations = this.exps.map((x) => (x.kind === 'outcome' ? { ...x, expected: renameOutcome(x.expected, rename) } : x));
    return { trace, expectations, deterministic, reason, needs };
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

  private warn(category: string, message: string): void {
    this.sinks[this.sinks.length - 1]?.push({ category, message });
  }

  // ---- statements ----------------------------------------------------------------------------

  /** Runs one statement: its observation, its warnings, the rules that decide them. */
  private observe(s: Stmt, run: (attr: Attr) => unknown): void {
    const attr: Attr = { outcome: [], warnings: [] };
    this.current = s.id;
    this.started(s);
    this.sinks.push([]);
    let outcome: TraceOutcome;
    try {
      outcome = { value: this.toValue(run(attr)) };
    } catch (e) {
      if (!(e instanceof PyErr)) {
        this.sinks.pop();
        throw e;
      }
      outcome = { error: { type: e.type, message: e.message } };
    }
    const warnings = this.sinks.pop()!;
    this.record(s, outcome, warnings, attr);
    if (this.leaveAfterThis) throw new OutOfModel(this.leaveAfterThis);
  }

  /** A statement starts: it takes its place in its context's order. */
  private started(s: Stmt): void {
    this.m.thread.clock++;
    (this.order[this.m.thread.ctx] ??= []).push(s.id!);
  }

  private record(s: Stmt, outcome: TraceOutcome, warnings: Warning[], attr: Attr): void {
    const id = s.id!;
    this.obs[id] = { outcome, warnings };
    for (const rule of new Set(attr.outcome))
      this.exps.push({ rule, kind: 'outcome', stmt: id, expected: outcome, ...(attr.match ? { match: attr.match } : {}) });
    for (const rule of new Set(attr.warnings)) this.exps.push({ rule, kind: 'warnings', stmt: id, expected: warnings });
  }

  /** Runs a sync body (main, thread, callback, executor function, fork child). */
  private syncBody(body: Stmt[], where?: Where): BodyEnd {
    for (const [i, s] of body.entries()) {
      if (s.op === 'return') return { returned: s.value };
      if (s.op === 'raise') throw new PyErr('ValueError', s.message);
      if (CORO_ONLY.has(s.op)) {
        this.started(s);
        this.record(s, { error: { type: 'LoopspecInvalid', message: `${s.op} outside a coroutine` } }, [], { outcome: [], warnings: [] });
        continue;
      }
      this.syncStmt(s, i === 0, where);
    }
    return undefined;
  }

  private syncStmt(s: Stmt, first: boolean, where?: Where): void {
    if (s.op !== 'mark') {
      this.observe(s, (attr) => this.exec(s, attr, where));
      return;
    }
    this.observe(s, () => s.tag);
    // The first statement of a callback tells when the callback ran: the ordering rules.
    const via = first && where && where.via !== 'threadsafe' ? where.via : undefined;
    this.orderings.ran({ id: s.id!, ctx: this.m.thread.ctx, ...(via ? { loop: where!.loop, via, deadline: where!.deadline } : {}) });
    if (where?.via === 'threadsafe') this.exps.push({ rule: 'SCHED-3', kind: 'outcome', stmt: s.id!, expected: { value: s.tag } });
  }

  /** A coroutine over a body: the statements that suspend yield to the task stepping it. */
  private *coroBody(body: Stmt[]): Coro {
    for (const s of body) {
      if (s.op === 'return') return s.value;
      if (s.op === 'raise') throw new PyErr('ValueError', s.message);
      if (s.op === 'mark') {
        this.observe(s, () => s.tag);
        const task = this.bodyTask.get(body);
        this.orderings.ran({ id: s.id!, ctx: this.m.thread.ctx, loop: task?.loop, task });
        continue;
      }
      if (s.op === 'sleep' || s.op === 'await' || s.op === 'run_in_executor') {
        yield* this.suspendingStmt(s, body);
        continue;
      }
      this.observe(s, (attr) => this.exec(s, attr));
    }
    return null;
  }

  /** sleep, await and run_in_executor: observed when they resume. */
  private *suspendingStmt(s: Stmt, body: Stmt[]): Coro {
    const attr: Attr = { outcome: [], warnings: [] };
    this.started(s);
    let outcome: TraceOutcome;
    try {
      let v: unknown;
      if (s.op === 'sleep') {
        const loop = this.requireRunning();
        attr.outcome.push('TASK-5');
        if (s.delay <= 0) this.orderings.sleep0(loop);
        v = yield* this.m.sleep(loop, s.delay);
      } else if (s.op === 'await') {
        const task = this.useVar(s.task, 'await') as MTask;
        this.checkAwaitable(task, body);
        attr.outcome.push('TASK-2');
        v = yield* this.m.await(task);
      } else if (s.op === 'run_in_executor') {
        const loop = this.requireRunning();
        attr.outcome.push('EXEC-1');
        this.executorUsed = true;
        const f = this.m.runInExecutor(loop, `exec:${s.id}`, () => this.executorFn(s.op === 'run_in_executor' ? s.body : []));
        v = yield* this.m.await(f as MFuture);
      }
      outcome = { value: this.toValue(v) };
    } catch (e) {
      if (!(e instanceof PyErr)) throw e;
      outcome = { error: { type: e.type, message: e.message } };
      if (e.type === 'CancelledError') {
        const task = this.bodyTask.get(body);
        if (task?.cancelledByRun) attr.outcome.push('ARUN-2');
        this.record(s, outcome, [], attr);
        throw e;
      }
    }
    this.record(s, outcome, [], attr);
    return null;
  }

  /**
   * Awaiting itself, a task that waits on it, or another loop's task: CPython's errors then
   * carry object reprs, or recurse without end. Left out of the language.
   */
  private checkAwaitable(task: MTask, body: Stmt[]): void {
    if (!('coro' in task)) throw new OutOfModel('await on a non-task');
    const me = this.bodyTask.get(body);
    if (!me || task.loop !== me.loop) throw new OutOfModel('await on a task of another loop');
    for (let t: MTask | null = task; t; t = t.waiter && 'coro' in t.waiter ? (t.waiter as MTask) : null) {
      if (t === me) throw new OutOfModel('a task awaits itself');
    }
  }

  private executorFn(body: Stmt[]): unknown {
    const end = this.syncBody(body);
    return end ? end.returned : null;
  }

  private requireRunning(): MLoop {
    const loop = this.m.runningLoop();
    if (!loop) throw new OutOfModel('a coroutine statement ran with no running loop');
    return loop;
  }

  // ---- variables ------------------------------------------------------------------------------

  private bind(name: string | undefined, obj: unknown): void {
    if (name && obj && typeof obj === 'object') this.vars.set(name, { obj: obj as MLoop | MTask, binder: this.m.thread });
  }

  /**
   * The object bound to a variable. Another thread's object may only be touched where real
   * threads could not race: through call_soon_threadsafe, after that thread was joined, or
   * from a thread its binder started and at once joined. A fork child may read what it
   * inherited but not change it.
   */
  private useVar(name: string, op: string): MLoop | MTask {
    const b = this.vars.get(name);
    if (!b) throw new PyErr('LoopspecUnbound', name);
    const cur = this.m.thread;
    if (b.binder === cur || op === 'call_soon_threadsafe') return b.obj;
    if (b.binder.pid !== cur.pid) {
      if (MUTATING.has(op)) throw new OutOfModel(`a fork child changes ${name}, which it inherited`);
      return b.obj;
    }
    if (b.binder.status === 'done' && b.binder.joined) return b.obj;
    if (this.sequential(cur, b.binder)) return b.obj;
    throw new OutOfModel(`${op} on ${name} races with the thread that made it`);
  }

  /** cur was started by binder (or its starter chain), which then joined it at once. */
  private sequential(cur: MThread, binder: MThread): boolean {
    for (let t: MThread | null = cur; t && t.kind === 'program'; t = t.starter) {
      if (!sequentialThreads.has(t)) return false;
      if (t.starter === binder) return true;
    }
    return false;
  }

  private loopVar(name: string, op: string): MLoop {
    const o = this.useVar(name, op);
    if (!('ready' in o)) throw new OutOfModel(`${name} is not a loop`);
    return o;
  }

  // ---- the statements that do not suspend -------------------------------------------------------

  private exec(s: Stmt, attr: Attr, where?: Where): unknown {
    const m = this.m;
    const ctxRules = (loop: MLoop | null): string[] => {
      const rules: string[] = [];
      const t = m.thread;
      if (t.kind === 'executor') rules.push('EXEC-2');
      if (!loop && m.loopRunsElsewhere()) rules.push('RUN-3');
      if (t.kind === 'fork' && this.forkParentHadRunning.get(t.ctx)) rules.push('FORK-1');
      if (loop?.fromRun) rules.push('ARUN-1');
      if (t.kind === 'program' && loop && this.loopOwner.get(loop) === t) rules.push('THR-1');
      return rules;
    };
    switch (s.op) {
      case 'new_event_loop': {
        attr.outcome.push('NEW-1');
        m.getPolicy();
        const loop = m.newLoop();
        this.loopOwner.set(loop, m.thread);
        const local = m.local();
        local.newSince = [...(local.newSince ?? []), s.id!];
        this.bind(s.as, loop);
        return loop;
      }
      case 'get_event_loop': {
        const running = m.runningLoop();
        if (running) {
          attr.outcome.push('GET-1', ...ctxRules(running));
          attr.warnings.push('GET-1');
          this.bind(s.as, running);
          return running;
        }
        const loop = this.policyGetEventLoop(attr);
        this.bind(s.as, loop);
        return loop;
      }
      case 'get_running_loop':
      case 'peek_running_loop': {
        const rule = s.op === 'get_running_loop' ? 'RUN-1' : 'RUN-2';
        const loop = m.runningLoop();
        attr.outcome.push(rule, ...ctxRules(loop));
        if (!loop && s.op === 'get_running_loop') throw NO_RUNNING();
        if (s.op === 'get_running_loop') this.bind(s.as, loop);
        return loop;
      }
      case 'set_event_loop': {
        const local = m.local();
        if (typeof s.arg === 'number') {
          attr.outcome.push('NEW-5');
          // 3.12 marks the call before it checks the type.
          local.setCalled = true;
          local.setBy = 'bad-type';
          throw this.typeError("loop must be an instance of AbstractEventLoop or None, not 'int'");
        }
        const loop = s.arg === null ? null : this.loopVar(s.arg, 'set_event_loop');
        attr.outcome.push(loop ? 'NEW-3' : 'NEW-4');
        local.setCalled = true;
        local.setBy = loop ? 'loop' : 'none';
        local.loop = loop;
        local.loopFrom = 'set';
        local.newSince = [];
        return null;
      }
      case 'get_policy':
        attr.outcome.push('POL-1');
        attr.warnings.push('POL-1');
        if (this.policyChanged) attr.outcome.push('POL-2');
        this.deprecatedPolicyApi('get_event_loop_policy');
        return m.getPolicy();
      case 'set_policy': {
        attr.outcome.push('POL-2');
        attr.warnings.push('POL-2');
        if (m.threads.some((t) => t.kind === 'program' && !t.joined))
          throw new OutOfModel('set_event_loop_policy races with a running thread');
        if (s.arg === 'new') this.deprecatedPolicyApi('DefaultEventLoopPolicy');
        this.deprecatedPolicyApi('set_event_loop_policy');
        if (typeof s.arg === 'number') throw this.typeError("policy must be an instance of AbstractEventLoopPolicy or None, not 'int'");
        this.policyChanged = true;
        m.policy = s.arg === 'new' ? { id: m.newId('policy'), locals: new Map() } : null;
        return null;
      }
      case 'close': {
        const loop = this.loopVar(s.loop, 'close');
        attr.outcome.push('LIFE-5');
        m.close(loop);
        return null;
      }
      case 'is_closed':
      case 'is_running': {
        const loop = this.loopVar(s.loop, s.op);
        attr.outcome.push('LIFE-6');
        if (loop.runFinished) attr.outcome.push('ARUN-2');
        const owner = this.loopOwner.get(loop);
        if (owner && owner.kind === 'program' && owner.joined && owner !== m.thread) attr.outcome.push('THR-1');
        return s.op === 'is_closed' ? loop.closed : loop.thread !== null;
      }
      case 'stop': {
        const loop = this.loopVar(s.loop, 'stop');
        attr.outcome.push('LIFE-7');
        loop.stopping = true;
        this.orderings.stop(loop);
        return null;
      }
      case 'run_until_complete': {
        const loop = this.loopVar(s.loop, 'run_until_complete');
        return this.runUntilComplete(loop, s.body, attr);
      }
      case 'run_forever': {
        const loop = this.loopVar(s.loop, 'run_forever');
        const rule = this.refusal(loop);
        const inRunningLoop = m.runningLoop() !== null;
        try {
          m.runForever(loop);
        } catch (e) {
          if (e instanceof PyErr && rule) attr.outcome.push(rule);
          // 3.13.0 (python/cpython#130145): the refused call still clears the running loop,
          // leaving the loop inconsistent. The profile specifies the refusal, not what follows.
          if (e instanceof PyErr && rule && (rule !== 'LIFE-2' || inRunningLoop) && this.sw.failedRunForeverCleansUp) {
            this.leaveAfterThis = 'a refused run_forever leaves 3.13.0 inconsistent (python/cpython#130145)';
          }
          throw e;
        }
        attr.outcome.push('LIFE-7');
        return null;
      }
      case 'asyncio_run':
        return this.asyncioRun(s.body, attr);
      case 'call_soon':
      case 'call_later':
      case 'call_soon_threadsafe': {
        const loop = this.loopVar(s.loop, s.op);
        attr.outcome.push('SCHED-4');
        const via = s.op === 'call_soon' ? 'soon' : s.op === 'call_later' ? 'later' : 'threadsafe';
        const deadline = s.op === 'call_later' ? m.clock + s.delay : undefined;
        const cb = () => this.callback(s.body, { loop, via, deadline });
        if (s.op === 'call_soon') m.callSoon(loop, cb);
        else if (s.op === 'call_later') m.callLater(loop, s.delay, cb);
        else {
          m.callSoonThreadsafe(loop, cb);
          if (loop.thread !== m.thread) this.threadsafeFromOtherThread = true;
        }
        if (s.body[0]?.op === 'mark') this.orderings.scheduledCallback(s.body[0].id!, loop);
        return null;
      }
      case 'create_task': {
        attr.outcome.push('TASK-1');
        const loop = m.runningLoop();
        if (!loop) throw NO_RUNNING();
        const task = this.spawnTask(loop, s.body);
        const next = this.nextSibling.get(s.id!);
        if (next?.op === 'mark' && s.body[0]?.op === 'mark') this.orderings.taskCreated(next.id!, s.body[0].id!);
        this.bind(s.as, task);
        return task;
      }
      case 'current_task': {
        const loop = m.runningLoop();
        if (!loop) {
          attr.outcome.push('TASK-4');
          throw NO_RUNNING();
        }
        attr.outcome.push(loop.currentTask ? 'TASK-3' : 'TASK-4');
        this.bind(s.as, loop.currentTask);
        return loop.currentTask;
      }
      case 'task_state': {
        const task = this.useVar(s.task, 'task_state') as MTask;
        if (!('coro' in task)) throw new OutOfModel(`${s.task} is not a task`);
        attr.outcome.push('TASK-2');
        if (task.cancelledByRun) attr.outcome.push('ARUN-2');
        return task.state === 'cancelled' ? 'cancelled' : task.state;
      }
      case 'start_thread': {
        if (this.threads.has(s.thread)) throw new OutOfModel(`thread ${s.thread} is started twice`);
        if (m.thread.kind === 'fork') throw new OutOfModel('a fork child starts a thread');
        const t = m.makeThread(s.thread, s.thread, false, 'program', () => this.syncBody(s.body));
        this.threads.set(s.thread, t);
        return null;
      }
      case 'join_thread': {
        const t = this.threads.get(s.thread);
        if (!t) throw new PyErr('LoopspecUnbound', s.thread);
        if (t === m.thread) throw new OutOfModel(`thread ${t.name} joins itself`);
        if (t.status === 'runnable' && t.starter === m.thread && m.thread.clock === t.starterClock + 1) sequentialThreads.add(t);
        m.join(t);
        return null;
      }
      case 'fork':
        return this.fork(s);
      case 'current_thread': {
        const t = m.thread;
        if (t.kind === 'executor') attr.outcome.push('EXEC-1');
        if (where?.via === 'threadsafe') attr.outcome.push('SCHED-3');
        if (t.kind === 'executor' || t.kind === 'internal') return 'other';
        return t.isMain && t.name === 'MainThread' ? 'main' : t.name;
      }
      default:
        throw new OutOfModel(`unexpected statement ${s.op}`);
    }
  }

  /** BaseDefaultEventLoopPolicy.get_event_loop in 3.12, with the rules that decide it. */
  private policyGetEventLoop(attr: Attr): MLoop {
    const m = this.m;
    const t = m.thread;
    const local = m.local();
    // What a fork child sees is FORK-2's subject alone; an executor thread's, EXEC-2's too.
    const rules = (...own: string[]) => (t.kind === 'fork' ? ['FORK-2'] : t.kind === 'executor' ? [...own, 'EXEC-2'] : own);
    // NEW-2: whatever get_event_loop returns, it is not a loop new_event_loop made since.
    if (local.newSince?.length && t.kind !== 'fork')
      this.exps.push({ rule: 'NEW-2', kind: 'not-same', stmt: this.current!, others: local.newSince });
    const created: string[] = [];
    if (local.loop) {
      // A loop created implicitly stays GET-3's: "later calls return that same loop".
      const own = local.loopFrom === 'implicit' ? ['GET-3'] : ['GET-2', ...(local.loopFrom === 'set' ? ['NEW-3'] : []), ...created];
      attr.outcome.push(...rules(...own));
      attr.warnings.push(...rules(own[0]));
      if (t.kind === 'program' && this.loopOwner.get(local.loop) === t) attr.outcome.push('THR-1');
      return local.loop;
    }
    if (!this.sw.implicitCreation && t.isMain) {
      // 3.14: no implicit creation (and no "set called" flag): the main thread raises too.
      const cleared: Record<string, string> = { none: 'NEW-4', 'asyncio.run': 'ARUN-4' };
      attr.outcome.push(...rules('GET-3', ...(cleared[local.setBy] ? [cleared[local.setBy]] : [])));
      attr.warnings.push(...rules('GET-3'));
      throw new PyErr('RuntimeError', NO_LOOP(t.name));
    }
    if (!local.setCalled && t.isMain) {
      attr.outcome.push(...rules('GET-3'));
      attr.warnings.push(...rules('GET-3'));
      if (this.sw.implicitCreationWarns) this.warn('DeprecationWarning', 'There is no current event loop');
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
    const setElsewhere = [...m.getPolicy().locals].some(
      ([other, l]) => other !== t && other.pid === t.pid && l.loopFrom === 'set' && l.loop,
    )
      ? ['NEW-3']
      : [];
    attr.outcome.push(...rules('GET-4', ...created, ...setElsewhere, ...(t.isMain && because[local.setBy] ? [because[local.setBy]] : [])));
    attr.warnings.push(...rules('GET-4'));
    if (t.kind === 'executor') attr.match = 'prefix';
    throw new PyErr('RuntimeError', t.kind === 'executor' ? 'There is no current event loop in thread' : NO_LOOP(t.name));
  }

  /** The type checks of set_event_loop and set_event_loop_policy: an assert before 3.11. */
  private typeError(message: string): PyErr {
    return this.sw.typeCheck === 'assert' ? new PyErr('AssertionError', '') : new PyErr('TypeError', message);
  }

  /** 3.14 deprecates the policy system: each use of its public names warns. */
  private deprecatedPolicyApi(name: string): void {
    if (this.sw.policyDeprecated) this.warn('DeprecationWarning', `'asyncio.${name}' is deprecated and slated for removal in Python 3.16`);
  }

  /** The rule by which a loop refuses to run now, if it does. */
  private refusal(loop: MLoop): string | undefined {
    if (loop.closed) return 'LIFE-2';
    if (loop.thread) return 'LIFE-3';
    if (this.m.runningLoop()) return 'LIFE-4';
    return undefined;
  }

  private checkCanRun(loop: MLoop, attr: Attr): void {
    const rule = this.refusal(loop);
    if (rule) attr.outcome.push(rule);
    this.m.checkCanRun(loop);
  }

  private spawnTask(loop: MLoop, body: Stmt[]): MTask {
    const task = this.m.createTask(loop, this.coroBody(body));
    this.bodyTask.set(body, task);
    return task;
  }

  private runUntilComplete(loop: MLoop, body: Stmt[], attr: Attr): unknown {
    this.checkCanRun(loop, attr);
    attr.outcome.push('LIFE-1');
    const task = this.spawnTask(loop, body);
    try {
      return this.m.runUntilComplete(loop, task);
    } catch (e) {
      if (e instanceof PyErr && e.message === 'Event loop stopped before Future completed.') attr.outcome.push('LIFE-8');
      throw e;
    }
  }

  /** asyncio.run in 3.12: a Runner with a new loop, set as current, then reset and closed. */
  private asyncioRun(body: Stmt[], attr: Attr): unknown {
    const m = this.m;
    attr.outcome.push(m.runningLoop() ? 'ARUN-3' : 'ARUN-1');
    if (m.runningLoop()) throw new PyErr('RuntimeError', 'asyncio.run() cannot be called from a running event loop');
    m.getPolicy();
    const loop = m.newLoop();
    loop.fromRun = true;
    const local = m.local();
    local.setCalled = true;
    local.setBy = 'loop';
    local.loop = loop;
    local.loopFrom = 'run';
    local.newSince = [];
    let outcome: { value: unknown } | { error: PyErr };
    try {
      outcome = { value: m.runUntilComplete(loop, this.spawnTask(loop, body)) };
    } catch (e) {
      // A hang or a step outside the model ends the prediction here, with no shutdown.
      if (!(e instanceof PyErr)) throw e;
      outcome = { error: e };
    }
    try {
      m.shutdownRunLoop(loop);
    } finally {
      const l = m.local();
      l.loop = null;
      l.setCalled = true;
      l.setBy = 'asyncio.run';
      l.newSince = [];
      m.close(loop);
      loop.runFinished = true;
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  private callback(body: Stmt[], where: Where): void {
    try {
      this.syncBody(body, where);
    } catch (e) {
      // An exception escaping a callback goes to the loop's exception handler (logged).
      if (!(e instanceof PyErr)) throw e;
    }
  }

  private fork(s: Extract<Stmt, { op: 'fork' }>): null {
    const m = this.m;
    if (m.thread.kind !== 'main') throw new OutOfModel('fork from a thread other than the main thread');
    if (m.threads.some((t) => t.pid === m.pid && t !== m.thread && t.status !== 'done'))
      throw new OutOfModel('fork while another thread is alive');
    const parent = m.thread;
    const parentPid = m.pid;
    const ctx = `fork:${s.id}`;
    this.forkParentHadRunning.set(ctx, m.runningLoop() !== null);
    const child = m.makeThread(parent.name, ctx, true, 'fork', () => {});
    m.pid = 1000 + Number(s.id!.slice(1));
    child.pid = m.pid;
    // The child's thread-local storage is a copy of the forking thread's.
    const policy = m.policy;
    if (policy) {
      const l = policy.locals.get(parent);
      if (l) policy.locals.set(child, { ...l });
    }
    const run = m.running.get(parent);
    if (run) m.running.set(child, run);
    if (this.sw.forkHook) {
      // 3.12's os.register_at_fork(after_in_child=...): fresh policy-local state, no running loop.
      if (policy) policy.locals.delete(child);
      m.running.delete(child);
    }
    const savedThread = m.thread;
    m.thread = child;
    child.status = 'running';
    try {
      this.syncBody(s.body);
    } catch (e) {
      if (!(e instanceof PyErr)) throw e;
    } finally {
      child.status = 'done';
      m.thread = savedThread;
      m.pid = parentPid;
    }
    return null;
  }
}

const sequentialThreads = new WeakSet<MThread>();
